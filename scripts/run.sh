#!/usr/bin/env bash
# run.sh - the main job (`make run`): load territories and places into an
# embedded SQLite file, then serve the platform on http://127.0.0.1:8080.
#
# Data: the real files of ../shared/data/ when that folder is there (places
# of ../shared/data/lieux/, commune coordinates and contours, the IFN);
# otherwise the small demo set shipped in data/demo/ (fictional places,
# marked as demo in every page; the dashboards then have no IFN).
# Territories come from the pinned npm package @etalab/decoupage-administratif
# installed by scripts/setup.sh.
# Every step is idempotent: running it again re-imports (unchanged rows are
# only touched) and keeps coordinators' deduplication decisions.
# Environment: PASSERELLE_DB (default passerelle.db), PORT (default 8080),
# SHARED_DATA (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${PASSERELLE_DB:-passerelle.db}
PORT=${PORT:-8080}
SHARED=${SHARED_DATA:-../shared/data}
bin=build/passerelle
p() { "$bin" --db "$DB" "$@"; }

if [ -z "$(p territoires show region 84 2>/dev/null | head -n 1)" ]; then
  if [ -d "$SHARED/communes" ] && [ -d "$SHARED/boundaries" ]; then
    echo "run: territoires (coordonnées et contours de $SHARED)"
    p territoires import --coords "$SHARED/communes/communes.csv" --contours "$SHARED/boundaries"
  else
    echo "run: territoires (coordonnées de démonstration)"
    p territoires import --coords data/demo/communes-demo.csv
  fi
fi

if [ -d "$SHARED/lieux" ]; then
  for f in "$SHARED"/lieux/*; do
    echo "run: lieux import $f"
    p lieux import "$f" --no-publish | tail -n 1
  done
  p lieux retire demo --no-publish
  p lieux demo off
else
  echo "run: pas de $SHARED/lieux : jeu de démonstration"
  p lieux import data/demo/lieux-demo.csv --source demo --no-publish | tail -n 1
  p lieux demo on
fi
p lieux dedup
# The territorial diagnostic: La Mednum's IFN when the shared data has it
# (weights of merged communes and arrondissements from the communes file),
# then every indicator of the dashboards, recomputed from the places above.
if [ -f "$SHARED/ifn/ifn-communes.csv" ]; then
  echo "run: ifn import $SHARED/ifn/ifn-communes.csv"
  p ifn import "$SHARED/ifn/ifn-communes.csv" --populations "$SHARED/communes/communes.csv" \
    --sans-recalcul | tail -n 1
  p ifn import tests/data/ifn-epci-publie.csv --sans-recalcul | tail -n 1
fi
p indicateurs recalculer
if [ "$(p comptes liste | wc -l)" -le 1 ]; then
  echo "run: aucun compte pour l'instant. Pour créer l'administrateur national :"
  echo "       $bin --db $DB comptes creer-admin VOTRE@ADRESSE"
  echo "     (le lien affiché permet de choisir le mot de passe ; voir docs/deploiement.md)"
fi
# Followed people's data is encrypted with a key kept beside the database
# (never inside it): made once here; keep a copy of it with the backups.
CLE=${PASSERELLE_CLE:-$DB.cle}
if [ ! -f "$CLE" ]; then
  echo "run: clé de chiffrement des personnes suivies : $CLE"
  p accompagnement cle "$CLE" >/dev/null
fi
exec "$bin" --db "$DB" serve --port "$PORT" --cle "$CLE"
