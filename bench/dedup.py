#!/usr/bin/env python3
"""Index the same N texts with storyfold's MinHash LSH, datasketch MinHashLSH and Rensa in one run.

Same shingles (3-word shingles of lower-cased words `[^\\W_]+(?:'[^\\W_]+)*`, typographic
apostrophes folded), same 128 permutations, same threshold 0.5 and the same bands x rows
(datasketch's optimum for that threshold among splits with bands x rows = permutations, since
Rensa needs every permutation in a band; passed to all three). Each tool queries then inserts
every text in turn (streaming), so each reports the candidate pairs (j < i) it found. Truth: exact
Jaccard over the shingle sets, pairs with J >= threshold, found with an inverted index.

Texts: N made-up-by-recombination documents from the AEB ground-truth bodies and SemEval-2022
task 8 English texts (../shared/data): each is 6-14 sentences drawn from the pool of all their
sentences (seeded), and one in five is a near-copy of an earlier one (a few sentences dropped,
words swapped), so there are pairs at every Jaccard level.

Usage: bench/.venv-dedup/bin/python bench/dedup.py [--n 20000] [--data ../shared/data]
       [--bin target/release/examples/lsh_bench]
Timing: storyfold's time covers tokenizing, shingling, hashing, querying and inserting (the
binary's own clock, file reading excluded). The Python peers are timed twice: from text (our
tokenizer in Python included) and from pre-computed shingles (sketch + query + insert only).
"""
import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def words(text):
    return WORD.findall(text.lower().replace("\u2019", "'"))


def shingles(text, k):
    w = words(text)
    if not w:
        return []
    if len(w) < k:
        return [" ".join(w)]
    return list({" ".join(w[i:i + k]) for i in range(len(w) - k + 1)})


def load_pool(data):
    texts = []
    with open(os.path.join(data, "aeb", "ground-truth.json")) as f:
        for v in json.load(f).values():
            texts.append(v.get("articleBody", ""))
    csv.field_size_limit(10**9)
    with open(os.path.join(data, "semeval2022-task8", "training_set.csv")) as f:
        for r in csv.DictReader(f):
            if r["lang1"] == "en":
                texts.append(r["text1"])
            if r["lang2"] == "en":
                texts.append(r["text2"])
    pool = []
    for t in texts:
        for s in SENT.split(" ".join(t.split())):
            if len(s.split()) >= 6:
                pool.append(s)
    return sorted(set(pool))


def make_docs(pool, n, seed=7):
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        if docs and rng.random() < 0.2:
            src = docs[rng.randrange(max(0, len(docs) - 2000), len(docs))].split(" ")
            out = [w for w in src if rng.random() > 0.05]
            for _ in range(rng.randrange(0, 6)):
                out[rng.randrange(len(out))] = rng.choice(["new", "big", "also", "said", "very"])
            cut = int(len(out) * rng.uniform(0.6, 1.0))
            docs.append(" ".join(out[:cut]))
        else:
            docs.append(" ".join(rng.choice(pool) for _ in range(rng.randint(6, 14))))
    return docs


def truth_pairs(sets, threshold):
    post = defaultdict(list)
    out = set()
    for i, s in enumerate(sets):
        counts = defaultdict(int)
        for sh in s:
            for j in post[sh]:
                counts[j] += 1
        for j, c in counts.items():
            union = len(s) + len(sets[j]) - c
            if union and c / union >= threshold:
                out.add((i, j))
        for sh in s:
            post[sh].append(i)
    return out


def band_params(threshold, num_perm):
    """datasketch's optimal (bands, rows) for the threshold, restricted to bands x rows ==
    num_perm (Rensa requires every permutation in a band): datasketch's own error integrals,
    equal weights."""
    from datasketch.lsh import _false_negative_probability as fn, _false_positive_probability as fp
    best = None
    for b in range(1, num_perm + 1):
        if num_perm % b:
            continue
        r = num_perm // b
        err = 0.5 * fp(threshold, b, r) + 0.5 * fn(threshold, b, r)
        if best is None or err < best[0]:
            best = (err, b, r)
    return best[1], best[2]


