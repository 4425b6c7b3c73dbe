#!/usr/bin/env python3
"""test_mail.py - mail leaves the outbox through a real SMTP server
(Debian's aiosmtpd, run by /usr/bin/python3 on a free loopback port,
writing to a maildir): an invitation made in the pages arrives with its
subject (RFC 2047), sender, UTF-8 body and single-use link; the outbox
records it as sent. With the relay down, the error is recorded and the
mail stays queued; without a relay, the log names recipient and subject
but never the link.
Prints "check: N passed, M failed"; standard library only.
"""
import email, email.policy, mailbox, os, re, sqlite3, subprocess, sys, tempfile, time

from harness import TEST_PASSWORD, Server, check, done, fixture_db, free_port, make_account, make_structure


def outbox(db):
    c = sqlite3.connect(db)
    rows = c.execute("SELECT destinataire, envoye_at, tentatives, coalesce(erreur, '') FROM mail_sortant "
                     "ORDER BY id").fetchall()
    c.close()
    return rows


def invite(srv, email_addr, structure):
    c = srv.client()
    c.login("admin@example.fr", TEST_PASSWORD)
    r = c.post_form("/admin/comptes", {"email": email_addr, "nom": "Zoé Lefèvre", "role": "mediateur",
                                        "portee": "structure", "code": str(structure), "profil": "mediateur"},
                    csrf_from="/admin/comptes")
    return r.status


def main():
    tmp = tempfile.mkdtemp()
    db = fixture_db(os.path.join(tmp, "t.db"))
    make_account(db, "admin@example.fr", "admin:nation:")
    s = make_structure(db, "Maison France services de Foix", "09122")
    # 1. no relay: the log tells, without the link
    srv = Server(db)
    try:
        check(invite(srv, "sans-relais@example.fr", s) == 303, "invitation from the page")
        time.sleep(3)
    finally:
        log = srv.stop()
    check("sans-relais@example.fr" in log and "Votre accès à Passerelle" in log and "/invitation/" not in log,
          "without a relay the log names recipient and subject, never the link")
    # 2. a real SMTP server
    port = free_port()
    maildir = os.path.join(tmp, "maildir")
    smtpd = subprocess.Popen(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % port,
                              "-c", "aiosmtpd.handlers.Mailbox", maildir],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        check(smtpd.poll() is None, "aiosmtpd runs (Debian package python3-aiosmtpd)")
        srv = Server(db, args=("--smtp", "127.0.0.1:%d" % port, "--mail-from", "ne-pas-repondre@passerelle.example"))
        try:
            check(invite(srv, "zoe.lefevre@example.fr", s) == 303, "invitation with a relay")
            msgs = []
            for _ in range(150):
                if os.path.isdir(maildir):
                    msgs = list(mailbox.Maildir(maildir, factory=None, create=False))
                    if len(msgs) >= 3:
                        break
                time.sleep(0.1)
        finally:
            srv.stop()
        parsed = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in msgs]
        zoe = [m for m in parsed if m["To"] and "zoe.lefevre@example.fr" in str(m["To"])]
        check(len(parsed) == 3, "the three queued mails delivered (%d)" % len(parsed))
        if check(len(zoe) == 1, "the invitation reached its recipient"):
            m = zoe[0]
            body = m.get_content()
            check(str(m["Subject"]) == "Votre accès à Passerelle", "subject decoded: %s" % m["Subject"])
            check("ne-pas-repondre@passerelle.example" in str(m["From"]), "sender: %s" % m["From"])
            check(m["Message-ID"] and m["Date"], "Message-ID and Date headers")
            check(re.search(r"/invitation/[A-Za-z0-9_-]{43}", body) and "Médiateur numérique" in body,
                  "UTF-8 body with the link and the role")
        rows = outbox(db)
        check(all(r[1] for r in rows) and all(r[2] == 1 for r in rows), "the outbox records them as sent, one attempt each")
    finally:
        smtpd.terminate()
        smtpd.wait()
    # 3. relay down: error recorded, mail kept
    dead = free_port()
    srv = Server(db, args=("--smtp", "127.0.0.1:%d" % dead))
    try:
        check(invite(srv, "plus-tard@example.fr", s) == 303, "invitation with the relay down")
        time.sleep(3.5)
    finally:
        srv.stop()
    row = [r for r in outbox(db) if r[0] == "plus-tard@example.fr"][0]
    check(row[1] is None and row[2] >= 1 and "cannot connect" in row[3],
          "relay down: not sent, attempt and error recorded (%s)" % (row,))
    return done()


if __name__ == "__main__":
    sys.exit(main())
