-- 001_initial.sql - territories, places (as imported and as published),
-- import reports and deduplication decisions. Applied once, in order, by
-- store/db.c; never edit a migration that has shipped: add a new one.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;

-- Territories (COG, from @etalab/decoupage-administratif).
CREATE TABLE region (
  code TEXT PRIMARY KEY, nom TEXT NOT NULL, chef_lieu TEXT, zone TEXT
) WITHOUT ROWID;
CREATE TABLE departement (
  code TEXT PRIMARY KEY, nom TEXT NOT NULL, region TEXT, chef_lieu TEXT, zone TEXT
) WITHOUT ROWID;
CREATE TABLE epci (
  code TEXT PRIMARY KEY, nom TEXT NOT NULL, type TEXT, population INTEGER
) WITHOUT ROWID;
CREATE TABLE commune (
  code TEXT PRIMARY KEY, nom TEXT NOT NULL, nom_fold TEXT NOT NULL,
  departement TEXT, region TEXT, epci TEXT, population INTEGER,
  lat REAL, lon REAL, coord_source TEXT
) WITHOUT ROWID;
CREATE INDEX commune_departement ON commune(departement);
CREATE INDEX commune_region ON commune(region);
CREATE INDEX commune_epci ON commune(epci);
CREATE INDEX commune_nom_fold ON commune(nom_fold);
CREATE TABLE commune_code_postal (
  code_postal TEXT NOT NULL,
  commune TEXT NOT NULL REFERENCES commune(code) ON DELETE CASCADE,
  PRIMARY KEY (code_postal, commune)
) WITHOUT ROWID;
CREATE INDEX commune_code_postal_commune ON commune_code_postal(commune);
-- Old or delegated commune codes -> current commune.
CREATE TABLE commune_ancien_code (
  ancien_code TEXT PRIMARY KEY,
  commune TEXT NOT NULL REFERENCES commune(code) ON DELETE CASCADE,
  nom TEXT, type TEXT
) WITHOUT ROWID;
-- Contours as GeoJSON geometry text, parsed on demand (niveau: commune,
-- departement, region).
CREATE TABLE contour (
  niveau TEXT NOT NULL, code TEXT NOT NULL, geojson TEXT NOT NULL,
  PRIMARY KEY (niveau, code)
) WITHOUT ROWID;

-- Import runs and their per-row report.
CREATE TABLE import_run (
  id INTEGER PRIMARY KEY, source TEXT NOT NULL, file TEXT NOT NULL,
  format TEXT, encoding TEXT, started_at TEXT NOT NULL, finished_at TEXT,
  rows INTEGER DEFAULT 0, imported INTEGER DEFAULT 0, rejected INTEGER DEFAULT 0,
  unchanged INTEGER DEFAULT 0, retired INTEGER DEFAULT 0
);
CREATE TABLE import_issue (
  import_id INTEGER NOT NULL REFERENCES import_run(id) ON DELETE CASCADE,
  row INTEGER, line INTEGER, record_id TEXT, field TEXT, value TEXT,
  rule TEXT NOT NULL, severity TEXT NOT NULL
);
CREATE INDEX import_issue_run ON import_issue(import_id);

-- Places as each producer gave them (normalised to the standard), keyed on
-- (source, source_id): re-importing a source updates rows in place.
CREATE TABLE lieu_source (
  rowid INTEGER PRIMARY KEY,
  source_name TEXT NOT NULL, source_id TEXT NOT NULL,
  id TEXT,
  pivot TEXT,
  nom TEXT,
  commune TEXT,
  code_postal TEXT,
  code_insee TEXT,
  adresse TEXT,
  complement_adresse TEXT,
  latitude TEXT,
  longitude TEXT,
  typologie TEXT,
  telephone TEXT,
  courriels TEXT,
  site_web TEXT,
  horaires TEXT,
  presentation_resume TEXT,
  presentation_detail TEXT,
  source TEXT,
  itinerance TEXT,
  structure_parente TEXT,
  date_maj TEXT,
  services TEXT,
  publics_specifiquement_adresses TEXT,
  prise_en_charge_specifique TEXT,
  frais_a_charge TEXT,
  dispositif_programmes_nationaux TEXT,
  formations_labels TEXT,
  autres_formations_labels TEXT,
  modalites_acces TEXT,
  modalites_accompagnement TEXT,
  fiche_acces_libre TEXT,
  prise_rdv TEXT,
  lat REAL, lon REAL, commune_code TEXT,
  row_hash TEXT NOT NULL, import_id INTEGER, first_seen TEXT, last_seen TEXT,
  retired_at TEXT,
  UNIQUE (source_name, source_id)
);
CREATE INDEX lieu_source_commune ON lieu_source(commune_code);

