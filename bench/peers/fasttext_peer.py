#!/usr/bin/python3
"""fastText peer: Debian's `fasttext supervised`, timed, scored on the time-split test set.

    # primary category (softmax)
    /usr/bin/python3 bench/peers/fasttext_peer.py --prepared /tmp/axc-peers --work /tmp/axc-ft \
        --epoch 5 --lr 1.0 --dim 50 --min-count 3
    # every category (one-vs-all), threshold tuned on a held-out slice of train
    /usr/bin/python3 bench/peers/fasttext_peer.py --prepared /tmp/axc-peers --work /tmp/axc-ft \
        --multilabel --tune-threshold

Needs: apt-get install -y fasttext python3-sklearn time. Reads the files bench/peers/prepare.py
writes. Progress goes to stderr; the last stdout line is one JSON object with the results.

Train time and peak RSS are those of the `fasttext supervised` process (GNU time -v).
predict_per_second = test papers / wall time of `fasttext predict-prob` minus the time that
command takes on a one-line file (i.e. model loading excluded); the raw figure is also given.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # keep bench/peers free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import multi_label_metrics, single_label_metrics, timed_run  # noqa: E402

PREFIX = "__label__"
FASTTEXT = "/usr/bin/fasttext"
# multilabel: fastText returns the top ML_K labels with no threshold; thresholds (and the
# keep-at-least-the-top-label rule) are applied here. No paper has 10 categories.
ML_K = 10


def log(msg):
    print("[fasttext-peer] " + msg, file=sys.stderr, flush=True)


def split_line(line):
    """'__label__a __label__b text' -> (['a', 'b'], 'text')."""
    labels = []
    rest = line.rstrip("\n")
    while rest.startswith(PREFIX):
        head, _, rest = rest.partition(" ")
        labels.append(head[len(PREFIX):])
    return labels, rest


def read_labelled(path):
    gold, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            labels, text = split_line(line)
            gold.append(labels)
            texts.append(text)
    return gold, texts


def write_texts(path, texts):
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(t + "\n")


def parse_predictions(path):
    """predict-prob output -> list of [(label, prob), ...] best first."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            toks = line.split()
            pairs = []
            for i in range(0, len(toks) - 1, 2):
                pairs.append((toks[i][len(PREFIX):], float(toks[i + 1])))
            out.append(pairs)
    return out


def train(args, input_path, output_prefix):
    loss = "ova" if args.multilabel else args.loss
    argv = [
        FASTTEXT, "supervised", "-input", input_path, "-output", output_prefix,
        "-epoch", str(args.epoch), "-lr", str(args.lr), "-dim", str(args.dim),
        "-minCount", str(args.min_count), "-wordNgrams", str(args.word_ngrams),
        "-bucket", str(args.bucket), "-thread", str(args.thread), "-loss", loss,
        "-verbose", "0", "-seed", str(args.seed),
    ]
    if args.minn or args.maxn:
        argv += ["-minn", str(args.minn), "-maxn", str(args.maxn)]
    log("train: " + " ".join(argv[1:]))
    with open(os.devnull, "w") as devnull:
        wall, rss, cpu = timed_run(argv, stdout=devnull)
    log("trained in %.1fs wall, %.1fs cpu, peak RSS %.0f MB" % (wall, cpu, rss or -1))
    return wall, rss, cpu


def predict(work, model_bin, texts, k, threshold, name):
    text_path = os.path.join(work, name + ".txt")
    pred_path = os.path.join(work, name + ".pred")
    write_texts(text_path, texts)
    argv = [FASTTEXT, "predict-prob", model_bin, text_path, str(k)]
    if threshold is not None:
        argv.append(str(threshold))
    with open(pred_path, "w", encoding="utf-8") as out:
        wall, rss, _ = timed_run(argv, stdout=out)
    # model loading time: the same command on a single line
    one_path = os.path.join(work, name + ".one.txt")
    write_texts(one_path, texts[:1])
    with open(os.devnull, "w") as devnull:
        load_wall, _, _ = timed_run([FASTTEXT, "predict-prob", model_bin, one_path, "1"], stdout=devnull)
    preds = parse_predictions(pred_path)
    if len(preds) != len(texts):
        raise SystemExit("fasttext returned %d predictions for %d lines" % (len(preds), len(texts)))
    return preds, wall, load_wall, rss


