#!/usr/bin/env python3
"""test_ecriture.py - writing places from outside the import files, as a
data producer and as a structure do it, over HTTP against the real server
on a copy of the real data.

Producers' API: a machine account's token; PUT one place (created, then
unchanged when sent again, updated), the import's per-field report in
the answer and in /api/v1/imports/{id}; a place breaking the standard is
rejected (422) with its report and nothing published; ETag and If-Match
(412 on a stale ETag, "*" for an existing place), a late PUT with an older
date_maj refused (409); DELETE (204, then 404); a whole file (CSV, then
JSON) upserted with its report, and with retirer_absents; bodies over 1
MiB refused without a token and accepted with one; the published registry
follows within seconds (the server's publisher) and the exports still
pass the national validator. Structures: a manager edits a place that
several sources describe; the edit wins over the producers' copies,
including a removed service, and survives a re-import of those sources.
Prints "check: N passed, M failed"; standard library only.
"""
import json, os, sqlite3, subprocess, sys, tempfile, time

from harness import (DATA, ROOT, SHARED, TEST_PASSWORD, Client, Server, check, cli, done, fixture_db,
                     make_account, make_structure, real_data)

PLACE = {"pivot": "12345678901234", "nom": "Espace numérique des Tests", "commune": "Foix",
         "code_postal": "09000", "code_insee": "09122", "adresse": "3 rue des Essais",
         "latitude": 42.9650, "longitude": 1.6070, "date_maj": "2026-11-20",
         "services": "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",
         "telephone": "05 61 00 00 00", "horaires": "Mo-Fr 09:00-12:00,14:00-17:00"}


def api(c, method, path, body=None, token=None, headers=None):
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    return c.request(method, path, body, h)


def published(srv, name):
    import urllib.parse
    st, res = srv.json("/api/v1/lieux?q=" + urllib.parse.quote_plus(name) + "&limite=5")
    return [x for x in res.get("resultats", []) if x.get("nom") == name]


def wait_published(srv, name, present=True, seconds=8):
    for _ in range(int(seconds * 10)):
        if bool(published(srv, name)) == present:
            return True
        time.sleep(0.1)
    return False


def test_put(srv, token):
    c = Client(srv.port)
    url = "/api/v1/sources/hub-essai/lieux/e1"
    r = api(c, "PUT", url, PLACE, token)
    check(r.status == 201 and r.header("Location") == url, "PUT a new place -> 201 with its Location (%d)" % r.status)
    res = r.json()
    etag = r.header("ETag")
    check(res["resultat"] == "cree" and etag and res["etag"] == etag, "answer says created, with the ETag")
    fixes = [p for p in res["problemes"] if p["champ"] == "telephone" and p["gravite"] == "corrigé"]
    check(fixes and "E.164" in fixes[0]["regle"], "the report says the phone was converted (as the CLI import)")
    st, rep = srv.json("/api/v1/imports/%d" % res["import"])
    check(st == 200 and rep["total"] == res["problemes_total"], "the same report at /api/v1/imports/{id}")
    r = api(c, "PUT", url, PLACE, token)
    check(r.status == 200 and r.json()["resultat"] == "inchange" and r.header("ETag") == etag,
          "the same PUT again changes nothing (idempotent)")
    r = api(c, "GET", url, None, token)
    check(r.status == 200 and r.header("ETag") == etag and r.json()["telephone"] == "+33561000000",
          "GET returns the normalised record and its ETag")
    check(wait_published(srv, PLACE["nom"]), "published within seconds by the server's publisher")
    # If-Match
    newer = dict(PLACE, presentation_resume="Nouvel accueil le samedi.", date_maj="2026-11-21")
    r = api(c, "PUT", url, newer, token, {"If-Match": '"0000000000000000"'})
    check(r.status == 412 and r.header("ETag") == etag, "a stale If-Match -> 412 with the current ETag")
    r = api(c, "PUT", url, newer, token, {"If-Match": etag})
    check(r.status == 200 and r.json()["resultat"] == "modifie", "the right If-Match -> updated")
    etag2 = r.header("ETag")
    check(etag2 != etag, "a new ETag after the update")
    older = dict(PLACE, presentation_resume="Ancienne version.", date_maj="2026-10-01")
    r = api(c, "PUT", url, older, token)
    check(r.status == 409, "a late PUT with an older date_maj -> 409 (%d)" % r.status)
    r = api(c, "GET", url, None, token)
    check(r.json().get("presentation_resume") == "Nouvel accueil le samedi.", "the newer version stays")
    r = api(c, "PUT", "/api/v1/sources/hub-essai/lieux/e2", PLACE, token, {"If-Match": "*"})
    check(r.status == 412, "If-Match: * on a place that does not exist -> 412")
    # rejected
    bad = dict(PLACE, code_postal="9000", date_maj="hier")
    bad.pop("adresse")
    r = api(c, "PUT", "/api/v1/sources/hub-essai/lieux/e3", bad, token)
    res = r.json()
    fields = {p["champ"] for p in res.get("problemes", [])}
    check(r.status == 422 and res["resultat"] == "rejete" and "adresse" in fields,
          "a place breaking the standard -> 422 with the rules broken (%s)" % sorted(fields))
    check(api(c, "GET", "/api/v1/sources/hub-essai/lieux/e3", None, token).status == 404,
          "a rejected place is not stored")
    # malformed requests
    r = api(c, "PUT", url, "{pas du json", token, {"Content-Type": "application/json"})
    check(r.status == 400 and "JSON" in r.json()["erreur"]["message"], "invalid JSON -> 400 saying where")
    r = api(c, "PUT", url, dict(PLACE, id="autre"), token)
    check(r.status == 400, "an id differing from the URL's -> 400")
    r = api(c, "PUT", url, [PLACE], token)
    check(r.status == 400, "an array instead of one place -> 400")
    # delete
    r = api(c, "DELETE", url, None, token, {"If-Match": '"0000000000000000"'})
    check(r.status == 412, "DELETE with a stale If-Match -> 412")
    r = api(c, "DELETE", url, None, token, {"If-Match": etag2})
    check(r.status == 204, "DELETE -> 204")
    check(api(c, "GET", url, None, token).status == 404 and api(c, "DELETE", url, None, token).status == 404,
          "then 404")
    check(wait_published(srv, PLACE["nom"], present=False), "and withdrawn from the registry within seconds")


