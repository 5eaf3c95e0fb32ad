"""The public "check before you pay" lookup under load: `GET /api/v1/lookup`
on a store holding a generated case (1M reports by default), driven over
loopback by `wrk` (Debian's; installed here when missing) with a mix of
reported values as victims wrote them (phones in national format, defanged
links, wallets, IBANs with spaces) and values nobody reported; and
`crackdown link --rebuild` of that store, timed. Side by side
in the same run, the same server's no-op `GET /api/v1/health` gives the
ceiling of the HTTP stack on this machine; the ratio says what the lookup
itself costs. wrk and the server share the 2 cores, so both figures are
conservative.

Two lookup runs: 20,000 values cycled (after the first pass answers come
from the server's 30-second answer cache, as popular scam numbers do), and
a pass over more distinct values than the run can ask (reported ones once
each, then unreported numbers), so every request parses the value and reads
the store: the uncached rate."""

import csv
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse


def add_arguments(parser):
    parser.add_argument("--lookup-reports", type=int, default=1_000_000, help="reports in the store for the lookup suite")
    parser.add_argument("--lookup-seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--lookup-connections", type=int, default=32, help="concurrent wrk connections")


def ensure_wrk():
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], check=True,
                   stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def queries(case, count, seed=5):
    """Lookup queries: surface forms of reported values, and unreported ones."""
    rng = random.Random(seed)
    surfaces = []
    with open(os.path.join(case, "truth", "indicators.csv"), newline="") as source:
        for row in csv.DictReader(source):
            if row["type"] in ("phone", "url", "btc", "eth", "tron", "iban", "whatsapp", "telegram", "email"):
                surfaces.append(row["surface"])
    rng.shuffle(surfaces)
    chosen = surfaces[: count * 3 // 4]
    chosen += [f"+66 8{rng.randrange(10)} {rng.randrange(1000):03d} {rng.randrange(10000):04d}"
               for _ in range(count - len(chosen))]
    rng.shuffle(chosen)
    return ["/api/v1/lookup?q=" + urllib.parse.quote(value, safe="") for value in chosen]


def fresh_queries(case, count, seed=11):
    """Lookup queries never repeated within a run: every reported value once,
    then distinct unreported Thai mobile numbers up to `count`."""
    rng = random.Random(seed)
    seen, chosen = set(), []
    with open(os.path.join(case, "truth", "indicators.csv"), newline="") as source:
        for row in csv.DictReader(source):
            if row["type"] in ("phone", "url", "btc", "eth", "tron", "iban", "whatsapp", "telegram", "email") \
                    and row["normalized"] not in seen:
                seen.add(row["normalized"])
                chosen.append(row["surface"])
    numbers = rng.sample(range(10_000_000, 100_000_000), max(0, count - len(chosen)))
    chosen += [f"+66 {number // 10_000_000 + 80} {number // 10_000 % 1000:03d} {number % 10_000:04d}"
               for number in numbers]
    rng.shuffle(chosen)
    return ["/api/v1/lookup?q=" + urllib.parse.quote(value, safe="") for value in chosen[:count]]


def lua_script(paths, folder, name="lookup.lua"):
    """A wrk script cycling through `paths`."""
    path = os.path.join(folder, name)
    with open(path, "w") as out:
        out.write("paths = {\n")
        for item in paths:
            out.write(f"  {json.dumps(item)},\n")
        # wrk's two threads take alternate paths, so neither asks what the
        # other just asked (which the answer cache would serve).
        out.write("}\ncounter = 0\nid = 0\nthreads = 0\n"
                  "function setup(thread)\n"
                  "  thread:set('id', threads)\n"
                  "  threads = threads + 1\n"
                  "end\n"
                  "request = function()\n"
                  "  counter = counter + 1\n"
                  "  return wrk.format('GET', paths[((counter * 2 + id) % #paths) + 1])\n"
                  "end\n")
    return path


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, seconds, connections, script=None):
    """(requests/s, p50 ms, p99 ms, non-2xx responses) of one wrk run."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p50, p99, int(errors.group(1)) if errors else 0


def run(args):
    ensure_wrk()
    work = tempfile.mkdtemp(prefix="crackdown-bench-lookup-")
    case, data = os.path.join(work, "case"), os.path.join(work, "data")
    started = time.perf_counter()
    subprocess.run([bench.BIN, "generate", "--out", case, "--reports", str(args.lookup_reports),
                    "--transactions", "1000"], check=True, stdout=subprocess.DEVNULL)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([bench.BIN, "--data", data, "--init", "import", "reports", os.path.join(case, "reports.jsonl"), "--json"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    imported = time.perf_counter() - started
    print(f"lookup: store of {args.lookup_reports:,} generated reports "
          f"(generated in {generated:.1f} s, imported, analysed and linked in {imported:.1f} s)")
    # The store at hand is the one the linking issue's rebuild target speaks of.
    wall, rss, _ = bench.median_runs(3, [bench.BIN, "--data", data, "link", "--rebuild"])
    print(f"  crackdown link --rebuild of the store: {wall:.2f} s wall (median of 3), peak {rss:.0f} MiB "
          f"(target < 10 s for 1M reports)")

    port = free_port()
    server = subprocess.Popen([bench.BIN, "--data", data, "serve", "--listen", f"127.0.0.1:{port}",
                               "--lookup-rate", "1000000"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        script = lua_script(queries(case, 20_000), work)
        # More distinct values than even 60,000 lookups/s could ask in the run.
        fresh = lua_script(fresh_queries(case, 60_000 * args.lookup_seconds), work, "fresh.lua")
        # Warm-up of the HTTP stack only: lookups start with an empty answer cache.
        wrk(base + "/api/v1/health", 2, args.lookup_connections)
        cold, u50, u99, cold_errors = wrk(base + "/", args.lookup_seconds, args.lookup_connections, fresh)
        rate, p50, p99, errors = wrk(base + "/", args.lookup_seconds, args.lookup_connections, script)
        errors += cold_errors
        ceiling, c50, c99, _ = wrk(base + "/api/v1/health", args.lookup_seconds, args.lookup_connections)
    finally:
        server.terminate()
        server.wait()
    print(f"  GET /api/v1/lookup, every value new (parsed, store read)  {cold:>9,.0f} req/s  p50 {u50:6.2f} ms"
          f"  p99 {u99:6.2f} ms")
    print(f"  GET /api/v1/lookup, 20,000 values cycled (cached 30 s)      {rate:>9,.0f} req/s  p50 {p50:6.2f} ms"
          f"  p99 {p99:6.2f} ms  (target >= 20,000 req/s, p99 < 10 ms){'  NON-2xx: ' + str(errors) if errors else ''}")
    print(f"  GET /api/v1/health (no-op peer)                             {ceiling:>9,.0f} req/s  p50 {c50:6.2f} ms"
          f"  p99 {c99:6.2f} ms")
    print(f"  ratio lookup/no-op ceiling: {rate / ceiling:.2f} cycled, {cold / ceiling:.2f} uncached")
    shutil.rmtree(work, ignore_errors=True)
    if errors:
        sys.exit(f"{errors} lookups did not answer 2xx")
