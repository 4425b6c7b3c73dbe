#!/usr/bin/env python3
"""gen_lieux.py - synthetic but realistic data for the benchmarks of bench/.

  gen_lieux.py lieux N [SEED]    N places as a CSV in the national standard
                                 "Lieux de médiation numérique" v1.0.2 (stdout)
  gen_lieux.py points N [SEED]   N query points "i,lat,lon" (stdout)

Communes, postcodes, INSEE codes and coordinates are real (communes.csv of
../shared/data/communes, or $COMMUNES_CSV). Places are spread over communes
with a weight growing with the population (population ** 0.6, so big cities
hold hundreds of places and villages a few), at a random distance from the
commune's centre that grows with its area. Every value is valid for the
standard, and a share of them is written the way producers write them, so
that the importer has work to do: phones in national or spaced form, with a
"Tél :" label or several numbers; hours like "9h-12h"; latitude with a
decimal comma; dates as DD/MM/YYYY; "www." sites; "mailto:" and ";" in
e-mails; enumerated values in lower case without accents; lower-case
typology codes; SIRET with spaces; overlong summaries. No row is rejected.

Query points: 90 % at a random commune (uniform over communes, so mostly in
metropolitan France, some overseas) moved by up to ~15 km, 10 % uniform in
the metropolitan bounding box (some in the sea or abroad).

The PRNG is seeded (default 42): the output is reproducible. Standard
library only."""
import csv
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMMUNES = os.environ.get(
    "COMMUNES_CSV",
    os.path.join(HERE, "..", "..", "shared", "data", "communes", "communes.csv"))
if not os.path.exists(COMMUNES):
    COMMUNES = "/work/shared/data/communes/communes.csv"

COLUMNS = ("id,pivot,nom,commune,code_postal,code_insee,adresse,complement_adresse,"
           "latitude,longitude,typologie,telephone,courriels,site_web,horaires,"
           "presentation_resume,presentation_detail,source,itinerance,structure_parente,"
           "date_maj,services,publics_specifiquement_adresses,prise_en_charge_specifique,"
           "frais_a_charge,dispositif_programmes_nationaux,formations_labels,"
           "autres_formations_labels,modalites_acces,modalites_accompagnement,"
           "fiche_acces_libre,prise_rdv").split(",")

TYPES = [  # (name, typologie code)
    ("Médiathèque", "BIB"), ("Bibliothèque municipale", "BIB"),
    ("Espace public numérique", "EPN"), ("France Services", "RFS"),
    ("Maison France Services", "RFS"), ("PIMMS Médiation", "PIMMS"),
    ("Centre social", "CS"), ("Mairie", "MUNI"), ("CCAS", "CCAS"),
    ("Maison de quartier", "MQ"), ("Tiers-lieu", "TIERS_LIEUX"), ("Fablab", "FABLAB"),
    ("Association", "ASSO"), ("Point numérique CAF", "CAF"), ("Mission locale", "ML"),
    ("MJC", "MJC"), ("Espace de vie sociale", "EVS"), ("Cyber-base", "EPN"),
    ("Agence postale", "LA_POSTE"), ("Régie de quartier", "ASSO"),
    ("Ressourcerie", "RESSOURCERIE"), ("Maison des solidarités", "MDS"),
]
EPONYMS = ["Victor Hugo", "Jean Jaurès", "Louise Michel", "Jules Ferry", "Pasteur",
           "Simone Veil", "Marie Curie", "Jean Moulin", "Aimé Césaire", "George Sand",
           "Émile Zola", "Colette", "Albert Camus", "Gambetta", "Voltaire", "Molière",
           "Jacques Prévert", "Olympe de Gouges", "Saint-Exupéry", "Lucie Aubrac",
           "des Tilleuls", "du Centre", "de la Gare", "des Lilas", "du Marché",
           "de la Source", "des Écoles", "du Parc", "de l'Europe", "de la Liberté"]
VOIES = ["rue", "avenue", "boulevard", "place", "allée", "chemin", "impasse", "quai"]
COMPLEMENTS = ["Bâtiment A", "1er étage", "Rez-de-chaussée", "Entrée par la cour",
               "Porte 2", "Dans la mairie"]
SOURCES = ["Hub du Sud", "Hinaura", "Les Assembleurs", "France Services", "Conseiller Numérique",
           "Mednum BFC", "RhinOcc", "Ultra Numérique", "Hub Lo", "Francil'IN"]
SERVICES = ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien",
            "Insertion professionnelle via le numérique", "Utilisation sécurisée du numérique",
            "Parentalité et éducation avec le numérique", "Loisirs et créations numériques",
            "Compréhension du monde numérique", "Accès internet et matériel informatique",
            "Acquisition de matériel informatique à prix solidaire"]
PUBLICS = ["Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"]
PRISE = ["Surdité", "Handicaps moteurs", "Handicaps mentaux", "Illettrisme",
         "Langues étrangères (anglais)", "Langues étrangères (autres)", "Déficience visuelle"]
