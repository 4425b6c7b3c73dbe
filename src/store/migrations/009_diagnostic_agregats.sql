-- 009: the diagnostic statistics from counters (src/diagnostic/diag_agregats.c),
-- kept in stat_agregat with the activities' (scopes STAT_PORTEE_DIAGNOSTIC
-- and above: France, région, département, EPCI, commune where help is
-- sought). Domain, barrier and need ids are numbered here for the keys.
CREATE TABLE diag_etiquette (
  id INTEGER PRIMARY KEY,
  genre INTEGER NOT NULL,   -- 2 domain, 3 barrier, 4 need (the counters' dimensions)
  nom TEXT NOT NULL,
  UNIQUE (genre, nom)
);
-- A database without finished diagnostics has complete (empty) counters;
-- one with them is counted from the sessions until the counters are built
-- (`passerelle diagnostic stats-reconstruire`, or the server at start).
INSERT INTO meta (key, value) SELECT 'diag_agregats', '1'
  WHERE NOT EXISTS (SELECT 1 FROM diagnostic_session WHERE termine_at IS NOT NULL);
