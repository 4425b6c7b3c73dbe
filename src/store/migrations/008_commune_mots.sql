-- 008: searching communes by a word inside their name ("en provence",
-- "mer") without scanning every commune: each suffix of a folded name that
-- starts after a space, so that a prefix range on `suffixe` finds exactly
-- the names matching LIKE '% word%'. Rebuilt by every territories import
-- (territoires_import.c, the same statement).
CREATE TABLE commune_mot (
  suffixe TEXT NOT NULL,
  commune TEXT NOT NULL,
  PRIMARY KEY (suffixe, commune)
) WITHOUT ROWID;
WITH RECURSIVE s(code, rest) AS (
  SELECT code, substr(nom_fold, instr(nom_fold, ' ') + 1) FROM commune WHERE instr(nom_fold, ' ') > 0
  UNION ALL
  SELECT code, substr(rest, instr(rest, ' ') + 1) FROM s WHERE instr(rest, ' ') > 0)
INSERT OR IGNORE INTO commune_mot(suffixe, commune) SELECT rest, code FROM s WHERE rest <> '';
