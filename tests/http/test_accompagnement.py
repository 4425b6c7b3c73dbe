#!/usr/bin/env python3
"""test_accompagnement.py - activity records, followed people, referrals,
the GDPR rights and the statistics, through the real server on a copy of
the real data, signed in with real accounts through the real forms:

- recording an individual accompaniment and a 12-person workshop with the
  form's defaults (date, duration, place of the structure), the French
  errors next to the fields and in the summary;
- a followed person with consent, duplicate warning, search, history;
- a referral with only the consented fields, the receiving side from its
  account and from the single-use link (the mail holds the link and no
  personal data), reminders and expiry on a fixed clock (CLI);
- export (page and JSON), erasure keeping the statistics identical,
  retention on a fixed clock;
- statistics pages, CSV, JSON API equal to the plain SQL computation;
- a copy of the database file holds no name, phone or e-mail;
- the server refuses a wrong key, and works without one (anonymous only).
Prints "check: N passed, M failed"; standard library only.
"""
import json, os, re, sqlite3, subprocess, sys, tempfile, urllib.parse

from harness import (BIN, ROOT, TEST_PASSWORD, Server, check, cli, done, fixture_db, make_account,
                     make_structure)


def q1(db, sql, args=()):
    c = sqlite3.connect(db)
    r = c.execute(sql, args).fetchone()
    c.close()
    return r


def place_in(db, commune, with_mail=False):
    c = sqlite3.connect(db)
    r = c.execute("SELECT l.pid, s.source_name, s.source_id, l.nom FROM lieu l JOIN lieu_membre m ON "
                  "m.lieu_id = l.pid JOIN lieu_source s ON s.rowid = m.source_rowid WHERE "
                  "l.commune_code = ? AND l.prive = 0 AND (? = 0 OR l.courriels IS NOT NULL) "
                  "ORDER BY l.pid LIMIT 1", (commune, int(with_mail))).fetchone()
    c.close()
    return r


def unescape(s):
    return s.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"')


def mails(db):
    c = sqlite3.connect(db)
    r = c.execute("SELECT destinataire, sujet, corps FROM mail_sortant ORDER BY id").fetchall()
    c.close()
    return r


def link_of(body):
    m = re.search(r"/orientation/lien/([A-Za-z0-9_-]{43})", body)
    return m.group(1) if m else None


def stats_api(c, **params):
    r = c.get("/api/v1/statistiques?" + urllib.parse.urlencode(params))
    return r.status, (r.json() if r.status == 200 else None)


def main():
    tmp = tempfile.mkdtemp(prefix="accomp-")
    db = fixture_db(os.path.join(tmp, "t.db"))
    key = os.path.join(tmp, "cle")
    r = cli(db, "accompagnement", "cle", key)
    check(r.returncode == 0 and os.stat(key).st_mode & 0o777 == 0o600, "a key file is made, mode 0600")
    check(cli(db, "accompagnement", "cle", key, ok=False).returncode != 0, "an existing key is never overwritten")
    s1 = make_structure(db, "Espace numérique Marseille", "13055", "contact@espace-marseille.fr")
    s2 = make_structure(db, "Médiathèque de Foix", "09122", "mediatheque@foix.fr")
    p1 = place_in(db, "13055")
    cli(db, "structures", "lier", str(s1), "%s:%s" % p1[1:3])
    med1 = make_account(db, "med1@example.fr", "mediateur:structure:%d" % s1, nom="Médiateur 1")
    make_account(db, "gest1@example.fr", "gestionnaire:structure:%d" % s1)
    make_account(db, "med2@example.fr", "mediateur:structure:%d" % s2)
    make_account(db, "dep13@example.fr", "coordinateur:departement:13")
    env = {"PASSERELLE_CLE": key}
    srv = Server(db, env=env)
    try:
        run(srv, db, tmp, key, s1, s2, p1, med1)
    finally:
        log = srv.stop()
    check("Segmentation" not in log and "AddressSanitizer" not in log, "the server ran cleanly")
    key_change(db, tmp, key, s1)
    keys_and_startup(db, tmp, key)
    sys.exit(done())


