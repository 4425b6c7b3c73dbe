#!/usr/bin/env python3
"""test_autorisations.py - the authorization matrix over HTTP, against the
real server on a copy of the real data: every role (national
administrator, coordinators of a région, a département and a commune,
structure managers and médiateurs of two structures, a data producer's
token, anonymous visitors) × every write and protected read of the
platform × a resource inside and outside their scope. Each cell is one
real request through the real forms (with their CSRF tokens) or the API,
and checks the status; writes that are allowed are checked to have
happened, refused ones to have left nothing (journal, database).

Territory: Marseille (13055, département 13, région 93) is "in"; Foix
(09122, département 09, région 76) is "out".
Prints "check: N passed, M failed"; standard library only.
"""
import json, os, re, sqlite3, sys, tempfile

from harness import (TEST_PASSWORD, Client, Server, check, cli, done, fixture_db, make_account,
                     make_structure)


def q1(db, sql, args=()):
    c = sqlite3.connect(db)
    r = c.execute(sql, args).fetchone()
    c.close()
    return r


def records_in(db, commune, n):
    """n published places of a commune, each with its first source record."""
    c = sqlite3.connect(db)
    rows = c.execute(
        "SELECT l.pid, s.source_name, s.source_id FROM lieu l JOIN lieu_membre m ON m.lieu_id = l.pid "
        "JOIN lieu_source s ON s.rowid = m.source_rowid WHERE l.commune_code = ? AND l.prive = 0 "
        "GROUP BY l.pid ORDER BY l.pid LIMIT ?", (commune, n)).fetchall()
    c.close()
    return rows


def journal_count(db):
    return q1(db, "SELECT count(*) FROM journal")[0]


class World:
    pass


def setup(db):
    w = World()
    w.s1 = make_structure(db, "Espace numérique Marseille", "13055", "contact@espace-marseille.fr")
    w.s2 = make_structure(db, "Médiathèque de Foix", "09122", "mediatheque@foix.fr")
    p_in = records_in(db, "13055", 3)
    # out of scope: Foix on the real data, Mende (Occitanie too) in the demo places
    p_out = records_in(db, "09122", 3) or records_in(db, "48095", 3)
    assert len(p_in) >= 3 and len(p_out) >= 2, "places in Marseille and Foix (or Mende)"
    w.p1, w.p2 = p_in[0][0], p_out[0][0]
    cli(db, "structures", "lier", str(w.s1), "%s:%s" % p_in[0][1:])
    cli(db, "structures", "lier", str(w.s2), "%s:%s" % p_out[0][1:])
    w.pair_in = ("%s:%s" % p_in[1][1:], "%s:%s" % p_in[2][1:])
    w.pair_out = ("%s:%s" % p_out[0][1:], "%s:%s" % p_out[1][1:])
    w.roles = {
        "admin": "admin:nation:",
        "reg93": "coordinateur:region:93",
        "dep13": "coordinateur:departement:13",
        "com13055": "coordinateur:commune:13055",
        "gest1": "gestionnaire:structure:%d" % w.s1,
        "med1": "mediateur:structure:%d" % w.s1,
        "gest2": "gestionnaire:structure:%d" % w.s2,
        "med2": "mediateur:structure:%d" % w.s2,
    }
    w.ids = {}
    for name, role in w.roles.items():
        w.ids[name] = make_account(db, "%s@example.fr" % name, role, nom=name,
                                   profil="mediateur" if name.startswith("med") else None)
    make_account(db, "hub-a@example.fr", "producteur:source:hub-a", profil="machine")
    r = cli(db, "comptes", "jeton", "creer", "--source", "hub-a", "--compte", "hub-a@example.fr")
    w.token = r.stdout.strip()
    return w


def clients(srv, w):
    cs = {"anonyme": srv.client()}
    for name in w.roles:
        c = srv.client()
        check(c.login("%s@example.fr" % name, TEST_PASSWORD), "%s signs in" % name)
        cs[name] = c
    return cs


