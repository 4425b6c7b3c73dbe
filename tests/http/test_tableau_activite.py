#!/usr/bin/env python3
"""test_tableau_activite.py - the dashboards' section "Activité et
compétences": data entered once (activity records through the médiateur's
form, diagnostics through the public test) shows on the territorial
dashboards of the commune, its EPCI, its département and France, with
nothing re-entered.

Checked, on the real server and the real fixture:
  - the counts on the page and in activite.csv equal what was recorded
    (counted here from the form posts) and the professionals' statistics
    API for the same scope and period;
  - the 12-month window: a record of 13 months ago is left out;
  - secrecy on these public pages: no count of people from 1 to 10 is
    shown, nor a rate made from one; the autonomy distribution gets its
    secondary suppression (no hidden cell recoverable by subtraction);
  - per 1,000 inhabitants uses the indicators' population;
  - diagnostics: the count and autonomy steps equal the diagnostic
    statistics API; below 10 diagnostics nothing but that fact is shown;
  - the printed report carries the section and the PDF cache key follows
    the figures (a new record changes the report).
Prints "check: N passed, M failed"; standard library only.
"""
import csv, io, json, os, re, sys, tempfile, urllib.parse

from harness import (TEST_PASSWORD, Server, check, cli, done, fixture_db, make_account,
                     make_structure)

from test_diagnostic import BANK, Q, answer, run_session  # the diagnostic's own helpers

SEUIL = 11


def unescape(s):
    return (s.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"')
            .replace("\u00a0", " ").replace("&nbsp;", " "))


def section(html, sid):
    m = re.search(r'<section aria-labelledby="t-%s" id="%s">(.*?)</section>' % (sid, sid), html, re.S)
    return unescape(m.group(1)) if m else ""


def table_rows(html, caption):
    """{row header: [cells]} of the table with that caption."""
    m = re.search(r"<caption>%s</caption>(.*?)</table>" % re.escape(caption), html, re.S)
    out = {}
    if not m:
        return out
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        th = re.search(r'<th scope="row">(.*?)</th>', tr, re.S)
        if th:
            out[re.sub("<[^>]+>", "", th.group(1))] = [re.sub("<[^>]+>", "", x) for x in re.findall(r"<td>(.*?)</td>", tr, re.S)]
    return out


def place_in(db, commune):
    import sqlite3
    c = sqlite3.connect(db)
    r = c.execute("SELECT l.pid, s.source_name, s.source_id, l.commune_code FROM lieu l JOIN lieu_membre m ON m.lieu_id = l.pid "
                  "JOIN lieu_source s ON s.rowid = m.source_rowid WHERE l.commune_code = ? AND l.prive = 0 "
                  "ORDER BY l.pid LIMIT 1", (commune,)).fetchone()
    c.close()
    return r


def record(c, structure, pid, date, themes, autonomie=None):
    f = {"type": "individuel", "date": date, "duree": "30", "lieu": "pid:%d" % pid, "structure": structure}
    fields = list(f.items()) + [("thematique", t) for t in themes]
    if autonomie:
        fields.append(("autonomie", autonomie))
    r = c.post_form("/activites/nouvelle", fields, csrf_from="/activites/nouvelle")
    return r.status == 303


def diagnostics(srv, n, commune):
    """n finished diagnostics of people of `commune`: one through the
    pages, then the same answers sent as offline submissions."""
    c = srv.client()
    token = re.search(r'data-csrf="([^"]*)"', c.get("/diagnostic").text).group(1)
    loc, asked = run_session(c, 2, ou=None)
    reps = [{"question": qid, "options": [o for o in answer(Q[qid], 2) if o != "nsp"]} for qid in asked]
    ok = 0
    for i in range(n):
        body = {"version": str(BANK["version"]), "langue": "fr", "revision": 1, "termine": True, "commune": commune,
                "reponses": reps}
        r = c.request("PUT", "/api/v1/diagnostic/sessions/tableau-%03d-%s" % (i, "x" * 24), json.dumps(body),
                      {"Content-Type": "application/json", "X-CSRF-Token": token})
        ok += r.status == 201
        if r.status not in (200, 201):
            print("PUT", r.status, r.text[:300])
    return ok


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


