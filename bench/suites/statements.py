"""Bank statements: crackdown-statements reading a generated MT940 file (and
a camt.053 one) against the `mt-940` Python package parsing the same MT940
file. crackdown streams, hashes (SHA-256) and checks every statement's
balance; the peer parses into memory. Then the whole `crackdown ledger
import` of each file into a fresh SQLite store: reading, reconciling through
the spill file, and storing every row with its provenance. Figures are wall and CPU seconds of
the whole process and its peak memory (the machine may be shared: CPU
seconds show the work itself). The 1 GiB figures of the crate's target come
from the same commands with --statements-mb 1024 (the peer is then skipped:
it holds the whole file in memory).

The peer needs `pip install mt-940`; without it the suite says so and times
crackdown alone."""

import os
import re
import shutil
import subprocess
import sys


def add_arguments(parser):
    parser.add_argument("--statements-mb", type=int, default=20,
                        help="size in MiB of the generated MT940 and camt.053 files (statements suite)")


def examples():
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "crackdown-statements",
                    "--example", "stmt_speed", "--example", "stmt_gen"], cwd=bench.ROOT, check=True)
    folder = os.path.join(bench.ROOT, "target", "release", "examples")
    return os.path.join(folder, "stmt_gen"), os.path.join(folder, "stmt_speed")


def generated(generator, kind, megabytes):
    path = os.path.join(bench.OUT, f"statements-{megabytes}mb.{'sta' if kind == 'mt940' else 'xml'}")
    if not os.path.exists(path):
        subprocess.run([generator, kind, str(megabytes), path], check=True, stderr=subprocess.DEVNULL)
    return path


def peer_available():
    return subprocess.run([sys.executable, "-c", "import mt940"], capture_output=True).returncode == 0


def run(args):
    os.makedirs(bench.OUT, exist_ok=True)
    generator, speed = examples()
    megabytes = args.statements_mb
    print(f"statements: generated files of {megabytes} MiB (balanced statements, SEPA and Dutch :86: structures)")
    for kind in ["mt940", "camt053"]:
        path = generated(generator, kind, megabytes)
        size = os.path.getsize(path) / 2**20
        wall, rss, out = bench.median_runs(args.runs, [speed, path])
        cpu = bench.last_cpu
        entries = int(re.search(r"(\d+) entries,", out).group(1))
        print(f"  {kind}: crackdown-statements  {wall:7.2f} s  {size / wall:7.1f} MiB/s  {size / cpu:7.1f} MiB/CPU-s"
              f"  {entries:,} entries  peak {rss:6.1f} MiB  (target >= 50 MiB/s, < 300 MiB)")
        store = os.path.join(bench.OUT, f"statements-store-{kind}")
        shutil.rmtree(store, ignore_errors=True)
        wall, rss, _ = bench.median_runs(1, [bench.BIN, "--data", store, "ledger", "import", "--init", path, "--json"])
        cpu = bench.last_cpu
        print(f"  {kind}: crackdown ledger import {wall:7.2f} s  {size / wall:7.1f} MiB/s  {size / cpu:7.1f} MiB/CPU-s"
              f"  peak {rss:6.1f} MiB  (whole import into SQLite)")
        shutil.rmtree(store, ignore_errors=True)
        if kind != "mt940" or megabytes > 200:
            continue
        if not peer_available():
            print("  mt940: peer skipped (pip install mt-940)")
            continue
        peer, peer_rss, peer_out = bench.median_runs(args.runs, [sys.executable, __file__, path])
        peer_cpu = bench.last_cpu
        peer_entries = int(peer_out.strip() or 0)
        print(f"  {kind}: python mt-940 (peer)  {peer:7.2f} s  {size / peer:7.1f} MiB/s  {size / peer_cpu:7.1f} MiB/CPU-s"
              f"  {peer_entries:,} entries  peak {peer_rss:6.1f} MiB")
        print(f"  ratio crackdown/peer CPU throughput: {peer_cpu / cpu:.1f}x")


if __name__ == "__main__":
    # The peer: parse the file with the mt-940 package and count transactions.
    import mt940

    print(len(mt940.parse(sys.argv[1])))
