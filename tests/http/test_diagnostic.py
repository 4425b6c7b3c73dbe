#!/usr/bin/env python3
"""test_diagnostic.py - the diagnostic as its users see it: the real binary,
a copy of the database loaded with the real open data (harness.fixture_db),
the real HTTP server.

Covers: the CLI contract (verifier / publier / activer / versions / stats /
export: output lines, exit statuses, every problem of a broken bank with
file, question, field and rule); the self-diagnostic over HTTP from the
start to the result with real nearby places, and the referral sheet in the
mail outbox (`comptes mails`); security headers, gzip of static files, the
service worker's scope header; the offline submission's idempotence under
concurrent duplicates; the authorization of the professional mode, of the
banks page and of the export with real signed-in accounts; statistics with
small counts hidden; hostile requests (no 500, the server stays up).
Prints "check: N passed, M failed"; standard library only.
"""
import gzip, json, os, re, sqlite3, sys, tempfile, threading, time, urllib.parse

from harness import (TEST_PASSWORD, ROOT, Server, check, cli, done, fixture_db, make_account,
                     make_structure, raw_request)

BANK = json.load(open(os.path.join(ROOT, "data", "diagnostic", "questions-v1.json")))
Q = {q["id"]: q for q in BANK["questions"]}


def q1(db, sql, args=()):
    c = sqlite3.connect(db)
    r = c.execute(sql, args).fetchone()
    c.close()
    return r


def token_of(text):
    m = re.search(r'name="csrf" value="([^"]*)"', text)
    return m.group(1) if m else ""


def answer(q, level, profile=None):
    if q["type"] == "profil":
        return (profile or {}).get(q["id"], [q["options"][0]["id"]])
    if q["niveau"] <= level:
        return [next(o["id"] for o in q["options"] if o.get("bonne"))]
    return ["nsp"]


def run_session(c, level, lang="fr", ou="Marseille", start="/diagnostic"):
    """A whole diagnostic without JavaScript; returns (session path, questions)."""
    r = c.get(start + "?langue=" + lang)
    r = c.post_form(start, {"langue": lang}, csrf_from=token_of(r.text))
    loc = r.header("Location") or ""
    if r.status != 303 or not loc.startswith("/diagnostic/s/"):
        return None, []
    asked = []
    for _ in range(30):
        page = c.get(loc)
        m = re.search(r'name="q" value="([^"]*)"', page.text)
        if page.status != 200 or not m:
            break
        q = Q[m.group(1)]
        asked.append(q["id"])
        fields = [("q", q["id"])] + [("o", o) for o in answer(q, level)]
        c.post_form(loc, fields, csrf_from=token_of(page.text))
    if ou is not None:
        page = c.get(loc)
        c.post_form(loc, {"action": "terminer", "ou": ou}, csrf_from=token_of(page.text))
    return loc, asked