def threshold_sets(preds, threshold, at_least_one):
    sets = []
    for pairs in preds:
        s = [l for l, p in pairs if p >= threshold]
        if not s and at_least_one and pairs:
            s = [pairs[0][0]]
        sets.append(s)
    return sets


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prepared", required=True, help="directory written by prepare.py")
    ap.add_argument("--work", required=True, help="scratch directory for model and predictions")
    ap.add_argument("--multilabel", action="store_true", help="every category, -loss ova")
    # defaults = the config chosen on the dev split (README.md)
    ap.add_argument("--epoch", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--dim", type=int, default=50)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--word-ngrams", type=int, default=2)
    ap.add_argument("--bucket", type=int, default=2000000)
    ap.add_argument("--minn", type=int, default=0)
    ap.add_argument("--maxn", type=int, default=0)
    ap.add_argument("--thread", type=int, default=2)
    ap.add_argument("--loss", default="softmax", help="single-label loss (softmax, hs, ns)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=0.5, help="multilabel: fixed threshold")
    ap.add_argument("--tune-threshold", action="store_true",
                    help="multilabel: pick the threshold (0.10..0.50) maximising micro-F1 on every "
                         "20th train line with a model trained on the rest, then retrain on all of train")
    ap.add_argument("--keep-model", action="store_true")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    suffix = ".ml.ft" if args.multilabel else ".ft"
    train_path = os.path.join(args.prepared, "train" + suffix)
    test_path = os.path.join(args.prepared, "test" + suffix)
    for p in (train_path, test_path):
        if not os.path.exists(p):
            raise SystemExit("missing %s: run bench/peers/prepare.py first" % p)
    n_train = sum(1 for _ in open(train_path, encoding="utf-8"))
    gold, texts = read_labelled(test_path)
    config = {
        "loss": "ova" if args.multilabel else args.loss, "epoch": args.epoch, "lr": args.lr,
        "dim": args.dim, "minCount": args.min_count, "wordNgrams": args.word_ngrams,
        "bucket": args.bucket, "minn": args.minn, "maxn": args.maxn, "thread": args.thread,
        "seed": args.seed,
    }
    version = os.popen("dpkg-query -W -f='${Version}' fasttext 2>/dev/null").read().strip()
    config["fasttext_version"] = version or "unknown"

    candidates = [round(0.1 + 0.05 * i, 2) for i in range(9)]
    tuned = None
    if args.multilabel and args.tune_threshold:
        fit_path = os.path.join(args.work, "fit.ml.ft")
        dev_gold, dev_texts = [], []
        with open(train_path, encoding="utf-8") as src, open(fit_path, "w", encoding="utf-8") as fit:
            for i, line in enumerate(src):
                if i % 20 == 19:
                    labels, text = split_line(line)
                    dev_gold.append(labels)
                    dev_texts.append(text)
                else:
                    fit.write(line)
        log("threshold tuning: fit %d, dev %d" % (n_train - len(dev_gold), len(dev_gold)))
        dev_prefix = os.path.join(args.work, "model-dev")
        train(args, fit_path, dev_prefix)
        dev_preds, _, _, _ = predict(args.work, dev_prefix + ".bin", dev_texts, ML_K, 0.0, "dev")
        scores = {}
        for t in candidates:
            m = multi_label_metrics(dev_gold, threshold_sets(dev_preds, t, True))
            scores[t] = m["micro_f1"]
        tuned = max(candidates, key=lambda t: scores[t])
        log("dev micro-F1 by threshold: %s -> %.2f" % (json.dumps(scores), tuned))
        config["dev_micro_f1_by_threshold"] = scores
        for p in (fit_path, dev_prefix + ".bin", dev_prefix + ".vec"):
            if os.path.exists(p):
                os.remove(p)

    prefix = os.path.join(args.work, "model")
    train_seconds, peak_rss, train_cpu = train(args, train_path, prefix)
    model_bin = prefix + ".bin"
    model_mb = os.path.getsize(model_bin) / 1e6

    k, thr = (ML_K, 0.0) if args.multilabel else (5, None)
    preds, pred_wall, load_wall, pred_rss = predict(args.work, model_bin, texts, k, thr, "test")
    n_test = len(texts)
    net = max(pred_wall - load_wall, 1e-6)

    result = {
        "peer": "fasttext-ova" if args.multilabel else "fasttext",
        "config": config,
        "train_seconds": round(train_seconds, 2),
        "train_cpu_seconds": round(train_cpu, 2),
        "peak_rss_mb": round(peak_rss, 1) if peak_rss else None,
        "predict_rss_mb": round(pred_rss, 1) if pred_rss else None,
        "model_mb": round(model_mb, 1),
    }
    primary = [g[0] for g in gold]
    ranked = [[l for l, _ in pairs] for pairs in preds]
    result.update(single_label_metrics(primary, ranked))
    if args.multilabel:
        chosen = tuned if tuned is not None else args.threshold
        variants = {}
        for t in sorted(set([0.5, args.threshold, chosen])):
            for alo in (False, True):
                variants["t=%.2f%s" % (t, ",at_least_one" if alo else "")] = multi_label_metrics(
                    gold, threshold_sets(preds, t, alo))
        # the reported figures: chosen threshold, every paper keeps at least its top label
        result["threshold"] = chosen
        result["threshold_tuned_on"] = "every 20th train line" if tuned is not None else None
        result["at_least_one"] = True
        result.update(multi_label_metrics(gold, threshold_sets(preds, chosen, True)))
        result["variants"] = variants
        result["top1_vs_primary_note"] = "top1/top5/... score the ova ranking against the primary category"
    result.update({
        "predict_seconds": round(pred_wall, 2),
        "model_load_seconds": round(load_wall, 2),
        "predict_per_second": round(n_test / net, 1),
        "predict_per_second_with_load": round(n_test / pred_wall, 1),
        "n_train": n_train,
        "n_test": n_test,
    })
    if not args.keep_model:
        for ext in (".bin", ".vec"):
            if os.path.exists(prefix + ext):
                os.remove(prefix + ext)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
