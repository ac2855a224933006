#!/usr/bin/python3
"""scikit-learn peer: TF-IDF (uni+bigrams) + a linear logistic model, scored on the time-split test set.

    # seed notebook 002's recipe, made bigram
    /usr/bin/python3 bench/peers/sklearn_peer.py --prepared /tmp/axc-peers --variant notebook
    # a stronger variant (200k sublinear features, SGD-trained logistic loss, alpha tuned)
    /usr/bin/python3 bench/peers/sklearn_peer.py --prepared /tmp/axc-peers --variant strong \
        --tune alpha=1e-6,3e-6,1e-5

Needs: apt-get install -y python3-sklearn (Debian's, so run with /usr/bin/python3). Reads the
train.jsonl / test.jsonl that bench/peers/prepare.py writes; the label is the primary category.
Progress goes to stderr; the last stdout line is one JSON object with the results.

train_seconds = wall time of vectoriser fit + classifier fit (data loading and --tune excluded);
train_cpu_seconds = CPU time of the same, summed over this process and its workers.
peak_rss_mb = peak of the summed RSS of this process and its children (joblib workers), sampled
every 0.5 s from /proc during loading, training and prediction.
predict_per_second = test papers / wall time of vectoriser transform + decision_function.
"""

import argparse
import json
import os
import random
import sys
import threading
import time
import warnings

sys.dont_write_bytecode = True  # keep bench/peers free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_jsonl, single_label_metrics  # noqa: E402

VARIANTS = {
    # notebook 002, cell "TF-IDF Vectorization + Logistic Regression Pipeline", with ngram_range=(1,2)
    "notebook": {
        "tfidf": {"stop_words": "english", "ngram_range": [1, 2], "max_features": 10000},
        "classifier": "logreg",
        "params": {"max_iter": 1000, "multi_class": "ovr", "random_state": 42, "n_jobs": -1},
    },
    # bigger sublinear vocabulary, logistic loss trained by SGD (one-vs-rest, threads);
    # alpha=1e-6 was best of 3e-7..1e-5 on the newest 10% of train: --tune alpha=3e-7,1e-6,3e-6
    "strong": {
        "tfidf": {"stop_words": "english", "ngram_range": [1, 2], "max_features": 200000,
                  "sublinear_tf": True, "min_df": 2},
        "classifier": "sgd",
        "params": {"loss": "log_loss", "alpha": 1e-6, "max_iter": 30, "tol": 1e-4,
                   "random_state": 42, "n_jobs": -1},
    },
    # same features, exact multinomial logistic regression (slow: ~20 CPU-minutes per fit here)
    "strong-lr": {
        "tfidf": {"stop_words": "english", "ngram_range": [1, 2], "max_features": 200000,
                  "sublinear_tf": True, "min_df": 2},
        "classifier": "logreg",
        "params": {"solver": "saga", "multi_class": "multinomial", "C": 10.0, "max_iter": 30,
                   "tol": 1e-3, "random_state": 42},
    },
}


def log(msg):
    print("[sklearn-peer] " + msg, file=sys.stderr, flush=True)


class TreeRssSampler:
    """Samples the summed RSS (MB) and the CPU seconds of this process and all its descendants.

    CPU of a descendant that exits between samples is counted up to its last sample.
    """

    def __init__(self, interval=0.5):
        self.interval = interval
        self.peak = 0.0
        self._cpu_ticks = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_rss_mb(self):
        me = os.getpid()
        parent = {}
        rss_pages = {}
        ticks = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % name) as f:
                    stat = f.read()
                fields = stat[stat.rindex(")") + 2:].split()
                parent[int(name)] = int(fields[1])
                rss_pages[int(name)] = int(fields[21])
                ticks[int(name)] = int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                continue
        total = 0
        for pid, pages in rss_pages.items():
            p, hops = pid, 0
            while p and p != me and hops < 64:
                p = parent.get(p, 0)
                hops += 1
            if p == me:
                total += pages
                with self._lock:
                    self._cpu_ticks[pid] = max(self._cpu_ticks.get(pid, 0), ticks[pid])
        return total * os.sysconf("SC_PAGE_SIZE") / (1024.0 * 1024.0)

    def cpu_seconds(self):
        self._tree_rss_mb()
        with self._lock:
            return sum(self._cpu_ticks.values()) / float(os.sysconf("SC_CLK_TCK"))

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self._tree_rss_mb())
            except OSError:
                pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._tree_rss_mb())


def load(path, limit=None, seed=0):
    texts, labels = [], []
    for rec in read_jsonl(path):
        texts.append(rec["text"])
        labels.append(rec["labels"][0])
    if limit is not None and limit < len(texts):
        idx = sorted(random.Random(seed).sample(range(len(texts)), limit))
        texts = [texts[i] for i in idx]
        labels = [labels[i] for i in idx]
    return texts, labels


