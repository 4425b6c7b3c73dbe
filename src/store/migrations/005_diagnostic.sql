-- 005_diagnostic.sql - the diagnostic of digital skills and barriers
-- (src/diagnostic/): published question banks, sessions with their
-- answers and results, professionals' observations, referral sheets.
--
-- Results are stored without identity: a session is known by a random
-- key (the capability to read it), the commune the person chose for the
-- orientation (optional), and for the professional mode the structure and
-- the account of the médiateur. beneficiaire_id stays NULL until the
-- accompaniment issue's consent flow links a result to a followed person
-- (no foreign key yet: that table does not exist).

-- Question banks published without a rebuild (`diagnostic publier`). The
-- versions built into the binary (data/diagnostic/questions-v*.json) are
-- not copied here unless re-activated; a version is never replaced.
CREATE TABLE diagnostic_banque (
  version TEXT PRIMARY KEY,
  contenu TEXT NOT NULL,        -- the JSON file as published
  sha256 TEXT NOT NULL,
  publie_at TEXT NOT NULL,
  publie_par TEXT NOT NULL,     -- account e-mail or 'cli:USER'
  actif INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE diagnostic_session (
  id INTEGER PRIMARY KEY,
  cle TEXT NOT NULL UNIQUE,     -- random, 22 to 64 characters [A-Za-z0-9_-]
  banque_version TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('autonome', 'pro')),
  langue TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 0, -- grows at every change (offline sync)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  termine_at TEXT,
  commune TEXT, departement TEXT, region TEXT, epci TEXT, -- where help is sought
  structure_id INTEGER,         -- professional mode: the médiateur's structure
  compte_id INTEGER,            -- professional mode: the médiateur
  beneficiaire_id INTEGER,      -- NULL: anonymous (see above)
  score INTEGER,                -- 0..100, when finished
  autonomie_calculee INTEGER,   -- 1..4 from the answers and observations
  autonomie INTEGER,            -- 1..4 after a professional's override
  ajustement_motif TEXT,        -- the reason of the override (free text)
  observations TEXT             -- JSON: observed levels, attitudes, barriers
);
CREATE INDEX diagnostic_session_departement ON diagnostic_session(departement, termine_at);
CREATE INDEX diagnostic_session_region ON diagnostic_session(region, termine_at);
CREATE INDEX diagnostic_session_structure ON diagnostic_session(structure_id, created_at);

CREATE TABLE diagnostic_reponse (
  session_id INTEGER NOT NULL REFERENCES diagnostic_session(id) ON DELETE CASCADE,
  rang INTEGER NOT NULL,        -- 0, 1, 2 ... in the order asked
  question TEXT NOT NULL,
  valeur TEXT NOT NULL,         -- option ids joined by '|', '' for "je ne sais pas"
  PRIMARY KEY (session_id, rang)
) WITHOUT ROWID;

-- The result per domain (level 0..3) and the barriers and needs found.
CREATE TABLE diagnostic_domaine (
  session_id INTEGER NOT NULL REFERENCES diagnostic_session(id) ON DELETE CASCADE,
  domaine TEXT NOT NULL,
  niveau INTEGER NOT NULL,
  PRIMARY KEY (session_id, domaine)
) WITHOUT ROWID;
CREATE TABLE diagnostic_frein (
  session_id INTEGER NOT NULL REFERENCES diagnostic_session(id) ON DELETE CASCADE,
  frein TEXT NOT NULL,
  PRIMARY KEY (session_id, frein)
) WITHOUT ROWID;
CREATE TABLE diagnostic_besoin (
  session_id INTEGER NOT NULL REFERENCES diagnostic_session(id) ON DELETE CASCADE,
  besoin TEXT NOT NULL,
  PRIMARY KEY (session_id, besoin)
) WITHOUT ROWID;

-- A referral sheet sent, with the person's consent, to a place of the
-- registry. Deliberately simple: the accompaniment issue builds the full
-- referrals between structures (accept, refuse, close).
CREATE TABLE diagnostic_orientation (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES diagnostic_session(id) ON DELETE CASCADE,
  lieu_id INTEGER NOT NULL,     -- lieu.pid when sent
  lieu_nom TEXT NOT NULL,
  destinataire TEXT NOT NULL,
  mail_id INTEGER,              -- mail_sortant.id
  created_at TEXT NOT NULL,
  UNIQUE (session_id, lieu_id)
);
