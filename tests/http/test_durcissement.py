#!/usr/bin/env python3
"""test_durcissement.py - the server's hardening, against the real binary:
security headers on pages and API answers, the request rate per address
(429 with Retry-After, per client behind a trusted proxy), connections per
address, HTTPS with a certificate (TLS handshake, HSTS, Secure cookies),
slow clients cut at the idle timeout, and no secret in the log.
Prints "check: N passed, M failed"; standard library only.
"""
import os, socket, ssl, subprocess, sys, tempfile, time, http.client

from harness import NOW, TEST_PASSWORD, Client, Server, check, done, fixture_db, make_account

CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; " \
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def test_headers(srv):
    c = srv.client()
    for path in ["/", "/connexion", "/api/v1/lieux?ou=Foix", "/lieu/999999999", "/sante"]:
        r = c.get(path)
        check(r.header("Content-Security-Policy") == CSP, "%s: strict CSP" % path)
        check(r.header("X-Content-Type-Options") == "nosniff" and r.header("X-Frame-Options") == "DENY"
              and r.header("Referrer-Policy") == "same-origin", "%s: nosniff, no framing, referrer policy" % path)
        check(r.header("Strict-Transport-Security") is None, "%s: no HSTS over plain HTTP" % path)
    r = srv.client().get("/connexion")
    sc = r.header("Set-Cookie") or ""
    check("HttpOnly" in sc and "SameSite=Lax" in sc and "Secure" not in sc, "visitor cookie over HTTP: %s" % sc)


def test_rate(db):
    srv = Server(db, args=("--rate", "5"))
    try:
        statuses = [Client(srv.port).get("/sante").status for _ in range(40)]
        n429 = statuses.count(429)
        check(statuses[:20].count(200) == 20 and n429 >= 15, "burst of 20 allowed, then 429 (%d of 40)" % n429)
        r = Client(srv.port).get("/sante")
        check(r.status == 429 and r.header("Retry-After") and int(r.header("Retry-After")) >= 1,
              "429 says when to come back")
        time.sleep(1.3)
        check(Client(srv.port).get("/sante").status == 200, "tokens come back with time (5 a second)")
    finally:
        srv.stop()
    # behind a trusted proxy, each client has its own budget
    srv = Server(db, args=("--rate", "5", "--trust-proxy"))
    try:
        a = [Client(srv.port).request("GET", "/sante", headers={"X-Forwarded-For": "203.0.113.7"}).status
             for _ in range(30)]
        b = Client(srv.port).request("GET", "/sante", headers={"X-Forwarded-For": "198.51.100.9"}).status
        check(a.count(429) > 0 and b == 200, "per client address from X-Forwarded-For: one limited, one not")
        r = Client(srv.port).request("GET", "/connexion", headers={"X-Forwarded-Proto": "https",
                                                                    "X-Forwarded-For": "198.51.100.10"})
        check("Secure" in (r.header("Set-Cookie") or "") and r.header("Strict-Transport-Security"),
              "X-Forwarded-Proto: https -> Secure cookies and HSTS")
    finally:
        srv.stop()
    # without --trust-proxy, the header is ignored (a client cannot pick its address)
    srv = Server(db, args=("--rate", "5"))
    try:
        st = [Client(srv.port).request("GET", "/sante", headers={"X-Forwarded-For": "10.0.0.%d" % i}).status
              for i in range(40)]
        check(st.count(429) > 0, "an untrusted X-Forwarded-For does not escape the limit")
    finally:
        srv.stop()


def test_connections(srv):
    socks = []
    try:
        for _ in range(64):
            socks.append(socket.create_connection(("127.0.0.1", srv.port), timeout=5))
        # The server's worker threads accept in parallel: let them count all 64
        # before the 65th arrives, or one of the 64 may be the one refused.
        time.sleep(0.5)
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"GET /sante HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            got = s.recv(100)
        except OSError:
            got = b""
        s.close()
        check(not got.startswith(b"HTTP/1.1 200"), "a 65th connection from one address is refused")
    finally:
        for s in socks:  # let the server close them (see server.c on epoll)
            try:
                s.sendall(b"GET /sante HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                s.recv(4096)
            except OSError:
                pass
            s.close()
    time.sleep(0.3)
    check(srv.alive(), "served again once they are closed")


def test_slow_client(srv):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    s.sendall(b"GET /sante HTTP/1.1\r\nHo")
    t = time.time()
    try:
        got = s.recv(100)
    except OSError:
        got = b""
    s.close()
    check(got == b"" and 10 <= time.time() - t <= 25, "a client that stops sending is cut at the idle timeout "
                                                      "(%.1f s)" % (time.time() - t))


def test_tls(db, tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       capture_output=True, text=True)
    if not check(r.returncode == 0, "self-signed certificate made with openssl"):
        print(r.stderr)
        return
    srv = Server(db, args=("--tls-cert", cert, "--tls-key", key))
    try:
        ctx = ssl.create_default_context(cafile=cert)
        conn = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=10)
        conn.request("GET", "/connexion")
        resp = conn.getresponse()
        resp.read()
        sc = resp.getheader("Set-Cookie") or ""
        check(resp.status == 200, "HTTPS page with a verified certificate")
        check(resp.getheader("Strict-Transport-Security") == "max-age=31536000", "HSTS over HTTPS")
        check("Secure" in sc and "HttpOnly" in sc, "cookies are Secure over HTTPS: %s" % sc)
        tls = conn.sock.version()
        check(tls in ("TLSv1.2", "TLSv1.3"), "TLS version %s" % tls)
        conn.close()
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            got = s.recv(100)
        except OSError:
            got = b""
        s.close()
        check(not got.startswith(b"HTTP/1.1 200"), "plain HTTP on the TLS port gets no page")
        # sign in over HTTPS
        make_account(db, "tls@example.fr", "admin:nation:")
        conn = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=10)
        conn.request("GET", "/connexion")
        r1 = conn.getresponse()
        body = r1.read().decode()
        cookie = (r1.getheader("Set-Cookie") or "").split(";")[0]
        import re, urllib.parse
        token = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        form = urllib.parse.urlencode({"email": "tls@example.fr", "mot_de_passe": TEST_PASSWORD, "csrf": token})
        conn.request("POST", "/connexion", form, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                                                  "Origin": "https://127.0.0.1:%d" % srv.port})
        r2 = conn.getresponse()
        r2.read()
        check(r2.status == 303 and "Secure" in (r2.getheader("Set-Cookie") or ""), "sign in over HTTPS: Secure session cookie")
        conn.close()
    finally:
        log = srv.stop()
    check("BEGIN" not in log and TEST_PASSWORD not in log, "neither key nor password in the log")
    srv = None
    r = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", "build", "passerelle"), "--db", db,
                        "serve", "--port", "1", "--tls-cert", cert], capture_output=True, text=True)
    check(r.returncode == 2 and "vont ensemble" in r.stderr, "--tls-cert without --tls-key: a clear error")


def main():
    tmp = tempfile.mkdtemp()
    db = fixture_db(os.path.join(tmp, "t.db"))
    srv = Server(db)
    try:
        test_headers(srv)
        test_connections(srv)
        test_slow_client(srv)
    finally:
        srv.stop()
    test_rate(db)
    test_tls(db, tmp)
    return done()


if __name__ == "__main__":
    sys.exit(main())
