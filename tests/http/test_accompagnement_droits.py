#!/usr/bin/env python3
"""test_accompagnement_droits.py - the authorization matrix of every
accompaniment endpoint over HTTP, against the real server on a copy of the
real data: national administrator, coordinators of a région, a département
and a commune, a manager and two médiateurs of structure 1 (Marseille), a
manager and a médiateur of structure 2 (Foix), an anonymous visitor; each
page, form and API × a resource inside and outside the actor's scope.
Writes that are refused are checked to have left nothing.

Expectations follow docs/comptes.md: record an activity (médiateur, own
structure), read it (its author, its structure's manager), change it (its
author); a followed person (managers and médiateurs of their structure);
send a referral (médiateur), act on one received (the receiving
structure); statistics (admin everywhere, coordinator their territory,
manager their structure, médiateur their own records).
Prints "check: N passed, M failed"; standard library only.
"""
import os, re, sqlite3, sys, tempfile

from harness import TEST_PASSWORD, Server, check, cli, done, fixture_db, make_account, make_structure

ACTORS = ["admin", "reg93", "dep13", "com13055", "gest1", "med1", "med1b", "gest2", "med2", "anonyme"]


def q1(db, sql, args=()):
    c = sqlite3.connect(db)
    r = c.execute(sql, args).fetchone()
    c.close()
    return r


def row(cs, what, method, path, fields, want, csrf_page="/espace"):
    """want: actor -> status; others 403 (anonymous: 303 for pages by GET,
    401 for the API, 403 for POST)."""
    for who in ACTORS:
        if who == "anonyme":
            default = 401 if path.startswith("/api/") else 303 if method == "GET" else 403
        else:
            default = 403
        exp = want.get(who, default)
        c = cs[who]
        if method == "GET":
            st = c.get(path).status
        else:
            page = "/connexion" if who == "anonyme" else csrf_page
            st = c.post_form(path, fields(who) if callable(fields) else fields, csrf_from=page).status
        check(st == exp, "%s by %s: %s %s -> %d (want %d)" % (what, who, method, path, st, exp))


def main():
    tmp = tempfile.mkdtemp(prefix="droits-")
    db = fixture_db(os.path.join(tmp, "t.db"))
    key = os.path.join(tmp, "cle")
    cli(db, "accompagnement", "cle", key)
    s1 = make_structure(db, "Espace numérique Marseille", "13055", "contact@espace-marseille.fr")
    s2 = make_structure(db, "Médiathèque de Foix", "09122", "mediatheque@foix.fr")
    roles = {"admin": "admin:nation:", "reg93": "coordinateur:region:93", "dep13": "coordinateur:departement:13",
             "com13055": "coordinateur:commune:13055", "gest1": "gestionnaire:structure:%d" % s1,
             "med1": "mediateur:structure:%d" % s1, "med1b": "mediateur:structure:%d" % s1,
             "gest2": "gestionnaire:structure:%d" % s2, "med2": "mediateur:structure:%d" % s2}
    ids = {k: make_account(db, "%s@example.fr" % k, v) for k, v in roles.items()}
    srv = Server(db, env={"PASSERELLE_CLE": key})
    try:
        cs = {"anonyme": srv.client()}
        for k in roles:
            cs[k] = srv.client()
            check(cs[k].login("%s@example.fr" % k, TEST_PASSWORD), "%s signs in" % k)
        matrix(cs, db, s1, s2, ids)
    finally:
        srv.stop()
    sys.exit(done())


