"""Format and truth invariants of generated worlds (run by `ledger_world.py --selftest`).

Generates small worlds of every preset, plus variants that flip the options, and checks what the
importer and the scorers rely on: the exact header, RFC 3339 UTC timestamps in time order, unique
tx ids, amounts with no more decimals than their currency, conversion legs exactly where payer
and payee currencies differ, every ledger account known with a valid kind, this bank's customer
on at least one side of every transfer, opening rows only when
asked for, truth that names only existing accounts and transfers, and the same files for the same
seed.
"""

import csv
import hashlib
import os
import re
import shutil
import tempfile

from . import money
from .output import HEADER, KINDS

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
AMOUNT = re.compile(r"^\d+(\.(\d+))?$")


class Checker:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failures.append("%s: %s" % (name, detail))
            print("FAIL %s %s" % (name, detail))


def decimals_ok(text, currency):
    m = AMOUNT.match(text)
    if not m:
        return False
    frac = m.group(2) or ""
    return len(frac) <= money.DECIMALS[currency] and (money.DECIMALS[currency] > 0 or "." not in text)


def check_world(ck, d, cfg, counts):
    name = "%s/seed%d" % (cfg.preset, cfg.seed)
    accounts = {}
    with open(os.path.join(d, "accounts.csv"), newline="") as f:
        ck.check(name + " accounts header", f.readline().strip() == "account,country,kind")
        f.seek(0)
        for r in csv.DictReader(f):
            accounts[r["account"]] = r
    ck.check(name + " kinds", all(r["kind"] in KINDS for r in accounts.values()))
    ck.check(name + " countries", all(r["country"] in money.COUNTRIES for r in accounts.values()))
    with open(os.path.join(d, "truth", "roles.csv"), newline="") as f:
        in_bank = {r["account"]: r["in_bank"] == "1" for r in csv.DictReader(f)}
    currency_of = {}
    tx_ids = set()
    bad = []
    last = ""
    n_open = 0
    with open(os.path.join(d, "ledger.csv"), newline="") as f:
        header = f.readline().rstrip("\n")
        ck.check(name + " ledger header", header == HEADER, header)
        for lineno, line in enumerate(f, start=2):
            row = line.rstrip("\n").split(",")
            if len(row) != 9:
                bad.append((lineno, "fields"))
                continue
            tx, ts, src, dst, amount, cur, channel, recv, recv_cur = row
            if tx in tx_ids:
                bad.append((lineno, "duplicate tx id"))
            tx_ids.add(tx)
            if not TS.match(ts) or ts < last:
                bad.append((lineno, "timestamp %s after %s" % (ts, last)))
            last = ts
            if cur not in money.DECIMALS or not decimals_ok(amount, cur) or float(amount) <= 0:
                bad.append((lineno, "amount %s %s" % (amount, cur)))
            if channel != channel.lower() or not channel:
                bad.append((lineno, "channel"))
            if channel == "opening_balance":
                n_open += 1
                if src != "OPENING:" + dst or recv or recv_cur:
                    bad.append((lineno, "opening row"))
            elif src not in accounts:
                bad.append((lineno, "unknown payer %s" % src))
            if dst not in accounts:
                bad.append((lineno, "unknown payee %s" % dst))
            elif not in_bank[dst] and not in_bank.get(src, False):
                bad.append((lineno, "neither side banks here"))     # a bank's books hold only its own
            if bool(recv) != bool(recv_cur):
                bad.append((lineno, "half a conversion"))
            if recv:
                if recv_cur == cur or recv_cur not in money.DECIMALS or not decimals_ok(recv, recv_cur):
                    bad.append((lineno, "conversion %s %s" % (recv, recv_cur)))
            # an account keeps one currency; a conversion leg is exactly a change of currency
            if channel != "opening_balance":
                for acct, c in ((src, cur), (dst, recv_cur or cur)):
                    if currency_of.setdefault(acct, c) != c:
                        bad.append((lineno, "%s holds %s and %s" % (acct, currency_of[acct], c)))
            elif currency_of.setdefault(dst, cur) != cur:
                bad.append((lineno, "opening currency"))
    ck.check(name + " ledger rows", not bad, str(bad[:5]))
    ck.check(name + " row count", len(tx_ids) == counts["transactions"])
    ck.check(name + " opening rows as configured", (n_open > 0) == (cfg.opening != "none"), str(n_open))
    if cfg.currencies == "one":
        ck.check(name + " one currency", len(set(currency_of.values())) == 1, str(set(currency_of.values())))
    if cfg.countries == "one":
        ck.check(name + " one country", len({r["country"] for r in accounts.values()}) == 1)

    mules = {}
    with open(os.path.join(d, "truth", "mules.csv"), newline="") as f:
        for r in csv.DictReader(f):
            mules[r["account"]] = (int(r["is_sar"]), int(r["sar_active"]))
    ck.check(name + " mules cover accounts", set(mules) == set(accounts))
    ck.check(name + " active implies sar", all(s or not a for s, a in mules.values()))
    n_sar = sum(s for s, _ in mules.values())
    ck.check(name + " has SAR accounts", n_sar > 0 and sum(a for _, a in mules.values()) > 0)
    with open(os.path.join(d, "truth", "victims.txt")) as f:
        victims = [line.strip() for line in f if line.strip()]
    ck.check(name + " victims exist", all(v in accounts for v in victims))
    ck.check(name + " victims are not SAR", all(mules[v][0] == 0 for v in victims))
    with open(os.path.join(d, "truth", "alerts.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    ck.check(name + " alerts header", rows and list(rows[0].keys()) == [
        "alert_id", "typology", "is_sar", "main", "accounts", "members", "tx_ids", "tx_source", "first_timestamp",
        "last_timestamp"])
    problems = []
    for r in rows:
        mem = r["members"].split()
        acc = r["accounts"].split()
        if r["main"] not in accounts or not all(a in accounts for a in mem) or not set(acc) <= set(mem):
            problems.append(r["alert_id"])
        if not all(t in tx_ids for t in r["tx_ids"].split()):
            problems.append(r["alert_id"] + " tx")
        if r["is_sar"] == "1" and not all(mules[a][0] == 1 for a in mem):
            problems.append(r["alert_id"] + " non-SAR member")
        if r["is_sar"] == "1" and not all(mules[a][1] == 1 for a in acc):
            problems.append(r["alert_id"] + " inactive account")
    ck.check(name + " alerts consistent", not problems, str(problems[:5]))
    sar_alerts = [r for r in rows if r["is_sar"] == "1"]
    ck.check(name + " SAR alerts with accounts", sum(1 for r in sar_alerts if r["accounts"]) >= 0.9 * len(sar_alerts))
    ck.check(name + " confounder alerts", any(r["is_sar"] == "0" for r in rows) or cfg.population == "retail")
    with open(os.path.join(d, "truth", "scheme_tx.csv"), newline="") as f:
        ck.check(name + " scheme tx exist", all(r["tx_id"] in tx_ids for r in csv.DictReader(f)))
    for extra in ("README", "meta.json", "roles.csv"):
        ck.check(name + " truth/" + extra, os.path.exists(os.path.join(d, "truth", extra)))


