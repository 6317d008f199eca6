#!/usr/bin/env python3
"""Index the same N texts with storyfold's MinHash LSH, datasketch MinHashLSH and Rensa in one run.

Same shingles (3-word shingles of lower-cased words `[^\\W_]+(?:'[^\\W_]+)*`, typographic
apostrophes folded), same 128 permutations, same threshold 0.5 and the same bands x rows
(datasketch's optimum for that threshold among splits with bands x rows = permutations, since
Rensa needs every permutation in a band; passed to all three). Each tool queries then inserts
every text in turn (streaming), so each reports the candidate pairs (j < i) it found. Truth: exact
Jaccard over the shingle sets, pairs with J >= threshold, found with an inverted index.

Each tool is scored against the exact Jaccard of the shingles it indexed: the peers get the Python
shingles; storyfold shingles in Rust, and its word rule (Rust `char::is_alphanumeric`) differs from
Python's `\\w` on some non-English text in the pool (Devanagari and Arabic vowel signs, `ⓒ`), so
for storyfold the truth is computed from the shingle hashes the binary dumps (64-bit xxh3, the
sets it sketched). storyfold's recall against the Python-shingle truth is printed too (`recall
(py)`), and how many texts and true pairs the two shingle rules disagree on.

Texts: N made-up-by-recombination documents from the AEB ground-truth bodies and SemEval-2022
task 8 English texts (../shared/data): each is 6-14 sentences drawn from the pool of all their
sentences (seeded), and one in five is a near-copy of an earlier one (a few sentences dropped,
words swapped), so there are pairs at every Jaccard level.

Usage: bench/.venv-dedup/bin/python bench/dedup.py [--n 20000] [--data ../shared/data]
       [--bin target/release/examples/lsh_bench] [--seed 7[,8,...]] [--hash-seed 1[,2,...]]
       [--diagnose]
--seed draws other text samples and --hash-seed gives every tool other hash functions; lists run
every combination and end with each tool's recall per run, mean and standard deviation.
--diagnose prints, for the true pairs, the mean fraction of equal minhash slots against the mean
exact Jaccard (an unbiased MinHash matches them) and the mean fraction of equal bands against the
mean J^rows, per tool.
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
import struct
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


def read_dump(path, n, num_perm):
    """storyfold's shingle hash sets and signatures, as `lsh_bench` dumps them."""
    import numpy as np
    data = open(path, "rb").read()
    off, sets, sigs = 0, [], np.empty((n, num_perm), dtype=np.uint64)
    for i in range(n):
        (ns,) = struct.unpack_from("<I", data, off)
        off += 4
        sets.append(np.frombuffer(data, dtype="<u8", count=ns, offset=off).tolist())
        off += 8 * ns
        sigs[i] = np.frombuffer(data, dtype="<u4", count=num_perm, offset=off)
        off += 4 * num_perm
    return sets, sigs


def jaccard(a, b):
    a, b = set(a), set(b)
    return len(a & b) / max(1, len(a | b))


def diagnose(name, sigs, sets, truth, bands, rows):
    """Mean equal-slot fraction vs mean exact J, and mean equal-band fraction vs mean J^rows,
    over the true pairs (from the signatures; every band shared counts, no bucket collisions)."""
    import numpy as np
    pairs = np.array(sorted(truth), dtype=np.int64)
    if not len(pairs):
        return
    j = np.array([jaccard(sets[x], sets[y]) for x, y in pairs])
    eq = sigs[pairs[:, 0]] == sigs[pairs[:, 1]]
    slot = eq.mean(axis=1)
    band = eq[:, :bands * rows].reshape(len(pairs), bands, rows).all(axis=2)
    expected = np.mean(1 - (1 - j ** rows) ** bands)
    print(f"  {name:<11} slots equal {slot.mean():.4f} vs J {j.mean():.4f} "
          f"(bias {slot.mean() - j.mean():+.4f}); bands equal {band.mean():.4f} vs J^{rows} "
          f"{(j ** rows).mean():.4f}; any band {band.any(axis=1).mean():.4f} vs "
          f"1-(1-J^{rows})^{bands} {expected:.4f}")


