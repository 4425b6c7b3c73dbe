#!/usr/bin/env python3
"""test_indicateurs.py - the territorial diagnostic on the real data: the
real binary and server on a copy of the shared fixture (territories with
contours, every lieux file) with La Mednum's IFN imported.

Checked against computations done here, independently of the C code:
  - the import report (every rejected row with file and line, counts add
    up), totals equal to the mean of the sub-scores at every level;
  - EPCI, département, région and nation aggregates equal a population-
    weighted mean recomputed here from the commune values and the COG;
  - the EPCI aggregates against La Mednum's published EPCI values
    (tests/data/ifn-epci-publie.csv): the agreement is measured and bounded;
  - the distance from communes to the nearest place of each category
    equals a brute-force computation over every place (random sample), and
    the populations beyond 5/10/20 km add up;
  - maps hold one shape per territory with the class of its value;
  - CSV files, the open-data API and its statistical secrecy (no count of
    1..10 inhabitants published, no group where a hidden count could be
    recomputed by difference), the report, the PDF, the CLI's errors.
Prints "check: N passed, M failed"; standard library only.
"""
import csv, io, json, math, os, random, re, sqlite3, sys, tempfile, time

from harness import BIN, DATA, ROOT, Server, check, cli, done, fixture_db, real_data

IFN = os.path.join(DATA, "ifn", "ifn-communes.csv")
EPCI = os.path.join(ROOT, "tests", "data", "ifn-epci-publie.csv")
POP = os.path.join(DATA, "communes", "communes.csv")
AXES = ["no_thd_coverage_rate", "no_4g_coverage_rate", "poverty_rate", "older_65_rate", "nscol15p_rate"]


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1, a)))


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def num(s):
    return None if s in ("", None) else float(s)


