"""Case generation and the demo's cold start: `crackdown generate` of a large
case (reports + ledger) against Python writing the same number of ledger-shaped
CSV rows with `csv` and `random` (a floor for "writing rows", not a rival with
campaigns, mules and truth), and `crackdown demo` from an empty directory to
serving."""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time


def add_arguments(parser):
    parser.add_argument("--gen-reports", type=int, default=1_000_000, help="reports written by the generate suite")
    parser.add_argument("--gen-transactions", type=int, default=10_000_000, help="ledger rows written by the generate suite")


def python_peer(rows, path):
    """Ledger-shaped rows from Python's csv module: ids, timestamps, accounts, amounts."""
    import csv
    rng = random.Random(7)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["tx_id", "timestamp", "from_account", "to_account", "amount", "currency", "channel"])
        for n in range(rows):
            writer.writerow([f"T{n:09d}", f"2025-03-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z",
                             f"ACC{rng.randrange(10**6):06d}", f"ACC{rng.randrange(10**6):06d}",
                             f"{rng.randrange(1, 10**6)}.{rng.randrange(100):02d}", "THB", "wire"])


def demo_cold_start(folder):
    """Seconds from `crackdown demo` on an empty directory to its ready line."""
    start = time.perf_counter()
    process = subprocess.Popen([bench.BIN, "--data", folder, "demo", "--listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = None
    for line in process.stdout:
        if "ready in" in line:
            ready = time.perf_counter() - start
            break
    process.terminate()
    process.wait()
    if ready is None:
        sys.exit("demo never printed its ready line")
    return ready


def run(args):
    rows = args.gen_reports + args.gen_transactions
    work = tempfile.mkdtemp(prefix="crackdown-bench-generate-")
    out = os.path.join(work, "case")

    def fresh():
        shutil.rmtree(out, ignore_errors=True)

    ours, ours_rss, summary = bench.median_runs(
        args.runs, [bench.BIN, "generate", "--out", out, "--reports", str(args.gen_reports),
                    "--transactions", str(args.gen_transactions), "--json"], before=fresh)
    ours_cpu = bench.last_cpu
    written = json.loads(summary)
    shutil.rmtree(out, ignore_errors=True)
    peer_rows = written["transactions"] + written["reports"]
    peer, peer_rss, _ = bench.median_runs(max(1, args.runs // 2),
                                          [sys.executable, __file__, str(peer_rows), os.path.join(work, "peer.csv")])
    print(f"generate: {written['reports']:,} reports + {written['transactions']:,} transactions "
          f"({written['campaigns']} campaigns, {written['mule_rows']:,} mule rows)")
    print(f"  crackdown generate     {ours:7.2f} s  {rows / ours:>10,.0f} rows/s  peak {ours_rss:6.0f} MiB"
          f"  ({ours_cpu:.2f} CPU s)")
    print(f"  python csv rows (peer) {peer:7.2f} s  {peer_rows / peer:>10,.0f} rows/s  peak {peer_rss:6.0f} MiB")
    print(f"  ratio crackdown/peer throughput: {peer / ours:.2f}x")
    os.remove(os.path.join(work, "peer.csv"))

    ready = demo_cold_start(os.path.join(work, "demo"))
    print(f"  crackdown demo, empty directory to serving: {ready:.1f} s (target < 60 s)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    python_peer(int(sys.argv[1]), sys.argv[2])
