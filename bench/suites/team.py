"""The team deployment under load: reports posted through the API
(`POST /api/v1/reports`, batches of a generated case's reports, each answered
after it is stored, analysed, linked and watched) by 4 concurrent clients
to `crackdown serve` processes on one PostgreSQL server, side by side with
the same clients on one process. Figures are reports per second of wall
time from the first request to the last answer; any answer other than 200,
any rejected or duplicate record, or a stored count other than the case's
fails the suite. Clients, servers and PostgreSQL share this machine's cores,
so the figures are conservative. `--team-perf` also records a CPU profile
of the servers with `perf` (when installed) and prints where the time goes."""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time


def add_arguments(parser):
    parser.add_argument("--team-reports", type=int, default=100_000, help="reports posted in the team suite")
    parser.add_argument("--team-batch", type=int, default=100, help="reports per request in the team suite")
    parser.add_argument("--team-clients", type=int, default=4, help="concurrent clients in the team suite")
    parser.add_argument("--team-perf", action="store_true", help="profile the servers with perf in the team suite")
    parser.add_argument("--team-sql", action="store_true",
                        help="log every statement in the team suite and print where PostgreSQL's time goes")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port, process):
    for _ in range(600):
        if process.poll() is not None:
            sys.exit(f"crackdown serve on port {port} exited ({process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"crackdown serve on port {port} never listened")


def post_all(ports, token, batches, clients):
    """Posts `batches` from `clients` threads, batch i of a client to
    ports[i % len(ports)] over kept-alive connections. Returns (seconds,
    failures, imported, duplicates, rejected)."""
    lock = threading.Lock()
    totals = {"failed": 0, "imported": 0, "duplicates": 0, "rejected": 0}
    failures = []

    def client(number):
        connections = {port: http.client.HTTPConnection("127.0.0.1", port, timeout=600) for port in ports}
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        mine = {"failed": 0, "imported": 0, "duplicates": 0, "rejected": 0}
        for index in range(number, len(batches), clients):
            port = ports[(index // clients) % len(ports)] if len(ports) > 1 else ports[0]
            connection = connections[port]
            try:
                connection.request("POST", "/api/v1/reports", body=batches[index], headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                mine["failed"] += 1
                failures.append(f"batch {index} on port {port}: {error}")
                connection.close()
                connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                continue
            if response.status != 200:
                mine["failed"] += 1
                failures.append(f"batch {index} on port {port}: {response.status} {body[:200]!r}")
                continue
            summary = json.loads(body)
            for field in ("imported", "duplicates", "rejected"):
                mine[field] += summary[field]
        for connection in connections.values():
            connection.close()
        with lock:
            for field, value in mine.items():
                totals[field] += value

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    for failure in failures[:5]:
        print(f"    failed: {failure}")
    return seconds, totals["failed"], totals["imported"], totals["duplicates"], totals["rejected"]


def profile_summary(data, top=25):
    """The hottest symbols of a perf recording, by share of samples."""
    report = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none", "--sort", "comm,dso,symbol",
                             "--percent-limit", "0.8"], capture_output=True, text=True)
    lines = [line for line in report.stdout.splitlines() if line.strip() and not line.startswith("#")]
    return lines[:top]


def statement_summary(log, top=20):
    """Total duration and count per statement shape (parameters folded)
    from a server log written with log_min_duration_statement = 0."""
    totals, counts = {}, {}
    pattern = re.compile(r"duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): (.*)")
    with open(log, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            found = pattern.search(line)
            if found:
                shape = re.sub(r"(\$\d+, )+\$\d+", "$..", found.group(2))[:120]
                totals[shape] = totals.get(shape, 0.0) + float(found.group(1))
                counts[shape] = counts.get(shape, 0) + 1
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:top]
    return sum(totals.values()), sum(counts.values()), [(ms, counts[shape], shape) for shape, ms in ranked]


def one_run(args, url, key, case_lines, processes, work):
    subprocess.run(["psql", url, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True,
                   capture_output=True)
    log = os.path.join(work, "pg", "server.log")
    if args.team_sql:
        subprocess.run(["psql", url, "-qc", "ALTER SYSTEM SET log_min_duration_statement = 0",
                        "-c", "SELECT pg_reload_conf()"], check=True, capture_output=True)
        open(log, "w").close()
    base = [bench.BIN, "--database", url, "--key-file", key]
    token = json.loads(subprocess.run(base + ["token", "create", "--user", "operator", "--json"], check=True,
                                      capture_output=True, text=True).stdout)["secret"]
    subprocess.run(base + ["watchlists", "add", "scam_type", "investment", "--label", "investment scams"], check=True,
                   capture_output=True)
    # Bodies are UTF-8 bytes: the case's texts are in many scripts.
    batches = [("[" + ",".join(case_lines[at:at + args.team_batch]) + "]").encode("utf-8")
               for at in range(0, len(case_lines), args.team_batch)]
    ports = [free_port() for _ in range(processes)]
    servers = [subprocess.Popen(base + ["serve", "--listen", f"127.0.0.1:{port}", "--public-url", "http://localhost:8080"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    perf = None
    try:
        for port, server in zip(ports, servers):
            wait_listening(port, server)
        if args.team_perf and shutil.which("perf"):
            data = os.path.join(work, f"perf-{processes}.data")
            perf = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-o", data, "-p",
                                     ",".join(str(server.pid) for server in servers)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
        result = post_all(ports, token, batches, args.team_clients)
    finally:
        if perf:
            perf.send_signal(2)
            perf.wait()
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait()
    stored = int(subprocess.run(["psql", url, "-tAc", "SELECT COUNT(*) FROM reports"], check=True,
                                capture_output=True, text=True).stdout.strip())
    pending = int(subprocess.run(["psql", url, "-tAc", "SELECT COUNT(*) FROM intake_pending"], check=True,
                                 capture_output=True, text=True).stdout.strip())
    linked = int(subprocess.run(["psql", url, "-tAc", "SELECT COUNT(*) FROM campaign_members"], check=True,
                                capture_output=True, text=True).stdout.strip())
    if args.team_sql:
        subprocess.run(["psql", url, "-qc", "ALTER SYSTEM SET log_min_duration_statement = -1",
                        "-c", "SELECT pg_reload_conf()"], check=True, capture_output=True)
        total, count, ranked = statement_summary(log)
        print(f"    PostgreSQL: {count:,} statements, {total / 1000:.1f} s in all; by shape:")
        for ms, times, shape in ranked:
            print(f"      {ms / 1000:7.2f} s {times:8,}  {shape}")
    if perf:
        print(f"    profile of {processes} process(es), samples by process, library and symbol:")
        for line in profile_summary(data):
            print(f"      {line.strip()}")
    return result + (stored, pending, linked)


def run(args):
    work = tempfile.mkdtemp(prefix="crackdown-bench-team-")
    os.chmod(work, 0o755)  # the PostgreSQL server runs as its own user
    case = os.path.join(work, "case")
    subprocess.run([bench.BIN, "generate", "--out", case, "--reports", str(args.team_reports),
                    "--transactions", "1000"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(case, "reports.jsonl"), encoding="utf-8") as source:
        lines = [line.strip() for line in source if line.strip()]
    print(f"team: {len(lines):,} generated reports posted in batches of {args.team_batch} by "
          f"{args.team_clients} concurrent clients through POST /api/v1/reports (stored, analysed, linked, watched)")
    key = os.path.join(work, "crackdown.key")
    bad = False
    with bench.postgres(os.path.join(work, "pg")) as url:
        if not url:
            shutil.rmtree(work, ignore_errors=True)
            return
        rates = {}
        for processes in (1, 2):
            seconds, failed, imported, duplicates, rejected, stored, pending, linked = \
                one_run(args, url, key, lines, processes, work)
            rates[processes] = len(lines) / seconds
            ok = failed == 0 and rejected == 0 and imported + duplicates == len(lines) and stored == imported \
                and pending == 0 and linked == stored
            bad |= not ok
            label = "1 process  " if processes == 1 else f"{processes} processes"
            target = "  (target >= 5,000 reports/s, 0 failed)" if processes == 2 else ""
            print(f"  {label} on PostgreSQL {seconds:7.2f} s  {rates[processes]:>8,.0f} reports/s  "
                  f"failed {failed}  stored {stored:,} (duplicates {duplicates}, rejected {rejected}), "
                  f"linked {linked:,}, owed {pending}{target}{'' if ok else '  INCOMPLETE'}")
        print(f"  ratio 2 processes / 1 process: {rates[2] / rates[1]:.2f}x")
    shutil.rmtree(work, ignore_errors=True)
    if bad:
        sys.exit("the team suite saw failed requests or an incomplete store")