ACTORS = ["admin", "reg93", "dep13", "com13055", "gest1", "med1", "gest2", "med2", "anonyme"]


def cell(cs, who, method, path, fields=None, csrf_page=None):
    c = cs[who]
    if method == "GET":
        return c.get(path).status
    if who == "anonyme":
        # an anonymous visitor has a visitor cookie and a real token
        return c.post_form(path, fields or {}, csrf_from=csrf_page or "/connexion").status
    return c.post_form(path, fields or {}, csrf_from=csrf_page or "/espace").status


def row(cs, what, method, path, fields, want, csrf_page=None):
    """want: dict actor -> expected status (missing actors: 403; anonyme
    defaults to 303 for GET, 403 for POST)."""
    for who in ACTORS:
        default = (303 if method == "GET" else 403) if who == "anonyme" else 403
        exp = want.get(who, default)
        f = fields(who) if callable(fields) else fields
        st = cell(cs, who, method, path, f, csrf_page)
        check(st == exp, "%s by %s: %s %s -> %d (want %d)" % (what, who, method, path, st, exp))


def test_places(cs, w, db):
    ok = {k: 200 for k in ["admin", "reg93", "dep13", "com13055", "gest1"]}
    row(cs, "edit page of a Marseille place", "GET", "/lieu/%d/modifier" % w.p1, None, ok)
    row(cs, "edit page of a Foix place", "GET", "/lieu/%d/modifier" % w.p2, None,
        {"admin": 200, "gest2": 200})
    # a real edit: the summary changes each time, so each allowed write is visible
    form = cs["admin"].get("/lieu/%d/modifier" % w.p1).text
    base = dict(re.findall(r'<input id="([a-z_]+)" name="[a-z_]+" type="[a-z]+"[^>]*? value="([^"]*)"', form))
    base = {k: v.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"') for k, v in base.items()}
    services = re.findall(r'name="services" value="([^"]+)" checked', form)

    def fields(who):
        f = [(k, v) for k, v in base.items()]
        f += [("services", s) for s in services]
        f.append(("presentation_resume", "Modifié par %s." % who))
        return f
    before = journal_count(db)
    row(cs, "edit of a Marseille place", "POST", "/lieu/%d/modifier" % w.p1, fields,
        {k: 303 for k in ok}, csrf_page="/lieu/%d/modifier" % w.p1)
    check(journal_count(db) - before == len(ok), "each allowed edit is journaled, refused ones are not")
    r = cs["anonyme"].get("/lieu/%d" % w.p1)
    check("Modifié par gest1." in r.text, "the last edit is published at once")
    check("Modifier cette fiche" not in r.text, "visitors see no edit link")
    check("Modifier cette fiche" in cs["gest1"].get("/lieu/%d" % w.p1).text, "the structure manager does")


def test_accounts(cs, w, db):
    def invite(role):
        def f(who):
            r, p, code = role.split(":")
            return {"email": "invite-%s-%s@example.fr" % (who, code or "x"), "role": r, "portee": p,
                    "code": code, "profil": "mediateur" if r == "mediateur" else ""}
        return f
    managers_page = {"admin": 200, "reg93": 200, "dep13": 200, "com13055": 200, "gest1": 200, "gest2": 200}
    row(cs, "accounts page", "GET", "/admin/comptes", None, managers_page)
    row(cs, "invite a médiateur of structure 1", "POST", "/admin/comptes",
        invite("mediateur:structure:%d" % w.s1),
        {"admin": 303, "reg93": 303, "dep13": 303, "com13055": 303, "gest1": 303})
    row(cs, "invite a médiateur of structure 2", "POST", "/admin/comptes",
        invite("mediateur:structure:%d" % w.s2), {"admin": 303, "gest2": 303})
    row(cs, "invite a coordinator of département 13", "POST", "/admin/comptes",
        invite("coordinateur:departement:13"), {"admin": 303, "reg93": 303, "dep13": 303})
    row(cs, "invite a coordinator of département 09", "POST", "/admin/comptes",
        invite("coordinateur:departement:09"), {"admin": 303})
    row(cs, "invite an administrator", "POST", "/admin/comptes", invite("admin:nation:"), {"admin": 303})
    check(q1(db, "SELECT count(*) FROM compte WHERE email LIKE 'invite-med1-%' OR email LIKE 'invite-anonyme-%'")[0] == 0,
          "refused invitations created no account")
    # deactivate the médiateur of structure 2, then reactivate it (each allowed actor in turn)
    target = w.ids["med2"]
    for who in ACTORS:
        exp = 303 if who in ("admin", "gest2") else 403
        st = cell(cs, who, "POST", "/admin/comptes/%d" % target, {"action": "desactiver"})
        check(st == exp, "deactivate med2 by %s -> %d (want %d)" % (who, st, exp))
        if st == 303:
            check(q1(db, "SELECT etat FROM compte WHERE id = ?", (target,))[0] == "desactive", "med2 deactivated")
            cell(cs, who, "POST", "/admin/comptes/%d" % target, {"action": "reactiver"})
    check(q1(db, "SELECT etat FROM compte WHERE id = ?", (target,))[0] == "actif", "med2 active again")
    check(cs["med2"].get("/espace").status == 303, "deactivation ended med2's session")
    check(cs["med2"].login("med2@example.fr", TEST_PASSWORD), "med2 signs in again once reactivated")
    st = cell(cs, "dep13", "POST", "/admin/comptes/%d" % w.ids["admin"], {"action": "desactiver"})
    check(st == 403, "a coordinator cannot deactivate an administrator")
    st = cell(cs, "admin", "POST", "/admin/comptes/%d" % w.ids["admin"], {"action": "desactiver"})
    check(st == 403, "nobody deactivates their own account")


def test_structures(cs, w, db):
    def create(commune):
        return lambda who: {"nom": "Structure de %s" % who, "commune": commune}
    row(cs, "structures page", "GET", "/admin/structures", None,
        {k: 200 for k in ["admin", "reg93", "dep13", "com13055", "gest1", "med1", "gest2", "med2"]})
    row(cs, "create a structure in Marseille", "POST", "/admin/structures", create("13055"),
        {"admin": 303, "reg93": 303, "dep13": 303, "com13055": 303})
    row(cs, "create a structure in Foix", "POST", "/admin/structures", create("09122"), {"admin": 303})
    edit = lambda who: {"action": "modifier", "nom": "Espace numérique Marseille", "commune": "13055",
                        "courriel": "contact@espace-marseille.fr"}
    row(cs, "edit structure 1", "POST", "/admin/structures/%d" % w.s1, edit,
        {"admin": 303, "reg93": 303, "dep13": 303, "com13055": 303, "gest1": 303})
    row(cs, "structure 2's page", "GET", "/admin/structures/%d" % w.s2, None,
        {"admin": 200, "gest2": 200})
    pid = records_in(db, "13055", 5)[4][0]
    row(cs, "link a Marseille place to structure 1", "POST", "/admin/structures/%d" % w.s1,
        {"action": "lier", "lieu": str(pid)},
        {"admin": 303, "reg93": 303, "dep13": 303, "com13055": 303})
    row(cs, "link a Foix place to structure 1", "POST", "/admin/structures/%d" % w.s1,
        {"action": "lier", "lieu": str(w.p2)}, {"admin": 303})
    # a coordinator of 13 cannot move structure 1 to Foix
    st = cell(cs, "dep13", "POST", "/admin/structures/%d" % w.s1,
              {"action": "modifier", "nom": "x", "commune": "09122"})
    check(st == 403, "a coordinator cannot move a structure out of their territory (%d)" % st)


def test_journal_and_tokens(cs, w, db):
    row(cs, "journal", "GET", "/journal", None, {"admin": 200, "reg93": 200, "dep13": 200, "com13055": 200})
    row(cs, "journal CSV", "GET", "/journal.csv", None, {"admin": 200, "reg93": 200, "dep13": 200, "com13055": 200})
    csv_dep13 = cs["dep13"].get("/journal.csv").text
    csv_admin = cs["admin"].get("/journal.csv").text
    check(",13," in csv_dep13 and ",09," not in csv_dep13, "a coordinator of 13 reads the journal of 13 only")
    check(",09," in csv_admin, "the administrator reads all of it")
    row(cs, "tokens page", "GET", "/admin/jetons", None, {"admin": 200})
    row(cs, "create a token", "POST", "/admin/jetons",
        lambda who: {"action": "creer", "source": "hub-%s" % who, "compte": "svc-%s@example.fr" % who},
        {"admin": 200})


def test_dedup_decisions(cs, w, db):
    def decide(pair):
        return lambda who: {"a": pair[0], "b": pair[1], "decision": "jamais", "motif": who}
    row(cs, "never-merge decision in Marseille", "POST", "/doublons", decide(w.pair_in),
        {"admin": 303, "reg93": 303, "dep13": 303, "com13055": 303}, csrf_page="/doublons")
    row(cs, "never-merge decision in Foix", "POST", "/doublons", decide(w.pair_out), {"admin": 303},
        csrf_page="/doublons")
    n = q1(db, "SELECT count(*) FROM dedup_decision WHERE decision = 'jamais'")[0]
    check(n == 2, "two decisions stored (one pair each, last writer wins): %d" % n)


def test_api(srv, cs, w):
    body = json.dumps({"pivot": "12345678901234", "nom": "Lieu de l'API", "commune": "Marseille",
                       "code_postal": "13001", "code_insee": "13055", "adresse": "1 rue de l'API",
                       "date_maj": "2026-11-20"})
    h = {"Content-Type": "application/json"}
    c = Client(srv.port)
    r = c.request("PUT", "/api/v1/sources/hub-a/lieux/x1", body, dict(h, Authorization="Bearer " + w.token))
    check(r.status == 201, "producer token writes its own source (%d)" % r.status)
    r = c.request("PUT", "/api/v1/sources/hub-b/lieux/x1", body, dict(h, Authorization="Bearer " + w.token))
    check(r.status == 403, "but not another source (%d)" % r.status)
    r = c.request("PUT", "/api/v1/sources/hub-a/lieux/x1", body, h)
    check(r.status == 401 and r.header("WWW-Authenticate"), "no token -> 401 (%d)" % r.status)
    r = c.request("PUT", "/api/v1/sources/hub-a/lieux/x1", body, dict(h, Authorization="Bearer pas_" + "x" * 43))
    check(r.status == 401, "an unknown token -> 401")
    admin = cs["admin"]
    r = admin.request("PUT", "/api/v1/sources/hub-a/lieux/x1", body, h)
    check(r.status == 401, "a browser session never writes through the API (%d)" % r.status)
    r = c.request("DELETE", "/api/v1/sources/hub-a/lieux/x1", None, {"Authorization": "Bearer " + w.token})
    check(r.status == 204, "the producer deletes its place (%d)" % r.status)


def main():
    tmp = tempfile.mkdtemp()
    db = fixture_db(os.path.join(tmp, "t.db"))
    w = setup(db)
    srv = Server(db)
    try:
        cs = clients(srv, w)
        test_places(cs, w, db)
        test_accounts(cs, w, db)
        test_structures(cs, w, db)
        test_journal_and_tokens(cs, w, db)
        test_dedup_decisions(cs, w, db)
        test_api(srv, cs, w)
    finally:
        srv.stop()
    return done()


if __name__ == "__main__":
    sys.exit(main())
