#!/usr/bin/env python3
"""test_comptes.py - accounts as their users meet them, over HTTP against the
real server on a copy of the real data: the first administrator from the
command line, invitations by e-mail link, first password, sign in and out,
session cookies and their expiry (idle and absolute, by restarting the
server with a later clock), login throttling per account and per address,
CSRF on every form, password reset, the TOTP second factor (with replay
refused), and that secrets never reach the server's log.
Prints "check: N passed, M failed"; standard library only.
"""
import os, re, sqlite3, sys, tempfile

from harness import (NOW, TEST_PASSWORD, Client, Server, check, cli, done, fixture_db,
                     make_account, make_structure, totp_now)


def outbox(db, to):
    c = sqlite3.connect(db)
    rows = c.execute("SELECT sujet, corps, objet FROM mail_sortant WHERE destinataire = ? ORDER BY id",
                     (to,)).fetchall()
    c.close()
    return rows


def link_in(body, kind):
    m = re.search(r"http://[^/\s]+(/%s/[A-Za-z0-9_-]{43})" % kind, body)
    return m.group(1) if m else None


def test_first_admin(db):
    r = cli(db, "comptes", "creer-admin", "Premiere.Admin@Example.FR", "--nom", "Première Admin")
    check(r.returncode == 0 and "lien=http" in r.stdout, "creer-admin prints the single-use link")
    mails = outbox(db, "premiere.admin@example.fr")
    check(len(mails) == 1 and mails[0][2] == "invitation", "the invitation is in the outbox (address lower-cased)")
    link = link_in(mails[0][1], "invitation")
    check(link is not None, "the mail holds the invitation link")
    r = cli(db, "comptes", "creer-admin", "pas-une-adresse", ok=False)
    check(r.returncode == 1 and "adresse" in r.stderr, "a bad address is refused with a French message")
    r = cli(db, "comptes", "inviter", "x@example.fr", "--role", "coordinateur:structure:1", ok=False)
    check(r.returncode == 2 and "ROLE:PORTEE:CODE" in r.stderr, "a role that does not fit its scope is refused")
    return link


def test_invitation(srv, link):
    c = srv.client()
    r = c.get(link)
    check(r.status == 200 and "premiere.admin@example.fr" in r.text and 'type="password"' in r.text,
          "the invitation page shows the account and the password fields")
    token = c.csrf(link)
    r = c.post_form(link, {"mot_de_passe": "court", "confirmation": "court"}, csrf_from=token)
    check(r.status == 200 and "au moins 12 caractères" in r.text and 'aria-invalid="true"' in r.text,
          "a short password is refused, the message next to the field")
    r = c.post_form(link, {"mot_de_passe": "une phrase assez longue", "confirmation": "autre phrase longue"},
                    csrf_from=token)
    check(r.status == 200 and "pas les mêmes" in r.text, "two different passwords are refused")
    r = c.post_form(link, {"mot_de_passe": "une phrase assez longue", "confirmation": "une phrase assez longue"})
    check(r.status == 403, "without its CSRF token the form is refused")
    r = c.post_form(link, {"mot_de_passe": "une phrase assez longue", "confirmation": "une phrase assez longue"},
                    csrf_from=token)
    check(r.status == 303 and r.header("Location") == "/espace?fait=active", "the first password activates the account")
    sc = " ".join(r.header_all("Set-Cookie"))
    check("pl_session=" in sc and "HttpOnly" in sc and "SameSite=Lax" in sc, "session cookie HttpOnly, SameSite=Lax: %s" % sc)
    r = c.get("/espace")
    check(r.status == 200 and "Administrateur national" in r.text, "signed in after activation")
    r = srv.client().get(link)
    check(r.status == 410, "the invitation link works once only")


