#!/usr/bin/env python3
"""An independent bank-ledger generator with laundering ground truth.

  python3 bench/gen/ledger_world.py --out DIR --seed N --preset {pigbutcher,simulator-like,mixed}
        [--accounts N] [--transactions N] [--days N] [--start YYYY-MM-DD] [--mule-share F]
        [--currencies one|many] [--countries one|many] [--opening none|all|partial]
        [--fees | --no-fees] [--population retail|mixed]
  python3 bench/gen/ledger_world.py --selftest

Writes crackdown's native ledger import (ledger.csv, accounts.csv) and truth/ (mules.csv,
alerts.csv, victims.txt, scheme_tx.csv, roles.csv, meta.json, README) that
/work/shared/data/amlsim-dev/eval.py reads. Deterministic per seed. Seeds 1-5 are for
development; seeds 1001-1010 are held back for reported figures (see bench/gen/README.md).

Python 3 standard library only.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ledgerworld import money, output, population, selftest  # noqa: E402
from ledgerworld.crime import Crime  # noqa: E402
from ledgerworld.normal import MONTH, Normal, group_events_by_account, treasury  # noqa: E402
from ledgerworld.scams import PigButchering, retail_ring  # noqa: E402
from ledgerworld.typologies import AMLSIM_MIX, EXTRA_MIX, Shapes  # noqa: E402
from ledgerworld.world import World  # noqa: E402

PRESETS = {
    # Pig-butchering and retail-scam mule networks in a US bank with branches in Singapore and
    # Hong Kong, counterparties in a dozen countries, crypto off-ramps; few other shapes.
    "pigbutcher": dict(
        accounts=26000, transactions=400000, days=122, start="2025-09-01", mule_share=0.02,
        currencies="many", countries="many", opening="all", fees=True, population="mixed",
        ledger_countries=[("US", 0.78), ("SG", 0.11), ("HK", 0.11)],
        partner_countries=["PH", "MX", "IN", "VN", "KH", "TH", "AE", "MY", "GB", "DE", "JP", "AU"],
        crime_mix=[("pig", 0.72), ("retail", 0.18), ("shapes", 0.10)],
        shapes_mix=[("peel_chain", 3), ("structuring", 3), ("fan_out", 2), ("cycle", 1), ("scatter_gather", 1)],
        new_account_share=0.55),
    # AMLSim's seven alert shapes (its 10K preset's proportions) in one country and one currency,
    # a retail population, no opening balances, no fees: comparable to amlsim-dev, other hands.
    "simulator-like": dict(
        accounts=12000, transactions=200000, days=183, start="2025-01-06", mule_share=0.05,
        currencies="one", countries="one", opening="none", fees=False, population="retail",
        ledger_countries=[("US", 1.0)], partner_countries=["MX", "PH", "IN", "GB", "DE"],
        crime_mix=[("shapes", 1.0)], shapes_mix=AMLSIM_MIX, new_account_share=0.3),
    # Everything: scam networks, every shape, structuring, peel chains, rapid pass-through, in a
    # British bank with German and Japanese books (JPY has no minor unit), partial opening balances.
    "mixed": dict(
        accounts=26000, transactions=400000, days=122, start="2025-10-06", mule_share=0.03,
        currencies="many", countries="many", opening="partial", fees=True, population="mixed",
        ledger_countries=[("GB", 0.7), ("DE", 0.15), ("JP", 0.15)],
        partner_countries=["PH", "IN", "VN", "HK", "KH", "TH", "AE", "MY", "US", "NL", "SG", "MX"],
        crime_mix=[("pig", 0.35), ("retail", 0.15), ("shapes", 0.5)],
        shapes_mix=AMLSIM_MIX + EXTRA_MIX, new_account_share=0.5),
}


class Config:
    def __init__(self, preset, seed, **over):
        spec = dict(PRESETS[preset])
        for k, v in over.items():
            if v is not None:
                spec[k] = v
        self.preset = preset
        self.seed = seed
        self.accounts = int(spec["accounts"])
        self.transactions = int(spec["transactions"])
        self.days = int(spec["days"])
        self.start = dt.date.fromisoformat(spec["start"]) if isinstance(spec["start"], str) else spec["start"]
        self.mule_share = float(spec["mule_share"])
        self.currencies = spec["currencies"]
        self.countries = spec["countries"]
        self.opening = spec["opening"]
        self.fees = bool(spec["fees"])
        self.population = spec["population"]
        lc = spec["ledger_countries"]
        if self.countries == "one":
            lc = lc[:1]
            self.partner_countries = [lc[0][0]]
        else:
            self.partner_countries = list(spec["partner_countries"])
        self.ledger_countries = [c for c, _ in lc]
        total = sum(s for _, s in lc)
        cum, acc = [], 0.0
        for _, s in lc:
            acc += s / total
            cum.append(acc)
        self.ledger_country_shares = cum
        self.crime_mix = spec["crime_mix"]
        self.shapes_mix = spec["shapes_mix"]
        self.new_account_share = spec["new_account_share"]
        self.base_currency = money.currency_of(self.ledger_countries[0])

    def currency_for(self, country, kind, in_bank, rng):
        if self.currencies == "one":
            return self.base_currency
        cur = money.currency_of(country)
        if self.countries == "one" and in_bank:
            # one country, several currencies: some customers hold foreign-currency accounts
            share = 0.25 if kind in ("business", "employer", "merchant") else 0.06
            if rng.random() < share:
                return rng.choice([c for c in ("USD", "EUR", "GBP") if c != cur])
        return cur

    def describe(self):
        return {
            "preset": self.preset, "seed": self.seed, "accounts_requested": self.accounts,
            "transactions_requested": self.transactions, "days": self.days, "start": self.start.isoformat(),
            "mule_share": self.mule_share, "currencies": self.currencies, "countries": self.countries,
            "opening": self.opening, "fees": self.fees, "population": self.population,
            "ledger_countries": self.ledger_countries, "partner_countries": self.partner_countries,
            "crime_mix": self.crime_mix, "shapes_mix": self.shapes_mix,
        }


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for name, wt in weighted:
        r -= wt
        if r <= 0:
            return name
    return weighted[-1][0]


def generate(cfg, out_dir, log=None):
    t0 = time.time()
    rng = random.Random(cfg.seed)
    w = World(rng, cfg)
    currencies = {money.currency_of(c) for c in money.COUNTRIES} | {"USDT"}
    w.fx = money.FxTable(rng, cfg.days, currencies)

    sar_target = max(3, int(round(cfg.mule_share * cfg.accounts)))
    pop = population.build(w, cfg.accounts - int(sar_target * cfg.new_account_share))

    # ---------------------------------------------------------------- legitimate structure
    normal = Normal(w, pop)
    for acct in pop.persons:
        normal.person(acct)
    businesses = [a for a in w.accounts if a.in_bank and a.role in (
        "employer", "merchant", "small_business", "intercompany", "zba_master")]
    for acct in businesses:
        normal.business(acct)
    for acct in pop.escrows:
        normal.escrow(acct)
    for acct in pop.charities:
        normal.charity(acct)
    for master, subs in pop.zba_groups:
        normal.zba_customers(master, subs)
    for group in pop.intercompany:
        normal.intercompany(group)
    for group in pop.rosca_groups:
        normal.rosca(group)
    normal.payroll_agent_funding()
    normal.mto_batches()

    # ---------------------------------------------------------------- crime
    crime = Crime(w, pop)
    shapes = Shapes(crime)
    guard = 0
    while len(crime.sar) < sar_target and guard < 10000:
        guard += 1
        kind = pick(rng, cfg.crime_mix)
        if kind == "pig":
            PigButchering(crime).build()
        elif kind == "retail":
            retail_ring(crime)
        else:
            shapes.build(pick(rng, cfg.shapes_mix))

    # ---------------------------------------------------------------- spending, sized to --transactions
    months = cfg.days / MONTH
    structural = len(w.events)
    in_bank_business = [a for a in w.accounts if a.in_bank and a.idx in pop.treasuries and not a.sar]
    treasury_guess = len(in_bank_business) * (cfg.days / 7) * 0.35
    opening_guess = {"none": 0, "all": 1.0, "partial": 0.6}[cfg.opening] * sum(1 for a in w.accounts if a.in_bank)
    spenders = [a for a in pop.persons if a.profile]
    expected = sum(Normal.expected_spending(a, months) for a in spenders)
    expected += sum(Normal.expected_split(g, months) for g in pop.split_groups)
    room = cfg.transactions * 1.08 - structural - treasury_guess - opening_guess
    w.intensity = max(0.05, min(50.0, room / max(1.0, expected)))
    for acct in spenders:
        normal.person_spending(acct)
    for group in pop.split_groups:
        normal.split_group(group)

    # ---------------------------------------------------------------- sweeps and treasury
    subs = [s for _, ss in pop.zba_groups for s in ss]
    by_account = group_events_by_account(w.events, {s.idx for s in subs})
    for master, ss in pop.zba_groups:
        normal.zba_sweeps(master, ss, by_account)
    watch = {a.idx for a in in_bank_business} | {a.idx for a in pop.by_role.get("landlord", [])}
    by_account = group_events_by_account(w.events, watch)
    treasury(w, in_bank_business, by_account, pop.treasuries)
    normal.landlord_decoys(by_account)

    # ---------------------------------------------------------------- settle, trim, write
    kept = output.settle(w)
    side_rng = random.Random(cfg.seed * 1000003 + 17)
    opening = output.opening_rows(w, side_rng)
    kept = output.trim(w, kept, len(opening), cfg.transactions, side_rng)
    roles = {}
    for a in w.accounts:
        roles[a.role] = roles.get(a.role, 0) + 1
    meta = {"config": cfg.describe(), "generator": "bench/gen/ledger_world.py", "intensity": round(w.intensity, 4)}
    counts = output.write(w, out_dir, kept, opening, crime.alerts + normal.decoys, crime.scheme_tx, crime.victims,
                          roles, meta)
    write_truth_readme(out_dir, cfg, counts)
    if log:
        log("generated %d transactions, %d accounts (%d SAR, %d victims) in %.1fs -> %s" % (
            counts["transactions"], counts["accounts"], counts["sar_accounts"], counts["victims"],
            time.time() - t0, out_dir))
    return counts


def write_truth_readme(out_dir, cfg, counts):
    alerts = "\n".join("  %-40s %d" % (k, v) for k, v in counts["alerts"].items())
    text = """A synthetic bank ledger with laundering ground truth, written by bench/gen/ledger_world.py
