#!/bin/bash
# Prepare the time split and run every peer once, one after another (never in parallel: the
# timings are meant for a small shared machine). Each peer's JSON line goes to $OUT/<peer>.json.
#
#   bash bench/peers/run_all.sh [DATA] [OUT]
#
# Needs: apt-get install -y fasttext python3-sklearn time   (uses Debian's /usr/bin/python3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DATA="${1:-$here/../../../shared/data/arxiv-papers.jsonl.gz}"
OUT="${2:-/tmp/axc-peers-run}"
PY=/usr/bin/python3
# fastText config chosen on the dev split (train <= 2602, dev = 2603); see README.md
FT_CONFIG="${FT_CONFIG:---epoch 5 --lr 1.0 --dim 50 --min-count 3}"

mkdir -p "$OUT"
$PY "$here/prepare.py" --data "$DATA" --out "$OUT/prepared" \
    --train-max-yymm 2603 --test-min-yymm 2604 --test-max-yymm 2605 > "$OUT/prepare.json"

$PY "$here/fasttext_peer.py" --prepared "$OUT/prepared" --work "$OUT/ft" $FT_CONFIG \
    2> "$OUT/fasttext.err" | tail -1 > "$OUT/fasttext.json"
$PY "$here/fasttext_peer.py" --prepared "$OUT/prepared" --work "$OUT/ft" $FT_CONFIG \
    --multilabel --tune-threshold 2> "$OUT/fasttext-ova.err" | tail -1 > "$OUT/fasttext-ova.json"
$PY "$here/sklearn_peer.py" --prepared "$OUT/prepared" --variant notebook \
    2> "$OUT/sklearn-notebook.err" | tail -1 > "$OUT/sklearn-notebook.json"
$PY "$here/sklearn_peer.py" --prepared "$OUT/prepared" --variant strong --tune alpha=1e-6,3e-6,1e-5 \
    2> "$OUT/sklearn-strong.err" | tail -1 > "$OUT/sklearn-strong.json"
cat "$OUT"/*.json
