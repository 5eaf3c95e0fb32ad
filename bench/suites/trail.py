"""Money trail, on cases written by `crackdown generate`:

- quality: FIFO trace recall and mule average precision against the
  generator's truth (demo-sized case); on ledgers the project did not write
  (an AMLSim ledger, `--amlsim-data`, and the independent generator
  `bench/gen/ledger_world.py`, see `--ledgergen`): mule AP next to the naive baselines, `mules --labels` AP
  with half of the accounts labelled, typology alert recall and hit counts,
  on development folds and on the held-back fold (bench/trail_judge.py);
- ledger import rows/s into SQLite (10M rows) next to a Python sqlite3 peer
  inserting the same CSV rows with a unique tx id and no validation, and into
  PostgreSQL when a server starts;
- 10,000 victim payments traced through the 10M-row ledger (FIFO and poison),
  whole process: loading the ledger from SQLite included;
- `crackdown features` against snapml's GraphFeaturePreprocessor (snapml's
  default windows and bins, all five patterns, 2 threads) on the same 1M
  edges of one bank's book (`generate --book-share`, default 10%: transfers
  between two other banks' customers are not in it), then every count of
  both compared. Either side is stopped after --snapml-timeout seconds, and
  a ratio against a stopped snapml is a lower bound. On the demo's whole-
  economy books (share 100) money comes back round through employers,
  merchants, exchanges and the scam's own mules, and the cycle patterns
  explode combinatorially (1.8 billion cycle memberships in the first
  100,000 edges): neither side finishes there.
"""

import calendar
import csv
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time


def add_arguments(parser):
    parser.add_argument("--ledger-rows", type=int, default=10_000_000, help="rows of the big trail case")
    parser.add_argument("--feature-edges", type=int, default=1_000_000, help="edges for the features comparison")
    parser.add_argument("--quality-rows", type=int, default=200_000, help="rows of the quality case")
    parser.add_argument("--traces", type=int, default=10_000, help="victim payments traced in the big case")
    parser.add_argument("--snapml-timeout", type=int, default=900, help="seconds snapml may take before it is stopped")
    parser.add_argument("--parts", default="quality,import,features",
                        help="comma-separated parts to run: quality, import (import and trace), features")
    parser.add_argument("--quality-seed", type=int, default=42, help="generator seed of the quality case")
    parser.add_argument("--quality-lookalikes", type=int, default=25,
                        help="percent of persons with mule-like legitimate habits in the quality case")
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    amlsim = next((p for p in (os.path.join(here, "..", "shared", "data", "amlsim-dev"),
                               os.path.join(here, "..", "..", "shared", "data", "amlsim-dev")) if os.path.isdir(p)),
                  None)
    parser.add_argument("--amlsim-data", default=amlsim, help="an AMLSim-derived ledger with truth/ and eval.py")
    parser.add_argument("--ledgergen", default=os.path.join(here, "bench", "gen", "ledger_world.py"),
                        help="the independent ledger generator (used through its command line only)")
    parser.add_argument("--feature-book-share", type=int, default=10,
                        help="percent of accounts the bank whose book the features ledger is holds")


def measure(command, timeout=None):
    """Like bench.measure, but the child writes to files: its output (a mule
    ranking, an import summary listing issues) can outgrow a pipe buffer.
    Raises subprocess.TimeoutExpired (the child killed) after `timeout` s."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, 0 if timeout is None else os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                process.kill()
                os.wait4(process.pid, 0)
                raise subprocess.TimeoutExpired(command, timeout)
            time.sleep(0.05)
        wall = time.perf_counter() - start
        measure.cpu = usage.ru_utime + usage.ru_stime
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            err.seek(0)
            sys.exit(f"benchmark command failed: {' '.join(command)}\n{err.read().decode()[-2000:]}")
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def case(rows, reports, seed=42, lookalikes=25, book_share=100):
    """A generated case in bench/out, written once."""
    book = "" if book_share == 100 else f"-b{book_share}"
    folder = os.path.join(bench.OUT, f"trail-{rows}-s{seed}-l{lookalikes}{book}")
    if not os.path.exists(os.path.join(folder, "ledger.csv")):
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([bench.BIN, "generate", "--out", folder, "--transactions", str(rows), "--reports",
                        str(reports), "--seed", str(seed), "--lookalikes", str(lookalikes),
                        "--book-share", str(book_share)], check=True, stdout=subprocess.DEVNULL)
    return folder


def load(data, folder, database=None):
    """Imports a case's accounts and ledger; returns (wall s, peak MiB, summary JSON text)."""
    # PostgreSQL needs the key file that seals victims' contacts (kept beside the benchmark's data).
    where = ["--database", database, "--key-file", os.path.join(data, "crackdown.key")] if database else ["--data", data]
    subprocess.run([bench.BIN, *where, "--init", "accounts", "import", os.path.join(folder, "accounts.csv")], check=True,
                   stdout=subprocess.DEVNULL)
    return measure([bench.BIN, *where, "ledger", "import", os.path.join(folder, "ledger.csv"), "--json"])


