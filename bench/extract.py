"""Runs storyfold and trafilatura over the same AEB pages and prints pages/s per core.

Both read the same gzipped pages, decompress them and extract the main text with default
settings; each is timed by the CPU seconds it used (user + system), so the figure is pages per
second per core whatever else the machine is doing. Each side runs `--repeat` times; the best
run counts. Called by bench/extract.sh.
"""
import argparse
import glob
import gzip
import json
import os
import resource
import subprocess
import sys
import time


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_storyfold(binary, pages):
    before, start = cpu_children(), time.perf_counter()
    out = subprocess.run([binary, "extract", *pages], check=True, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, cpu_children() - before
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return cpu, wall, len(lines), sum(1 for d in lines if d.get("text"))


def run_trafilatura(pages):
    import trafilatura

    before, start = cpu_self(), time.perf_counter()
    done = 0
    for path in pages:
        with gzip.open(path, "rb") as f:
            html = f.read()
        text = trafilatura.extract(html)
        done += bool(text)
    return cpu_self() - before, time.perf_counter() - start, len(pages), done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aeb", required=True)
    ap.add_argument("--storyfold", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=BINARY",
        help="another storyfold binary to time in the same run (e.g. a baseline build)",
    )
    args = ap.parse_args()
    pages = sorted(glob.glob(os.path.join(args.aeb, "html", "*.html.gz")))
    if not pages:
        sys.exit(f"no pages under {args.aeb}/html")
    import trafilatura

    # Warm-up: imports, lazy tables and the page cache, outside the timed runs.
    run_trafilatura(pages[:5])
    run_storyfold(args.storyfold, pages[:5])
    results = {}
    systems = [("storyfold", lambda: run_storyfold(args.storyfold, pages))]
    for extra in args.also:
        name, _, binary = extra.partition("=")
        systems.append((name, lambda b=binary: run_storyfold(b, pages)))
    systems.append(("trafilatura", lambda: run_trafilatura(pages)))
    for name, fn in systems:
        runs = [fn() for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r[0])
        results[name] = best
    print(f"pages: {len(pages)} ({args.aeb}); trafilatura {trafilatura.__version__}; best of {args.repeat}")
    print(f"{'system':<12} {'cpu_s':>7} {'wall_s':>7} {'with_text':>9} {'pages/s/core':>13}")
    rate = {}
    for name, (cpu, wall, n, with_text) in results.items():
        rate[name] = n / cpu
        print(f"{name:<12} {cpu:>7.3f} {wall:>7.3f} {with_text:>5}/{n:<3} {rate[name]:>13.1f}")
    for name in rate:
        if name != "trafilatura":
            print(f"ratio {name}/trafilatura (pages/s/core): {rate[name] / rate['trafilatura']:.2f}x")


if __name__ == "__main__":
    main()