def test_cli(db):
    r = cli(db, "diagnostic", "verifier", "data/diagnostic/questions-v1.json")
    check(r.returncode == 0 and r.stdout.strip().endswith("version=1 valide=1"), "cli verifier: the shipped bank is valid")
    broken = json.loads(json.dumps(BANK))
    broken["version"] = "essai"
    broken["questions"][3]["niveau"] = 7
    broken["questions"][0]["options"][0]["exclut"] = ["licorne"]
    del broken["questions"][5]["texte"]["ar"]
    path = os.path.join(tempfile.mkdtemp(), "banque-cassee.json")
    json.dump(broken, open(path, "w"), ensure_ascii=False)
    r = cli(db, "diagnostic", "verifier", path, ok=False)
    lines = [l for l in r.stderr.splitlines() if l.startswith(path)]
    check(r.returncode == 1 and "erreurs=3" in r.stdout and len(lines) == 3,
          "cli verifier: a broken bank -> exit 1, every problem on its line (%s)" % r.stdout.strip())
    check(any("question « appareil-1 » : champ « niveau »" in l for l in lines) and
          any("« licorne » n'existe pas dans le référentiel" in l for l in lines) and
          any("la traduction « ar » manque" in l for l in lines),
          "cli verifier: file, question, field and rule in each line")
    r = cli(db, "diagnostic", "publier", path, ok=False)
    check(r.returncode == 1 and q1(db, "SELECT count(*) FROM diagnostic_banque")[0] == 0, "cli publier: a broken bank is not published")
    v2 = json.loads(json.dumps(BANK))
    v2["version"] = "2026-12"
    v2["questions"][0]["texte"]["fr"] = "Quels appareils avez-vous à la maison ?"
    path2 = os.path.join(tempfile.mkdtemp(), "v2.json")
    json.dump(v2, open(path2, "w"), ensure_ascii=False)
    r = cli(db, "diagnostic", "publier", path2)
    check(r.returncode == 0 and "version=2026-12 publiee=1 active=1" in r.stdout, "cli publier: a new version is published and active")
    r = cli(db, "diagnostic", "publier", path2, ok=False)
    check(r.returncode == 1 and "existe déjà" in r.stderr, "cli publier: the same version again is refused")
    r = cli(db, "diagnostic", "versions")
    check("2026-12\tpubliee par cli:" in r.stdout and "\tactive" in r.stdout and "1\tintegree" in r.stdout,
          "cli versions: published and built-in versions, the active one")
    check(q1(db, "SELECT count(*) FROM journal WHERE action = 'diagnostic.publier' AND objet_id = '2026-12'")[0] == 1,
          "cli publier: journaled")
    c = sqlite3.connect(db)
    c.execute("INSERT INTO diagnostic_session (cle, banque_version, mode, langue, created_at, updated_at) VALUES "
              "('vieille-session-abandonnee-00000', '1', 'autonome', 'fr', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')")
    c.commit()
    c.close()
    r = cli(db, "diagnostic", "purger")
    check(r.returncode == 0 and r.stdout.startswith("supprimes=1 ") and
          q1(db, "SELECT count(*) FROM diagnostic_session")[0] == 0, "cli purger: an abandoned session is deleted")
    return path2


def add_unfinished(db):
    c = sqlite3.connect(db)
    for cle, at in (("abandonnee-depuis-2020-000000000", "2020-01-01T00:00:00Z"),
                    ("commencee-il-y-a-4-jours-0000000", "2026-11-20T09:00:00Z")):
        c.execute("INSERT INTO diagnostic_session (cle, banque_version, mode, langue, created_at, updated_at) "
                  "VALUES (?, '1', 'autonome', 'fr', ?, ?)", (cle, at, at))
    c.commit()
    c.close()


def test_purge_job(srv, db):
    # the server's hourly job (also run at start) deletes what was abandoned 30+ days ago
    left = None
    for _ in range(50):
        left = [r[0] for r in sqlite3.connect(db).execute("SELECT cle FROM diagnostic_session")]
        if "abandonnee-depuis-2020-000000000" not in left:
            break
        time.sleep(0.1)
    check(left == ["commencee-il-y-a-4-jours-0000000"],
          "server job: an unfinished session untouched for 30 days is deleted, a recent one kept (%r)" % left)
    c = sqlite3.connect(db)
    c.execute("DELETE FROM diagnostic_session WHERE cle = 'commencee-il-y-a-4-jours-0000000'")
    c.commit()
    c.close()