def victim_payments(folder):
    """Victim payment -> {endpoint account: minor units} from the truth."""
    payments = {}
    with open(os.path.join(folder, "truth", "victim_payments.csv"), newline="") as handle:
        for row in csv.DictReader(handle):
            minor = int(row["endpoint_amount"].replace(".", ""))
            endpoints = payments.setdefault(row["tx_id"], {})
            endpoints[row["endpoint_account"]] = endpoints.get(row["endpoint_account"], 0) + minor
    return payments


def average_precision(ranked, positives):
    hits, total = 0, 0.0
    for rank, account in enumerate(ranked, 1):
        if account in positives:
            hits += 1
            total += hits / rank
    return total / max(1, len(positives))


def quality(args, data):
    import json
    folder = case(args.quality_rows, 3000, args.quality_seed, args.quality_lookalikes)
    load(data, folder)
    truth = victim_payments(folder)
    ids = os.path.join(data, "payments.txt")
    with open(ids, "w") as handle:
        handle.write("\n".join(truth))
    out = os.path.join(data, "traces")
    wall, _, _ = measure([bench.BIN, "--data", data, "trace", "--tx-file", ids, "--out", out, "--rule", "fifo"])
    found = total = 0
    for tx, endpoints in truth.items():
        with open(os.path.join(out, f"{tx}.json")) as handle:
            trace = json.load(handle)
        ours = {}
        for endpoint in trace["endpoints"]:
            ours[endpoint["account"]] = ours.get(endpoint["account"], 0) + int(endpoint["amount"].replace(".", ""))
        for account, amount in endpoints.items():
            total += amount
            found += min(amount, ours.get(account, 0))
    recall = found / max(1, total)
    mule_wall, mule_rss, ranking = measure([bench.BIN, "--data", data, "mules", "--format", "csv"])
    mule_cpu = measure.cpu
    ranked = [line.split(",")[0] for line in ranking.splitlines()[1:]]
    with open(os.path.join(folder, "truth", "mules.csv"), newline="") as handle:
        mules = {row["account"] for row in csv.DictReader(handle)}
    ap = average_precision(ranked, mules)
    with open(os.path.join(folder, "truth", "lookalikes.csv"), newline="") as handle:
        lookalikes = {row["account"] for row in csv.DictReader(handle)}
    print(f"trail quality on a {args.quality_rows:,}-row generated case (seed {args.quality_seed}, "
          f"{args.quality_lookalikes}% look-alike persons; {len(truth):,} victim payments, "
          f"{len(mules):,} mules and {len(lookalikes):,} legitimate look-alikes of {len(ranked):,} accounts):")
    print(f"  FIFO trace recall vs truth   {recall:.4f}   (target >= 0.98; {wall:.1f} s for all payments)")
    print(f"  mule average precision       {ap:.4f}   (target >= 0.90; {mule_wall:.1f} s wall, "
          f"{mule_cpu:.1f} s CPU, peak {mule_rss:.0f} MiB)")
    typ_wall, _, found = measure([bench.BIN, "--data", data, "typologies", "--json"])
    kinds = {}
    for hit in json.loads(found):
        kinds[hit["kind"]] = kinds.get(hit["kind"], 0) + 1
    print(f"  typology hits                {sum(kinds.values()):,} in {typ_wall:.1f} s: "
          + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    for k in sorted({50, 100, len(mules)}):
        top = ranked[:k]
        found = sum(account in mules for account in top)
        alike = sum(account in lookalikes for account in top)
        print(f"  precision@{k:<5}              {found / max(1, k):.4f}   ({alike} legitimate look-alikes in the top {k})")


def judge_module():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import trail_judge
    return trail_judge


def foreign_ledger(args, data, name, folder, parts=("dev", "held")):
    """Imports a ledger the project did not write and runs mules (plain and
    with half the labels) and typologies on it through the CLI; prints the
    figures on the development folds and on the held-back fold."""
    judge = judge_module()
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    load(data, folder)
    mules = os.path.join(data, "mules.csv")
    wall, rss, ranking = measure([bench.BIN, "--data", data, "mules", "--format", "csv"])
    with open(mules, "w") as handle:
        handle.write(ranking)
    hits = os.path.join(data, "hits.json")
    typ_wall, typ_rss, found = measure([bench.BIN, "--data", data, "typologies", "--json"])
    with open(hits, "w") as handle:
        handle.write(found)
    labels = os.path.join(data, "labels.csv")
    labelled = judge.write_labels(folder, labels, part="all")
    supervised = os.path.join(data, "mules-labelled.csv")
    sup_wall, _, ranking = measure([bench.BIN, "--data", data, "mules", "--format", "csv", "--labels", labels])
    with open(supervised, "w") as handle:
        handle.write(ranking)
    print(f"trail quality on {name} ({folder}); mules {wall:.1f} s, peak {rss:.0f} MiB; "
          f"typologies {typ_wall:.1f} s, peak {typ_rss:.0f} MiB; mules --labels {sup_wall:.1f} s:")
    for part in parts:
        result = judge.judge(folder, mules, hits, part)
        half = judge.judge_unlabelled(folder, supervised, labelled, part)
        better = max(result["baseline_degree_ap"], result["baseline_passthrough_ap"])
        print(f"  [{part:4}] mule AP {result['mule_ap']:.4f} (target > {2 * better:.2f}: twice the better of degree "
              f"{result['baseline_degree_ap']:.4f} and pass-through {result['baseline_passthrough_ap']:.4f}); "
              f"{result['sar']} SAR of {result['accounts']} accounts")
        print(f"  [{part:4}] mules --labels, half labelled: AP {half['mule_ap']:.4f} on the other "
              f"{half['accounts']} accounts (target >= 0.80)")
        recalls = " ".join(f"{k[len('typology_recall_'):]}={v.split()[1]}" for k, v in result.items()
                           if k.startswith("typology_recall_"))
        print(f"  [{part:4}] typology alert recall {float(result['typology_alert_recall']):.4f} "
              f"(target >= 0.80) over {result['typology_alerts_judged']} alerts: {recalls}")
    print(f"  typology hits {result['typology_hits']:,} ({result['hits_per_alert']:.1f} per true alert, "
          f"target <= 10)")


def ledgergen_quality(args, data):
    """The independent generator, through its command line only: seed 1 is a
    development seed, seed 1001 a held-back one (its README's seed policy);
    each seed's world is judged whole."""
    if not os.path.exists(args.ledgergen):
        print(f"trail quality on the independent generator: skipped, {args.ledgergen} does not exist yet")
        return
    for preset in ("pigbutcher", "simulator-like"):
        for seed, role in ((1, "development"), (1001, "held-back")):
            folder = os.path.join(bench.OUT, f"ledgergen-{preset}-s{seed}")
            if not os.path.exists(os.path.join(folder, "ledger.csv")):
                subprocess.run([sys.executable, args.ledgergen, "--preset", preset, "--seed", str(seed), "--out",
                                folder], check=True, stdout=subprocess.DEVNULL)
            foreign_ledger(args, os.path.join(data, f"ledgergen-{preset}-{seed}"),
                           f"the independent generator, {preset}, {role} seed {seed}", folder, parts=("all",))


def python_sqlite_peer(path, db):
    """The peer: Python's csv and sqlite3 inserting each row's fields with
    executemany in one transaction under a unique tx id; no validation."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (tx_id TEXT UNIQUE, at TEXT, src TEXT, dst TEXT, amount TEXT, cur TEXT, ch TEXT)")
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()


def import_and_trace(args, data):
    folder = case(args.ledger_rows, 3000)
    path = os.path.join(folder, "ledger.csv")
    rows = args.ledger_rows
    wall, rss, _ = load(os.path.join(data, "big"), folder)
    peer_db = os.path.join(data, "peer.sqlite3")
    peer, peer_rss, _ = measure([sys.executable, __file__, path, peer_db])
    print(f"ledger import, {rows:,} rows ({os.path.getsize(path) / 2**20:.0f} MiB CSV), whole process:")
    print(f"  crackdown → SQLite     {wall:7.1f} s  {rows / wall:>10,.0f} rows/s  peak {rss:6.0f} MiB  (target 500,000 rows/s)")
    print(f"  python sqlite3 (peer)  {peer:7.1f} s  {rows / peer:>10,.0f} rows/s  peak {peer_rss:6.0f} MiB")
    print(f"  ratio crackdown/peer throughput: {peer / wall:.2f}x")

    with bench.postgres(os.path.join(data, "pg")) as url:
        if url:
            small = case(args.quality_rows, 3000)
            pg, pg_rss, _ = load(None, small, database=url)
            print(f"  crackdown → PostgreSQL {pg:7.1f} s  {args.quality_rows / pg:>10,.0f} rows/s  peak {pg_rss:6.0f} MiB"
                  f"  ({args.quality_rows:,} rows)")

    payments = list(victim_payments(folder))
    if len(payments) < args.traces:
        # Top up with other transfers, a fixed sample, so the batch has the asked size.
        rng = random.Random(7)
        wanted = set(rng.sample(range(rows), args.traces - len(payments)))
        with open(path, newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            payments += [row[0] for index, row in enumerate(reader) if index in wanted]
    payments = payments[:args.traces]
    ids = os.path.join(data, "big-payments.txt")
    with open(ids, "w") as handle:
        handle.write("\n".join(payments))
    print(f"trace {len(payments):,} payments through the {rows:,}-row ledger, whole process (load included):")
    for rule in ["fifo", "poison"]:
        out = os.path.join(data, f"traces-{rule}")
        wall, rss, _ = measure([bench.BIN, "--data", os.path.join(data, "big"), "trace", "--tx-file", ids,
                                      "--out", out, "--rule", rule])
        print(f"  {rule:7s} {wall:7.1f} s  peak {rss:6.0f} MiB  (targets < 60 s, < 4096 MiB)")
        shutil.rmtree(out, ignore_errors=True)


SNAPML = """
import sys, time
import numpy as np
from snapml import GraphFeaturePreprocessor
edges, chosen, out = np.load(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
hour, bins = 3600, list(range(2, 31))
params = {
    "num_threads": 2, "time_window": -1, "vertex_stats": False,
    "fan": True, "fan_tw": 12 * hour, "fan_bins": bins, "degree": True, "degree_tw": 12 * hour,
    "degree_bins": bins, "scatter-gather": True, "scatter-gather_tw": 120 * hour, "scatter-gather_bins": bins,
    "temp-cycle": True, "temp-cycle_tw": 480 * hour, "temp-cycle_bins": bins, "lc-cycle": True,
    "lc-cycle_tw": 240 * hour, "lc-cycle_len": 10, "lc-cycle_bins": list(range(2, 11))}
for name in ["fan", "degree", "scatter-gather", "temp-cycle", "lc-cycle"]:
    params[name] = name in chosen
preprocessor = GraphFeaturePreprocessor()
preprocessor.set_params(params)
started = time.perf_counter()
features = preprocessor.transform(edges)
print(time.perf_counter() - started)
np.save(out, features[:, 4:].astype(np.uint32))
"""

PATTERNS = "fan,degree,scatter-gather,temp-cycle,lc-cycle"


def compare_counts(ours_csv, theirs_npy):
    """Every count of crackdown's CSV (rows in ledger order, as the edges
    given to snapml) against snapml's; returns (edges, cells, mismatched cells)."""
    import numpy as np
    theirs = np.load(theirs_npy)
    bad = 0
    with open(ours_csv) as handle:
        handle.readline()
        for edge, line in enumerate(handle):
            row = np.array(line.rstrip("\n").split(",")[1:], dtype=np.uint32)
            bad += int(np.count_nonzero(row != theirs[edge]))
    return theirs.shape[0], theirs.size, bad


def features(args, data):
    import numpy as np
    if subprocess.run([sys.executable, "-c", "import snapml"], capture_output=True).returncode != 0:
        print("features: snapml is not installed (pip install snapml); skipped")
        return
    edges = args.feature_edges
    share = args.feature_book_share
    folder = case(edges, 300, seed=11, book_share=share)
    where = os.path.join(data, "features")
    load(where, folder)
    out = os.path.join(data, "features.csv")
    index = {}
    table = []
    with open(os.path.join(folder, "ledger.csv"), newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for n, row in enumerate(reader):
            seconds = calendar.timegm(time.strptime(row[1], "%Y-%m-%dT%H:%M:%SZ"))
            table.append((n, index.setdefault(row[2], len(index)), index.setdefault(row[3], len(index)), seconds))
    table.sort(key=lambda row: (row[3], row[0]))
    matrix = os.path.join(data, "edges.npy")
    np.save(matrix, np.array(table, dtype=np.float64))
    theirs = os.path.join(data, "snapml.npy")
    limit = args.snapml_timeout
    print(f"graph features on {len(table):,} edges ({len(index):,} accounts) of one bank's book "
          f"(generate --book-share {share}), all five patterns, 2 threads, snapml's default windows and bins; "
          f"each side stopped after {limit} s:")
    command = [bench.BIN, "--data", where, "features", "--out", out, "--threads", "2", "--patterns", PATTERNS]
    try:
        wall, rss, _ = measure(command, timeout=limit)
        print(f"  crackdown features   {wall:7.1f} s  {len(table) / wall:>10,.0f} edges/s  peak {rss:6.0f} MiB"
              f"  (whole process: loading from SQLite and writing the CSV included)")
    except subprocess.TimeoutExpired:
        wall = None
        print(f"  crackdown features   did not finish in {limit} s")
    try:
        done = subprocess.run([sys.executable, "-c", SNAPML, matrix, PATTERNS, theirs], capture_output=True,
                              text=True, timeout=limit)
        snap = float(done.stdout.strip().splitlines()[-1])
        print(f"  snapml transform     {snap:7.1f} s  {len(table) / snap:>10,.0f} edges/s  (transform call only)")
    except subprocess.TimeoutExpired:
        snap = None
        print(f"  snapml transform     did not finish in {limit} s")
    if wall is not None:
        bound = ">" if snap is None else ""
        print(f"  ratio crackdown/snapml throughput: {bound}{(snap or limit) / wall:.1f}x  (target >= 5x)")
    if wall is not None and snap is not None:
        count, cells, bad = compare_counts(out, theirs)
        verdict = "all agree" if bad == 0 else f"MISMATCH in {bad:,} cells"
        print(f"  counts vs snapml: {count:,} edges x {cells // max(1, count)} columns, {verdict}")

def run(args):
    os.makedirs(bench.OUT, exist_ok=True)
    data = tempfile.mkdtemp(prefix="crackdown-trail-bench-")
    os.chmod(data, 0o755)  # the PostgreSQL server runs as its own user
    try:
        parts = set(args.parts.split(","))
        if "quality" in parts:
            quality(args, os.path.join(data, "quality"))
            if args.amlsim_data:
                foreign_ledger(args, os.path.join(data, "amlsim"), "an AMLSim ledger", args.amlsim_data)
            ledgergen_quality(args, data)
        if "import" in parts:
            import_and_trace(args, data)
        if "features" in parts:
            features(args, data)
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    python_sqlite_peer(sys.argv[1], sys.argv[2])
