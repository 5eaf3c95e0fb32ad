#!/usr/bin/env python3
"""Campaign linking and the public lookup judged on the independent report
world (bench/gen/report_world.py, written without reading crackdown's
linker), through the real binary:

1. generate the world of one seed (30,000 reports by default), once;
2. import its reports.jsonl into a fresh data directory
   (`crackdown import reports --tlp GREEN`; records carry their own TLP),
   which links them on intake as in production;
3. read `campaigns list --all --json` and write each external id's
   campaign as a prediction, scored by `report_world_score.py clusters`
   (pairwise P/R/F1, also over pairs of distinct victims, and B-cubed);
4. optionally (--lookups) ask `crackdown lookup VALUE --json` for every
   value of truth/lookups.jsonl and score the counts with
   `report_world_score.py lookups --public`, both as returned (bucketed
   1, 2, 5, 10, ...) and against the bucketed truth, since the public
   answer never shows an exact count above 2.

Seeds 1-5 are development seeds; 1001-1010 are held back: report figures
on them, never tune on them (bench/gen/REPORTS.md).

Usage: bench/link_world.py --bin target/release/crackdown --seeds 1,1001,1002,1003 [--lookups]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ROOT, "bench", "gen", "report_world.py")
SCORER = os.path.join(ROOT, "bench", "gen", "report_world_score.py")


def world(out, seed, reports):
    """The world of `seed` in `out`, generated once."""
    folder = os.path.join(out, f"report-world-{reports}-s{seed}")
    if not os.path.exists(os.path.join(folder, "truth.jsonl")):
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, GENERATOR, "--out", folder, "--seed", str(seed), "--reports", str(reports)],
                       check=True, stdout=subprocess.DEVNULL)
    return folder


def crackdown(binary, data, *args):
    # --init: the first call (the import) creates the store; later ones find it.
    done = subprocess.run([binary, "--data", data, "--init", *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"crackdown {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return done.stdout


def import_world(binary, folder):
    """A fresh data directory holding the world's reports; returns it and the import's wall seconds."""
    data = os.path.join(folder, "crackdown-data")
    shutil.rmtree(data, ignore_errors=True)
    started = time.perf_counter()
    crackdown(binary, data, "import", "reports", os.path.join(folder, "reports.jsonl"), "--tlp", "GREEN")
    return data, time.perf_counter() - started


def predicted_clusters(binary, data, folder):
    """Writes {"id","cluster"} lines of every report's campaign; returns the file."""
    campaigns = json.loads(crackdown(binary, data, "campaigns", "list", "--all", "--json"))
    path = os.path.join(folder, "crackdown-clusters.jsonl")
    with open(path, "w", encoding="utf-8") as out:
        for campaign in campaigns:
            for report in campaign["reports"]:
                out.write(json.dumps({"id": str(report), "cluster": str(campaign["id"])}) + "\n")
    return path


def score(*args):
    done = subprocess.run([sys.executable, SCORER, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"report_world_score.py {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def bucket(count):
    """crackdown's public bucketing (crackdown-link lookup::bucket): floors of 1, 2, 5 x 10^k."""
    if count < 2:
        return count
    floor = 1
    while True:
        decade = floor
        for step in (2, 5, 10):
            if decade * step <= count:
                floor = decade * step
            else:
                return floor


def lookups(binary, data, folder):
    """Asks the public lookup for every truth value; scores as returned and against bucketed truth."""
    rows = []
    with open(os.path.join(folder, "truth", "lookups.jsonl"), encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    predicted = os.path.join(folder, "crackdown-lookups.jsonl")
    with open(predicted, "w", encoding="utf-8") as out:
        for row in rows:
            args = ["lookup", row["value"], "--json"]
            if row.get("country"):
                args += ["--country", row["country"]]
            done = subprocess.run([binary, "--data", data, *args], capture_output=True, text=True)
            # A query the lookup refuses (not a value it can read) answers 0.
            count = json.loads(done.stdout)["reports"] if done.returncode == 0 else 0
            out.write(json.dumps({"value": row["value"], "count": count}) + "\n")
    as_returned = score("lookups", folder, predicted, "--public")
    bucketed_truth = os.path.join(folder, "truth-bucketed")
    os.makedirs(os.path.join(bucketed_truth, "truth"), exist_ok=True)
    with open(os.path.join(bucketed_truth, "truth", "lookups.jsonl"), "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps({**row, "public_count": bucket(row["public_count"])}) + "\n")
    against_buckets = score("lookups", bucketed_truth, predicted, "--public")
    return as_returned, against_buckets


def line(name, figures):
    return f"{name}: P {figures['precision']:.3f} R {figures['recall']:.3f} F1 {figures['f1']:.3f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "crackdown"))
    parser.add_argument("--seeds", default="1,1001,1002,1003", help="1-5 development, 1001-1010 held back")
    parser.add_argument("--reports", type=int, default=30_000)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    parser.add_argument("--lookups", action="store_true", help="also score the public lookup's counts")
    args = parser.parse_args()
    for seed in [int(seed) for seed in args.seeds.split(",") if seed.strip()]:
        role = "development" if seed < 1000 else "held back"
        folder = world(args.out, seed, args.reports)
        data, seconds = import_world(args.bin, folder)
        result = score("clusters", folder, predicted_clusters(args.bin, data, folder))
        print(f"report world seed {seed} ({role}), {result['reports']} reports, {result['operations']} operations; "
              f"import + link {seconds:.1f} s; {result['predicted_clusters']} campaigns of 2+")
        print("  " + line("pairwise", result["pairwise"]))
        print("  " + line("pairwise, distinct victims", result["pairwise_distinct_victims"]))
        print("  " + line("B-cubed", result["bcubed"]))
        if args.lookups:
            as_returned, against_buckets = lookups(args.bin, data, folder)
            for name, scored in [("as returned", as_returned), ("vs bucketed truth", against_buckets)]:
                parts = [f"{group} {scored[group]['exact_accuracy']:.3f} (MAE {scored[group]['mean_abs_error']:.2f})"
                         for group in ("all", "category:reported", "category:hub", "category:unreported")
                         if group in scored]
                print(f"  public lookup counts, {name}: exact " + ", ".join(parts))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