(an independent generator: it shares no code with crackdown's own).

Preset %(preset)s, seed %(seed)d: %(days)d days from %(start)s; in-bank countries %(lc)s;
counterparty countries %(pc)s; currencies %(cur)s (%(curlist)s); opening balances %(opening)s;
mule cuts (fees) %(fees)s; population %(population)s.

Ledger: %(tx)d transfers (%(open)d opening-balance rows, %(conv)d currency-conversion legs),
%(acc)d accounts (%(inbank)d held at this bank; the rest are counterparties at other banks, mostly
kind `unknown`).

Truth:
  mules.csv      every account; is_sar=1 for %(sar)d mule and laundering accounts (declared
                 members of a scheme, including %(inert)d that never transacted: sar_active=0)
  alerts.csv     one row per scheme shape (is_sar=1, tx_source generated) and per legitimate
                 look-alike (is_sar=0, tx_source confounder: landlords, savings circles, payroll
                 agents, zero-balance sweeps, escrow, salary sweepers, intercompany loops, friends
                 splitting bills). `accounts` = members that took part in the alert's transfers,
                 `members` = all declared members, `tx_ids` = the shape's own transfers.
  victims.txt    %(victims)d accounts that paid a scam (not SAR: victims are not mules)
  scheme_tx.csv  every transfer of a crime scheme with its scheme id and role (victim_payment,
                 victim_funding, bait_payout, placement, layering, off_ramp)
  roles.csv      every account's walk of life (salaried, salary_sweeper, landlord, mule_fresh,
                 mule_front, collector, ...), whether it is held here, and the day it opened
  meta.json      the configuration and counts