def test_self(srv, db):
    c = srv.client()
    r = c.get("/diagnostic")
    check(r.status == 200 and "Content-Security-Policy" in dict(r.headers) and "script-src 'self'" in r.header("Content-Security-Policy"),
          "start page: strict CSP")
    check(not re.search(r"<script>|<script [^s]|style=\"", r.text), "start page: no inline script or style")
    loc, asked = run_session(c, 1)
    check(loc is not None and 13 <= len(asked) <= 20, "self-diagnostic over HTTP: %d questions" % len(asked))
    # the new version published by the CLI is the one used
    key = loc.rsplit("/", 1)[1]
    check(q1(db, "SELECT banque_version FROM diagnostic_session WHERE cle = ?", (key,))[0] == "2026-12",
          "a session started after a publication uses the new version")
    res = c.get(loc + "/resultat")
    places = re.findall(r'<a href="/lieu/(\d+)">', res.text)
    check(res.status == 200 and len(places) >= 3 and "Lieux proches de Marseille." in res.text,
          "result: %d real nearby places" % len(places))
    check(len(res.body) < 20 * 1024, "result: %d bytes of HTML" % len(res.body))
    sends = re.findall(r'href="(/diagnostic/s/[^"]+/envoyer/\d+)"', res.text)
    if check(sends, "result: a place with an e-mail offers the referral sheet"):
        page = c.get(sends[0])
        r = c.post_form(sends[0], {"accord": "oui", "prenom": "Samir"}, csrf_from=token_of(page.text))
        check(r.status == 200 and "Votre fiche est envoyée" in r.text, "referral sheet: sent with consent")
        mails = cli(db, "comptes", "mails").stdout
        check("Fiche d'orientation" in mails or "orientation" in mails, "referral sheet: in the outbox (comptes mails)")
        dest = q1(db, "SELECT destinataire FROM diagnostic_orientation")[0]
        lieu_mail = q1(db, "SELECT courriels FROM lieu WHERE pid = ?", (int(sends[0].rsplit("/", 1)[1]),))[0]
        check(dest == lieu_mail.split("|")[0], "referral sheet: to the place's e-mail (%s)" % dest)
    # static files: gzip when accepted, the same bytes once decompressed
    plain = c.get("/static/style.css")
    z = c.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    check(z.header("Content-Encoding") == "gzip" and gzip.decompress(z.body) == plain.body and len(z.body) < len(plain.body) / 2,
          "static: style.css gzipped when accepted (%d -> %d bytes)" % (len(plain.body), len(z.body)))
    api = json.loads(c.get("/api/openapi.json").body)
    paths = ["/api/v1/diagnostic/" + p for p in ("referentiel", "banque", "paquet/{langue}", "sessions/{cle}",
                                                  "statistiques", "export")]
    check(all(p in api["paths"] for p in paths) and "put" in api["paths"]["/api/v1/diagnostic/sessions/{cle}"],
          "openapi: every diagnostic endpoint is documented")
    sw = c.get("/diagnostic/sw.js")
    check(sw.status == 200 and sw.header("Service-Worker-Allowed") == "/diagnostic", "service worker: scope header")
    return loc


def put(port, key, body, token, cookies):
    c = __import__("harness").Client(port)
    c.cookies = dict(cookies)
    return c.request("PUT", "/api/v1/diagnostic/sessions/" + key, json.dumps(body),
                     {"Content-Type": "application/json", "X-CSRF-Token": token})


