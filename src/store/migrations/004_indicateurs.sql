-- 004_indicateurs.sql - the territorial diagnostic: Indice de Fragilité
-- Numérique (IFN) per commune in named variants (imported or computed),
-- published values of other levels kept for comparison, the IFN import
-- reports, and the indicators precomputed for every territory by
-- `passerelle indicateurs recalculer` (territoires/indicateurs.c): IFN
-- aggregates, offer and coverage (distance to the nearest place) per
-- territory and category, similar territories, dissolved EPCI outlines.
-- Levels (niveau): nation (code 'FR'), region, departement, epci, commune.

-- IFN variants: 'publie' (an imported file) or computed from raw indicators.
CREATE TABLE ifn_variante (
  nom TEXT PRIMARY KEY,
  origine TEXT NOT NULL CHECK (origine IN ('import', 'calcul')),
  description TEXT,
  cree_le TEXT NOT NULL
) WITHOUT ROWID;

-- Sub-scores 1..10 per current commune (NULL: missing); total = mean of the
-- sub-scores present. pieces: rows of the file combined into the commune
-- (old codes of merged communes, arrondissements, IRIS).
CREATE TABLE ifn_commune (
  variante TEXT NOT NULL REFERENCES ifn_variante(nom) ON DELETE CASCADE,
  code TEXT NOT NULL,
  thd REAL, mobile REAL, pauvrete REAL, age REAL, diplome REAL,
  total REAL NOT NULL,
  pieces INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (variante, code)
) WITHOUT ROWID;

-- Values published for other levels (La Mednum's EPCI file...), compared
-- with our aggregates by `passerelle ifn comparer`.
CREATE TABLE ifn_reference (
  variante TEXT NOT NULL REFERENCES ifn_variante(nom) ON DELETE CASCADE,
  niveau TEXT NOT NULL, code TEXT NOT NULL,
  thd REAL, mobile REAL, pauvrete REAL, age REAL, diplome REAL,
  total REAL NOT NULL,
  PRIMARY KEY (variante, niveau, code)
) WITHOUT ROWID;

-- Import runs of IFN files and their per-row report.
CREATE TABLE ifn_import (
  id INTEGER PRIMARY KEY,
  fichier TEXT NOT NULL, variante TEXT NOT NULL, debut TEXT NOT NULL,
  lignes INTEGER NOT NULL DEFAULT 0, gardees INTEGER NOT NULL DEFAULT 0,
  rejetees INTEGER NOT NULL DEFAULT 0, communes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE ifn_import_probleme (
  import_id INTEGER NOT NULL REFERENCES ifn_import(id) ON DELETE CASCADE,
  ligne INTEGER, code TEXT, champ TEXT, valeur TEXT,
  regle TEXT NOT NULL, gravite TEXT NOT NULL
);
CREATE INDEX ifn_import_probleme_run ON ifn_import_probleme(import_id);

-- ---- precomputed by `indicateurs recalculer` (replaced as a whole) ----

-- IFN aggregated by population-weighted mean, every variant, every level
-- (the commune level repeats ifn_commune). population / communes: those
-- with a total.
CREATE TABLE ifn_territoire (
  variante TEXT NOT NULL, niveau TEXT NOT NULL, code TEXT NOT NULL,
  thd REAL, mobile REAL, pauvrete REAL, age REAL, diplome REAL, total REAL,
  population INTEGER, communes INTEGER,
  PRIMARY KEY (variante, niveau, code)
) WITHOUT ROWID;

-- Offer and coverage per territory and category of help (see
-- territoires/indicateurs.h: 'tous', services, national programmes):
-- places, population-weighted mean distance from the communes' points to
-- the nearest place (a commune: its own distance, and `lieu` the nearest
-- place), population beyond 5, 10 and 20 km, population of communes
-- without a point (distance unknown).
CREATE TABLE couverture_territoire (
  niveau TEXT NOT NULL, code TEXT NOT NULL, categorie TEXT NOT NULL,
  lieux INTEGER NOT NULL, km_moyen REAL,
  pop_5 INTEGER NOT NULL, pop_10 INTEGER NOT NULL, pop_20 INTEGER NOT NULL,
  pop_inconnue INTEGER NOT NULL,
  lieu INTEGER,
  PRIMARY KEY (niveau, code, categorie)
) WITHOUT ROWID;

-- One row per territory: population, communes, the rurality proxy used to
-- find similar territories, priority communes (active IFN variant).
CREATE TABLE territoire_indicateur (
  niveau TEXT NOT NULL, code TEXT NOT NULL, nom TEXT NOT NULL,
  parent TEXT,                 -- region of a departement, departement of an
                               -- EPCI or commune ('' for the nation)
  zone TEXT,
  population INTEGER NOT NULL, communes INTEGER NOT NULL,
  part_rurale REAL,            -- share of inhabitants in communes < 2,000
  prioritaires INTEGER NOT NULL,
  secret INTEGER NOT NULL DEFAULT 0, -- statistical secrecy of the open data:
                               -- bits 1, 2, 4 = population beyond 5, 10,
                               -- 20 km suppressed (territoires/secret.h)
  histo_ifn TEXT,              -- communes and population by IFN class (active
                               -- variant): "c1 .. c10;p1 .. p10"
  histo_km TEXT,               -- ... by distance band to the nearest place:
                               -- "c1 .. c6;p1 .. p6"
  PRIMARY KEY (niveau, code)
) WITHOUT ROWID;

-- The 10 most similar territories of the same level (rang 1 = closest).
CREATE TABLE territoire_comparable (
  niveau TEXT NOT NULL, code TEXT NOT NULL, rang INTEGER NOT NULL,
  comparable TEXT NOT NULL,
  PRIMARY KEY (niveau, code, rang)
) WITHOUT ROWID;

-- EPCI outlines dissolved from their communes' contours (GeoJSON).
CREATE TABLE contour_dissous (
  niveau TEXT NOT NULL, code TEXT NOT NULL, geojson TEXT NOT NULL,
  PRIMARY KEY (niveau, code)
) WITHOUT ROWID;