def test_login_logout(srv):
    c = srv.client()
    check(c.login("premiere.admin@example.fr", "une phrase assez longue"), "sign in with the chosen password")
    session = c.cookies["pl_session"]
    r = c.get("/compte")
    check(r.status == 200 and "Première Admin" in r.text, "my account page")
    r = c.post_form("/deconnexion", {}, csrf_from="/espace")
    check(r.status == 303 and "pl_session" not in c.cookies, "sign out clears the cookie")
    stolen = Client(srv.port)
    stolen.cookies["pl_session"] = session
    r = stolen.get("/espace")
    check(r.status == 303 and r.header("Location").startswith("/connexion"), "a signed-out session cookie no longer works")
    r = srv.client().get("/espace")
    check(r.status == 303 and r.header("Location") == "/connexion?suivant=%2Fespace",
          "private page -> sign-in page, coming back afterwards")
    c = srv.client()
    r = c.post_form("/connexion", {"email": "premiere.admin@example.fr", "mot_de_passe": "une phrase assez longue",
                                   "suivant": "//evil.example/x"}, csrf_from="/connexion")
    check(r.status == 303 and r.header("Location") == "/espace", "no open redirect after sign-in")
    r = c.post_form("/connexion", {"email": "premiere.admin@example.fr", "mot_de_passe": "x"},
                    csrf_from="/connexion", headers={"Origin": "http://evil.example"})
    check(r.status == 403, "a form posted from another site (Origin) is refused")


def test_throttling(srv, db):
    make_account(db, "lente@example.fr", "admin:nation:")
    c = srv.client()
    for i in range(5):
        r = c.post_form("/connexion", {"email": "lente@example.fr", "mot_de_passe": "mauvais %d" % i},
                        csrf_from="/connexion")
    check(r.status == 200 and "incorrect" in r.text, "wrong passwords are told apart from nothing")
    r = c.post_form("/connexion", {"email": "lente@example.fr", "mot_de_passe": TEST_PASSWORD}, csrf_from="/connexion")
    check(r.status == 429 and r.header("Retry-After") == "900", "after 5 failures even the right password waits (429)")
    r = c.post_form("/connexion", {"email": "Lente@Example.fr ", "mot_de_passe": TEST_PASSWORD}, csrf_from="/connexion")
    check(r.status == 429, "the account is throttled whatever the spelling of its address")
    other = srv.client()
    check(other.login("premiere.admin@example.fr", "une phrase assez longue"), "other accounts are not affected")
    # per address: 30 failures on many accounts from one address
    for i in range(30):
        c.post_form("/connexion", {"email": "inconnu%d@example.fr" % i, "mot_de_passe": "x"}, csrf_from="/connexion")
    r = c.post_form("/connexion", {"email": "premiere.admin@example.fr", "mot_de_passe": "une phrase assez longue"},
                    csrf_from="/connexion")
    check(r.status == 429, "30 failures from one address block that address")
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM connexion_echec")
    conn.commit()
    conn.close()


def test_expiry(db):
    """Idle expiry after 30 minutes, absolute after 12 hours (fixed clocks)."""
    srv = Server(db)
    try:
        c = srv.client()
        check(c.login("premiere.admin@example.fr", "une toute nouvelle phrase"), "sign in at 10:30")
        cookie = c.cookies["pl_session"]
    finally:
        srv.stop()
    srv = Server(db, env={"PASSERELLE_NOW": str(NOW + 29 * 60)})
    try:
        c = Client(srv.port)
        c.cookies["pl_session"] = cookie
        check(c.get("/espace").status == 200, "still signed in after 29 minutes")
    finally:
        srv.stop()
    srv = Server(db, env={"PASSERELLE_NOW": str(NOW + 29 * 60 + 31 * 60)})
    try:
        c = Client(srv.port)
        c.cookies["pl_session"] = cookie
        check(c.get("/espace").status == 303, "signed out after 31 idle minutes")
    finally:
        srv.stop()
    # absolute: active every 20 minutes, still ends after 12 hours
    srv = Server(db)
    try:
        c = srv.client()
        c.login("premiere.admin@example.fr", "une toute nouvelle phrase")
        cookie = c.cookies["pl_session"]
    finally:
        srv.stop()
    ok = True
    for k in range(1, 37):
        srv = Server(db, env={"PASSERELLE_NOW": str(NOW + k * 20 * 60)})
        try:
            c = Client(srv.port)
            c.cookies["pl_session"] = cookie
            st = c.get("/espace").status
            if k * 20 * 60 <= 12 * 3600 and st != 200:
                ok = False
            if k * 20 * 60 > 12 * 3600:
                check(st == 303, "absolute expiry: signed out after 12 hours even when active")
                break
        finally:
            srv.stop()
    check(ok, "an active session lasts up to 12 hours")


