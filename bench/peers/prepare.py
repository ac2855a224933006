#!/usr/bin/python3
"""Write the time-split train/test files the peer baselines read.

    /usr/bin/python3 bench/peers/prepare.py --data ../shared/data/arxiv-papers.jsonl.gz \
        --out /tmp/axc-peers --train-max-yymm 2603 --test-min-yymm 2604 --test-max-yymm 2605

Outputs in --out:
  train.ft / test.ft        fastText, primary label only:   __label__hep-th <tokens>
  train.ml.ft / test.ml.ft  fastText, every category:        __label__hep-th __label__gr-qc <tokens>
  train.jsonl / test.jsonl  {"id", "text", "labels"}  (labels canonical, primary first; raw text)
  meta.json                 counts, skipped records, split arguments

Text = title + " " + abstract, whitespace collapsed. Labels: aliases mapped to canonical codes,
duplicates dropped, order kept. Papers outside both windows, or with an unreadable id / no
categories / no text, are counted and skipped, never fatal.
"""

import argparse
import gzip
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep bench/peers free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import canonical_categories, collapse, id_yymm, yymm_arg  # noqa: E402

# fastText-style normalisation: lowercase, punctuation split off as its own token.
_PUNCT = re.compile(r"([.,;:!?()\[\]{}\"'])")
_SPACE = re.compile(r"\s+")


def ft_tokens(text):
    return _SPACE.sub(" ", _PUNCT.sub(r" \1 ", text.lower())).strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="arxiv-papers.jsonl.gz (or .jsonl)")
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--train-max-yymm", default="2603")
    ap.add_argument("--test-min-yymm", default="2604")
    ap.add_argument("--test-max-yymm", default="2605")
    args = ap.parse_args()

    train_max = yymm_arg(args.train_max_yymm)
    test_min = yymm_arg(args.test_min_yymm)
    test_max = yymm_arg(args.test_max_yymm)
    if not train_max < test_min <= test_max:
        raise SystemExit("need train-max-yymm < test-min-yymm <= test-max-yymm")

    os.makedirs(args.out, exist_ok=True)
    opener = gzip.open if args.data.endswith(".gz") else open
    outs = {}
    for split in ("train", "test"):
        outs[split] = {
            "ft": open(os.path.join(args.out, split + ".ft"), "w", encoding="utf-8"),
            "ml": open(os.path.join(args.out, split + ".ml.ft"), "w", encoding="utf-8"),
            "js": open(os.path.join(args.out, split + ".jsonl"), "w", encoding="utf-8"),
        }
    counts = {"train": 0, "test": 0, "outside_window": 0, "malformed": 0, "bad_id": 0, "no_categories": 0, "no_text": 0}
    first_bad = []

    with opener(args.data, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                pid = rec["id"]
                cats = rec.get("categories") or []
                title = rec.get("title") or ""
                abstract = rec.get("abstract") or ""
            except (ValueError, KeyError, TypeError):
                counts["malformed"] += 1
                if len(first_bad) < 5:
                    first_bad.append("line %d: malformed record" % lineno)
                continue
            yymm = id_yymm(str(pid))
            if yymm is None:
                counts["bad_id"] += 1
                if len(first_bad) < 5:
                    first_bad.append("line %d: unreadable id %r" % (lineno, pid))
                continue
            labels = canonical_categories(cats)
            if not labels:
                counts["no_categories"] += 1
                continue
            text = collapse(title + " " + abstract)
            if not text:
                counts["no_text"] += 1
                continue
            if yymm <= train_max:
                split = "train"
            elif test_min <= yymm <= test_max:
                split = "test"
            else:
                counts["outside_window"] += 1
                continue
            toks = ft_tokens(text)
            o = outs[split]
            o["ft"].write("__label__%s %s\n" % (labels[0], toks))
            o["ml"].write("%s %s\n" % (" ".join("__label__" + l for l in labels), toks))
            o["js"].write(json.dumps({"id": pid, "text": text, "labels": labels}, ensure_ascii=False) + "\n")
            counts[split] += 1

    for o in outs.values():
        for fh in o.values():
            fh.close()
    meta = {
        "data": os.path.abspath(args.data),
        "train_max_yymm": args.train_max_yymm,
        "test_min_yymm": args.test_min_yymm,
        "test_max_yymm": args.test_max_yymm,
        "counts": counts,
        "first_problems": first_bad,
    }
    with open(os.path.join(args.out, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
    for p in first_bad:
        print(p, file=sys.stderr)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