def key_change(db, tmp, key, s1):
    """The operator changes the key: stop, cle-changer, restart with the new key."""
    srv = Server(db, env={"PASSERELLE_CLE": key})
    try:
        c = srv.client()
        c.login("med1@example.fr", TEST_PASSWORD)
        r = c.post_form("/beneficiaires/nouveau", {"prenom": "Lucie", "nom": "Tournesol", "structure": s1,
                                                   "telephone": "06 98 76 54 32", "consentement": "oui",
                                                   "mode": "oral"}, csrf_from="/beneficiaires/nouveau")
        m = re.search(r"/beneficiaires/(\d+)", r.header("Location") or "")
    finally:
        srv.stop()
    check(r.status == 303 and m, "a followed person is recorded under the first key")
    if not m:
        return
    bid = m.group(1)
    new = os.path.join(tmp, "cle-2")
    cli(db, "accompagnement", "cle", new)
    wrong = os.path.join(tmp, "cle-fausse")
    cli(db, "accompagnement", "cle", wrong)
    r = cli(db, "accompagnement", "cle-changer", new, "--cle", wrong, ok=False)
    check(r.returncode == 1 and "pas celle qui a chiffré" in r.stderr, "a wrong old key is refused")
    r = cli(db, "accompagnement", "cle-changer", new, env={"PASSERELLE_CLE": key})
    check(r.returncode == 0 and "personnes=1" in r.stdout, "the key is changed (%s)" % r.stdout.strip())
    check(q1(db, "SELECT count(*) FROM journal WHERE action = 'cle.changer'")[0] == 1, "the change is journaled")
    p = subprocess.run([BIN, "--db", db, "serve", "--port", "1", "--cle", key], capture_output=True, text=True,
                       cwd=ROOT, timeout=30)
    check(p.returncode != 0 and "pas celle qui a chiffré" in p.stderr, "the old key no longer starts the server")
    srv = Server(db, env={"PASSERELLE_CLE": new})
    try:
        c = srv.client()
        c.login("med1@example.fr", TEST_PASSWORD)
        check("Lucie Tournesol" in c.get("/beneficiaires/%s" % bid).text, "the new key opens the record")
        check('href="/beneficiaires/%s"' % bid in c.get("/beneficiaires?q=0698765432").text,
              "search by phone works with the new key's blind index")
    finally:
        srv.stop()
    r = cli(db, "accompagnement", "effacer", bid)
    check(r.returncode == 0, "and the person is erased again")