-- The published registry: one row per place after deduplication and merge.
-- pid is the smallest lieu_source.rowid of its members (stable across runs);
-- id is the standard's id (the merged id for merged places).
CREATE TABLE lieu (
  pid INTEGER PRIMARY KEY,
  id TEXT,
  pivot TEXT,
  nom TEXT,
  commune TEXT,
  code_postal TEXT,
  code_insee TEXT,
  adresse TEXT,
  complement_adresse TEXT,
  latitude TEXT,
  longitude TEXT,
  typologie TEXT,
  telephone TEXT,
  courriels TEXT,
  site_web TEXT,
  horaires TEXT,
  presentation_resume TEXT,
  presentation_detail TEXT,
  source TEXT,
  itinerance TEXT,
  structure_parente TEXT,
  date_maj TEXT,
  services TEXT,
  publics_specifiquement_adresses TEXT,
  prise_en_charge_specifique TEXT,
  frais_a_charge TEXT,
  dispositif_programmes_nationaux TEXT,
  formations_labels TEXT,
  autres_formations_labels TEXT,
  modalites_acces TEXT,
  modalites_accompagnement TEXT,
  fiche_acces_libre TEXT,
  prise_rdv TEXT,
  lat REAL, lon REAL, commune_code TEXT, departement TEXT, region TEXT, epci TEXT,
  provenance TEXT,      -- JSON: field name -> source name that gave it
  membres INTEGER NOT NULL DEFAULT 1,
  prive INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX lieu_commune ON lieu(commune_code);
CREATE INDEX lieu_departement ON lieu(departement);
CREATE INDEX lieu_region ON lieu(region);
CREATE INDEX lieu_epci ON lieu(epci);
CREATE TABLE lieu_membre (
  source_rowid INTEGER PRIMARY KEY REFERENCES lieu_source(rowid) ON DELETE CASCADE,
  lieu_id INTEGER NOT NULL
);
CREATE INDEX lieu_membre_lieu ON lieu_membre(lieu_id);
-- Boxes are float32 (rounded outwards); +lat/+lon keep the exact doubles.
CREATE VIRTUAL TABLE lieu_geo USING rtree(id, min_lat, max_lat, min_lon, max_lon, +lat, +lon);
CREATE VIRTUAL TABLE lieu_fts USING fts5(
  nom, adresse, commune, content='lieu', content_rowid='pid',
  tokenize='unicode61 remove_diacritics 2'
);

-- Deduplication: candidate pairs of the last run (for review) and the
-- coordinators' decisions, keyed on (source, id) so they survive re-imports.
CREATE TABLE dedup_pair (
  a INTEGER NOT NULL, b INTEGER NOT NULL, score INTEGER NOT NULL,
  nom_score INTEGER, voie_score INTEGER, distance_score INTEGER,
  decision TEXT NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE dedup_decision (
  source_a TEXT NOT NULL, id_a TEXT NOT NULL, source_b TEXT NOT NULL, id_b TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('jamais', 'toujours')),
  auteur TEXT, motif TEXT, created_at TEXT NOT NULL,
  PRIMARY KEY (source_a, id_a, source_b, id_b)
) WITHOUT ROWID;