def main():
    tmp = tempfile.mkdtemp(prefix="tableau-act-")
    db = fixture_db(os.path.join(tmp, "t.db"))
    key = os.path.join(tmp, "cle")
    cli(db, "accompagnement", "cle", key)
    r = cli(db, "indicateurs", "recalculer")
    check(r.returncode == 0, "indicators computed: %s" % r.stderr[-200:])
    s1 = make_structure(db, "Espace numérique Marseille", "13055", "contact@espace-marseille.fr")
    s2 = make_structure(db, "Médiathèque de Foix", "09122", "mediatheque@foix.fr")
    # Foix on the real data; Mende in the demo places (no ../shared/data)
    p1, p2 = place_in(db, "13055"), place_in(db, "09122") or place_in(db, "48095")
    cli(db, "structures", "lier", str(s1), "%s:%s" % p1[1:3])
    cli(db, "structures", "lier", str(s2), "%s:%s" % p2[1:3])
    make_account(db, "med1@example.fr", "mediateur:structure:%d" % s1)
    make_account(db, "med2@example.fr", "mediateur:structure:%d" % s2)
    make_account(db, "dep13@example.fr", "coordinateur:departement:13")
    srv = Server(db, env={"PASSERELLE_CLE": key})
    try:
        run(srv, db, s1, s2, p1, p2)
    finally:
        log = srv.stop()
    check("AddressSanitizer" not in log and "database error" not in log, "the server ran cleanly")
    sys.exit(done())


