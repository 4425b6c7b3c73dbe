-- 002_cache.sql - rendered fragments (SVG maps) kept between requests.
-- Emptied whenever the data they are drawn from changes (publication of
-- places, import of territories).
CREATE TABLE rendu_cache (
  cle TEXT PRIMARY KEY, contenu BLOB NOT NULL, created_at TEXT NOT NULL
) WITHOUT ROWID;