def digest(d):
    h = hashlib.sha256()
    for rel in ("ledger.csv", "accounts.csv", "truth/mules.csv", "truth/alerts.csv", "truth/victims.txt"):
        with open(os.path.join(d, rel), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def run(generate, Config):
    ck = Checker()
    tmp = tempfile.mkdtemp(prefix="ledger-world-selftest-")
    small = dict(accounts=2500, transactions=30000, days=60)
    cases = [
        ("pigbutcher", 1, {}),
        ("simulator-like", 2, {}),
        ("mixed", 3, {}),
        ("pigbutcher", 4, dict(currencies="one", countries="one", opening="none", fees=False, population="retail")),
        ("simulator-like", 5, dict(currencies="many", opening="partial", fees=True, population="mixed")),
    ]
    try:
        for preset, seed, over in cases:
            cfg = Config(preset, seed, **dict(small, **over))
            d = os.path.join(tmp, "%s-%d" % (preset, seed))
            counts = generate(cfg, d)
            check_world(ck, d, cfg, counts)
            ck.check("%s size near --transactions" % preset,
                     0.8 * cfg.transactions <= counts["transactions"] <= cfg.transactions,
                     str(counts["transactions"]))
        # same seed, same world; another seed, another world
        cfg = Config("mixed", 3, **small)
        again = os.path.join(tmp, "again")
        generate(cfg, again)
        ck.check("deterministic per seed", digest(again) == digest(os.path.join(tmp, "mixed-3")))
        other = os.path.join(tmp, "other")
        generate(Config("mixed", 4, **small), other)
        ck.check("seeds differ", digest(other) != digest(again))
        ck.check("decimals helper", decimals_ok("12.34", "USD") and not decimals_ok("12.345", "USD")
                 and decimals_ok("5", "JPY") and not decimals_ok("5.0", "JPY") and decimals_ok("1.123456", "USDT"))
        ck.check("format_minor", money.format_minor(123456, "USD") == "1234.56"
                 and money.format_minor(7, "USD") == "0.07" and money.format_minor(5, "JPY") == "5"
                 and money.format_minor(1, "USDT") == "0.000001")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (ck.passed, len(ck.failures)))
    return not ck.failures