Alerts:
%(alerts)s
""" % {
        "preset": cfg.preset, "seed": cfg.seed, "days": cfg.days, "start": cfg.start.isoformat(),
        "lc": ", ".join(cfg.ledger_countries), "pc": ", ".join(cfg.partner_countries), "cur": cfg.currencies,
        "curlist": ", ".join(counts["currencies"]), "opening": cfg.opening, "fees": "on" if cfg.fees else "off",
        "population": cfg.population, "tx": counts["transactions"], "open": counts["opening_balance_rows"],
        "conv": counts["conversion_legs"], "acc": counts["accounts"], "inbank": counts["in_bank_accounts"],
        "sar": counts["sar_accounts"], "inert": counts["sar_accounts"] - counts["sar_active_accounts"],
        "victims": counts["victims"], "alerts": alerts,
    }
    with open(os.path.join(out_dir, "truth", "README"), "w") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--preset", choices=sorted(PRESETS), default="pigbutcher")
    ap.add_argument("--accounts", type=int)
    ap.add_argument("--transactions", type=int)
    ap.add_argument("--days", type=int)
    ap.add_argument("--start", help="first day, YYYY-MM-DD")
    ap.add_argument("--mule-share", type=float, help="share of accounts that are SAR")
    ap.add_argument("--currencies", choices=("one", "many"))
    ap.add_argument("--countries", choices=("one", "many"))
    ap.add_argument("--opening", choices=("none", "all", "partial"), help="opening-balance rows")
    ap.add_argument("--fees", dest="fees", action="store_true", default=None, help="mules keep a cut")
    ap.add_argument("--no-fees", dest="fees", action="store_false")
    ap.add_argument("--population", choices=("retail", "mixed"))
    ap.add_argument("--selftest", action="store_true", help="generate small worlds and check the invariants")
    a = ap.parse_args(argv)
    if a.selftest:
        sys.exit(0 if selftest.run(generate, Config) else 1)
    if not a.out:
        ap.error("--out is required")
    if a.accounts is not None and a.accounts < 300:
        ap.error("--accounts must be at least 300")
    if a.days is not None and not 30 <= a.days <= 1100:
        ap.error("--days must be between 30 and 1100")
    if a.mule_share is not None and not 0.001 <= a.mule_share <= 0.3:
        ap.error("--mule-share must be between 0.001 and 0.3")
    start = None
    if a.start:
        try:
            start = dt.date.fromisoformat(a.start)
        except ValueError:
            ap.error("--start %r is not a date YYYY-MM-DD" % a.start)
    cfg = Config(a.preset, a.seed, accounts=a.accounts, transactions=a.transactions, days=a.days, start=start,
                 mule_share=a.mule_share, currencies=a.currencies, countries=a.countries, opening=a.opening,
                 fees=a.fees, population=a.population)
    generate(cfg, a.out, log=lambda m: print(m, file=sys.stderr))


if __name__ == "__main__":
    main()