FRAIS = ["Gratuit", "Gratuit sous condition", "Payant"]
DISPOSITIFS = ["Aidants Connect", "Bibliothèques numérique de référence", "Certification PIX",
               "Conseillers numériques", "Emmaüs Connect", "France Services",
               "Grande école du numérique", "La Croix Rouge", "Point d'accès numérique CAF",
               "Promeneurs du net", "Relais numérique (Emmaüs Connect)"]
FORMATIONS = ["Formé à « Mon Espace Santé »", "Formé à « DUPLEX » (illettrisme)",
              "Étapes numériques(La Poste)", "Fabriques de Territoire", "ORDI 3.0",
              "SUD LABS (PACA)"]
ACCES = ["Se présenter", "Téléphoner", "Contacter par mail", "Prendre un RDV en ligne",
         "Envoyer un mail avec une fiche de prescription"]
ACCOMP = ["En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"]
HOURS = ["Mo-Fr 09:00-12:00,14:00-17:00", "Mo-Fr 08:30-12:30,13:30-17:30; Sa 09:00-12:00",
         "Tu,Th 14:00-18:00; Sa 09:00-12:00", "Mo,We,Fr 09:00-12:30",
         "Mo-Th 08:30-12:00,13:30-17:00; Fr 08:30-12:00", "We 14:00-18:00; Sa 10:00-12:00",
         "Mo-Sa 10:00-19:00", "Tu-Fr 09:00-12:00,14:00-18:00; PH off"]
HOURS_MESSY = ["Mo-Fr 9h-12h,14h-17h", "Tu,Th 14h00-18h00", "Mo - Fr 09:00 - 12:00",
               "Mo-Fr 9:00-12:00, 14:00-17:30", "Sa 9h30-12h"]
RESUME = ("{t} de {c} : accompagnement aux démarches en ligne, initiation à l'ordinateur, "
          "au smartphone et à internet, avec ou sans rendez-vous.")
DETAIL = ("Nos médiateurs numériques vous accueillent pour vous aider à utiliser les "
          "services publics en ligne, créer une adresse e-mail, faire une visioconférence "
          "ou protéger vos données.\nDes ateliers collectifs ont lieu chaque semaine.")


def fold(s):
    """Lower case without accents: a value the importer must canonicalise."""
    tr = str.maketrans("àâäéèêëîïôöùûüçÉÈÀÂ", "aaaeeeeiioouuucEEAA")
    return s.translate(tr).lower()


def load_communes():
    rows = []
    with open(COMMUNES, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["commune_type"] not in ("COM", "ARM") or not r["lat"] or not r["lng"]:
                continue
            if r["insee_com"] in ("75056", "69123", "13055"):  # use their arrondissements
                continue
            if not r["code_postal"] or len(r["code_postal"]) != 5:
                continue
            try:
                pop = float(r["population_2021"] or 0)
                area = float(r["superficie_km2"] or 1)
            except ValueError:
                pop, area = 0.0, 1.0
            rows.append((r["insee_com"], r["commune"], r["code_postal"], float(r["lat"]),
                         float(r["lng"]), max(pop, 10.0), max(area, 0.5)))
    return rows


def subset(rng, values, lo, hi):
    k = rng.randint(lo, min(hi, len(values)))
    return rng.sample(values, k)


def phone(rng):
    d = "0" + rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(8))
    pairs = " ".join(d[i:i + 2] for i in range(0, 10, 2))
    x = rng.random()
    if x < 0.30:
        return pairs                              # 01 23 45 67 89
    if x < 0.45:
        return d                                  # 0123456789
    if x < 0.55:
        return ".".join(d[i:i + 2] for i in range(0, 10, 2))  # 01.23.45.67.89
    if x < 0.65:
        return "+33 " + d[1] + " " + " ".join(d[i:i + 2] for i in range(2, 10, 2))
    if x < 0.72:
        return "Tél : " + pairs
    if x < 0.78:
        return pairs + " / 06 " + " ".join(rng.choice("0123456789") * 2 for _ in range(4))
    if x < 0.82:
        return d[1:]                              # spreadsheet dropped the 0
    return "+33" + d[1:]                          # already E.164


def coord(rng, v, comma):
    s = f"{v:.{rng.choice((5, 6, 6, 7, 8))}f}"
    return s.replace(".", ",") if comma else s