def run_one(a, pool, seed, hash_seed, bands, rows):
    from datasketch import MinHash, MinHashLSH
    import rensa
    import numpy as np

    docs = make_docs(pool, a.n, seed)
    t0 = time.perf_counter()
    sets = [shingles(d, a.k) for d in docs]
    shingle_secs = time.perf_counter() - t0
    truth = truth_pairs(sets, a.threshold)
    print(f"seed {seed}, hash seed {hash_seed}: {a.n} texts from a pool of {len(pool)} "
          f"sentences; {a.num_perm} "
          f"permutations, threshold {a.threshold}, {bands} bands x {rows} rows, {a.k}-word "
          f"shingles; {len(truth)} pairs with exact Jaccard >= {a.threshold}")
    print(f"python shingling: {shingle_secs:.2f} s")

    results, sigs = {}, {}

    # storyfold
    with tempfile.TemporaryDirectory() as tmp:
        inp, outp = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "pairs.txt")
        dump = os.path.join(tmp, "dump.bin")
        with open(inp, "w") as f:
            for d in docs:
                f.write(json.dumps({"text": d}) + "\n")
        run = subprocess.run([a.bin, inp, outp, str(a.num_perm), str(bands), str(rows), str(a.k),
                              str(hash_seed), dump], check=True, capture_output=True, text=True)
        secs = json.loads(run.stdout)["seconds"]
        found = set()
        with open(outp) as f:
            for line in f:
                i, j = map(int, line.split())
                found.add((i, j))
        sf_sets, sigs["storyfold"] = read_dump(dump, a.n, a.num_perm)
    sf_truth = truth_pairs(sf_sets, a.threshold)
    differ = sum(1 for x, y in zip(sets, sf_sets) if len(x) != len(y))
    print(f"storyfold's shingles: {len(sf_truth)} pairs with exact Jaccard >= {a.threshold}; "
          f"{differ} texts with another shingle count than Python's; pairs true under one rule "
          f"only: {len(truth - sf_truth)} Python-only, {len(sf_truth - truth)} storyfold-only")
    results["storyfold"] = (secs, secs, found, sf_truth)

    # datasketch
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=a.threshold, num_perm=a.num_perm, params=(bands, rows))
    found, dsig = set(), []
    for i, s in enumerate(sets):
        m = MinHash(num_perm=a.num_perm, seed=hash_seed)
        m.update_batch([x.encode() for x in s])
        for j in lsh.query(m):
            found.add((i, j))
        lsh.insert(i, m)
        dsig.append(m.hashvalues)
    secs = time.perf_counter() - t0
    results["datasketch"] = (secs + shingle_secs, secs, found, truth)
    sigs["datasketch"] = np.array(dsig, dtype=np.uint64)

    # rensa, streaming (query then insert, per text)
    t0 = time.perf_counter()
    lsh = rensa.RMinHashLSH(a.threshold, a.num_perm, bands)
    found, rsig = set(), []
    for i, s in enumerate(sets):
        m = rensa.RMinHash(a.num_perm, hash_seed)
        m.update(s)
        for j in lsh.query(m):
            found.add((i, j))
        lsh.insert(i, m)
        rsig.append(m)
    secs = time.perf_counter() - t0
    results["rensa"] = (secs + shingle_secs, secs, found, truth)
    sigs["rensa"] = np.array([m.digest() for m in rsig], dtype=np.uint64)

    # rensa, batch API (all signatures at once, then insert all and query all)
    t0 = time.perf_counter()
    hashes = rensa.RMinHash.from_token_sets(sets, a.num_perm, hash_seed)
    lsh = rensa.RMinHashLSH(a.threshold, a.num_perm, bands)
    lsh.insert_many(hashes)
    found = set()
    for i, cands in enumerate(lsh.query_all(hashes)):
        for j in cands:
            if j < i:
                found.add((i, j))
    secs = time.perf_counter() - t0
    results["rensa-batch"] = (secs + shingle_secs, secs, found, truth)

    base = results["storyfold"][0]
    print(f"{'tool':<12} {'docs/s (from text)':>19} {'docs/s (from shingles)':>23} "
          f"{'candidates':>11} {'recall':>7} {'recall (py)':>12} {'storyfold x':>12}")
    for name, (total, core, found, own) in results.items():
        print(f"{name:<12} {a.n / total:>19.0f} {a.n / core:>23.0f} {len(found):>11} "
              f"{recall(found, own):>7.4f} {recall(found, truth):>12.4f} {total / base:>12.1f}")
    print("recall: against exact Jaccard of the shingles the tool indexed; recall (py): against "
          "the Python shingles' truth; storyfold x = the tool's from-text time / storyfold's time")
    if a.diagnose:
        print("true pairs, per tool (its own shingles):")
        for name in ("storyfold", "datasketch", "rensa"):
            own_sets = sf_sets if name == "storyfold" else sets
            diagnose(name, sigs[name], own_sets, results[name][3], bands, rows)
    return {name: recall(found, own) for name, (_, _, found, own) in results.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--bin", default="target/release/examples/lsh_bench")
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--seed", default="7", help="text sample seed, or a comma-separated list")
    ap.add_argument("--hash-seed", default="1",
                    help="seed of every tool's hash functions (storyfold, datasketch, rensa), "
                    "or a comma-separated list")
    ap.add_argument("--diagnose", action="store_true")
    a = ap.parse_args()

    pool = load_pool(a.data)
    bands, rows = band_params(a.threshold, a.num_perm)
    runs = [(int(x), int(h)) for x in a.seed.split(",") for h in a.hash_seed.split(",")]
    per_run = {}
    for seed, hash_seed in runs:
        per_run[seed, hash_seed] = run_one(a, pool, seed, hash_seed, bands, rows)
        print()
    if len(runs) > 1:
        import statistics
        tools = list(per_run[runs[0]])
        print(f"recall per run (n={a.n}), each tool against its own shingles' truth:")
        print(f"{'seed':>5} {'hash':>5}" + "".join(f"{t:>13}" for t in tools))
        for seed, hash_seed in runs:
            print(f"{seed:>5} {hash_seed:>5}" +
                  "".join(f"{per_run[seed, hash_seed][t]:>13.4f}" for t in tools))
        print(f"{'mean':>11}" + "".join(
            f"{statistics.mean(per_run[r][t] for r in runs):>13.4f}" for t in tools))
        print(f"{'sd':>11}" + "".join(
            f"{statistics.stdev(per_run[r][t] for r in runs):>13.4f}" for t in tools))
        wins = sum(per_run[r]["storyfold"] >= per_run[r]["rensa"] for r in runs)
        print(f"storyfold >= rensa in {wins} of {len(runs)} runs")


if __name__ == "__main__":
    sys.exit(main())
