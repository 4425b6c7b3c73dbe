#!/usr/bin/env python3
"""test_sauvegarde.py - backups of the database file while the server is
serving and a producer is writing (SQLite online backup API through
`passerelle base sauvegarder`), their check, and a restore that brings
back exactly what the copy holds: accounts still sign in, places are
served, later changes are gone. A damaged or foreign file is refused.
Prints "check: N passed, M failed"; standard library only.
"""
import json, os, sqlite3, sys, tempfile, threading, time

from harness import TEST_PASSWORD, Client, Server, check, cli, done, fixture_db, make_account


def count(db, sql):
    c = sqlite3.connect(db)
    n = c.execute(sql).fetchone()[0]
    c.close()
    return n


def main():
    tmp = tempfile.mkdtemp()
    db = fixture_db(os.path.join(tmp, "t.db"))
    make_account(db, "avant@example.fr", "admin:nation:")
    make_account(db, "prod@example.fr", "producteur:source:flux", profil="machine")
    token = cli(db, "comptes", "jeton", "creer", "--source", "flux", "--compte", "prod@example.fr").stdout.strip()
    backup = os.path.join(tmp, "copie.db")
    srv = Server(db)
    stop = threading.Event()
    written = [0]

    def writer():
        c = Client(srv.port)
        i = 0
        while not stop.is_set():
            body = json.dumps({"pivot": "12345678901234", "nom": "Flux %d" % i, "commune": "Foix",
                               "code_postal": "09000", "adresse": "%d rue du Flux" % i, "date_maj": "2026-11-20"})
            r = c.request("PUT", "/api/v1/sources/flux/lieux/f%d" % i, body,
                          {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            if r.status == 201:
                written[0] += 1
            i += 1
    t = threading.Thread(target=writer)
    try:
        t.start()
        while written[0] < 20:
            time.sleep(0.01)
        r = cli(db, "base", "sauvegarder", backup)
        n_at_backup = written[0]
        while written[0] < n_at_backup + 20:
            time.sleep(0.01)
        stop.set()
        t.join()
        check(r.returncode == 0 and "verification=ok" in r.stdout, "backup while serving and writing: %s" % r.stdout.strip())
        check(srv.alive(), "the server kept serving during the backup")
    finally:
        stop.set()
        srv.stop()
    r = cli(db, "base", "sauvegarder", backup, ok=False)
    check(r.returncode == 1 and "exists" in r.stderr, "a backup never overwrites a file")
    check(cli(db, "base", "verifier", backup).returncode == 0, "the copy checks out")
    in_copy = count(backup, "SELECT count(*) FROM lieu_source WHERE source_name = 'flux'")
    check(20 <= in_copy < written[0], "the copy holds the writes made before it (%d of %d)" % (in_copy, written[0]))
    # changes after the backup
    make_account(db, "apres@example.fr", "admin:nation:")
    check(count(db, "SELECT count(*) FROM compte WHERE email = 'apres@example.fr'") == 1, "a later change")
    r = cli(db, "base", "restaurer", backup)
    check(r.returncode == 0 and "restauration=ok" in r.stdout, "restore")
    check(count(db, "SELECT count(*) FROM compte WHERE email = 'apres@example.fr'") == 0, "later changes are gone")
    check(count(db, "SELECT count(*) FROM lieu_source WHERE source_name = 'flux'") == in_copy,
          "the restored database holds exactly the copy's places")
    srv = Server(db)
    try:
        c = srv.client()
        check(c.login("avant@example.fr", TEST_PASSWORD), "an account of the copy signs in after the restore")
        st, res = srv.json("/api/v1/lieux?ou=Marseille&limite=3")
        check(st == 200 and res["resultats"], "places are served after the restore")
    finally:
        srv.stop()
    # refused copies
    damaged = os.path.join(tmp, "abimee.db")
    with open(backup, "rb") as f:
        data = f.read()
    with open(damaged, "wb") as f:
        f.write(data[: len(data) // 3])
    r = cli(db, "base", "restaurer", damaged, ok=False)
    check(r.returncode == 1 and "base restaurer" in r.stderr, "a truncated copy is refused: %s" % r.stderr.strip()[:120])
    other = os.path.join(tmp, "autre.db")
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE x(y)")
    c.execute("PRAGMA user_version = 999")
    c.commit()
    c.close()
    r = cli(db, "base", "restaurer", other, ok=False)
    check(r.returncode == 1 and "schema version 999" in r.stderr, "a copy from a newer program is refused")
    check(count(db, "SELECT count(*) FROM compte WHERE email = 'avant@example.fr'") == 1, "and nothing changed")
    return done()


if __name__ == "__main__":
    sys.exit(main())