def gen_lieux(n, seed):
    rng = random.Random(seed)
    communes = load_communes()
    weights = [c[5] ** 0.6 for c in communes]
    picks = rng.choices(range(len(communes)), weights=weights, k=n)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(COLUMNS)
    for i, ci in enumerate(picks, 1):
        insee, cname, cp, clat, clon, pop, area = communes[ci]
        tname, tcode = rng.choice(TYPES)
        epo = rng.choice(EPONYMS)
        nom = f"{tname} {epo}" if rng.random() < 0.6 else f"{tname} de {cname}"
        if rng.random() < 0.3:
            nom += f" {rng.randint(2, 40)}"
        slug = "".join(ch for ch in fold(f"{tname}-{cname}").replace(" ", "-")
                       if ch.isascii() and (ch.isalnum() or ch == "-"))[:40].strip("-")
        radius = 0.6 * math.sqrt(area / math.pi)  # km
        r = radius * math.sqrt(rng.random())
        a = rng.random() * 2 * math.pi
        lat = clat + r * math.cos(a) / 111.19
        lon = clon + r * math.sin(a) / (111.19 * max(math.cos(math.radians(clat)), 0.2))
        comma = rng.random() < 0.03
        row = dict.fromkeys(COLUMNS, "")
        row["id"] = f"bench-{i:06d}"
        x = rng.random()
        siret = "".join(rng.choice("0123456789") for _ in range(14))
        row["pivot"] = ("00000000000000" if x < 0.25 else
                        f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if x < 0.35 else siret)
        row["nom"] = nom
        row["commune"] = cname
        row["code_postal"] = cp
        row["code_insee"] = insee if rng.random() < 0.9 else ""
        row["adresse"] = f"{rng.randint(1, 180)} {rng.choice(VOIES)} {epo}"
        if rng.random() < 0.15:
            row["complement_adresse"] = rng.choice(COMPLEMENTS)
        if rng.random() < 0.97:
            row["latitude"] = coord(rng, lat, comma)
            row["longitude"] = coord(rng, lon, comma)
        row["typologie"] = tcode.lower() if rng.random() < 0.05 else tcode
        if rng.random() < 0.85:
            row["telephone"] = phone(rng)
        if rng.random() < 0.8:
            m = f"contact@{slug}.fr"
            x = rng.random()
            row["courriels"] = (f"mailto:{m}" if x < 0.05 else
                                f"{m}; accueil@{slug}.fr" if x < 0.12 else m)
        if rng.random() < 0.6:
            row["site_web"] = (f"www.{slug}.fr" if rng.random() < 0.2 else f"https://www.{slug}.fr")
        x = rng.random()
        if x < 0.70:
            row["horaires"] = rng.choice(HOURS)
        elif x < 0.80:
            row["horaires"] = rng.choice(HOURS_MESSY)
        res = RESUME.format(t=tname, c=cname)
        if rng.random() < 0.02:
            res = (res + " ") * 3  # over 280 code points: cut
        row["presentation_resume"] = res
        if rng.random() < 0.3:
            row["presentation_detail"] = DETAIL
        row["source"] = rng.choice(SOURCES)
        x = rng.random()
        row["itinerance"] = "Fixe" if x < 0.85 else "Itinérant" if x < 0.95 else "Fixe|Itinérant"
        if rng.random() < 0.2:
            row["structure_parente"] = f"Communauté de communes de {cname}"
        y, mo, d = rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28)
        row["date_maj"] = f"{d:02d}/{mo:02d}/{y}" if rng.random() < 0.1 else f"{y}-{mo:02d}-{d:02d}"
        sv = subset(rng, SERVICES, 1, 5)
        if rng.random() < 0.05:
            sv = [fold(s) for s in sv]
        row["services"] = "|".join(sv)
        if rng.random() < 0.5:
            row["publics_specifiquement_adresses"] = "|".join(subset(rng, PUBLICS, 1, 3))
        if rng.random() < 0.3:
            row["prise_en_charge_specifique"] = "|".join(subset(rng, PRISE, 1, 3))
        if rng.random() < 0.8:
            row["frais_a_charge"] = "|".join(subset(rng, FRAIS, 1, 2))
        if rng.random() < 0.5:
            row["dispositif_programmes_nationaux"] = "|".join(subset(rng, DISPOSITIFS, 1, 3))
        if rng.random() < 0.2:
            row["formations_labels"] = "|".join(subset(rng, FORMATIONS, 1, 2))
        if rng.random() < 0.05:
            row["autres_formations_labels"] = "Pass numérique|Label local"
        row["modalites_acces"] = "|".join(subset(rng, ACCES, 1, 3))
        row["modalites_accompagnement"] = "|".join(subset(rng, ACCOMP, 1, 3))
        if rng.random() < 0.05:
            row["fiche_acces_libre"] = f"https://acceslibre.beta.gouv.fr/app/{slug}/"
        if rng.random() < 0.2:
            row["prise_rdv"] = f"https://rdv.{slug}.fr/"
        w.writerow([row[c] for c in COLUMNS])


def gen_points(n, seed):
    rng = random.Random(seed)
    communes = load_communes()
    out = sys.stdout
    out.write("i,lat,lon\n")
    for i in range(1, n + 1):
        if rng.random() < 0.9:
            c = rng.choice(communes)
            r = 15 * math.sqrt(rng.random())
            a = rng.random() * 2 * math.pi
            lat = c[3] + r * math.cos(a) / 111.19
            lon = c[4] + r * math.sin(a) / (111.19 * max(math.cos(math.radians(c[3])), 0.2))
        else:
            lat, lon = rng.uniform(41.3, 51.1), rng.uniform(-5.2, 9.6)
        out.write(f"{i},{lat:.6f},{lon:.6f}\n")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("lieux", "points"):
        sys.exit(__doc__)
    n = int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    (gen_lieux if sys.argv[1] == "lieux" else gen_points)(n, seed)


if __name__ == "__main__":
    main()
