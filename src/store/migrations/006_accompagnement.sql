-- 006_accompagnement.sql - activity records ("comptes-rendus d'activité"),
-- followed beneficiaries (identifying fields encrypted), referrals between
-- structures with single-use links, and the statistics aggregates kept in
-- the same transaction as every write (src/accompagnement/).
--
-- Vocabularies (type, place, equipment, themes, autonomy, gender, age band,
-- status...) are stored as small integers or bit sets whose meaning is the
-- index in src/accompagnement/referentiel.c (append only). Days are
-- integers: days since 1970-01-01 (base/jour.h).

-- One activity: an individual accompaniment or a collective workshop.
-- Participants are counted on the row (anonymous ones as entered, followed
-- ones from their attributes at the time), so that erasing a person never
-- changes the statistics.
CREATE TABLE activite (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structure(id),
  compte_id INTEGER NOT NULL,          -- the médiateur who recorded it
  type INTEGER NOT NULL CHECK (type IN (0, 1)),   -- individuel, collectif
  jour INTEGER NOT NULL,               -- the date, in days since 1970-01-01
  duree INTEGER NOT NULL CHECK (duree BETWEEN 1 AND 1440), -- minutes
  lieu_type INTEGER NOT NULL CHECK (lieu_type BETWEEN 0 AND 3),
  lieu_pid INTEGER,                    -- lieu.pid of a place of the registry, or NULL
  lieu_nom TEXT,                       -- its name when recorded
  commune TEXT NOT NULL,               -- where it happened (INSEE code)
  epci TEXT, departement TEXT, region TEXT, -- its territories when recorded
  materiel INTEGER NOT NULL DEFAULT 0, -- bits of AV_MATERIEL
  thematiques INTEGER NOT NULL DEFAULT 0,        -- bits of AV_THEME
  thematiques_admin INTEGER NOT NULL DEFAULT 0,  -- bits of AV_THEME_ADMIN
  autonomie INTEGER,                   -- individuel: AV_AUTONOMIE, or NULL
  redirection INTEGER,                 -- individuel: oriented towards AV_REDIRECTION, or NULL
  titre TEXT,                          -- collectif: the workshop's title
  niveau INTEGER,                      -- collectif: AV_NIVEAU, or NULL
  participants INTEGER NOT NULL CHECK (participants BETWEEN 1 AND 10000),
  anonymes INTEGER NOT NULL,           -- of which anonymous
  suivis INTEGER NOT NULL,             -- of which followed beneficiaries
  nouveaux INTEGER NOT NULL,           -- of which first accompaniments of followed ones
  g_f INTEGER NOT NULL, g_m INTEGER NOT NULL, g_nc INTEGER NOT NULL,
  a_m12 INTEGER NOT NULL, a_12_17 INTEGER NOT NULL, a_18_24 INTEGER NOT NULL,
  a_25_39 INTEGER NOT NULL, a_40_59 INTEGER NOT NULL, a_60_69 INTEGER NOT NULL,
  a_70p INTEGER NOT NULL, a_nc INTEGER NOT NULL,
  s_scol INTEGER NOT NULL, s_sans INTEGER NOT NULL, s_emploi INTEGER NOT NULL,
  s_retraite INTEGER NOT NULL, s_nc INTEGER NOT NULL,
  tags TEXT,                           -- short labels joined by '|'
  diagnostic_id INTEGER,               -- a diagnostic_session (issue 4) run during it
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX activite_structure ON activite(structure_id, jour);
CREATE INDEX activite_compte ON activite(compte_id, jour);

-- Followed people attending an activity. beneficiaire_id becomes NULL when
-- the person is erased or anonymised: the row then only keeps the counts
-- right. premier: this is the person's first accompaniment (new people).
CREATE TABLE activite_participant (
  id INTEGER PRIMARY KEY,
  activite_id INTEGER NOT NULL REFERENCES activite(id) ON DELETE CASCADE,
  beneficiaire_id INTEGER,
  premier INTEGER NOT NULL DEFAULT 0,
  genre INTEGER NOT NULL, tranche INTEGER NOT NULL, statut INTEGER NOT NULL
);
CREATE INDEX activite_participant_activite ON activite_participant(activite_id);
CREATE INDEX activite_participant_beneficiaire ON activite_participant(beneficiaire_id)
  WHERE beneficiaire_id IS NOT NULL;

-- A followed person, held by a structure. Identifying fields (first name,
-- name, phone, e-mail, year of birth, commune, notes) exist only in
-- `chiffre` (XChaCha20-Poly1305 under the configured key); bi_* are keyed
-- hashes of normalised values for exact matching (accompagnement/chiffre.h).
-- A merged record keeps no data: only fusionne_dans, the audit link.
CREATE TABLE beneficiaire (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structure(id),
  compte_id INTEGER,                   -- who created it
  chiffre BLOB,
  bi_nom BLOB, bi_prenom BLOB, bi_tel BLOB, bi_courriel BLOB,
  genre INTEGER NOT NULL DEFAULT 2,
  tranche INTEGER NOT NULL DEFAULT 7,
  statut INTEGER NOT NULL DEFAULT 4,
  consentement_at TEXT,                -- when the person agreed to be followed
  consentement_par INTEGER,            -- the account that recorded it
  consentement_mode TEXT CHECK (consentement_mode IN ('oral', 'ecrit')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  derniere_activite INTEGER,           -- day of the last accompaniment (retention)
  fusionne_dans INTEGER,               -- merged into that record
  fusionne_at TEXT
);
CREATE INDEX beneficiaire_structure ON beneficiaire(structure_id);
CREATE INDEX beneficiaire_bi_tel ON beneficiaire(bi_tel) WHERE bi_tel IS NOT NULL;
CREATE INDEX beneficiaire_bi_courriel ON beneficiaire(bi_courriel) WHERE bi_courriel IS NOT NULL;
CREATE INDEX beneficiaire_bi_nom ON beneficiaire(bi_nom) WHERE bi_nom IS NOT NULL;
CREATE INDEX beneficiaire_fusion ON beneficiaire(fusionne_dans) WHERE fusionne_dans IS NOT NULL;

-- A referral from a structure to a place of the registry or a structure.
-- `chiffre` holds only what the person agreed to share (partage bits: 1
-- first name, 2 name, 4 phone, 8 e-mail) and the message, encrypted;
-- wiped 30 days after the referral ends, and when the person is erased.
CREATE TABLE orientation (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structure(id), -- who sends
  compte_id INTEGER NOT NULL,
  activite_id INTEGER REFERENCES activite(id) ON DELETE SET NULL,
  diagnostic_id INTEGER,               -- a diagnostic_session (issue 4)
  beneficiaire_id INTEGER,             -- NULL: anonymous
  dest_structure_id INTEGER REFERENCES structure(id),
  dest_lieu_pid INTEGER,
  dest_nom TEXT NOT NULL,
  dest_courriel TEXT,
  dest_commune TEXT,
  besoins INTEGER NOT NULL DEFAULT 0,  -- bits of AV_THEME
  partage INTEGER NOT NULL DEFAULT 0,
  consentement_at TEXT,
  chiffre BLOB,
  etat TEXT NOT NULL CHECK (etat IN ('envoyee', 'acceptee', 'refusee', 'terminee', 'expiree',
                                     'annulee')),
  envoye_at INTEGER NOT NULL,
  etat_at INTEGER NOT NULL,
  etat_par TEXT,                       -- account e-mail, or 'lien' (single-use link)
  motif_refus TEXT,
  relances INTEGER NOT NULL DEFAULT 0,
  relance_at INTEGER,
  expire_at INTEGER NOT NULL,
  efface_at INTEGER                    -- when chiffre was wiped
);
CREATE INDEX orientation_structure ON orientation(structure_id, envoye_at);
CREATE INDEX orientation_dest ON orientation(dest_structure_id, envoye_at);
CREATE INDEX orientation_beneficiaire ON orientation(beneficiaire_id) WHERE beneficiaire_id IS NOT NULL;
CREATE INDEX orientation_etat ON orientation(etat, envoye_at);

-- Single-use, expiring links for the receiving side (SHA-256 only).
CREATE TABLE orientation_lien (
  hash BLOB PRIMARY KEY,
  orientation_id INTEGER NOT NULL REFERENCES orientation(id) ON DELETE CASCADE,
  expire_at INTEGER NOT NULL,
  utilise_at INTEGER
) WITHOUT ROWID;
CREATE INDEX orientation_lien_orientation ON orientation_lien(orientation_id);

-- Statistics aggregates: per scope (0 nation, 1 région, 2 département,
-- 3 EPCI, 4 commune, 5 structure, 6 médiateur's account), grain (0 day,
-- 1 month, 2 year) and first day of the bucket, a sparse vector of
-- counters (accompagnement/agregats.h). Maintained in the transaction of
-- every write; `accompagnement stats reconstruire` rebuilds them.
CREATE TABLE stat_agregat (
  portee INTEGER NOT NULL,
  code TEXT NOT NULL,
  grain INTEGER NOT NULL,
  debut INTEGER NOT NULL,
  v BLOB NOT NULL,
  PRIMARY KEY (portee, code, grain, debut)
) WITHOUT ROWID;
