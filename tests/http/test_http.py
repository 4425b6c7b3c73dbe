#!/usr/bin/env python3
"""test_http.py - the platform as its users see it: the real binary, a real
SQLite file loaded with the real open data of ../shared/data, the real HTTP
server on a free loopback port.

Covers: the CLI contract (import report lines, idempotent re-import,
dedup decisions kept across re-imports, kill -9 during an import), the
JSON API (search equals the CLI and brute force, filters, errors), exports
checked by the independent validator, pages (status, language, size,
escaping, security headers), and robustness against hostile requests.
Prints "check: N passed, M failed"; standard library only.
"""
import json, math, os, random, signal, socket, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

from harness import BIN, DATA, ROOT, SHARED, Server, check, cli, done, raw_request


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1, a)))


def load(db):
    real = os.path.isdir(os.path.join(DATA, "lieux"))
    if real:
        r = cli(db, "territoires", "import", "--coords", os.path.join(DATA, "communes", "communes.csv"),
                "--contours", os.path.join(DATA, "boundaries"))
    else:
        r = cli(db, "territoires", "import", "--coords", "data/demo/communes-demo.csv")
    check(r.returncode == 0, "territoires import")
    files = sorted(os.path.join(DATA, "lieux", f) for f in os.listdir(os.path.join(DATA, "lieux"))) \
        if real else [os.path.join(ROOT, "data/demo/lieux-demo.csv")]
    for f in files:
        r = cli(db, "lieux", "import", f)
        last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        check(r.returncode == 0 and last.startswith("imported="), "import %s ends with imported=: %r" % (f, last))
        counts = dict(kv.split("=") for kv in last.split())
        rows = [l for l in r.stderr.splitlines() if l.startswith("rows=")]
        check(rows and int(rows[0].split()[0].split("=")[1]) == int(counts["imported"]) + int(counts["rejected"]),
              "every row of %s imported or rejected" % f)
        rejected_lines = [l for l in r.stderr.splitlines() if "[rejetée]" in l]
        check(len(rejected_lines) >= int(counts["rejected"]) and all(os.path.basename(f) in l for l in rejected_lines),
              "each rejected row of %s reported with file and row" % f)
    return real, files


def test_reimport_and_decisions(db, files):
    before = cli(db, "lieux", "export", "--format", "json").stdout
    r = cli(db, "lieux", "import", files[-1])
    check("new=0 updated=0" in r.stderr, "re-import changes nothing: %s" % r.stderr.strip().splitlines()[-1:])
    after = cli(db, "lieux", "export", "--format", "json").stdout
    check(before == after, "re-import leaves the published registry identical")
    # a coordinator splits a merged pair; the decision survives a re-import
    conn = __import__("sqlite3").connect(db)
    row = conn.execute("SELECT a.source_name, a.source_id, b.source_name, b.source_id FROM dedup_pair p "
                       "JOIN lieu_source a ON a.rowid = p.a JOIN lieu_source b ON b.rowid = p.b "
                       "WHERE p.decision = 'doublon' ORDER BY p.score DESC LIMIT 1").fetchone()
    conn.close()
    if not row:
        print("skip: no duplicate pair in this data")
        return
    A, B = "%s:%s" % row[:2], "%s:%s" % row[2:]

    def together():
        c = __import__("sqlite3").connect(db)
        n = c.execute("SELECT count(DISTINCT m.lieu_id) FROM lieu_membre m JOIN lieu_source s ON s.rowid = m.source_rowid "
                      "WHERE (s.source_name = ? AND s.source_id = ?) OR (s.source_name = ? AND s.source_id = ?)",
                      (row[0], row[1], row[2], row[3])).fetchone()[0]
        c.close()
        return n == 1
    check(together(), "duplicate pair merged by default")
    r = cli(db, "lieux", "dedup", "--jamais", A, B, "--motif", "deux lieux distincts")
    check(r.returncode == 0 and "forced_split=" in r.stdout, "dedup --jamais")
    check(not together(), "never-merge decision separates the pair")
    for f in files:
        cli(db, "lieux", "import", f)
    check(not together(), "never-merge decision kept across re-imports")
    cli(db, "lieux", "dedup", "--toujours", A, B)
    check(together(), "always-merge decision merges the pair again")