def parse_tune(spec):
    """'alpha=1e-6,3e-6' -> ('alpha', [1e-06, 3e-06])."""
    name, _, values = spec.partition("=")
    if not name or not values:
        raise SystemExit("--tune wants PARAM=v1,v2,... (e.g. C=1,3,10 or alpha=1e-6,1e-5)")
    return name, [float(v) for v in values.split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prepared", required=True, help="directory written by prepare.py")
    ap.add_argument("--variant", choices=sorted(VARIANTS), default="notebook")
    ap.add_argument("--tfidf", default="{}", help="JSON overrides for TfidfVectorizer")
    ap.add_argument("--params", default="{}", help="JSON overrides for the classifier")
    ap.add_argument("--tune", default=None,
                    help="PARAM=v1,v2,...: fit each value on the oldest 90%% of train, score top-1 on the "
                         "newest 10%%, then fit all of train with the best. The vectoriser is fitted once on "
                         "all of train. Tuning fits are reported as tune_seconds, not train_seconds.")
    ap.add_argument("--train-limit", type=int, default=None,
                    help="train on a random subsample of this many papers (reported in the output)")
    args = ap.parse_args()

    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    variant = VARIANTS[args.variant]
    tfidf_kw = dict(variant["tfidf"])
    tfidf_kw.update(json.loads(args.tfidf))
    params = dict(variant["params"])
    params.update(json.loads(args.params))
    make = {"logreg": LogisticRegression, "sgd": SGDClassifier}[variant["classifier"]]
    config = {"variant": args.variant, "tfidf": tfidf_kw, "classifier": make.__name__,
              "params": params, "train_limit": args.train_limit, "sklearn_version": sklearn.__version__}

    with TreeRssSampler() as sampler:
        train_texts, train_y = load(os.path.join(args.prepared, "train.jsonl"), args.train_limit)
        test_texts, test_y = load(os.path.join(args.prepared, "test.jsonl"))
        log("loaded %d train, %d test" % (len(train_texts), len(test_texts)))
        train_y = np.asarray(train_y)

        vec_kw = dict(tfidf_kw)
        vec_kw["ngram_range"] = tuple(vec_kw["ngram_range"])
        vectorizer = TfidfVectorizer(**vec_kw)

        cpu0 = sampler.cpu_seconds()
        t0 = time.monotonic()
        X = vectorizer.fit_transform(train_texts)
        t_vec = time.monotonic() - t0
        cpu_vec = sampler.cpu_seconds() - cpu0
        log("vectorised in %.1fs: %d x %d, nnz %d" % (t_vec, X.shape[0], X.shape[1], X.nnz))

        if args.tune:
            # train.jsonl is in id order, i.e. chronological: the held-out slice is the newest 10%
            name, values = parse_tune(args.tune)
            cut = int(X.shape[0] * 0.9)
            tt = time.monotonic()
            scores_by_value = {}
            for v in values:
                kw = dict(params)
                kw[name] = v
                m = make(**kw).fit(X[:cut], train_y[:cut])
                scores_by_value[v] = round(float(np.mean(m.predict(X[cut:]) == train_y[cut:])), 5)
                log("tune %s=%g: held-out top-1 %.4f" % (name, v, scores_by_value[v]))
                del m
            best = max(values, key=lambda v: scores_by_value[v])
            params[name] = best
            config["tune"] = {"param": name, "heldout": "newest 10%% of train (%d papers)" % (X.shape[0] - cut),
                              "top1_by_value": {repr(k): v for k, v in scores_by_value.items()},
                              "chosen": best, "tune_seconds": round(time.monotonic() - tt, 2)}

        clf = make(**params)
        cpu1 = sampler.cpu_seconds()
        t1 = time.monotonic()
        clf.fit(X, train_y)
        t_fit = time.monotonic() - t1
        cpu_fit = sampler.cpu_seconds() - cpu1
        n_iter = np.asarray(clf.n_iter_).ravel()
        log("fitted in %.1fs (iterations max %d)" % (t_fit, int(n_iter.max())))
        n_train = X.shape[0]
        del X

        t2 = time.monotonic()
        Xt = vectorizer.transform(test_texts)
        scores = clf.decision_function(Xt)
        predict_seconds = time.monotonic() - t2
        classes = clf.classes_
        top = np.argsort(-scores, axis=1)[:, :5]
        ranked = [[classes[j] for j in row] for row in top]

    result = {
        "peer": "sklearn-tfidf-%s-%s" % (variant["classifier"], args.variant),
        "config": config,
        "train_seconds": round(t_vec + t_fit, 2),
        "train_cpu_seconds": round(cpu_vec + cpu_fit, 2),
        "vectorize_seconds": round(t_vec, 2),
        "fit_seconds": round(t_fit, 2),
        "max_iterations": int(n_iter.max()),
        "n_features": int(len(vectorizer.vocabulary_)),
        "peak_rss_mb": round(sampler.peak, 1),
    }
    result.update(single_label_metrics(list(test_y), ranked))
    result.update({
        "predict_seconds": round(predict_seconds, 2),
        "predict_per_second": round(len(test_texts) / predict_seconds, 1),
        "n_train": n_train,
        "n_test": len(test_texts),
        "n_classes": int(len(classes)),
    })
    print(json.dumps(result))


if __name__ == "__main__":
    main()