def run(srv, db, tmp, key, s1, s2, p1, med1):
    c = srv.client()
    check(c.login("med1@example.fr", TEST_PASSWORD), "med1 signs in")
    esp = c.get("/espace").text
    check('href="/activites/nouvelle"' in esp and 'href="/statistiques"' in esp, "Mon espace lists the accompaniment pages")

    # ---- the quick form ----
    f = c.get("/activites/nouvelle")
    check(f.status == 200, "the form opens")
    check('name="date" type="date" required value="2026-11-24"' in f.text, "today's date is filled in")
    check(re.search(r'name="duree" value="30" checked', f.text), "30 minutes by default")
    check(re.search(r'name="lieu" value="pid:%d" checked' % p1[0], f.text), "the structure's place by default")
    bad = c.post_form("/activites/nouvelle", {"type": "individuel", "date": "2026-11-24", "duree": "30",
                                              "lieu": "pid:%d" % p1[0], "structure": s1}, csrf_from="/activites/nouvelle")
    check(bad.status == 400 and "Choisissez au moins une thématique" in bad.text, "a missing theme is refused in French")
    check('href="#thematique"' in bad.text and 'id="thematique-erreur"' in bad.text, "the summary links to the field, the message sits next to it")
    ok = c.post_form("/activites/nouvelle", {"type": "individuel", "date": "2026-11-24", "duree": "30",
                                             "lieu": "pid:%d" % p1[0], "structure": s1, "thematique": "email",
                                             "autonomie": "partiellement_autonome", "genre": "feminin"},
                     csrf_from="/activites/nouvelle")
    check(ok.status == 303 and "fait=activite" in (ok.header("Location") or ""), "an individual accompaniment is recorded")
    a1 = int(re.search(r"/activites/(\d+)", ok.header("Location")).group(1))
    page = c.get(ok.header("Location"))
    check("L'activité est enregistrée." in unescape(page.text) and "E-mail" in page.text, "the record is shown with a notice")
    # Defaults follow the last record: 45 minutes now.
    c.post_form("/activites/nouvelle", {"type": "individuel", "date": "2026-11-23", "duree": "45",
                                        "lieu": "a_distance", "structure": s1, "thematique": "sante"},
                csrf_from="/activites/nouvelle")
    check(re.search(r'name="duree" value="45" checked', c.get("/activites/nouvelle").text), "the next form reuses the last duration")
    # A workshop of 12, counted by gender, age and status.
    w = c.post_form("/activites/nouvelle", {"type": "collectif", "titre": "Atelier « e-mails »", "date": "2026-11-20",
                                            "duree": "90", "lieu": "autre", "commune": "Aix-en-Provence",
                                            "structure": s1, "anonymes": "12", "thematique": "email",
                                            "genre_feminin": "7", "genre_masculin": "5",
                                            "tranche_age_soixante_soixante_neuf": "8", "tranche_age_soixante_dix_plus": "4",
                                            "statut_retraite": "12", "niveau": "debutant"},
                    csrf_from="/activites/nouvelle?type=collectif")
    check(w.status == 303, "a workshop of 12 is recorded")
    row = q1(db, "SELECT participants, g_f, g_m, a_60_69, a_70p, s_retraite, commune, type FROM activite "
                 "ORDER BY id DESC LIMIT 1")
    check(row == (12, 7, 5, 8, 4, 12, "13001", 1), "its counts and commune are stored (%r)" % (row,))
    over = c.post_form("/activites/nouvelle", {"type": "collectif", "date": "2026-11-20", "duree": "90",
                                               "lieu": "a_distance", "structure": s1, "anonymes": "12",
                                               "thematique": "email", "statut_retraite": "13"},
                       csrf_from="/activites/nouvelle?type=collectif")
    check(over.status == 400 and "dépasse le nombre de participants" in over.text, "counts above the total are refused")
    check(c.get("/activites").status == 200 and "Atelier « e-mails »" in unescape(c.get("/activites").text),
          "the list shows the records")

    # ---- followed people ----
    new = c.get("/beneficiaires/nouveau")
    check(new.status == 200 and "La personne est d'accord pour être suivie" in unescape(new.text), "the person form asks for consent")
    person = {"prenom": "Zoé", "nom": "Dupont", "telephone": "06 12 34 56 78", "courriel": "zoe.dupont@exemple.fr",
              "annee_naissance": "1948", "commune": "13006", "genre": "feminin", "tranche_age": "soixante_dix_plus",
              "statut": "retraite", "structure": s1, "mode": "oral"}
    r = c.post_form("/beneficiaires/nouveau", person, csrf_from="/beneficiaires/nouveau")
    check(r.status == 400 and "accord" in r.text, "no consent, no record")
    r = c.post_form("/beneficiaires/nouveau", dict(person, consentement="oui"), csrf_from="/beneficiaires/nouveau")
    check(r.status == 303, "a followed person is created with consent")
    b1 = int(re.search(r"/beneficiaires/(\d+)", r.header("Location")).group(1))
    check(q1(db, "SELECT consentement_mode FROM beneficiaire WHERE id = ?", (b1,))[0] == "oral", "the consent is recorded")
    dup = c.post_form("/beneficiaires/nouveau", {"prenom": "Zoe", "nom": "Dupond", "structure": s1,
                                                 "consentement": "oui", "mode": "oral"}, csrf_from="/beneficiaires/nouveau")
    check(dup.status == 409 and "peut-être déjà suivie" in dup.text and "/beneficiaires/%d" % b1 in dup.text,
          "a probable duplicate is shown before creating")
    r = c.post_form("/beneficiaires/nouveau", {"prenom": "Zoe", "nom": "Dupond", "structure": s1, "consentement": "oui",
                                               "mode": "oral", "forcer": "oui"}, csrf_from="/beneficiaires/nouveau")
    b2 = int(re.search(r"/beneficiaires/(\d+)", r.header("Location")).group(1))
    check(c.get("/beneficiaires?q=dupont").text.count('href="/beneficiaires/%d"' % b1) == 1, "search by name")
    check('href="/beneficiaires/%d"' % b1 in c.get("/beneficiaires?q=0612345678").text, "search by phone (blind index)")
    dp = c.get("/beneficiaires/doublons").text
    check("Zoe Dupond" in dp and 'name="fusionner" value="%d"' % b2 in dp, "the duplicates page lists the pair")
    # an accompaniment of the person, from their record
    f = c.get("/activites/nouvelle?beneficiaire=%d" % b1)
    check("Zoé Dupont" in f.text, "the form names the followed person")
    r = c.post_form("/activites/nouvelle", {"type": "individuel", "date": "2026-11-10", "duree": "60", "lieu": "structure",
                                            "structure": s1, "thematique": "aide_aux_demarches_administratives",
                                            "thematique_administrative": "logement", "beneficiaire": b1},
                    csrf_from="/activites/nouvelle")
    check(r.status == 303, "an accompaniment of the followed person is recorded")
    a3 = int(re.search(r"/activites/(\d+)", r.header("Location")).group(1))
    check(q1(db, "SELECT suivis, nouveaux, anonymes, g_f, a_70p FROM activite WHERE id = ?", (a3,)) == (1, 1, 0, 1, 1),
          "it counts a new followed person with her attributes")
    # add her to the workshop too
    wid = q1(db, "SELECT id FROM activite WHERE type = 1 ORDER BY id DESC LIMIT 1")[0]
    page = c.get("/activites/%d?q=dupont" % wid).text
    check('value="ajouter"' in page, "the workshop page finds the person to add")
    r = c.post_form("/activites/%d/participants" % wid, {"action": "ajouter", "beneficiaire": b1}, csrf_from="/activites/%d" % wid)
    check(r.status == 303 and q1(db, "SELECT participants, suivis FROM activite WHERE id = ?", (wid,)) == (13, 1),
          "a followed person added to the workshop")
    rec = c.get("/beneficiaires/%d" % b1).text
    check("/activites/%d" % a3 in rec and "/activites/%d" % wid in rec, "her record shows her history")
    check(q1(db, "SELECT premier FROM activite_participant WHERE activite_id = ? AND beneficiaire_id = ?", (a3, b1))[0] == 1,
          "the earlier accompaniment is her first")
    # a diagnostic of the structure (issue 4's table), linked with her consent on record
    con = sqlite3.connect(db)
    cur = con.execute("INSERT INTO diagnostic_session (cle, banque_version, mode, langue, created_at, updated_at, "
                      "termine_at, structure_id, compte_id, score) VALUES ('cle-de-test-0123456789abcdef', '1', "
                      "'pro', 'fr', '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', '2026-11-20T10:20:00Z', ?, ?, 62)",
                      (s1, med1))
    did = cur.lastrowid
    con.commit()
    con.close()
    r = c.post_form("/beneficiaires/%d/diagnostic" % b1, {"diagnostic": did}, csrf_from="/beneficiaires/%d" % b1)
    rec = c.get("/beneficiaires/%d" % b1).text
    check(r.status == 303 and "Diagnostic n° %d" % did in rec and "score 62 sur 100" in rec, "a diagnostic is linked to her history")
    r = c.post_form("/beneficiaires/%d/diagnostic" % b2, {"diagnostic": did}, csrf_from="/beneficiaires/%d" % b2)
    check(r.status == 404, "a diagnostic already linked is not linked twice")

    # ---- referrals ----
    f = c.get("/orientations/nouvelle?beneficiaire=%d&q=Foix" % b1)
    check('value="structure:%d"' % s2 in f.text, "the referral form finds the structure of Foix")
    r = c.post_form("/orientations/nouvelle", {"beneficiaire": b1, "destination": "structure:%d" % s2, "besoin": "sante",
                                               "partage": ["prenom", "telephone"][0], "message": "Rendez-vous le matin",
                                               "envoyer": "1"}, csrf_from="/orientations/nouvelle")
    check(r.status == 400 and "d'accord" in unescape(r.text), "sharing without consent is refused")
    fields = [("beneficiaire", b1), ("destination", "structure:%d" % s2), ("besoin", "sante"), ("partage", "prenom"),
              ("partage", "telephone"), ("consentement", "oui"), ("message", "Rendez-vous le matin"), ("envoyer", "1")]
    r = c.post_form("/orientations/nouvelle", fields, csrf_from="/orientations/nouvelle")
    check(r.status == 303, "a referral is sent")
    o1 = int(re.search(r"/orientations/(\d+)", r.header("Location")).group(1))
    m = [x for x in mails(db) if x[0] == "mediatheque@foix.fr"]
    check(m and link_of(m[-1][2]), "the receiving structure gets a mail with a link")
    check(all("Zoé" not in x[2] and "612345678" not in x[2] and "Rendez-vous" not in x[2] for x in mails(db)),
          "no mail holds personal data")
    c2 = srv.client()
    check(c2.login("med2@example.fr", TEST_PASSWORD), "med2 signs in")
    view = c2.get("/orientations/%d" % o1).text
    check("Zoé" in view and "06 12 34 56 78" in view.replace("\xa0", " ") and "Dupont" not in view
          and "zoe.dupont" not in view, "the receiving side sees only the consented fields")
    check("/orientations/%d" % o1 in c2.get("/orientations").text, "it is listed as received")
    r = c2.post_form("/orientations/%d" % o1, {"action": "accepter"}, csrf_from="/orientations/%d" % o1)
    check(r.status == 303 and q1(db, "SELECT etat FROM orientation WHERE id = ?", (o1,))[0] == "acceptee", "accepted from the account")
    check(any(x[0] == "contact@espace-marseille.fr" and "acceptée" in x[1] for x in mails(db)), "the sender is told")
    # to a place that no structure holds: by link only
    pfoix = place_in(db, "09122", with_mail=True) or place_in(db, "48095", with_mail=True)  # demo: Mende
    r = c.post_form("/orientations/nouvelle", [("destination", "lieu:%d" % pfoix[0]), ("besoin", "email"), ("envoyer", "1")],
                    csrf_from="/orientations/nouvelle")
    dest = q1(db, "SELECT dest_courriel, id FROM orientation ORDER BY id DESC LIMIT 1")
    check(r.status == 303 and dest[0], "a referral to a place held by no structure goes to its e-mail")
    if r.status == 303 and dest[0]:
        token = link_of([x for x in mails(db) if x[0] == dest[0]][-1][2])
        anon = srv.client()
        lp = anon.get("/orientation/lien/%s" % token)
        check(lp.status == 200 and "Accepter" in lp.text and "anonyme" in lp.text, "the link shows the referral without an account")
        r = anon.post_form("/orientation/lien/%s" % token, {"action": "refuser", "motif": "Plus de place ce mois-ci"},
                           csrf_from="/orientation/lien/%s" % token)
        check(r.status == 200 and q1(db, "SELECT etat, motif_refus FROM orientation WHERE id = ?", (dest[1],)) ==
              ("refusee", "Plus de place ce mois-ci"), "refused through the link, with its reason")
        check(anon.get("/orientation/lien/%s" % token).status == 410, "the link works once")
    else:
        check(r.status == 400 and "adresse e-mail" in r.text, "a place without e-mail nor structure is refused clearly")
    # reminders and expiry on a fixed clock (the server's clock is 24 Nov 2026)
    r = c.post_form("/orientations/nouvelle", [("destination", "structure:%d" % s2), ("besoin", "email"), ("envoyer", "1")],
                    csrf_from="/orientations/nouvelle")
    o3 = int(re.search(r"/orientations/(\d+)", r.header("Location")).group(1))
    sent_at = q1(db, "SELECT envoye_at FROM orientation WHERE id = ?", (o3,))[0]
    out = cli(db, "accompagnement", "taches", "--maintenant", str(sent_at + 3 * 86400)).stdout
    check("relances=1" in out, "a reminder after 3 days (%s)" % out.strip())
    out = cli(db, "accompagnement", "taches", "--maintenant", str(sent_at + 14 * 86400)).stdout
    check("expirees=1" in out and q1(db, "SELECT etat FROM orientation WHERE id = ?", (o3,))[0] == "expiree",
          "expired after 14 days")

    # ---- statistics ----
    st, me = stats_api(c)
    n_me = q1(db, "SELECT count(*) FROM activite WHERE compte_id = ?", (med1,))[0]
    check(st == 200 and me["portee"] == "compte" and me["totaux"]["activites"] == n_me, "my statistics by default (%s)" % st)
    g = srv.client()
    g.login("gest1@example.fr", TEST_PASSWORD)
    st, s = stats_api(g)
    check(st == 200 and s["portee"] == "structure" and s["totaux"]["activites"] == n_me, "the manager sees the structure")
    themes = {x["code"]: x["nombre"] for x in s["repartitions"]["thematique"]}
    check(themes.get("email") == q1(db, "SELECT count(*) FROM activite WHERE thematiques & 32 AND structure_id = ?", (s1,))[0],
          "themes are counted")
    d = srv.client()
    d.login("dep13@example.fr", TEST_PASSWORD)
    st, dep = stats_api(d)
    check(st == 200 and dep["portee"] == "departement" and dep["code"] == "13", "the coordinator sees the département")
    communes = {x["code"]: x["nombre"] for x in dep["repartitions"].get("commune", [])}
    check(communes.get("13001") == 1 and communes.get("13055", 0) >= 3, "by commune where it happened (%r)" % communes)
    page = d.get("/statistiques").text
    check("Département : Bouches-du-Rhône" in page and "Chiffres clés" in page, "the statistics page")
    csv = d.get("/statistiques.csv")
    check(csv.status == 200 and csv.header("Content-Type").startswith("text/csv") and
          csv.text.startswith("portee,code,du,au,dimension,valeur,libelle,nombre,personnes"), "CSV export")
    sql = cli(db, "accompagnement", "stats", "--portee", "departement", "--code", "13", "--du", "2025-11-25",
              "--au", "2026-11-24", "--format", "json", "--calcul", "sql").stdout
    agg = cli(db, "accompagnement", "stats", "--portee", "departement", "--code", "13", "--du", "2025-11-25",
              "--au", "2026-11-24", "--format", "json").stdout
    check(json.loads(sql)["repartitions"] == json.loads(agg)["repartitions"] == dep["repartitions"],
          "aggregates equal plain SQL over the records")
    api = c.get("/api/v1/activites").json()
    check(len(api["resultats"]) == n_me and "Zoé" not in json.dumps(api), "the activities API, without names")
    check(c.get("/api/v1/activites/%d" % a1).json()["thematiques"] == ["email"], "one record by API")

    # ---- rights ----
    exp = c.get("/beneficiaires/%d/export" % b1)
    check(exp.status == 200 and "Zoé" in exp.text and "Médiathèque de Foix" in unescape(exp.text), "the readable export")
    js = c.get("/beneficiaires/%d/export.json" % b1)
    check(js.status == 200 and js.json()["diagnostics"][0]["numero"] == did, "the export lists her diagnostics")
    check(js.status == 200 and js.json()["format"] == "passerelle-beneficiaire-export" and
          "attachment" in (js.header("Content-Disposition") or ""), "the JSON export")
    before = stats_api(g)[1]
    r = c.post_form("/beneficiaires/%d/effacer" % b1, {}, csrf_from="/beneficiaires/%d/effacer" % b1)
    check(r.status == 400, "erasure needs the confirmation")
    r = c.post_form("/beneficiaires/%d/effacer" % b1, {"confirmer": "oui"}, csrf_from="/beneficiaires/%d/effacer" % b1)
    check(r.status == 303 and c.get("/beneficiaires/%d" % b1).status == 404, "erased")
    check(stats_api(g)[1]["totaux"] == before["totaux"], "the statistics are the same after erasure")
    check(q1(db, "SELECT count(*) FROM orientation WHERE beneficiaire_id = ? OR (id = ? AND chiffre IS NOT NULL)", (b1, o1))[0] == 0,
          "her referral's shared data is wiped")
    check(q1(db, "SELECT beneficiaire_id FROM diagnostic_session WHERE id = ?", (did,))[0] is None,
          "her diagnostic stays, unlinked")
    out = cli(db, "accompagnement", "taches", "--maintenant", "2029-06-01").stdout
    check("anonymises=1" in out, "the retention rule anonymises the other one after 24 months (%s)" % out.strip())
    check(q1(db, "SELECT count(*) FROM beneficiaire")[0] == 0, "nobody left")