def run(srv, db, s1, s2, p1, p2):
    # An empty server says so, the section is there with its files.
    page = srv.client().get("/tableau/commune/13055")
    s = section(page.text, "activite")
    check(page.status == 200 and "Aucun compte rendu d'activité" in s, "no record yet: the section says so")
    check('href="/tableau/commune/13055/activite.csv"' in page.text and "diagnostics.csv" in page.text,
          "the section links its CSV files")
    check('href="#activite"' in page.text, "the summary lists the section")

    # ---- records: 12 accompaniments in Marseille, 1 in Foix, 1 too old ----
    m1 = srv.client()
    check(m1.login("med1@example.fr", TEST_PASSWORD), "med1 signs in")
    plan = [(["email"], "autonome")] * 8 + [(["email", "sante"], "partiellement_autonome")] * 3 + \
           [(["email"], "entierement_accompagne")]
    ok = sum(record(m1, s1, p1[0], "2026-11-%02d" % (10 + i % 10), th, au) for i, (th, au) in enumerate(plan))
    check(ok == 12, "12 accompaniments recorded in Marseille (%d)" % ok)
    check(record(m1, s1, p1[0], "2025-10-20", ["sante"], "autonome"), "one of 13 months ago recorded")
    m2 = srv.client()
    m2.login("med2@example.fr", TEST_PASSWORD)
    check(record(m2, s2, p2[0], "2026-11-02", ["email"], "autonome"), "one accompaniment in Foix")

    # ---- the commune's dashboard ----
    page = srv.client().get("/tableau/commune/13055")
    s = section(page.text, "activite")
    check("du 25 novembre 2025 au 24 novembre 2026" in s, "the 12 months ending today are named")
    rows = table_rows(s, "Accompagnements des 12 derniers mois")
    heads = re.findall(r'<th scope="col">(.*?)</th>', re.search(r"<caption>Accompagnements des 12 derniers mois</caption>(.*?)</thead>", s, re.S).group(1))
    check(heads[1:] == ["Marseille", "Métropole d'Aix-Marseille-Provence", "France"],
          "compared with its EPCI and France (%r)" % heads)
    check(rows.get("Activités enregistrées") == ["12", "12", "13"], "activities: 12, 12, 13 (the old one left out): %r" % rows.get("Activités enregistrées"))
    check(rows.get("Personnes accompagnées") == ["12", "12", "13"], "people: 12, 12, 13")
    pop = srv.client().get("/api/v1/indicateurs/commune/13055").json()
    pop = pop.get("population") or pop.get("territoire", {}).get("population")
    rate = 12 * 1000 / pop
    want = (("%.2f" if rate < 10 else "%.1f") % rate).replace(".", ",")
    check(rows.get("Pour 1 000 habitants", [""])[0] == want, "per 1,000 inhabitants from the population %s: %s vs %r" % (pop, want, rows.get("Pour 1 000 habitants")))
    check("E-mail" in s and "moins de 11" in s, "themes drawn; the 3 'santé' shown as fewer than 11")
    au = table_rows(s, "Autonomie atteinte à la fin des accompagnements individuels")
    check(au.get("Autonome") == ["moins de 11"] and au.get("Avec guidage") == ["moins de 11"],
          "autonomy 8/3/1 of 12: every cell hidden (primary, then secondary so none is recoverable): %r" % au)

    # ---- the CSV against the professionals' statistics (the coordinator's) ----
    coord = srv.client()
    coord.login("dep13@example.fr", TEST_PASSWORD)
    st = coord.get("/api/v1/statistiques?" + urllib.parse.urlencode(
        {"portee": "commune", "code": "13055", "du": "2025-11-25", "au": "2026-11-24"})).json()
    themes = {x["code"]: x["nombre"] for x in st["repartitions"]["thematique"]}
    autos = {x["code"]: x["nombre"] for x in st["repartitions"]["autonomie"]}
    check(st["totaux"]["activites"] == 12 and themes.get("email") == 12 and themes.get("sante") == 3,
          "the statistics API: 12 activities, email 12, santé 3 (%s, %s)" % (st["totaux"]["activites"], themes))
    r = srv.client().get("/tableau/commune/13055/activite.csv")
    rs = csv_rows(r.text)
    check(r.status == 200 and rs[0][:4] == ["mesure", "code", "libelle", "Marseille"] and rs[0][-2:] == ["du", "au"],
          "activite.csv has a header naming the territories")
    by = {(x[0], x[1]): x for x in rs[1:]}
    check(by[("theme", "email")][3] == "12" and by[("theme", "sante")][3] == "", "CSV: email 12, santé hidden")
    shown_equal = all(by[("theme", c)][3] in ("", str(n)) for c, n in themes.items())
    hidden_small = all(by[("theme", c)][3] == "" for c, n in themes.items() if 0 < n < SEUIL)
    check(shown_equal and hidden_small, "CSV themes: every shown count equals the API, every 1..10 is hidden")
    check(all(by[("autonomie", c)][3] == "" for c in autos), "CSV autonomy: hidden as on the page")
    check(by[("activites", "")][3:6] == ["12", "12", "13"] and by[("activites", "")][-2:] == ["2025-11-25", "2026-11-24"],
          "CSV: activities and the period")
    # The similar territories' median rate, recomputed here from each one's
    # statistics (command line) and population (comparables.csv).
    comp = csv.DictReader(io.StringIO(srv.client().get("/tableau/commune/13055/comparables.csv").text))
    rates = []
    for row in comp:
        out = cli(db, "accompagnement", "stats", "--portee", "commune", "--code", row["code"], "--du", "2025-11-25",
                  "--au", "2026-11-24", "--format", "json").stdout
        n = json.loads(out)["totaux"]["accompagnements"]
        if not (0 < n < SEUIL) and int(row["population"]) > 0:
            rates.append(n * 1000 / int(row["population"]))
    rates.sort()
    med = None if not rates else (rates[len(rates) // 2] if len(rates) % 2 else (rates[len(rates) // 2 - 1] + rates[len(rates) // 2]) / 2)
    shown = (("%.2f" if med < 10 else "%.1f") % med).replace(".", ",") if med is not None else None
    check(med is not None and ("Territoires comparables (médiane) : %s personnes" % shown) in s,
          "the similar territories' median per 1,000 (%d territories): %s" % (len(rates), shown))
    check(by[("pour_1000_habitants_comparables", "")][3] == "%.3f" % med, "CSV: the same median")
    # Foix: one person only, not shown; the rate neither.
    page = srv.client().get("/tableau/commune/" + p2[3])
    rows = table_rows(section(page.text, "activite"), "Accompagnements des 12 derniers mois")
    check(rows.get("Activités enregistrées", [""])[0] == "1" and rows.get("Personnes accompagnées", [""])[0] == "moins de 11"
          and rows.get("Pour 1 000 habitants", [""])[0] == "non publié",
          "Foix: 1 activity, the one person and the rate not published (%r)" % rows)
    # The département and France see the same records (entered once).
    page = srv.client().get("/tableau/departement/13")
    rows = table_rows(section(page.text, "activite"), "Accompagnements des 12 derniers mois")
    check(rows.get("Activités enregistrées") == ["12", "12", "13"], "Bouches-du-Rhône, Provence-Alpes-Côte d'Azur, France: %r" % rows.get("Activités enregistrées"))
    page = srv.client().get("/tableau")
    rows = table_rows(section(page.text, "activite"), "Accompagnements des 12 derniers mois")
    check(rows.get("Activités enregistrées") == ["13"], "France alone on the nation's page: %r" % rows)

    # ---- diagnostics ----
    s = section(srv.client().get("/tableau/commune/13055").text, "activite")
    check("Aucun diagnostic terminé" in s, "no diagnostic yet")
    check(diagnostics(srv, 4, "Marseille") == 4, "4 diagnostics of people of Marseille")
    s = section(srv.client().get("/tableau/commune/13055").text, "activite")
    check("Moins de 10 diagnostics" in s and "Étape" not in s, "4 diagnostics: only that fact is shown")
    r = srv.client().get("/tableau/commune/13055/diagnostics.csv")
    check(csv_rows(r.text)[1][:3] == ["diagnostics", "", ""] and len(csv_rows(r.text)) == 2, "CSV: the count hidden, no detail")
    check(diagnostics(srv, 14, "Marseille") == 10, "10 more (14 keys, the first 4 already sent)")
    api = srv.client().get("/api/v1/diagnostic/statistiques?niveau=commune&code=13055").json()
    s = section(srv.client().get("/tableau/commune/13055").text, "activite")
    check(("%d diagnostics terminés" % api["diagnostics"]) in s, "the count equals the diagnostics' API (%s)" % api["diagnostics"])
    steps = table_rows(s, "Résultat des diagnostics : étape d'autonomie")
    shown = [v[0] for v in steps.values()]
    want = [("moins de 10" if v is None else str(v)) for k, v in sorted(api["autonomie"].items())]
    check(len(steps) == 4 and shown == want, "autonomy steps equal the API: %r vs %r" % (shown, want))
    levels = table_rows(s, "Niveau atteint par domaine de compétences")
    dom = api["domaines"]
    want = [[("moins de 10" if v is None else str(v)) for _, v in sorted(dom[d].items())] for d in dom]
    check(len(levels) == len(dom) and list(levels.values()) == want,
          "levels per domain equal the API (%d domains)" % len(levels))
    rs = csv_rows(srv.client().get("/tableau/commune/13055/diagnostics.csv").text)
    check(rs[1][:3] == ["diagnostics", "", str(api["diagnostics"])], "CSV: the count (%r)" % rs[1])
    lv = {x[1]: x[2] for x in rs if x[0] == "niveau_domaine"}
    check(all(lv.get("%s/%s" % (d, k)) == ("" if v is None else str(v)) for d in dom for k, v in dom[d].items()),
          "CSV: every level per domain as the API (hidden ones empty)")
    check('href="/diagnostic/statistiques?niveau=commune&amp;code=13055"' in srv.client().get("/tableau/commune/13055").text,
          "a link to the full diagnostic statistics of the commune")

    # ---- the report ----
    rep = srv.client().get("/tableau/commune/13055/rapport")
    check(rep.status == 200 and 'id="activite"' in rep.text and "Activité et compétences" in rep.text,
          "the printable report has the section")
    before = section(rep.text, "activite")
    record(m1, s1, p1[0], "2026-11-24", ["email"], "autonome")
    after = section(srv.client().get("/tableau/commune/13055/rapport").text, "activite")
    check(before != after and "13" in table_rows(after, "Accompagnements des 12 derniers mois").get("Activités enregistrées", []),
          "a new record shows at once on the report")


if __name__ == "__main__":
    main()