def matrix(cs, db, s1, s2, ids):
    med1, med2 = cs["med1"], cs["med2"]
    rec = {"type": "individuel", "date": "2026-11-20", "duree": "30", "lieu": "structure", "thematique": "email"}
    r = med1.post_form("/activites/nouvelle", dict(rec, structure=s1), csrf_from="/activites/nouvelle")
    a1 = int(re.search(r"/activites/(\d+)", r.header("Location")).group(1))
    r = med1.post_form("/beneficiaires/nouveau", {"prenom": "Alice", "nom": "Martin", "structure": s1,
                                                  "consentement": "oui", "mode": "oral"}, csrf_from="/beneficiaires/nouveau")
    b1 = int(re.search(r"/beneficiaires/(\d+)", r.header("Location")).group(1))
    r = med1.post_form("/beneficiaires/nouveau", {"prenom": "Bruno", "nom": "Garcia", "structure": s1,
                                                  "consentement": "oui", "mode": "oral"}, csrf_from="/beneficiaires/nouveau")
    b2 = int(re.search(r"/beneficiaires/(\d+)", r.header("Location")).group(1))
    r = med1.post_form("/orientations/nouvelle", [("destination", "structure:%d" % s2), ("besoin", "email"),
                                                  ("envoyer", "1")], csrf_from="/orientations/nouvelle")
    o1 = int(re.search(r"/orientations/(\d+)", r.header("Location")).group(1))

    staff = {"gest1": 200, "med1": 200, "med1b": 200, "gest2": 200, "med2": 200}
    meds = {"med1": 200, "med1b": 200, "med2": 200}
    s1staff = {"gest1": 200, "med1": 200, "med1b": 200}
    # activities
    row(cs, "activities list", "GET", "/activites", None, staff)
    row(cs, "activity form", "GET", "/activites/nouvelle", None, meds)
    check("Alice" not in med2.get("/activites/nouvelle?beneficiaire=%d" % b1).text,
          "another structure's person is not named in the form")
    n0 = q1(db, "SELECT count(*) FROM activite")[0]
    row(cs, "record an activity", "POST", "/activites/nouvelle", lambda who: dict(rec, structure=s1),
        {"med1": 303, "med1b": 303, "med2": 303}, csrf_page="/espace")
    check(q1(db, "SELECT count(*) FROM activite WHERE structure_id = ?", (s1,))[0] == 3 and
          q1(db, "SELECT count(*) FROM activite")[0] == n0 + 3, "med2 recorded for its own structure, not structure 1")
    row(cs, "an activity of med1", "GET", "/activites/%d" % a1, None, {"med1": 200, "gest1": 200})
    row(cs, "its edit form", "GET", "/activites/%d/modifier" % a1, None, {"med1": 200})
    row(cs, "edit it", "POST", "/activites/%d/modifier" % a1, dict(rec, duree="45"), {"med1": 303})
    row(cs, "add a participant", "POST", "/activites/%d/participants" % a1, {"action": "ajouter", "beneficiaire": b1},
        {"med1": 303})
    row(cs, "the activities API", "GET", "/api/v1/activites", None, staff)
    row(cs, "one activity by API", "GET", "/api/v1/activites/%d" % a1, None, {"med1": 200, "gest1": 200})
    # followed people
    row(cs, "people list", "GET", "/beneficiaires", None, staff)
    check("Alice" not in med2.get("/beneficiaires?structure=%d" % s1).text, "another structure's people stay hidden")
    row(cs, "a person's record", "GET", "/beneficiaires/%d" % b1, None, s1staff)
    row(cs, "its edit form", "GET", "/beneficiaires/%d/modifier" % b1, None, s1staff)
    row(cs, "edit it", "POST", "/beneficiaires/%d/modifier" % b1,
        lambda who: {"prenom": "Alice", "nom": "Martin", "notes": "par %s" % who},
        {"gest1": 303, "med1": 303, "med1b": 303})
    row(cs, "export page", "GET", "/beneficiaires/%d/export" % b1, None, s1staff)
    row(cs, "export JSON", "GET", "/beneficiaires/%d/export.json" % b1, None, s1staff)
    row(cs, "erasure page", "GET", "/beneficiaires/%d/effacer" % b1, None, s1staff)
    row(cs, "duplicates", "GET", "/beneficiaires/doublons", None, staff)
    row(cs, "new person form", "GET", "/beneficiaires/nouveau", None, staff)
    row(cs, "link a diagnostic", "POST", "/beneficiaires/%d/diagnostic" % b1, {"diagnostic": "1"},
        {"gest1": 404, "med1": 404, "med1b": 404})
    # merge and erase: refused ones first, then one allowed
    for who in ["admin", "dep13", "gest2", "med2", "anonyme"]:
        st = cs[who].post_form("/beneficiaires/fusionner", {"garder": b1, "fusionner": b2},
                               csrf_from="/connexion" if who == "anonyme" else "/espace").status
        check(st == 403, "merge by %s refused (%d)" % (who, st))
        st = cs[who].post_form("/beneficiaires/%d/effacer" % b2, {"confirmer": "oui"},
                               csrf_from="/connexion" if who == "anonyme" else "/espace").status
        check(st == 403, "erasure by %s refused (%d)" % (who, st))
    check(q1(db, "SELECT count(*) FROM beneficiaire WHERE fusionne_dans IS NULL")[0] == 2, "nothing merged or erased")
    st = cs["gest1"].post_form("/beneficiaires/fusionner", {"garder": b1, "fusionner": b2}, csrf_from="/espace").status
    check(st == 303 and q1(db, "SELECT fusionne_dans FROM beneficiaire WHERE id = ?", (b2,))[0] == b1, "the manager merges")
    # referrals
    row(cs, "referral form", "GET", "/orientations/nouvelle", None, meds)
    row(cs, "referrals list", "GET", "/orientations", None, staff)
    row(cs, "a referral", "GET", "/orientations/%d" % o1, None,
        {"gest1": 200, "med1": 200, "med1b": 200, "gest2": 200, "med2": 200})
    for who in ["admin", "dep13", "gest1", "med1", "anonyme"]:
        st = cs[who].post_form("/orientations/%d" % o1, {"action": "accepter"},
                               csrf_from="/connexion" if who == "anonyme" else "/espace").status
        check(st == 403, "accept by %s refused (%d)" % (who, st))
    for who in ["admin", "gest2", "med2"]:
        st = cs[who].post_form("/orientations/%d" % o1, {"action": "annuler"}, csrf_from="/espace").status
        check(st == 403, "cancel by %s refused (%d)" % (who, st))
    check(q1(db, "SELECT etat FROM orientation WHERE id = ?", (o1,))[0] == "envoyee", "still waiting")
    st = cs["gest2"].post_form("/orientations/%d" % o1, {"action": "accepter"}, csrf_from="/espace").status
    check(st == 303 and q1(db, "SELECT etat FROM orientation WHERE id = ?", (o1,))[0] == "acceptee", "the receiving manager accepts")
    row(cs, "a wrong link", "GET", "/orientation/lien/" + "x" * 43, None, {k: 410 for k in ACTORS})
    # statistics
    terr = {"admin": 200, "reg93": 200, "dep13": 200, "com13055": 200}
    row(cs, "statistics of structure 1", "GET", "/statistiques?portee=structure&code=%d" % s1, None, dict(terr, gest1=200))
    row(cs, "statistics of structure 2", "GET", "/statistiques?portee=structure&code=%d" % s2, None,
        {"admin": 200, "gest2": 200})
    row(cs, "med1's statistics", "GET", "/statistiques?portee=compte&code=%d" % ids["med1"], None,
        {"admin": 200, "med1": 200})
    row(cs, "statistics of département 13", "GET", "/statistiques?portee=departement&code=13", None,
        {"admin": 200, "reg93": 200, "dep13": 200})
    row(cs, "statistics of Marseille", "GET", "/statistiques?portee=commune&code=13055", None, terr)
    row(cs, "statistics of Ariège", "GET", "/statistiques?portee=departement&code=09", None, {"admin": 200})
    row(cs, "statistics of France", "GET", "/statistiques?portee=nation", None, {"admin": 200})
    row(cs, "own statistics by default", "GET", "/statistiques", None,
        {k: 200 for k in ["admin", "reg93", "dep13", "com13055", "gest1", "med1", "med1b", "gest2", "med2"]})
    row(cs, "CSV of structure 1", "GET", "/statistiques.csv?portee=structure&code=%d" % s1, None, dict(terr, gest1=200))
    row(cs, "API statistics of structure 1", "GET", "/api/v1/statistiques?portee=structure&code=%d" % s1, None,
        dict(terr, gest1=200))
    row(cs, "API statistics of Ariège", "GET", "/api/v1/statistiques?portee=departement&code=09", None, {"admin": 200})
    # the last destructive ones
    for who in [a for a in ACTORS if a != "med1"]:
        st = cs[who].post_form("/activites/%d/supprimer" % a1, {"confirmer": "oui"},
                               csrf_from="/connexion" if who == "anonyme" else "/espace").status
        check(st == 403, "delete med1's activity by %s refused (%d)" % (who, st))
    st = med1.post_form("/activites/%d/supprimer" % a1, {"confirmer": "oui"}, csrf_from="/espace").status
    check(st == 303 and q1(db, "SELECT count(*) FROM activite WHERE id = ?", (a1,))[0] == 0, "deleted by its author")
    st = cs["med1b"].post_form("/beneficiaires/%d/effacer" % b1, {"confirmer": "oui"}, csrf_from="/espace").status
    check(st == 303 and q1(db, "SELECT count(*) FROM beneficiaire")[0] == 0, "a médiateur of the structure erases")
    acts = q1(db, "SELECT count(*) FROM journal WHERE objet IN ('activite', 'beneficiaire', 'orientation')")[0]
    check(acts >= 10, "every write is journaled (%d)" % acts)
    check(q1(db, "SELECT count(*) FROM journal WHERE apres LIKE '%Alice%' OR apres LIKE '%Martin%' "
                 "OR avant LIKE '%Alice%'")[0] == 0, "the journal holds no names")


if __name__ == "__main__":
    main()
