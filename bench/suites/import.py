"""Bulk imports: reports, and a generated ledger, by crackdown into SQLite
and PostgreSQL, against Python's sqlite3 inserting the same records without
validation, access model or duplicate detection (a floor, not a rival).
Ledger figures are wall and CPU seconds of the whole `ledger import`
process (the machine may be shared: CPU seconds show the work itself)."""

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile


def add_arguments(parser):
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports in the import suite")
    parser.add_argument("--import-ledger-rows", type=int, default=10_000_000,
                        help="rows of the generated ledger the import suite loads (0 to skip)")


def report_lines(count, seed=7):
    """Distinct, realistic-looking report lines in the import schema."""
    rng = random.Random(seed)
    scams = [
        "He said he was a crypto mentor and asked me to deposit USDT on {d}, then asked a tax to withdraw",
        "Job offer on Telegram @{h}: like videos, then pay to unlock tasks. Sent money to {i}",
        "Caller said he was from the bank fraud team, asked me to move my savings to {i}",
        "SMS about a parcel with an unpaid toll fee, link {d}, card charged twice",
        "Met her on a dating app, she moved to WhatsApp +66 8{n}, asked for money for a visa",
    ]
    currencies = [("USD", 2), ("THB", 2), ("JPY", 0), ("EUR", 2), ("USDT", 6)]
    tlps = ["clear", "green", "amber", "amber", "amber+strict", "red"]
    for n in range(count):
        text = rng.choice(scams).format(
            d=f"hxxps://trade-{rng.randrange(10**6)}[.]com", h=f"mentor_{rng.randrange(10**6)}",
            i=f"GB{rng.randrange(10, 99)} NWBK {rng.randrange(10**8):08d}", n=f"{rng.randrange(10**8):08d}")
        code, decimals = rng.choice(currencies)
        amount = f"{rng.randrange(1, 10**6)}" + ("." + f"{rng.randrange(10**decimals):0{decimals}d}" if decimals else "")
        record = {"id": f"b{n}", "text": f"{text} (case {n})", "channel": "web", "language": "en",
                  "reported_at": "2026-03-01T09:30:00Z", "loss_amount": amount, "loss_currency": code,
                  "tlp": rng.choice(tlps), "reporter": f"victim {n % 5000}", "victim_contact": f"v{n}@example.org",
                  "consent_share": rng.random() < 0.7, "consent_publish": rng.random() < 0.3}
        yield json.dumps(record, ensure_ascii=False)


def python_sqlite_peer(path, db):
    """The peer: Python's sqlite3 inserting each line's fields with
    executemany in one transaction, with no validation or access model."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE reports (id TEXT UNIQUE, text TEXT, tlp TEXT, amount TEXT, currency TEXT, contact TEXT)")
    with open(path, encoding="utf-8") as lines:
        rows = ((r["id"], r["text"], r["tlp"], r["loss_amount"], r["loss_currency"], r["victim_contact"])
                for r in map(json.loads, lines))
        conn.executemany("INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.commit()


def ledger_import(args, data):
    """The generated ledger of the trail suite's big case, imported whole."""
    rows = args.import_ledger_rows
    folder = os.path.join(bench.OUT, f"trail-{rows}-s42-l25")
    if not os.path.exists(os.path.join(folder, "ledger.csv")):
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([bench.BIN, "generate", "--out", folder, "--transactions", str(rows), "--reports", "3000",
                        "--seed", "42", "--lookalikes", "25"], check=True, stdout=subprocess.DEVNULL)
    path = os.path.join(folder, "ledger.csv")
    where = os.path.join(data, "ledger")

    def fresh():
        shutil.rmtree(where, ignore_errors=True)
        subprocess.run([bench.BIN, "--data", where, "--init", "accounts", "import", os.path.join(folder, "accounts.csv")],
                       check=True, stdout=subprocess.DEVNULL)

    wall, rss, summary = bench.median_runs(args.runs, [bench.BIN, "--data", where, "ledger", "import", path, "--json"],
                                           before=fresh)
    cpu = bench.last_cpu
    records = json.loads(summary)["records"]
    print(f"ledger import: {records:,} rows ({os.path.getsize(path) / 2**20:.0f} MiB CSV), whole process:")
    print(f"  crackdown → SQLite     {wall:7.2f} s  {records / wall:>10,.0f} rows/s  peak {rss:6.0f} MiB"
          f"  ({cpu:.2f} CPU s, {records / cpu:,.0f} rows/CPU-s; target 500,000 rows/s, < 4096 MiB)")
    shutil.rmtree(where, ignore_errors=True)


def run(args):
    os.makedirs(bench.OUT, exist_ok=True)
    path = os.path.join(bench.OUT, f"reports-{args.reports}.jsonl")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as out:
            for line in report_lines(args.reports):
                out.write(line + "\n")
    size_mb = os.path.getsize(path) / 2**20
    print(f"import: {args.reports:,} distinct reports, {size_mb:.0f} MiB JSONL")
    data = tempfile.mkdtemp(prefix="crackdown-bench-")
    os.chmod(data, 0o755)  # the PostgreSQL server runs as its own user
    peer_db = os.path.join(data, "peer.sqlite3")

    def fresh():
        shutil.rmtree(os.path.join(data, "d"), ignore_errors=True)
        if os.path.exists(peer_db):
            os.remove(peer_db)

    ours, ours_rss, summary = bench.median_runs(args.runs, [bench.BIN, "--data", os.path.join(data, "d"), "--init", "import", "reports", path, "--json"], before=fresh)
    ours_cpu = bench.last_cpu
    imported = json.loads(summary)["imported"]
    assert imported == args.reports, summary
    peer, peer_rss, _ = bench.median_runs(args.runs, [sys.executable, __file__, path, peer_db], before=fresh)
    print(f"  crackdown → SQLite     {ours:7.2f} s  {args.reports / ours:>10,.0f} reports/s  peak {ours_rss:6.0f} MiB"
          f"  ({ours_cpu:.2f} CPU s)")
    print(f"  python sqlite3 (peer)  {peer:7.2f} s  {args.reports / peer:>10,.0f} reports/s  peak {peer_rss:6.0f} MiB")
    print(f"  ratio crackdown/peer throughput: {peer / ours:.2f}x")

    with bench.postgres(os.path.join(data, "pg")) as url:
        if url:
            def fresh_pg():
                subprocess.run(["psql", url, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True,
                               capture_output=True)
            pg, pg_rss, summary = bench.median_runs(max(1, args.runs // 2), [bench.BIN, "--database", url, "--key-file", os.path.join(data, "crackdown.key"), "import", "reports", path, "--json"], before=fresh_pg)
            assert json.loads(summary)["imported"] == args.reports, summary
            print(f"  crackdown → PostgreSQL {pg:7.2f} s  {args.reports / pg:>10,.0f} reports/s  peak {pg_rss:6.0f} MiB")
    if args.import_ledger_rows:
        ledger_import(args, data)
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    python_sqlite_peer(sys.argv[1], sys.argv[2])