def test_import(db):
    r = cli(db, "ifn", "import", IFN, "--populations", POP)
    check(r.returncode == 0, "ifn import exits 0: %s" % r.stderr[-300:])
    m = re.search(r"ifn: lignes=(\d+) gardees=(\d+) rejetees=(\d+) communes=(\d+) regroupees=(\d+)", r.stdout)
    check(m is not None, "ifn import prints its summary line: %r" % r.stdout)
    if not m:
        return
    lignes, gardees, rejetees, communes, regroupees = map(int, m.groups())
    with open(IFN, encoding="utf-8") as f:
        n = sum(1 for _ in f) - 1
    check(lignes == n and gardees + rejetees == lignes, "every row kept or rejected (%d = %d + %d)" % (n, gardees, rejetees))
    rejected = [l for l in r.stderr.splitlines() if "ligne rejetée" in l]
    check(len(rejected) == rejetees and all(re.match(r".*ifn-communes\.csv:\d+: ligne rejetée, code \S+", l) for l in rejected),
          "each rejected row printed with file, line and code (%d)" % len(rejected))
    check(any("13055" in l and "aucun sous-indice" in l for l in rejected), "Marseille's empty row is reported, not imported")
    check(communes > 34800 and regroupees > 50, "%d communes, %d combined from several rows" % (communes, regroupees))
    check("indicateurs:" in r.stderr, "the indicators are recomputed after the import")
    t = re.search(r"lignes en ([\d.]+) s", r.stderr)
    print("recompute after import: %s s" % (t.group(1) if t else "?"))
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM ifn_import_probleme WHERE gravite = 'ligne rejetée'").fetchone()[0]
    check(stored == rejetees, "the rejected rows are stored in the import report")
    # Marseille comes from its 16 arrondissements, weighted by their population
    pop = {}
    with open(POP, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pop.setdefault(row["insee_com"], int(row["population_2021"] or 0))
    with open(IFN, encoding="utf-8") as f:
        arr = [row for row in csv.DictReader(f) if row["code"].startswith("132") and len(row["code"]) == 5]
    w = sum(pop[a["code"]] for a in arr)
    want = sum(float(a["poverty_rate"]) * pop[a["code"]] for a in arr) / w
    got = conn.execute("SELECT pauvrete, pieces FROM ifn_commune WHERE code = '13055'").fetchone()
    check(got and abs(got[0] - want) < 1e-9 and got[1] == 16, "Marseille = weighted mean of its arrondissements (%s vs %.6f)" % (got, want))
    conn.close()


def test_totals_and_aggregates(db):
    conn = sqlite3.connect(db)
    cog = {c: (e, d, r, p or 0) for c, e, d, r, p in conn.execute("SELECT code, epci, departement, region, population FROM commune")}
    out = {}
    for level in ("commune", "epci", "departement", "region", "nation"):
        r = cli(db, "ifn", "export", "--level", level, "--format", "csv")
        check(r.returncode == 0, "ifn export --level %s" % level)
        out[level] = {x["code"]: x for x in rows(r.stdout)}
    first = next(iter(out["epci"].values()))
    check(all(k in first for k in ["code", "total"] + AXES), "the export has code, total and the 5 sub-scores")
    bad = 0
    for level, d in out.items():
        for x in d.values():
            v = [num(x[a]) for a in AXES if x[a] != ""]
            if abs(sum(v) / len(v) - float(x["total"])) > 1e-5:
                bad += 1
    check(bad == 0, "total = mean of the sub-scores present, at every level (%d wrong)" % bad)
    # independent aggregation: population-weighted mean of the communes' values
    acc = {}
    for code, x in out["commune"].items():
        e, d, reg, p = cog[code]
        for key in (("epci", e), ("departement", d), ("region", reg), ("nation", "FR")):
            if not key[1]:
                continue
            a = acc.setdefault(key, [[0.0, 0.0, 0.0, 0] for _ in AXES])
            for i, ax in enumerate(AXES):
                if x[ax] != "":
                    a[i][0] += float(x[ax]) * p
                    a[i][1] += p
                    a[i][2] += float(x[ax])
                    a[i][3] += 1
    worst, compared = 0.0, 0
    for (level, code), a in acc.items():
        got = out[level].get(code)
        if not got:
            worst = 1e9
            continue
        for i, ax in enumerate(AXES):
            want = a[i][0] / a[i][1] if a[i][1] > 0 else a[i][2] / a[i][3] if a[i][3] else None
            if want is not None:
                worst = max(worst, abs(float(got[ax]) - want))
                compared += 1
    check(compared > 5 * 1300 and worst < 1e-5, "aggregates equal the weighted means recomputed here (%d values, max gap %.2g)" % (compared, worst))
    conn.close()
    return out


def test_epci_agreement(db, out):
    r = cli(db, "ifn", "import", EPCI)
    check(r.returncode == 0 and "references=1250" in r.stdout, "La Mednum's EPCI file kept as reference values: %s" % r.stdout.strip())
    rejected = [l for l in r.stderr.splitlines() if "ligne rejetée" in l]
    check(len(rejected) == 4 and all("EPCI inconnu" in l for l in rejected), "4 EPCI codes of another vintage are reported")
    r = cli(db, "ifn", "comparer", "--level", "epci")
    check(r.returncode == 0, "ifn comparer")
    print(r.stdout.strip())
    stats = dict(re.findall(r"(\w+)=([\d.]+)", r.stdout))
    share = re.search(r"part_ecart_total<=0.05: ([\d.]+)", r.stdout)
    check(stats.get("compares") == "1250", "1,250 EPCI compared")
    check(float(stats.get("mediane", 9)) < 0.01 and share and float(share.group(1)) >= 0.97,
          "EPCI totals agree with the published values: median gap %s, %s within 0.05" % (stats.get("mediane"), share and share.group(1)))
    # the same measure here, from the exported aggregates
    pub = {x["code"]: float(x["total"]) for x in csv.DictReader(open(EPCI, encoding="utf-8"))}
    gaps = sorted(abs(float(out["epci"][c]["total"]) - t) for c, t in pub.items() if c in out["epci"])
    check(len(gaps) == 1250 and abs(gaps[len(gaps) // 2 - 1] - float(stats.get("mediane", 0))) < 1e-3,
          "the comparison is reproduced here (median %.4f)" % gaps[len(gaps) // 2])


def places(db):
    conn = sqlite3.connect(db)
    ps = [(pid, lat, lon, set((s or "").split("|")), set((p or "").split("|")))
          for pid, lat, lon, s, p in conn.execute("SELECT pid, lat, lon, services, dispositif_programmes_nationaux "
                                                 "FROM lieu WHERE prive = 0 AND lat IS NOT NULL")]
    conn.close()
    return ps


CATS = {"tous": None, "demarches": ("s", "Aide aux démarches administratives"),
        "outils": ("s", "Maîtrise des outils numériques du quotidien"),
        "acces": ("s", "Accès internet et matériel informatique"),
        "materiel": ("s", "Acquisition de matériel informatique à prix solidaire"),
        "conseillers-numeriques": ("p", "Conseillers numériques"), "france-services": ("p", "France Services"),
        "aidants-connect": ("p", "Aidants Connect")}


def test_distances(db):
    ps = places(db)
    conn = sqlite3.connect(db)
    communes = conn.execute("SELECT code, lat, lon FROM commune WHERE lat IS NOT NULL ORDER BY code").fetchall()
    rnd = random.Random(6)
    sample = rnd.sample(communes, 150) + [c for c in communes if c[0] in ("97353", "2B049", "29155", "97411")]
    bad, n = [], 0
    for code, lat, lon in sample:
        for cat, sel in CATS.items():
            cand = [p for p in ps if sel is None or sel[1] in (p[3] if sel[0] == "s" else p[4])]
            if not cand:
                continue
            best = min(cand, key=lambda p: (haversine(lat, lon, p[1], p[2]), p[0]))
            km = haversine(lat, lon, best[1], best[2])
            got = conn.execute("SELECT km_moyen, lieu FROM couverture_territoire WHERE niveau = 'commune' AND code = ? "
                               "AND categorie = ?", (code, cat)).fetchone()
            n += 1
            if not got or abs(got[0] - km) > 1e-6 or (got[1] != best[0] and abs(haversine(lat, lon, *[p for p in ps if p[0] == got[1]][0][1:3]) - km) > 1e-9):
                bad.append((code, cat, got, km, best[0]))
    check(n > 900 and not bad, "distance to the nearest place = brute force, %d (commune, category) pairs: %s" % (n, bad[:3]))
    # populations beyond 5/10/20 km add up from the communes' own distances
    per = {c: (d, r, p or 0) for c, d, r, p in conn.execute("SELECT code, departement, region, population FROM commune")}
    tot = {}
    for code, km in conn.execute("SELECT code, km_moyen FROM couverture_territoire WHERE niveau = 'commune' AND categorie = 'tous'"):
        d, r, p = per[code]
        for key in (("departement", d), ("nation", "FR")):
            t = tot.setdefault(key, [0, 0, 0])
            if km is not None:
                t[0] += p if km > 5 else 0
                t[1] += p if km > 10 else 0
                t[2] += p if km > 20 else 0
    wrong = 0
    for (level, code), t in tot.items():
        got = conn.execute("SELECT pop_5, pop_10, pop_20 FROM couverture_territoire WHERE niveau = ? AND code = ? "
                           "AND categorie = 'tous'", (level, code)).fetchone()
        wrong += tuple(got) != tuple(t)
    check(wrong == 0, "population beyond 5/10/20 km of every département and of France adds up (%d wrong)" % wrong)
    conn.close()


def ifn_class(v):
    return 0 if v is None else 1 if v < 4 else 2 if v < 5 else 3 if v < 6 else 4 if v < 7 else 5


def km_class(v):
    return 0 if v is None else 1 if v < 2 else 2 if v < 5 else 3 if v < 10 else 4 if v < 20 else 5


def shapes(html):
    """(href, class) of each linked shape of the first svgmap."""
    m = re.search(r'<svg[^>]*class="svgmap".*?</svg>', html, re.S)
    if not m:
        return []
    return re.findall(r'<a href="([^"]+)"><path class="([^"]+)"', m.group(0))


def test_pages(srv, db):
    conn = sqlite3.connect(db)
    ifn = {(n, c): t for n, c, t in conn.execute("SELECT niveau, code, total FROM ifn_territoire WHERE variante = 'publie'")}
    km = {(n, c): k for n, c, k in conn.execute("SELECT niveau, code, km_moyen FROM couverture_territoire WHERE categorie = 'tous'")}
    c = srv.client()
    pages = ["/tableau", "/tableau/region/93", "/tableau/departement/13", "/tableau/departement/04",
             "/tableau/epci/200054807", "/tableau/commune/13001", "/tableau/commune/04120", "/tableau/region/94"]
    for p in pages:
        r = c.get(p)
        check(r.status == 200 and r.header("Content-Type").startswith("text/html") and len(r.body) < 40000,
              "%s: 200, HTML, %d bytes < 40 KB" % (p, len(r.body)))
        check('lang="fr"' in r.text and "<h1>Diagnostic numérique" in r.text and "Chiffres clés" in r.text,
              "%s: French dashboard with its key figures" % p)
    # one shape per territory, with the class of its value
    cases = [("/tableau", "departement", None), ("/tableau/departement/13", "epci", "13"),
             ("/tableau/epci/200054807", "commune", None), ("/tableau/region/84?carte=distance", "departement", None)]
    for url, level, _ in cases:
        html = c.get(url).text
        sh = shapes(html)
        expected = None
        if url == "/tableau":
            expected = conn.execute("SELECT count(*) FROM departement d JOIN contour k ON k.niveau = 'departement' "
                                    "AND k.code = d.code WHERE d.zone != 'com'").fetchone()[0]
        elif level == "epci":
            expected = conn.execute("SELECT count(*) FROM territoire_indicateur WHERE niveau = 'epci' AND parent = '13'").fetchone()[0]
        elif level == "commune":
            expected = conn.execute("SELECT count(*) FROM commune c JOIN contour k ON k.niveau = 'commune' AND k.code = c.code "
                                    "WHERE c.epci = '200054807'").fetchone()[0]
        else:
            expected = conn.execute("SELECT count(*) FROM departement WHERE region = '84'").fetchone()[0]
        codes = [h.rsplit("/", 1)[1] for h, _ in sh]
        check(len(sh) == expected and len(set(codes)) == len(codes),
              "%s: one shape per %s (%d shapes, %d expected)" % (url, level, len(sh), expected))
        wrong = []
        for href, cls in sh:
            n, code = href.split("/")[2:4]
            k = cls.split()[0]
            want = ("d%d" % km_class(km.get((n, code)))) if "distance" in url else ("f%d" % ifn_class(ifn.get((n, code))))
            if k != want:
                wrong.append((code, k, want))
        check(not wrong, "%s: every shape has the class of its value (%s)" % (url, wrong[:3]))
    # the commune-level SVG of a département
    r = c.get("/tableau/departement/04/carte-communes-ifn.svg")
    n04 = conn.execute("SELECT count(*) FROM commune c JOIN contour k ON k.niveau = 'commune' AND k.code = c.code "
                       "WHERE c.departement = '04'").fetchone()[0]
    sh = re.findall(r'<a href="/tableau/commune/(\w+)"><path class="(\w+)"', r.text)
    check(r.status == 200 and r.header("Content-Type").startswith("image/svg+xml") and len(sh) == n04 and
          all(k == "f%d" % ifn_class(ifn.get(("commune", code))) for code, k in sh),
          "communes SVG of a département: %d shapes with the right class (%d)" % (len(sh), n04))
    check(r.text.startswith("<?xml") and "xml-stylesheet" in r.text, "the standalone SVG carries its stylesheet")
    # charts and text alternatives
    html = c.get("/tableau/departement/13").text
    check(html.count('class="graphe" role="img"') >= 3 and "<desc" in html, "bar charts and histograms as accessible SVG")
    check("Voir les chiffres de la carte sous forme de tableau" in html and '<ul class="legende">' in html,
          "the map has a legend and a table")
    check("Territoires comparables" in html and "les 10 départements dont la taille" in html, "similar territories are defined on the page")
    html = c.get("/tableau/departement/04").text
    for name in ("chiffres-cles", "carte", "fragilite", "histogramme-ifn", "acces", "histogramme-distance", "prioritaires", "comparables"):
        check('href="/tableau/departement/04/%s.csv"' % name in html, "the page links to %s.csv" % name)
        r = c.get("/tableau/departement/04/%s.csv" % name)
        check(r.status == 200 and r.header("Content-Type").startswith("text/csv") and "attachment" in (r.header("Content-Disposition") or "")
              and len(rows(r.text)) >= 1, "%s.csv: 200, CSV, attachment" % name)
    # priority communes: CSV = API = count on the page
    r = c.get("/tableau/nation/FR/prioritaires.csv")
    prio = rows(r.text)
    api = c.get("/api/v1/communes-prioritaires?limite=500&page=1").json()
    check(len(prio) == api["total"] and prio[0]["code"] == api["communes"][0]["code"], "priority communes: CSV (%d) = API" % len(prio))
    scores = [float(x["ifn_total"]) * float(x["km_lieu_le_plus_proche"]) for x in prio]
    check(all(float(x["ifn_total"]) >= 7 and float(x["km_lieu_le_plus_proche"]) >= 10 for x in prio) and
          all(a >= b - 0.01 for a, b in zip(scores, scores[1:])),
          "priority communes have IFN >= 7, help >= 10 km, ranked by score")
    # errors
    for p, st in (("/tableau/departement/999", 404), ("/tableau/pays/FR", 404), ("/tableau/departement/13?carte=x", 400),
                  ("/tableau/departement/13/x.csv", 404), ("/tableau/commune/01340", 303), ("/api/v1/indicateurs?niveau=x", 400),
                  ("/api/v1/indicateurs/departement/999", 404), ("/api/v1/communes-prioritaires?limite=9999", 400)):
        check(c.get(p).status == st, "%s -> %d" % (p, st))
    conn.close()


def test_report(srv):
    c = srv.client()
    r = c.get("/tableau/departement/04/rapport")
    check(r.status == 200 and "Pour préparer la feuille de route" in r.text and r.text.count('class="svgmap"') == 3,
          "report: the three maps and the roadmap figures")
    check("module de gouvernance" in r.text and 'href="/feuille' not in r.text, "report says roadmaps come with governance (no stub link)")
    if os.access("/usr/bin/chromium", os.X_OK):
        t = time.time()
        r = c.get("/tableau/departement/04/rapport.pdf")
        dt = time.time() - t
        check(r.status == 200 and r.body[:5] == b"%PDF-" and r.header("Content-Type") == "application/pdf",
              "report as PDF (%d bytes, %.1f s)" % (len(r.body), dt))
        t = time.time()
        r2 = c.get("/tableau/departement/04/rapport.pdf")
        check(r2.body == r.body and time.time() - t < 1, "the PDF is served from the cache the second time")
    else:
        print("skip: no /usr/bin/chromium for the PDF")


def test_open_data(srv, db):
    c = srv.client()
    r = c.get("/api/v1/indicateurs?niveau=commune&format=csv")
    check(r.status == 200 and r.header("Content-Type").startswith("text/csv"), "open data of every commune as CSV")
    communes = rows(r.text)
    cliout = cli(db, "indicateurs", "export", "--level", "commune", "--format", "csv").stdout
    check(cliout == r.text.replace("\r\n", "\n"), "the CLI export equals the API's (text mode reads CRLF as LF)")
    allrows = {"commune": communes}
    for lv in ("epci", "departement", "region", "nation"):
        allrows[lv] = rows(c.get("/api/v1/indicateurs?niveau=%s&format=csv" % lv).text)
    j = c.get("/api/v1/indicateurs?niveau=departement").json()
    check(j["secret_statistique"]["seuil"] == 11 and len(j["territoires"]) == len(allrows["departement"]), "JSON open data of départements")
    cols = ["habitants_plus_5km", "habitants_plus_10km", "habitants_plus_20km"]
    small = sum(1 for lv in allrows.values() for x in lv for k in cols if x[k] != "" and 0 < int(x[k]) < 11)
    check(small == 0, "no count of 1 to 10 inhabitants is published")
    hidden = sum(1 for x in communes for k in cols if x[k] == "")
    check(hidden > 0 and all(x["secret"] for x in communes if any(x[k] == "" for k in cols)), "hidden cells are named in the secret column (%d)" % hidden)
    # the real values, to verify that no hidden value can be recomputed by difference
    conn = sqlite3.connect(db)
    real = {(n, c_): (a, b, d) for n, c_, a, b, d in conn.execute("SELECT niveau, code, pop_5, pop_10, pop_20 FROM couverture_territoire WHERE categorie = 'tous'")}
    parents = {}
    for code, dep, reg, epci in conn.execute("SELECT code, departement, region, epci FROM commune"):
        parents.setdefault(("departement", dep), []).append(("commune", code))
        if epci:
            parents.setdefault(("epci", epci), []).append(("commune", code))
    for code, reg in conn.execute("SELECT code, region FROM departement"):
        parents.setdefault(("region", reg), []).append(("departement", code))
    for (code,) in conn.execute("SELECT code FROM region"):
        parents.setdefault(("nation", "FR"), []).append(("region", code))
    published = {(lv, x["code"]): x for lv, xs in allrows.items() for x in xs}
    leaks = 0
    for i, k in enumerate(cols):
        for parent, kids in parents.items():
            if parent not in published:
                continue
            hid = [kid for kid in kids if kid in published and published[kid][k] == ""]
            ph = published[parent][k] == ""
            if len(hid) + ph == 1:
                leaks += 1
            if not ph and len(hid) >= 2 and sum(real[h][i] for h in hid) < 11:
                leaks += 1
    check(leaks == 0, "secondary suppression: no hidden count recomputable from its group (%d leaks)" % leaks)
    # one territory in detail
    d = c.get("/api/v1/indicateurs/departement/04").json()
    check(d["code"] == "04" and d["ifn"]["total"] and any(x["categorie"] == "france-services" for x in d["categories"])
          and len(d["comparables"]) == 10, "API detail of a département: IFN, categories, 10 similar territories")
    conn.close()


def test_calcul_arcep(db):
    """The THD part computed for real from ARCEP's FttH files, classed by département."""
    arcep = os.path.join(DATA, "arcep")
    if not os.path.isdir(arcep):
        print("skip: no ../shared/data/arcep")
        return
    out = os.path.join(os.path.dirname(db), "thd.csv")
    r = cli(db, "ifn", "arcep", os.path.join(arcep, "communes.csv"), os.path.join(arcep, "ftthCommunes.csv"), "-o", out)
    vals = rows(open(out, encoding="utf-8").read()) if r.returncode == 0 else []
    check(len(vals) > 35000 and all(0 <= float(x["taux_non_couverture_thd"]) <= 100 for x in vals),
          "ifn arcep: raw THD non-coverage for %d communes, 0..100 %%" % len(vals))
    r = cli(db, "ifn", "calcul", out, "--reference", "departement", "--variante", "thd-arcep", "--sans-recalcul")
    check(r.returncode == 0 and "communes=" in r.stdout, "ifn calcul against the département: %s" % r.stdout.strip())
    conn = sqlite3.connect(db)
    n, lo, hi, other = conn.execute("SELECT count(*), min(thd), max(thd), count(mobile) FROM ifn_commune WHERE variante = 'thd-arcep'").fetchone()
    check(n > 34800 and lo == 1 and hi == 10 and other == 0, "classes 1..10 on THD only (%d communes, %s..%s)" % (n, lo, hi))
    # within each département the classes follow the raw rates (ties share a class)
    raw = {x["code"]: float(x["taux_non_couverture_thd"]) for x in vals}
    by_dep = {}
    for code, dep, cls in conn.execute("SELECT i.code, c.departement, i.thd FROM ifn_commune i JOIN commune c ON "
                                       "c.code = i.code WHERE i.variante = 'thd-arcep' AND i.pieces = 1"):
        if code in raw:
            by_dep.setdefault(dep, []).append((raw[code], cls))
    bad = 0
    for dep, l in by_dep.items():
        l.sort()
        bad += sum(1 for (r1, c1), (r2, c2) in zip(l, l[1:]) if c2 < c1 or (r1 == r2 and c1 != c2))
    check(len(by_dep) > 90 and bad == 0, "classes follow the raw rates within each of %d départements (%d inversions)" % (len(by_dep), bad))
    active = conn.execute("SELECT value FROM meta WHERE key = 'ifn.variante'").fetchone()[0]
    check(active == "publie", "a computed variant does not replace the active one unless --activer")
    conn.close()


def test_cli_errors(db):
    r = cli(db, "ifn", "import", "/nonexistent.csv", ok=False)
    check(r.returncode == 1 and "/nonexistent.csv" in r.stderr, "import of a missing file: exit 1 with the path")
    bad = os.path.join(os.path.dirname(db), "bad.csv")
    with open(bad, "w") as f:
        f.write("nom,valeur\nx,1\n")
    r = cli(db, "ifn", "import", bad, ok=False)
    check(r.returncode == 1 and "no code column" in r.stderr, "a file without a code column is refused: %s" % r.stderr.strip())
    check(cli(db, "ifn", "export", ok=False).returncode == 2, "ifn export without --level: usage, exit 2")
    check(cli(db, "ifn", "frobnicate", ok=False).returncode == 2, "unknown action: exit 2")
    check(cli(db, "indicateurs", "export", "--level", "x", ok=False).returncode == 2, "indicateurs export --level x: exit 2")
    h = cli(db, "--help").stdout
    check("ifn import FILE" in h and "ifn export --level commune|epci|departement|region" in h and
          "indicateurs recalculer" in h, "passerelle --help documents ifn and indicateurs")
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    check("passerelle [--db PATH] ifn import FILE" in readme and "indicateurs recalculer" in readme,
          "README's command line lists ifn and indicateurs")


def main():
    if not real_data() or not os.path.exists(IFN):
        print("skip: test_indicateurs needs ../shared/data (lieux and ifn)")
        return done()
    tmp = tempfile.mkdtemp(prefix="passerelle-indic-")
    db = fixture_db(os.path.join(tmp, "t.db"))
    test_import(db)
    out = test_totals_and_aggregates(db)
    test_epci_agreement(db, out)
    test_distances(db)
    srv = Server(db)
    try:
        test_pages(srv, db)
        test_report(srv)
        test_open_data(srv, db)
    finally:
        log = srv.stop()
    check("AddressSanitizer" not in log and "runtime error" not in log, "server log clean")
    test_calcul_arcep(db)
    test_cli_errors(db)
    return done()


if __name__ == "__main__":
    sys.exit(main())
