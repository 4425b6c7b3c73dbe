-- 003_comptes.sql - structures, accounts and their roles, sessions, API
-- tokens, single-use links, login throttling, the mail outbox and the audit
-- journal. Secrets are never stored in clear: passwords as argon2id
-- strings, session cookies, API tokens and links as their SHA-256.

-- The organisations people work for: a structure manager's scope, the
-- employer of médiateurs, the holder of activity records.
CREATE TABLE structure (
  id INTEGER PRIMARY KEY,
  nom TEXT NOT NULL,
  pivot TEXT,                 -- SIRET (14 digits) or RNA (W + 9)
  commune_code TEXT,          -- where it is: authorization by territory
  courriel TEXT,              -- where referrals and notices go
  created_at TEXT NOT NULL,
  desactive_at TEXT
);
CREATE INDEX structure_commune ON structure(commune_code);
-- The registry's places a structure holds, by their source record key
-- (stable across republications; lieu.pid may follow merges).
CREATE TABLE structure_lieu (
  structure_id INTEGER NOT NULL REFERENCES structure(id) ON DELETE CASCADE,
  source_name TEXT NOT NULL, source_id TEXT NOT NULL,
  PRIMARY KEY (structure_id, source_name, source_id)
) WITHOUT ROWID;
CREATE INDEX structure_lieu_source ON structure_lieu(source_name, source_id);

CREATE TABLE compte (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  nom TEXT,
  profil TEXT,                -- médiateurs: mediateur, conseiller_numerique, aidant;
                              -- 'machine' for a producer's account
  mot_de_passe TEXT,          -- argon2id string; NULL until the first login
  totp_secret BLOB,           -- NULL: no second factor
  totp_dernier INTEGER,       -- last accepted time step (no replay)
  etat TEXT NOT NULL DEFAULT 'invite' CHECK (etat IN ('invite', 'actif', 'desactive')),
  created_at TEXT NOT NULL,
  created_by INTEGER,
  derniere_connexion TEXT,
  desactive_at TEXT
);
-- What an account may do, and where. code: a territory code (portee
-- region, departement, epci, commune), a structure id as text (structure),
-- a source name (source), '' (nation).
CREATE TABLE compte_role (
  compte_id INTEGER NOT NULL REFERENCES compte(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'coordinateur', 'gestionnaire', 'mediateur',
                                     'producteur')),
  portee TEXT NOT NULL CHECK (portee IN ('nation', 'region', 'departement', 'epci', 'commune',
                                         'structure', 'source')),
  code TEXT NOT NULL,
  PRIMARY KEY (compte_id, role, portee, code)
) WITHOUT ROWID;
CREATE INDEX compte_role_portee ON compte_role(portee, code);

-- Invitations and password resets: single use, expiring.
CREATE TABLE lien_unique (
  hash BLOB PRIMARY KEY,
  compte_id INTEGER NOT NULL REFERENCES compte(id) ON DELETE CASCADE,
  objet TEXT NOT NULL CHECK (objet IN ('invitation', 'reinitialisation')),
  expire_at INTEGER NOT NULL,
  utilise_at INTEGER
) WITHOUT ROWID;

CREATE TABLE session (
  hash BLOB PRIMARY KEY,      -- SHA-256 of the cookie value
  compte_id INTEGER NOT NULL REFERENCES compte(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  vu_at INTEGER NOT NULL,
  mfa_ok INTEGER NOT NULL DEFAULT 0,
  peer TEXT
) WITHOUT ROWID;
CREATE INDEX session_compte ON session(compte_id);

-- Producers' API tokens: shown once, kept hashed, scoped to one source.
CREATE TABLE jeton (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  prefixe TEXT NOT NULL,      -- first characters, to recognise it in lists
  compte_id INTEGER NOT NULL REFERENCES compte(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  nom TEXT,
  created_at TEXT NOT NULL,
  dernier_usage TEXT,
  revoque_at TEXT
);

-- Failed logins, per account and per address (throttling).
CREATE TABLE connexion_echec (
  cle TEXT NOT NULL,          -- 'compte:<email>' or 'ip:<address>'
  at INTEGER NOT NULL
);
CREATE INDEX connexion_echec_cle ON connexion_echec(cle, at);

-- Mail to send: written here always; sent by SMTP when configured.
CREATE TABLE mail_sortant (
  id INTEGER PRIMARY KEY,
  destinataire TEXT NOT NULL,
  sujet TEXT NOT NULL,
  corps TEXT NOT NULL,
  objet TEXT,                 -- invitation, reinitialisation, orientation ...
  created_at TEXT NOT NULL,
  envoye_at TEXT,
  tentatives INTEGER NOT NULL DEFAULT 0,
  erreur TEXT
);

-- The audit journal: every write, who, when, what, before and after.
CREATE TABLE journal (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  compte_id INTEGER,          -- NULL for the command line
  acteur TEXT NOT NULL,       -- the account's e-mail at the time, or 'cli:USER'
  action TEXT NOT NULL,       -- e.g. 'lieu.modifier'
  objet TEXT NOT NULL,        -- e.g. 'lieu'
  objet_id TEXT,
  commune TEXT, departement TEXT, region TEXT, -- where: scoped reading
  structure_id INTEGER,
  avant TEXT, apres TEXT,     -- JSON; never personal data of beneficiaries
  peer TEXT
);
CREATE INDEX journal_at ON journal(at);
CREATE INDEX journal_departement ON journal(departement, id);
CREATE INDEX journal_region ON journal(region, id);