def test_sync(srv, db):
    c = srv.client()
    page = c.get("/diagnostic")
    token = re.search(r'data-csrf="([^"]*)"', page.text).group(1)
    # a complete session made with the pages (level 2), then replayed as an offline submission
    loc, asked = run_session(c, 2, ou=None)
    reps = []
    for qid in asked:
        reps.append({"question": qid, "options": [o for o in answer(Q[qid], 2) if o != "nsp"]})
    body = {"version": "2026-12", "langue": "en", "revision": 1, "termine": True, "commune": "13001", "reponses": reps}
    key = "hors-ligne-concurrent-0123456789"
    results = []
    threads = [threading.Thread(target=lambda: results.append(put(srv.port, key, body, token, c.cookies).status)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    n = q1(db, "SELECT count(*), max(termine_at IS NOT NULL), max(commune) FROM diagnostic_session WHERE cle = ?", (key,))
    answers = q1(db, "SELECT count(*) FROM diagnostic_reponse r JOIN diagnostic_session s ON s.id = r.session_id WHERE s.cle = ?", (key,))[0]
    check(sorted(results).count(201) == 1 and all(s in (200, 201) for s in results),
          "sync: 8 concurrent identical submissions -> one 201, the others 200 (%s)" % sorted(results))
    check(n == (1, 1, "13055") and answers == len(reps),
          "sync: one finished session with %d answers, postcode 13001 resolved to Marseille (%s)" % (len(reps), n))
    r = put(srv.port, key, dict(body, revision=99, reponses=reps[:3], termine=False), token, c.cookies)
    check(r.status == 200 and r.json()["statut"] == "inchange" and r.json()["termine"],
          "sync: a finished session never changes")
    r = put(srv.port, "autre-" + key, dict(body, reponses=list(reversed(reps))), token, c.cookies)
    check(r.status == 422 and "attendue" in r.json()["erreur"]["message"], "sync: answers out of order -> 422 with the expected question")
    r = put(srv.port, "sans-jeton-" + key, body, "faux", c.cookies)
    check(r.status == 403, "sync: without the CSRF token -> 403")
    # many finished sessions in the 13: statistics are shown, small counts hidden
    for i in range(12):
        put(srv.port, "stat-%02d-%s" % (i, key), dict(body, commune="Marseille"), token, c.cookies)
    st = json.loads(c.get("/api/v1/diagnostic/statistiques?niveau=departement&code=13").body)
    check(not st["secret"] and st["diagnostics"] >= 13, "stats: %s finished diagnostics in the 13" % st["diagnostics"])
    hidden = [v for v in st["freins"].values() if v is None]
    shown = [v for v in list(st["freins"].values()) + list(st["autonomie"].values()) if v is not None and v != 0]
    check(all(v >= 10 for v in shown), "stats: every count shown is 0 or at least 10")
    st09 = json.loads(c.get("/api/v1/diagnostic/statistiques?niveau=departement&code=09").body)
    check(st09["secret"] or st09["diagnostics"] == 0, "stats: a département with few diagnostics shows nothing")
    page = c.get("/diagnostic/statistiques?niveau=departement&code=13")
    check(page.status == 200 and "Bouches-du-Rhône" in page.text, "stats page: the département by name")


def test_authorization(srv, db, bank_file):
    s1 = make_structure(db, "Espace Marseille diag", "13055", "espace@example.fr")
    s2 = make_structure(db, "Médiathèque Foix diag", "09122", "media@example.fr")
    make_account(db, "med1@example.fr", "mediateur:structure:%d" % s1)
    make_account(db, "med2@example.fr", "mediateur:structure:%d" % s2)
    make_account(db, "admin-diag@example.fr", "admin:nation:")
    make_account(db, "coord13@example.fr", "coordinateur:departement:13")
    m1, m2, adm, c13, anon = (srv.client() for _ in range(5))
    check(m1.login("med1@example.fr", TEST_PASSWORD) and m2.login("med2@example.fr", TEST_PASSWORD) and
          adm.login("admin-diag@example.fr", TEST_PASSWORD) and c13.login("coord13@example.fr", TEST_PASSWORD),
          "accounts: four signed in through the real form")
    r = anon.get("/diagnostic/pro")
    check(r.status == 303 and r.header("Location").startswith("/connexion?suivant="), "pro: anonymous -> sign-in page")
    check(adm.get("/diagnostic/pro").status == 403, "pro: an administrator without a structure -> 403")
    loc, asked = run_session(m1, 1, ou=None, start="/diagnostic/pro")
    check(loc is not None and q1(db, "SELECT structure_id FROM diagnostic_session WHERE cle = ?", (loc.rsplit('/', 1)[1],))[0] == s1,
          "pro: a médiateur starts a session of their structure")
    check(m2.get(loc).status == 403 and m2.get(loc + "/observations").status == 403, "pro: another structure's médiateur -> 403")
    page = m1.get(loc + "/observations")
    r = m1.post_form(loc + "/observations", {"autonomie": "4", "d-appareil": "1"}, csrf_from=token_of(page.text))
    check(r.status == 400 and "motif" in r.text, "pro: an override without a reason -> 400")
    r = m1.post_form(loc + "/observations", {"autonomie": "4", "motif": "Observé en atelier", "ou": "Marseille"},
                     csrf_from=token_of(page.text))
    check(r.status == 303 and r.header("Location").endswith("/resultat"), "pro: observations saved, result")
    check(q1(db, "SELECT count(*) FROM journal WHERE action = 'diagnostic.terminer' AND acteur = 'med1@example.fr'")[0] == 1,
          "pro: journaled with the médiateur's account")
    # the banks page
    check(c13.get("/diagnostic/publier").status == 403 and anon.get("/diagnostic/publier").status == 303,
          "banks page: coordinators refused, anonymous sent to sign in")
    page = adm.get("/diagnostic/publier")
    check(page.status == 200 and "2026-12" in page.text, "banks page: the administrator sees the versions")
    tok = re.search(r'action="/diagnostic/publier\?csrf=([^"]*)"', page.text).group(1)
    v3 = json.load(open(bank_file))
    v3["version"] = "2026-12b"
    content = json.dumps(v3, ensure_ascii=False).encode()
    body = (b"--limite\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"v3.json\"\r\n"
            b"Content-Type: application/json\r\n\r\n" + content + b"\r\n--limite--\r\n")
    r = adm.request("POST", "/diagnostic/publier?csrf=" + urllib.parse.unquote(tok), body,
                    {"Content-Type": "multipart/form-data; boundary=limite"})
    check(r.status == 303 and "publie=2026-12b" in r.header("Location"), "banks page: a file uploaded and published")
    r = c13.request("POST", "/diagnostic/publier?csrf=x", body, {"Content-Type": "multipart/form-data; boundary=limite"})
    check(r.status == 403 and q1(db, "SELECT count(*) FROM diagnostic_banque")[0] == 2, "banks page: a coordinator cannot publish")
    # the export
    check(anon.get("/api/v1/diagnostic/export").status == 401, "export: anonymous -> 401")
    check(m1.get("/api/v1/diagnostic/export?niveau=departement&code=13").status == 403, "export: a médiateur -> 403")
    check(c13.get("/api/v1/diagnostic/export?niveau=departement&code=09").status == 403, "export: a coordinator outside their territory -> 403")
    r = c13.get("/api/v1/diagnostic/export?niveau=departement&code=13")
    exp = json.loads(r.body) if r.status == 200 else {}
    check(r.status == 200 and exp.get("format") == "passerelle-diagnostic-export" and exp["nombre"] >= 13 and
          all("cle" not in x for x in exp["resultats"]), "export: the coordinator of the 13 gets %s anonymous results" % exp.get("nombre"))
    path = os.path.join(tempfile.mkdtemp(), "export.json")
    r = cli(db, "diagnostic", "export", "--niveau", "departement", "--code", "13", "-o", path)
    check(r.returncode == 0 and json.load(open(path))["nombre"] == exp.get("nombre"), "cli export: the same results")


def test_hostile(srv, loc):
    c = srv.client()
    page = c.get("/diagnostic")
    tok = token_of(page.text)
    statuses = []
    for path, fields in [
        ("/diagnostic/s/" + "A" * 200, {"q": "x"}),
        ("/diagnostic/s/%00%01", {}),
        (loc, {"q": "materiel", "o": "x" * 3000}),
        (loc, {"q": "<script>", "o": ["a"] * 60}),
        (loc + "/envoyer/-1", {"accord": "oui"}),
        (loc + "/envoyer/99999999999999999999", {"accord": "oui"}),
        (loc + "/observations", {"autonomie": "9"}),
        ("/diagnostic/pro", {"langue": "\u202e"}),
    ]:
        r = c.post_form(path, fields, csrf_from=tok)
        statuses.append(r.status)
    r = c.request("PUT", "/api/v1/diagnostic/sessions/" + "b" * 30, b"\xff\xfe{" * 1000,
                  {"Content-Type": "application/json", "X-CSRF-Token": tok})
    statuses.append(r.status)
    raw = raw_request(srv.port, b"GET /diagnostic/s/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")
    check(all(s < 500 for s in statuses) and b" 500 " not in raw[:20], "hostile requests: no 500 (%s)" % statuses)
    check(srv.alive(), "hostile requests: the server is still up")


def main():
    tmp = tempfile.mkdtemp()
    db = fixture_db(os.path.join(tmp, "diagnostic.db"))
    bank_file = test_cli(db)
    add_unfinished(db)
    srv = Server(db)
    try:
        test_purge_job(srv, db)
        loc = test_self(srv, db)
        test_sync(srv, db)
        test_authorization(srv, db, bank_file)
        test_hostile(srv, loc)
    finally:
        log = srv.stop()
    check("database error" not in log, "server log: no database error")
    return done()


if __name__ == "__main__":
    sys.exit(main())