def test_kill_during_import(db):
    """A kill -9 in the middle of an import leaves the database as before."""
    import sqlite3
    tmp = tempfile.mkdtemp()
    big = os.path.join(tmp, "big.csv")
    with open(big, "w", encoding="utf-8") as f:
        f.write("id,pivot,nom,commune,code_postal,adresse,latitude,longitude,date_maj\n")
        for i in range(300000):
            f.write("k%d,12345678901234,Lieu %d,Foix,09000,%d rue X,42.96,1.60,2024-01-02\n" % (i, i, i))
    c = sqlite3.connect(db)
    n0 = c.execute("SELECT count(*) FROM lieu_source").fetchone()[0]
    r0 = c.execute("SELECT count(*) FROM import_run").fetchone()[0]
    c.close()
    p = subprocess.Popen([BIN, "--db", db, "lieux", "import", big, "--source", "kill"], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.8)
    p.send_signal(signal.SIGKILL)
    p.wait()
    c = sqlite3.connect(db)
    check(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity after kill -9")
    check(c.execute("SELECT count(*) FROM lieu_source").fetchone()[0] == n0, "no half import after kill -9")
    check(c.execute("SELECT count(*) FROM import_run").fetchone()[0] == r0, "no import run recorded after kill -9")
    c.close()


def test_api(srv, db, real):
    st, h, body = srv.get("/api/openapi.json")
    doc = json.loads(body)
    check(st == 200 and doc["openapi"].startswith("3.") and "/api/v1/lieux" in doc["paths"], "openapi served")
    ou = "Marseille" if real else "Foix"
    ou = "Marseille"
    st, res = srv.json("/api/v1/lieux?ou=" + urllib.parse.quote(ou) + "&limite=15")
    check(st == 200 and res["resultats"], "search around Marseille")
    pt = res.get("autour_de", {})
    check(pt.get("code_commune") == "13055", "Marseille resolved to 13055: %r" % pt)
    d = [x["distance_km"] for x in res["resultats"]]
    check(d == sorted(d), "results sorted by distance")
    # equals the CLI on the same point
    r = cli(db, "lieux", "search", "--near", "%r,%r" % (pt["lat"], pt["lon"]), "--limit", "15", "--json")
    cl = json.loads(r.stdout)
    check([x["passerelle_id"] for x in cl["results"]] == [x["passerelle_id"] for x in res["resultats"]],
          "API and CLI return the same places")
    # equals brute force over the export
    st, h, body = srv.get("/api/v1/export?format=json")
    allp = json.loads(body)
    check(st == 200 and len(allp) > 0, "export json")
    st2, res2 = srv.json("/api/v1/lieux?lat=%r&lon=%r&limite=500" % (pt["lat"], pt["lon"]))
    ids = {x["id"] for x in res2["resultats"]}
    pts = sorted((haversine(pt["lat"], pt["lon"], p["latitude"], p["longitude"]), p["id"]) for p in allp
                 if "latitude" in p and "Ce lieu n'accueille pas de public" not in p.get("modalites_acces", ""))
    check([i for _, i in pts[:50]] == [x["id"] for x in res2["resultats"][:50]], "nearest 50 equal brute force")
    # filters
    svc = "Aide aux démarches administratives"
    st, res = srv.json("/api/v1/lieux?ou=Lyon&services=" + urllib.parse.quote(svc) + "&limite=50")
    check(st == 200 and all(svc in x.get("services", "").split("|") for x in res["resultats"]), "services filter")
    st, res = srv.json("/api/v1/lieux?ou=13011&ouvert=samedi&creneau=matin")
    check(st == 200 and all("Sa" in x.get("horaires", "") or "Mo-Su" in x.get("horaires", "")
                            or "24/7" in x.get("horaires", "") for x in res["resultats"]), "open on Saturday morning")
    st, res = srv.json("/api/v1/lieux?niveau=departement&code=13&limite=5")
    check(st == 200 and res["total"] > 0, "places of a département")
    st, res = srv.json("/api/v1/lieux?q=mediatheque")
    check(st == 200 and res["total"] > 0, "full text search")
    st, res = srv.json("/api/v1/lieux?ou=13011&ouvert=maintenant")
    check(st == 200 and all(x["ouvert_maintenant"] for x in res["resultats"]), "open now filter")
    # one place, with provenance
    pid = res2["resultats"][0]["passerelle_id"]
    st, one = srv.json("/api/v1/lieux/%d" % pid)
    check(st == 200 and one["passerelle_id"] == pid and one["sources"] and one["provenance"], "one place with sources")
    # errors are JSON with a French message
    for path, code in [("/api/v1/lieux/abc", 400), ("/api/v1/lieux/999999999", 404), ("/api/v1/lieux?lat=95&lon=2", 400),
                       ("/api/v1/lieux?ou=Zzzzyyyxxx", 400), ("/api/v1/lieux?ouvert=demain", 400),
                       ("/api/v1/export?format=xml", 400), ("/api/v1/rien", 404)]:
        st, h, body = srv.get(path)
        check(st == code and json.loads(body)["erreur"]["message"], "%s -> %d (got %d)" % (path, code, st))
    st, res = srv.json("/api/v1/communes?q=saint-etienne")
    check(st == 200 and any(c["code"] == "42218" for c in res["resultats"]), "commune search")
    st, res = srv.json("/api/v1/territoires/departement/13")
    check(st == 200 and res["lieux"] > 0 and res["population"] > 1000000, "territory API")
    st, res = srv.json("/api/v1/imports")
    check(st == 200 and len(res["imports"]) >= 1, "import runs listed")


def test_export_validates(srv):
    st, h, body = srv.get("/api/v1/export?format=csv", raw=True)
    check(st == 200 and h.get("Content-Type", "").startswith("text/csv"), "export csv")
    tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    tmp.write(body)
    tmp.close()
    v = os.path.join(SHARED, "tools", "validate_lieux.py")
    if os.path.exists(v):
        r = subprocess.run([sys.executable, v, os.path.join(DATA, "standard", "schema.json"), tmp.name],
                           capture_output=True, text=True)
        last = r.stdout.strip().splitlines()[-1]
        check(r.returncode == 0 and last.endswith("violations=0"), "every exported row valid: %s %s" % (last, r.stdout[:500]))
    os.unlink(tmp.name)


def test_pages(srv):
    st, res = srv.json("/api/v1/lieux?ou=Marseille&limite=1")
    pid = res["resultats"][0]["passerelle_id"]
    for path in ["/", "/recherche?ou=Marseille", "/recherche?ou=13011&services=Aide+aux+d%C3%A9marches+administratives",
                 "/lieu/%d" % pid, "/territoire/departement/13", "/territoire/region/93", "/territoire/commune/13055",
                 "/carte", "/doublons", "/imports"]:
        st, h, body = srv.get(path)
        check(st == 200, "page %s -> 200 (got %d)" % (path, st))
        check('<html lang="fr"' in body, "page %s in French" % path)
        check(len(body.encode()) < 50 * 1024, "page %s under 50 KB (%d)" % (path, len(body.encode())))
        check("Content-Security-Policy" in h and "frame-ancestors 'none'" in h["Content-Security-Policy"]
              and h.get("X-Content-Type-Options") == "nosniff", "security headers on %s" % path)
        check("<script" not in body, "no script on %s" % path)
    st, h, body = srv.get("/recherche?q=%3Cscript%3Ealert(1)%3C/script%3E&ou=%22%3E%3Cimg")
    check("<script>alert" not in body and "<img" not in body, "user text escaped in pages")
    st, h, body = srv.get("/lieu/999999999")
    check(st == 404 and '<html lang="fr"' in body, "unknown place -> French 404 page")


def test_robustness(srv):
    rnd = random.Random(42)
    st = raw_request(srv.port, b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    check(st.startswith(b"HTTP/1.1 414") or st.startswith(b"HTTP/1.1 431") or st == b"", "huge URL refused")
    st = raw_request(srv.port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 100000 + b"\r\n\r\n")
    check(not st.startswith(b"HTTP/1.1 200"), "huge header refused")
    # A declared 2 MiB body is refused from its headers, before it is sent.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.sendall(b"POST /api/v1/lieux HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (2 * 1024 * 1024))
    try:
        st = s.recv(200)
    except OSError:
        st = b""
    s.close()
    check(st.startswith(b"HTTP/1.1 413"), "2 MiB body -> 413 (got %r)" % st[:30])
    # A chunked body growing past 1 MiB is drained and refused.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(b"POST /api/v1/lieux HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    for _ in range(20):
        s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    s.sendall(b"0\r\n\r\n")
    try:
        st = s.recv(200)
    except OSError:
        st = b""
    s.close()
    check(st.startswith(b"HTTP/1.1 413"), "chunked 1.25 MiB body -> 413 (got %r)" % st[:30])
    paths = ["/api/v1/lieux?lat=%s&lon=%s" % (rnd.choice(["nan", "inf", "-1e400", "1e-400", "", "43,2"]), "2"),
             "/api/v1/lieux?" + "&".join("services=x%d" % i for i in range(200)),
             "/api/v1/lieux?q=%FF%FE", "/api/v1/lieux?q=%", "/recherche?ou=%00", "/lieu/-1", "/lieu/99999999999999999999",
             "/territoire/x/y", "/territoire/commune/%2e%2e%2f", "/static/../../etc/passwd", "/static/%2e%2e/x",
             "/api/v1/lieux?page=0", "/api/v1/lieux?limite=100000", "/api/v1/lieux?km=-5", "/recherche?page=999999"]
    for p in paths:
        try:
            st, h, body = srv.get(p)
            check(st < 500, "%s -> %d" % (p, st))
        except Exception as e:
            check(False, "%s: %s" % (p, e))
    hostile = []
    for i in range(300):
        junk = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 400)))
        choice = i % 4
        if choice == 0:
            data = junk
        elif choice == 1:
            data = b"GET /api/v1/lieux?" + junk.replace(b" ", b"+").replace(b"\r", b"").replace(b"\n", b"") + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        elif choice == 2:
            data = b"GET /recherche?ou=" + junk.replace(b" ", b"").replace(b"\r", b"").replace(b"\n", b"") + b" HTTP/1.0\r\n\r\n"
        else:
            data = b"POST /api/v1/lieux HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(junk) + junk
        hostile.append(data)
    # 16 at a time, each on its own connection closed by the server after
    # its answer (a client that closes a kept-alive connection itself keeps
    # its per-address slot taken until the idle timeout, see server.c)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda d: raw_request(srv.port, d, 1), hostile))
    check(srv.alive(), "server alive after 300 hostile requests")


def main():
    if not os.path.exists(BIN):
        print("build/passerelle missing: run make")
        print("check: 0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp()
    db = os.path.join(tmp, "t.db")
    real, files = load(db)
    cli(db, "lieux", "dedup")
    srv = Server(db)
    try:
        test_api(srv, db, real)
        test_export_validates(srv)
        test_pages(srv)
        test_robustness(srv)
    finally:
        srv.stop()
    test_reimport_and_decisions(db, files)
    test_kill_during_import(db)
    return done()


if __name__ == "__main__":
    sys.exit(main())