def test_bulk(srv, token, db):
    c = Client(srv.port)
    rows = ["id,pivot,nom,commune,code_postal,code_insee,adresse,date_maj,services"]
    for i in range(40):
        rows.append('b%d,12345678901234,Atelier numérique %d,Foix,09000,09122,%d avenue du Lot,2026-11-%02d,'
                    '"Aide aux démarches administratives"' % (i, i, i + 1, 1 + i % 28))
    rows.append("b-bad,12345678901234,Sans adresse,Foix,09000,09122,,2026-11-01,")
    rows.append('b3,12345678901234,Doublon,Foix,09000,09122,1 rue,2026-11-01,')
    csv = "\n".join(rows) + "\n"
    r = api(c, "PUT", "/api/v1/sources/hub-essai/lieux", csv, token, {"Content-Type": "text/csv"})
    res = r.json()
    k = res.get("compteurs", {})
    check(r.status == 200 and k.get("lignes") == 42 and k.get("importees") == 40 and k.get("rejetees") == 2,
          "a whole CSV file: 40 imported, 2 rejected (%s)" % k)
    rej = [p for p in res["problemes"] if p["gravite"] == "ligne rejetée"]
    check(len(rej) == 2 and all("ligne_fichier" in p for p in rej), "each rejected row reported with its line")
    # the same file again: unchanged; a smaller JSON file with retirer_absents retires the rest
    r = api(c, "PUT", "/api/v1/sources/hub-essai/lieux", csv, token, {"Content-Type": "text/csv"})
    check(r.json()["compteurs"]["inchangees"] == 40, "the same file again: 40 unchanged")
    small = [dict(PLACE, id="b%d" % i, nom="Atelier numérique %d" % i) for i in range(5)]
    r = api(c, "PUT", "/api/v1/sources/hub-essai/lieux?retirer_absents=oui", small, token)
    k = r.json()["compteurs"]
    check(r.status == 200 and k["importees"] == 5 and k["retirees"] == 35,
          "JSON file with retirer_absents: 5 kept, 35 retired (%s)" % k)
    # body limits: 1 MiB without a token, 64 MiB with one
    big = "id,pivot,nom,commune,code_postal,code_insee,adresse,date_maj\n" + "".join(
        "g%d,12345678901234,Grand lieu %d,Foix,09000,09122,%d rue du Volume,2026-11-01\n" % (i, i, i)
        for i in range(30000))
    check(len(big) > 1024 * 1024, "a file over 1 MiB (%d bytes)" % len(big))
    import socket
    sk = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    sk.sendall(b"PUT /api/v1/sources/hub-essai/lieux HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
               b"Content-Length: %d\r\n\r\n" % len(big))
    head = sk.recv(100)
    sk.close()
    check(head.startswith(b"HTTP/1.1 413"), "over 1 MiB without a token -> 413, refused before the body (%r)" % head[:20])
    r = api(c, "PUT", "/api/v1/sources/hub-essai/lieux", big, token, {"Content-Type": "text/csv"})
    check(r.status == 200 and r.json()["compteurs"]["importees"] == 30000, "with a token: 30,000 rows imported")
    conn = sqlite3.connect(db)
    n = conn.execute("SELECT count(*) FROM journal WHERE action = 'lieu.api_import'").fetchone()[0]
    conn.close()
    check(n == 4, "every upload is in the journal (%d)" % n)