def keys_and_startup(db, tmp, key):
    # a copy of the file (and its WAL) holds no name, phone, e-mail or message
    raw = b""
    for suffix in ("", "-wal"):
        if os.path.exists(db + suffix):
            raw += open(db + suffix, "rb").read()
    leaks = [s for s in ["Zoé", "Dupont", "Dupond", "612345678", "zoe.dupont", "exemple.fr", "Rendez-vous le matin"]
             if s.encode() in raw]
    check(not leaks and b"Espace num\xc3\xa9rique Marseille" in raw, "a copy of the database reveals no personal data %r" % leaks)
    other = os.path.join(tmp, "autre")
    cli(db, "accompagnement", "cle", other)
    p = subprocess.run([BIN, "--db", db, "serve", "--port", "1", "--cle", other], capture_output=True, text=True,
                       cwd=ROOT, timeout=30)
    check(p.returncode != 0 and "pas celle qui a chiffré" in p.stderr, "the server refuses another key")
    srv = Server(db)
    try:
        c = srv.client()
        c.login("med1@example.fr", TEST_PASSWORD)
        r = c.get("/beneficiaires")
        check(r.status == 503 and "clé" in r.text, "without a key, followed people are unavailable, said plainly")
        check(c.get("/activites/nouvelle").status == 200, "activities still work without a key")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
