-- ifn_agregat.sql - the IFN aggregation written as one SQLite statement, the
-- reference of bench/indicateurs.sh: for every territory (nation, régions,
-- départements, EPCI, communes) the population-weighted mean of each
-- sub-score over the communes that have it (plain mean when their
-- population is 0), and the total as the mean of the sub-scores present.
-- Same output format as `indic_bench DB ifn publie --dump`.
.mode list
.separator |
WITH c AS (
  SELECT i.thd, i.mobile, i.pauvrete, i.age, i.diplome, m.code, m.epci, m.departement, m.region,
         coalesce(m.population, 0) AS p
  FROM ifn_commune i JOIN commune m ON m.code = i.code WHERE i.variante = 'publie'
), lv AS (
  SELECT 'nation' AS niveau, 'FR' AS code, thd, mobile, pauvrete, age, diplome, p FROM c
  UNION ALL SELECT 'region', region, thd, mobile, pauvrete, age, diplome, p FROM c
  UNION ALL SELECT 'departement', departement, thd, mobile, pauvrete, age, diplome, p FROM c
  UNION ALL SELECT 'epci', epci, thd, mobile, pauvrete, age, diplome, p FROM c WHERE epci != ''
  UNION ALL SELECT 'commune', code, thd, mobile, pauvrete, age, diplome, p FROM c
), m AS (
  SELECT niveau, code,
    CASE WHEN sum(CASE WHEN thd IS NOT NULL THEN p END) > 0
         THEN sum(thd * p) / sum(CASE WHEN thd IS NOT NULL THEN p END) ELSE avg(thd) END AS thd,
    CASE WHEN sum(CASE WHEN mobile IS NOT NULL THEN p END) > 0
         THEN sum(mobile * p) / sum(CASE WHEN mobile IS NOT NULL THEN p END) ELSE avg(mobile) END AS mobile,
    CASE WHEN sum(CASE WHEN pauvrete IS NOT NULL THEN p END) > 0
         THEN sum(pauvrete * p) / sum(CASE WHEN pauvrete IS NOT NULL THEN p END) ELSE avg(pauvrete) END AS pauvrete,
    CASE WHEN sum(CASE WHEN age IS NOT NULL THEN p END) > 0
         THEN sum(age * p) / sum(CASE WHEN age IS NOT NULL THEN p END) ELSE avg(age) END AS age,
    CASE WHEN sum(CASE WHEN diplome IS NOT NULL THEN p END) > 0
         THEN sum(diplome * p) / sum(CASE WHEN diplome IS NOT NULL THEN p END) ELSE avg(diplome) END AS diplome
  FROM lv GROUP BY niveau, code
)
SELECT niveau, code,
  printf('%.9f', (coalesce(thd, 0) + coalesce(mobile, 0) + coalesce(pauvrete, 0) + coalesce(age, 0) + coalesce(diplome, 0))
    / ((thd IS NOT NULL) + (mobile IS NOT NULL) + (pauvrete IS NOT NULL) + (age IS NOT NULL) + (diplome IS NOT NULL))),
  printf('%.9f', thd), printf('%.9f', mobile), printf('%.9f', pauvrete), printf('%.9f', age), printf('%.9f', diplome)
FROM m;
