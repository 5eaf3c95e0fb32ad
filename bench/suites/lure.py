"""Lure analysis: `crackdown analyze` (indicator extraction, classification
into label, scam type and stage, JSONL in and out) against the Python
`iocextract` package extracting indicators from the very same bytes, side by
side in one run. iocextract only extracts (URLs, IPs, e-mails, hashes) and
does not classify, so the ratio understates crackdown's lead."""

import json
import os
import random
import resource
import subprocess
import sys


def add_arguments(parser):
    parser.add_argument("--lure-mb", type=float, default=20, help="size of the lure corpus in MB")


TEMPLATES = [
    "Dear customer your parcel is held, pay the fee at hxxps://post-track[.]top/pay/{n} or call +66 81 {n3} {n4}",
    "Hi dear, my uncle teaches crypto trading, deposit USDT to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t and earn {n}% daily",
    "ok see you at 7, bring the {n} receipts please",
    "WINNER!! claim your prize of £{n} now, text WIN to 8{n4} or visit www.win-{n}.com/claim",
    "โอนเงินเข้าบัญชี 123-4-{n4}-0 เพื่อปลดล็อกการถอนเงิน ติดต่อ Line ID: support{n}",
    "兼职刷单 日结 {n} 元，加微信: job{n}888 或 t.me/job_agent{n}",
    "Your account is locked. Verify at http://secure-login.bank{n}.xyz/verify?id={n} IBAN GB82 WEST 1234 5698 7654 32",
    "meeting moved to room {n}, agenda at intranet.example.org/docs/{n}",
    "Nanalo ka ng P{n}! I-claim sa bit.ly/claim{n} bago mag-expire, email claims{n}@promo-ph[.]com",
    "Pinjaman dana cepat tanpa jaminan, hubungi WA 0812-{n4}-{n3}0 atau 10.{n3}.12.7",
]


def corpus(path, megabytes, seed=11):
    """JSONL lines {"id", "text", "lang"} totalling about `megabytes` MB."""
    rng = random.Random(seed)
    target = int(megabytes * 1e6)
    written = lines = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target:
            text = rng.choice(TEMPLATES).format(n=rng.randrange(10**5), n3=f"{rng.randrange(1000):03d}",
                                                n4=f"{rng.randrange(10000):04d}")
            line = json.dumps({"id": f"m{lines}", "text": text}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode())
            lines += 1
    return lines


def iocextract_peer(path):
    """The peer: iocextract over each line of the same file, refanging as it goes."""
    import iocextract
    found = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            found += sum(1 for _ in iocextract.extract_iocs(line, refang=True))
    print(found)


def cpu_seconds():
    """User + system CPU seconds of all finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args):
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "iocextract"],
                               capture_output=True, text=True)
    if installed.returncode != 0:
        sys.exit(f"lure: cannot install iocextract: {installed.stderr.strip()[-300:]}")
    os.makedirs(bench.OUT, exist_ok=True)
    path = os.path.join(bench.OUT, f"lure-{args.lure_mb:g}mb.jsonl")
    lines = corpus(path, args.lure_mb)
    size_mb = os.path.getsize(path) / 1e6
    print(f"lure: {lines:,} messages, {size_mb:.1f} MB JSONL (10 templates, 7 scripts, defanged forms)")

    # exec, so the measured process is crackdown itself; output to a file, not a pipe.
    def measure(extra, out):
        before = cpu_seconds()
        wall, rss, _ = bench.median_runs(args.runs, ["sh", "-c", f'exec "$0" analyze {extra} "$1" > "$2"',
                                                     bench.BIN, path, out])
        cpu = (cpu_seconds() - before) / args.runs
        # Counted line by line: a harness holding every result would fork
        # big, and a forked child's peak RSS counts its parent's pages.
        count = found = 0
        with open(out, encoding="utf-8") as analysed:
            for line in analysed:
                result = json.loads(line)
                assert "error" not in result, f"crackdown analyze: {result}"
                count += 1
                found += len(result["indicators"])
        assert count == lines, "crackdown analyze lost lines"
        return wall, rss, cpu, found

    ours, ours_rss, ours_cpu, indicators = measure("", os.path.join(bench.OUT, "lure-analysis.jsonl"))
    only, only_rss, only_cpu, only_indicators = measure("--indicators-only",
                                                        os.path.join(bench.OUT, "lure-indicators.jsonl"))
    assert only_indicators == indicators, "--indicators-only found other indicators than the full analysis"
    before = cpu_seconds()
    peer, peer_rss, found = bench.median_runs(args.runs, [sys.executable, __file__, path])
    peer_cpu = (cpu_seconds() - before) / args.runs
    print(f"  {'crackdown analyze':<36}{ours:7.2f} s  {size_mb / ours:7.1f} MB/s  {lines / ours:>9,.0f} msgs/s  "
          f"{indicators:,} indicators  peak {ours_rss:5.0f} MiB  {ours_cpu:.2f} CPU-s")
    print(f"  {'crackdown analyze --indicators-only':<36}{only:7.2f} s  {size_mb / only:7.1f} MB/s  {lines / only:>9,.0f} msgs/s  "
          f"{only_indicators:,} indicators  peak {only_rss:5.0f} MiB  {only_cpu:.2f} CPU-s")
    print(f"  {'python iocextract (peer)':<36}{peer:7.2f} s  {size_mb / peer:7.1f} MB/s  {lines / peer:>9,.0f} msgs/s  "
          f"{int(found):,} indicators  peak {peer_rss:5.0f} MiB  {peer_cpu:.2f} CPU-s")
    load = os.getloadavg()[0]
    print(f"  ratio extraction (--indicators-only) / iocextract: {peer / only:.1f}x wall, "
          f"{peer_cpu / max(only_cpu, 1e-9):.1f}x CPU (target 50x; load average {load:.1f})")
    print(f"  ratio full analysis / iocextract: {peer / ours:.1f}x wall, {peer_cpu / max(ours_cpu, 1e-9):.1f}x CPU "
          f"(crackdown also classifies)")
    print(f"  classification (extraction + label, type, stage, reasons), {os.cpu_count()} cores: "
          f"{lines / ours:,.0f} msgs/s (target 50,000)")


if __name__ == "__main__":
    iocextract_peer(sys.argv[1])