def recall(found, truth):
    return len(found & truth) / max(1, len(truth))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--bin", default="target/release/examples/lsh_bench")
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--k", type=int, default=3)
    a = ap.parse_args()

    from datasketch import MinHash, MinHashLSH
    import rensa

    pool = load_pool(a.data)
    docs = make_docs(pool, a.n)
    t0 = time.perf_counter()
    sets = [shingles(d, a.k) for d in docs]
    shingle_secs = time.perf_counter() - t0
    truth = truth_pairs(sets, a.threshold)
    bands, rows = band_params(a.threshold, a.num_perm)
    print(f"{a.n} texts from a pool of {len(pool)} sentences; {a.num_perm} permutations, "
          f"threshold {a.threshold}, {bands} bands x {rows} rows, {a.k}-word shingles; "
          f"{len(truth)} pairs with exact Jaccard >= {a.threshold}")
    print(f"python shingling: {shingle_secs:.2f} s")

    results = {}

    # storyfold
    with tempfile.TemporaryDirectory() as tmp:
        inp, outp = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "pairs.txt")
        with open(inp, "w") as f:
            for d in docs:
                f.write(json.dumps({"text": d}) + "\n")
        run = subprocess.run([a.bin, inp, outp, str(a.num_perm), str(bands), str(rows), str(a.k)],
                             check=True, capture_output=True, text=True)
        secs = json.loads(run.stdout)["seconds"]
        found = set()
        with open(outp) as f:
            for line in f:
                i, j = map(int, line.split())
                found.add((i, j))
        results["storyfold"] = (secs, secs, found)

    # datasketch
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=a.threshold, num_perm=a.num_perm, params=(bands, rows))
    found = set()
    for i, s in enumerate(sets):
        m = MinHash(num_perm=a.num_perm, seed=1)
        m.update_batch([x.encode() for x in s])
        for j in lsh.query(m):
            found.add((i, j))
        lsh.insert(i, m)
    secs = time.perf_counter() - t0
    results["datasketch"] = (secs + shingle_secs, secs, found)

    # rensa, streaming (query then insert, per text)
    t0 = time.perf_counter()
    lsh = rensa.RMinHashLSH(a.threshold, a.num_perm, bands)
    found = set()
    for i, s in enumerate(sets):
        m = rensa.RMinHash(a.num_perm, 1)
        m.update(s)
        for j in lsh.query(m):
            found.add((i, j))
        lsh.insert(i, m)
    secs = time.perf_counter() - t0
    results["rensa"] = (secs + shingle_secs, secs, found)

    # rensa, batch API (all signatures at once, then insert all and query all)
    t0 = time.perf_counter()
    hashes = rensa.RMinHash.from_token_sets(sets, a.num_perm, 1)
    lsh = rensa.RMinHashLSH(a.threshold, a.num_perm, bands)
    lsh.insert_many(hashes)
    found = set()
    for i, cands in enumerate(lsh.query_all(hashes)):
        for j in cands:
            if j < i:
                found.add((i, j))
    secs = time.perf_counter() - t0
    results["rensa-batch"] = (secs + shingle_secs, secs, found)

    base = results["storyfold"][0]
    print(f"{'tool':<12} {'docs/s (from text)':>19} {'docs/s (from shingles)':>23} "
          f"{'candidates':>11} {'recall':>7} {'storyfold x':>12}")
    for name, (total, core, found) in results.items():
        print(f"{name:<12} {a.n / total:>19.0f} {a.n / core:>23.0f} {len(found):>11} "
              f"{recall(found, truth):>7.4f} {total / base:>12.1f}")
    print("storyfold x = the tool's from-text time / storyfold's time (how many times faster "
          "storyfold is)")


if __name__ == "__main__":
    sys.exit(main())
