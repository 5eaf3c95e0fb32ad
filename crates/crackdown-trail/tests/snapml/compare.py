"""Compares crackdown's graph features with snapml's GraphFeaturePreprocessor.

Needs `pip install snapml numpy`. Generates a random time-ordered edge list
(default 120,000 edges, with busy vertices and self-loops), runs snapml's
`transform` on a fresh preprocessor with the chosen patterns at snapml's
default windows and bins, runs the `gfp` example of crackdown-trail on the
same edges, and requires every count to agree. Prints both throughputs and
their ratio. Exit status 0 only when all counts agree.

Usage: python compare.py [EDGES] [VERTICES] [SEED] [PATTERNS]
PATTERNS defaults to `fan,degree,scatter-gather` (exact); temp-cycle and
lc-cycle are approximate. GFP_BIN names a built `gfp` example
to use instead of `cargo run --release --example gfp`.
"""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from snapml import GraphFeaturePreprocessor

HOUR = 3600


def params(threads, patterns):
    bins = list(range(2, 31))
    chosen = {
        "num_threads": threads,
        "time_window": -1,
        "vertex_stats": False,
        "fan": True, "fan_tw": 12 * HOUR, "fan_bins": bins,
        "degree": True, "degree_tw": 12 * HOUR, "degree_bins": bins,
        "scatter-gather": True, "scatter-gather_tw": 120 * HOUR, "scatter-gather_bins": bins,
        "temp-cycle": True, "temp-cycle_tw": 480 * HOUR, "temp-cycle_bins": bins,
        "lc-cycle": True, "lc-cycle_tw": 240 * HOUR, "lc-cycle_len": 10, "lc-cycle_bins": list(range(2, 11)),
    }
    for name in ["fan", "degree", "scatter-gather", "temp-cycle", "lc-cycle"]:
        chosen[name] = name in patterns
    return chosen


def random_edges(count, vertices, seed):
    rng = np.random.default_rng(seed)
    # A few busy vertices make fans, scatter-gathers and cycles common.
    busy = rng.integers(0, vertices, size=vertices // 50)
    source = np.where(rng.random(count) < 0.3, rng.choice(busy, count), rng.integers(0, vertices, count))
    target = np.where(rng.random(count) < 0.3, rng.choice(busy, count), rng.integers(0, vertices, count))
    timestamps = np.sort(rng.integers(0, 60 * 24 * HOUR, count))
    return np.column_stack([np.arange(count), source, target, timestamps]).astype(np.float64)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 120_000
    vertices = int(sys.argv[2]) if len(sys.argv) > 2 else 30_000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    patterns = sys.argv[4] if len(sys.argv) > 4 else "fan,degree,scatter-gather"
    edges = random_edges(count, vertices, seed)

    preprocessor = GraphFeaturePreprocessor()
    preprocessor.set_params(params(2, patterns.split(",")))
    started = time.perf_counter()
    expected = preprocessor.transform(edges)[:, 4:].astype(np.int64)
    snapml_seconds = time.perf_counter() - started

    workspace = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../.."))
    with tempfile.TemporaryDirectory() as folder:
        edges_csv = os.path.join(folder, "edges.csv")
        out_csv = os.path.join(folder, "features.csv")
        np.savetxt(edges_csv, edges.astype(np.int64), fmt="%d", delimiter=",",
                   header="edge_id,source,target,timestamp", comments="")
        started = time.perf_counter()
        command = ["cargo", "run", "--quiet", "--release", "-p", "crackdown-trail", "--example", "gfp", "--"]
        if os.environ.get("GFP_BIN"):
            command = [os.environ["GFP_BIN"]]
        run = subprocess.run(command + [edges_csv, out_csv, "2", patterns], cwd=workspace, capture_output=True,
                             text=True)
        if run.returncode != 0:
            print(run.stderr)
            return 1
        print(run.stderr.strip())
        ours = np.loadtxt(out_csv, delimiter=",", skiprows=1, dtype=np.int64)[:, 1:]
        with open(out_csv) as handle:
            columns = handle.readline().strip().split(",")[1:]

    ours_rate = float(run.stderr.split("=")[-1].split()[0])
    snapml_rate = count / snapml_seconds
    print(f"snapml: {count} edges in {snapml_seconds:.2f} s = {snapml_rate:.0f} edges/s")
    print(f"ratio crackdown/snapml: {ours_rate / snapml_rate:.1f}x")
    if ours.shape != expected.shape:
        print(f"shape differs: ours {ours.shape}, snapml {expected.shape}")
        return 1
    bad = np.argwhere(ours != expected)
    total = int(np.abs(expected).sum())
    print(f"{count} edges, {expected.shape[1]} columns, {total} pattern counts")
    if len(bad):
        families = {}
        for _, column in bad:
            name = columns[column].rsplit("_", 1)[0]
            families[name] = families.get(name, 0) + 1
        print(f"MISMATCH in {len(bad)} cells: {families}")
        for edge, column in bad[:10]:
            print(f"  edge {edge} {columns[column]}: ours {ours[edge, column]} snapml {expected[edge, column]}")
        return 1
    print(f"all {ours.size} counts agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