def test_reset(srv, db):
    c = srv.client()
    r = c.post_form("/mot-de-passe-oublie", {"email": "personne@example.fr"}, csrf_from="/mot-de-passe-oublie")
    check(r.status == 303 and r.header("Location") == "/connexion?fait=demande", "unknown address: same answer")
    check(outbox(db, "personne@example.fr") == [], "no mail to an unknown address")
    r = c.post_form("/mot-de-passe-oublie", {"email": "premiere.admin@example.fr"}, csrf_from="/mot-de-passe-oublie")
    check(r.status == 303 and r.header("Location") == "/connexion?fait=demande", "known address: same answer")
    mails = [m for m in outbox(db, "premiere.admin@example.fr") if m[2] == "reinitialisation"]
    link = link_in(mails[-1][1], "reinitialisation") if mails else None
    check(link is not None, "the reset mail holds a link")
    c2 = srv.client()
    c2.login("premiere.admin@example.fr", "une phrase assez longue")
    r = c.post_form(link, {"mot_de_passe": "une toute nouvelle phrase", "confirmation": "une toute nouvelle phrase"},
                    csrf_from=link)
    check(r.status == 303 and r.header("Location") == "/connexion?fait=reinitialise", "new password through the link")
    check(c2.get("/espace").status == 303, "a reset ends the other sessions")
    check(not srv.client().login("premiere.admin@example.fr", "une phrase assez longue"), "the old password no longer works")
    check(srv.client().login("premiere.admin@example.fr", "une toute nouvelle phrase"), "the new one does")
    check(srv.client().get(link).status == 410, "the reset link works once")


def test_totp(srv, db):
    make_account(db, "coord@example.fr", "coordinateur:departement:13")
    c = srv.client()
    check(c.login("coord@example.fr", TEST_PASSWORD), "coordinator signs in")
    r = c.get("/compte/second-facteur")
    m = re.search(r'name="cle" value="([A-Z2-7]+)"', r.text)
    check(r.status == 200 and m, "enrolment page shows a key")
    secret = m.group(1)
    token = c.csrf("/compte/second-facteur")
    r = c.post_form("/compte/second-facteur", {"cle": secret, "code": "000000"}, csrf_from=token)
    check(r.status == 200 and "ne va pas" in r.text, "a wrong code does not turn it on")
    r = c.post_form("/compte/second-facteur", {"cle": secret, "code": totp_now(secret)}, csrf_from=token)
    check(r.status == 303 and "second_facteur" in r.header("Location"), "a right code turns it on")
    d = srv.client()
    r = d.post_form("/connexion", {"email": "coord@example.fr", "mot_de_passe": TEST_PASSWORD}, csrf_from="/connexion")
    check(r.status == 303 and r.header("Location").startswith("/connexion/code"), "password then code")
    check(d.get("/espace").status == 303, "not signed in before the code")
    r = d.post_form("/connexion/code", {"code": totp_now(secret)}, csrf_from="/connexion/code")
    check(r.status == 200 and "ne va pas" in r.text, "the code used for enrolment cannot be used again (replay)")
    r = d.post_form("/connexion/code", {"code": totp_now(secret, NOW + 30)}, csrf_from="/connexion/code")
    check(r.status == 303, "the next code signs in")
    check(d.get("/espace").status == 200, "signed in after the code")
    r = srv.client().get("/compte/second-facteur")
    check(r.status == 303, "enrolment page needs a session")
    make_account(db, "med@example.fr", "mediateur:structure:%d" % make_structure(db, "Espace Test", "13055"))
    e = srv.client()
    e.login("med@example.fr", TEST_PASSWORD)
    check(e.get("/compte/second-facteur").status == 403, "TOTP is offered to administrators and coordinators")


def main():
    tmp = tempfile.mkdtemp()
    db = fixture_db(os.path.join(tmp, "t.db"))
    link = test_first_admin(db)
    srv = Server(db)
    try:
        test_invitation(srv, link)
        test_login_logout(srv)
        test_throttling(srv, db)
        test_reset(srv, db)
        test_totp(srv, db)
    finally:
        log = srv.stop()
    check(link.split("/")[-1] not in log and "une phrase assez longue" not in log and "pl_session=" not in log,
          "no secret in the server's log")
    test_expiry(db)
    return done()


if __name__ == "__main__":
    sys.exit(main())
