"""Shared helpers for the peer baselines (benchmark-only; run with Debian's /usr/bin/python3).

Label canonicalisation, the time split, the arXiv group of a category, process timing and the
metric block every peer reports. Nothing here is used at runtime by arxiv-classifier.
"""

import json
import os
import re
import resource
import subprocess
import sys
import time

# Aliases arXiv lists for the same subject; left side is mapped to the right side.
ALIASES = {
    "math.IT": "cs.IT",
    "stat.TH": "math.ST",
    "cs.SY": "eess.SY",
    "math.MP": "math-ph",
    "q-fin.EC": "econ.GN",
    "cs.NA": "math.NA",
}

PHYSICS_ARCHIVES = {"astro-ph", "cond-mat", "gr-qc", "math-ph", "nlin", "physics", "quant-ph"}

_NEW_ID = re.compile(r"^(\d{4})\.\d{4,5}(v\d+)?$")
_OLD_ID = re.compile(r"^[A-Za-z.\-]+/(\d{2})(\d{2})\d+(v\d+)?$")
_SPACE = re.compile(r"\s+")


def canonical_categories(categories):
    """Map aliases to canonical codes, drop duplicates, keep order (primary stays first)."""
    out = []
    seen = set()
    for raw in categories:
        code = ALIASES.get(raw, raw)
        if code not in seen:
            seen.add(code)
            out.append(code)
    return out


def id_yymm(paper_id):
    """YYMM as a sortable int (e.g. 2604 -> 202604), or None for an id we cannot read.

    Old-style ids (archive/YYMMNNN) use 19xx for YY >= 91, else 20xx.
    """
    m = _NEW_ID.match(paper_id)
    if m:
        return 200000 + int(m.group(1))
    m = _OLD_ID.match(paper_id)
    if m:
        yy, mm = int(m.group(1)), int(m.group(2))
        century = 190000 if yy >= 91 else 200000
        return century + yy * 100 + mm
    return None


def yymm_arg(text):
    """'2603' -> 202603 (arguments are always new-style, i.e. 20xx)."""
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError("expected YYMM, got %r" % text)
    return 200000 + int(text)


def collapse(text):
    return _SPACE.sub(" ", text).strip()


def group_of(category):
    """arXiv group: 'physics' for the physics archives, else the archive before the dot."""
    archive = category.split(".", 1)[0]
    if archive in PHYSICS_ARCHIVES or archive.startswith("hep-") or archive.startswith("nucl-"):
        return "physics"
    return archive


def read_jsonl(path):
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def timed_run(argv, stdout=None):
    """Run argv under GNU time -v; return (wall_seconds, peak_rss_mb, cpu_seconds).

    cpu_seconds = user + system time of the command; on a shared machine it is steadier than wall.
    Raises on failure.
    """
    time_bin = "/usr/bin/time"
    if not os.path.exists(time_bin):
        raise SystemExit("needs GNU time: apt-get install -y time")
    cmd = [time_bin, "-v"] + argv
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit("command failed (%d): %s" % (proc.returncode, " ".join(argv)))
    rss_kb = None
    cpu = 0.0
    for line in proc.stderr.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size (kbytes):"):
            rss_kb = int(line.rsplit(":", 1)[1])
        elif line.startswith("User time (seconds):") or line.startswith("System time (seconds):"):
            cpu += float(line.rsplit(":", 1)[1])
    return wall, (rss_kb / 1024.0 if rss_kb is not None else None), cpu


def self_peak_rss_mb():
    """Peak RSS of this Python process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def single_label_metrics(gold, ranked):
    """gold: list of primary labels; ranked: list of label lists, best first (>= 1 each)."""
    from sklearn.metrics import f1_score

    n = len(gold)
    top1 = [r[0] if r else "" for r in ranked]
    acc1 = sum(1 for g, p in zip(gold, top1) if g == p) / n
    acc5 = sum(1 for g, r in zip(gold, ranked) if g in r[:5]) / n
    group_acc = sum(1 for g, p in zip(gold, top1) if p and group_of(g) == group_of(p)) / n
    return {
        "top1": round(acc1, 5),
        "top5": round(acc5, 5),
        "macro_f1": round(float(f1_score(gold, top1, average="macro", zero_division=0)), 5),
        "weighted_f1": round(float(f1_score(gold, top1, average="weighted", zero_division=0)), 5),
        "group_accuracy": round(group_acc, 5),
    }


def multi_label_metrics(gold_sets, pred_sets):
    """Micro and samples P/R/F1 (sklearn definitions) over label sets."""
    from sklearn.metrics import f1_score, precision_score, recall_score
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer(sparse_output=True)
    mlb.fit(list(gold_sets) + list(pred_sets))
    y = mlb.transform(gold_sets)
    p = mlb.transform(pred_sets)
    kw = {"zero_division": 0}
    return {
        "micro_f1": round(float(f1_score(y, p, average="micro", **kw)), 5),
        "samples_f1": round(float(f1_score(y, p, average="samples", **kw)), 5),
        "precision": round(float(precision_score(y, p, average="micro", **kw)), 5),
        "recall": round(float(recall_score(y, p, average="micro", **kw)), 5),
        "samples_precision": round(float(precision_score(y, p, average="samples", **kw)), 5),
        "samples_recall": round(float(recall_score(y, p, average="samples", **kw)), 5),
    }