def test_structure_edit(srv, db):
    """A place described by two sources (one in the demo data, which has no
    duplicates): its structure's edit wins, and survives re-imports."""
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT l.pid, l.services FROM lieu l WHERE l.services LIKE '%|%' "
        "AND l.commune_code IS NOT NULL ORDER BY l.membres >= 2 DESC, l.pid LIMIT 1").fetchone()
    members = conn.execute("SELECT s.source_name, s.source_id FROM lieu_membre m JOIN lieu_source s "
                           "ON s.rowid = m.source_rowid WHERE m.lieu_id = ?", (row[0],)).fetchall()
    conn.close()
    pid, services = row
    s = make_structure(db, "Structure de la fiche fusionnée", "13055")
    cli(db, "structures", "lier", str(s), "%s:%s" % members[0])
    make_account(db, "gestion@example.fr", "gestionnaire:structure:%d" % s)
    c = Client(srv.port)
    check(c.login("gestion@example.fr", TEST_PASSWORD), "manager signs in")
    conn = sqlite3.connect(db)  # as if nobody had updated the place since January 2025
    conn.execute("UPDATE lieu SET date_maj = '2025-01-15' WHERE pid = ?", (pid,))
    conn.commit()
    conn.close()
    page = c.get("/lieu/%d" % pid).text
    check("pas été mise à jour depuis plus de six mois (le 15 janvier 2025). Vérifiez-la" in page,
          "the manager is asked to check a place not updated for six months")
    page = Client(srv.port).get("/lieu/%d" % pid).text
    check("Ces informations datent du 15 janvier 2025, il y a plus d'un an." in page and "six mois" not in page,
          "the public is told that the information is over a year old")
    page = c.get("/lieu/%d/modifier" % pid)
    check(page.status == 200, "edit form of a merged place (%d members)" % len(members))
    import re
    values = dict(re.findall(r'<input id="([a-z_]+)" name="[a-z_]+" type="[a-z]+"[^>]*? value="([^"]*)"', page.text))
    values = {k: v.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"') for k, v in values.items()}
    keep = services.split("|")[0]
    changed = ("services", "telephone", "horaires")  # replaced below, not sent twice
    fields = [kv for kv in values.items() if kv[0] not in changed] + [("services", keep), ("telephone", "04 91 11 22 33"),
                                     ("horaires", "pas des horaires")]
    r = c.post_form("/lieu/%d/modifier" % pid, fields, csrf_from="/lieu/%d/modifier" % pid)
    check(r.status == 422 and "horaires illisibles" in r.text and 'aria-invalid="true"' in r.text,
          "unreadable hours: 422, the rule next to the field")
    check('value="pas des horaires"' in r.text, "what was typed is shown again, to be corrected")
    fields[-1] = ("horaires", "Mo-Fr 09:00-12:00")
    r = c.post_form("/lieu/%d/modifier" % pid, fields, csrf_from="/lieu/%d/modifier" % pid)
    check(r.status == 303 and r.header("Location") == "/lieu/%d?fait=enregistre" % pid, "the edit is saved")
    st, lieu = srv.json("/api/v1/lieux/%d" % pid)
    check(st == 200 and lieu.get("services") == keep, "removed services are gone (%s)" % lieu.get("services"))
    check(lieu.get("telephone") == "+33491112233" and lieu.get("horaires") == "Mo-Fr 09:00-12:00",
          "the edit's values are published")
    check('class="avertissement"' not in c.get("/lieu/%d" % pid).text, "once edited, the place is fresh again")
    if real_data():
        for f in sorted(os.listdir(os.path.join(DATA, "lieux"))):
            cli(db, "lieux", "import", os.path.join(DATA, "lieux", f))
    else:
        cli(db, "lieux", "demo", "on")  # the demo source imported again
    st, lieu = srv.json("/api/v1/lieux/%d" % pid)
    check(lieu.get("services") == keep and lieu.get("telephone") == "+33491112233",
          "the edit survives a re-import of every source")
    out = os.path.join(tempfile.mkdtemp(), "export.csv")
    cli(db, "lieux", "export", "--format", "csv", "-o", out)
    validator = os.path.join(SHARED, "tools", "validate_lieux.py")
    if os.path.exists(validator):  # the independent validator lives in ../shared, as test_http.py
        v = subprocess.run([sys.executable, validator, os.path.join(DATA, "standard", "schema.json"), out],
                           capture_output=True, text=True)
        check(v.returncode == 0, "the export still passes the national validator: %s" % v.stdout[-300:])


def main():
    tmp = tempfile.mkdtemp()
    db = fixture_db(os.path.join(tmp, "t.db"))
    make_account(db, "hub-essai@example.fr", "producteur:source:hub-essai", profil="machine")
    token = cli(db, "comptes", "jeton", "creer", "--source", "hub-essai", "--compte", "hub-essai@example.fr").stdout.strip()
    srv = Server(db)
    try:
        test_put(srv, token)
        test_bulk(srv, token, db)
        test_structure_edit(srv, db)
        check(srv.alive(), "server alive")
    finally:
        srv.stop()
    return done()


if __name__ == "__main__":
    sys.exit(main())
