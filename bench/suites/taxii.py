"""TAXII 2.1: how fast `crackdown serve` pages a collection's objects to a
client (target: at least 5,000 objects/s while paging, issue 23), and how
fast `crackdown taxii pull` reads that collection into another installation.

A store holding --taxii-reports generated reports (each naming its own link
and mailbox, so several STIX objects per report, all GREEN in the operator's
organisation) is served over loopback; one client pages through the
organisation's collection with `limit=1000` and `next`, timing each page
(each page today rebuilds the caller's whole export: the first pages and
the last cost the same, and the rate falls as the feed grows). Then `taxii
pull` (allowed to reach 127.0.0.1) reads the same collection into an empty
installation, timed as a whole process."""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request


def add_arguments(parser):
    parser.add_argument("--taxii-reports", type=int, default=5_000, help="reports in the TAXII suite's feed")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, token):
    request = urllib.request.Request(url, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/taxii+json;version=2.1"})
    with urllib.request.urlopen(request, timeout=600) as answer:
        return json.load(answer)


def run(args):
    print(f"\n== TAXII: paging a collection of {args.taxii_reports:,} reports' objects, and taxii pull ==")
    with tempfile.TemporaryDirectory() as work:
        data, partner = os.path.join(work, "serve"), os.path.join(work, "pull")
        lines = os.path.join(work, "reports.jsonl")
        with open(lines, "w") as out:
            for n in range(args.taxii_reports):
                out.write(json.dumps({"id": f"R-{n}", "tlp": "green", "text":
                    f"Your parcel is held. Pay the customs fee at https://parcel-{n}.customs-fee.example/pay "
                    f"or write to desk{n}@customs-{n}.example."}) + "\n")
        subprocess.run([bench.BIN, "--data", data, "--init", "import", "reports", lines], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        token = json.loads(subprocess.run([bench.BIN, "--data", data, "token", "create", "--user", "operator", "--json"],
                                          check=True, capture_output=True, text=True).stdout)["secret"]
        port = free_port()
        server = subprocess.Popen([bench.BIN, "--data", data, "serve", "--listen", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            root = f"http://127.0.0.1:{port}/taxii2/api/"
            for _ in range(300):
                try:
                    collections = get(root + "collections/", token)["collections"]
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit("crackdown serve did not start")
            collection = collections[0]["id"]
            objects, pages, page_times, cursor = 0, 0, [], None
            start = time.perf_counter()
            while True:
                url = f"{root}collections/{collection}/objects/?limit=1000" + (f"&next={cursor}" if cursor else "")
                began = time.perf_counter()
                envelope = get(url, token)
                page_times.append(time.perf_counter() - began)
                objects += len(envelope.get("objects", []))
                pages += 1
                if not envelope.get("more"):
                    break
                cursor = envelope["next"]
            wall = time.perf_counter() - start
            print(f"  paging: {objects:,} objects in {pages} pages, {wall:.1f} s = {objects / wall:,.0f} objects/s "
                  f"(first page {page_times[0] * 1000:.0f} ms, last {page_times[-1] * 1000:.0f} ms; target >= 5,000/s)")
            token_file = os.path.join(work, "token")
            with open(token_file, "w") as out:
                out.write(token + "\n")
            wall, rss, stdout = bench.measure([bench.BIN, "--data", partner, "--init", "--webhook-allow-private",
                                               "127.0.0.0/8", "taxii", "pull", root, "--collection", collection,
                                               "--token-file", token_file, "--json"])
            summary = json.loads(stdout)
            print(f"  taxii pull: {summary['objects']:,} objects, {summary['import']['imported']:,} reports stored "
                  f"in {wall:.1f} s = {summary['objects'] / wall:,.0f} objects/s, peak {rss:.0f} MiB")
        finally:
            server.terminate()
            server.wait()
