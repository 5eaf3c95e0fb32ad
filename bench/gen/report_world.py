#!/usr/bin/env python3
"""An independent world of multilingual scam-victim reports, with the truth of
which scam operation each report is about, for judging campaign linking.

    python3 bench/gen/report_world.py --out DIR --seed N [--reports 30000 --operations 520]
    python3 bench/gen/report_world.py --selftest

Writes DIR/reports.jsonl (crackdown's bulk import format), DIR/truth.jsonl
({"id","operation","victim"}), DIR/truth/operations.jsonl (each operation: type,
brand, kit, countries, personas, indicators with their windows, values shared with
other operations), DIR/truth/lookups.jsonl (values to look up, as victims would type
them, with the true number of distinct reports naming each), DIR/truth/hubs.jsonl,
DIR/truth/mentions.jsonl (the canonical values each report names) and
DIR/truth/summary.json. Deterministic per seed. Seeds 1-5 are for development;
seeds 1001-1010 are held back (see REPORTS.md). Python 3 standard library only.
"""

import argparse
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rw_lookups import build_lookups, hub_table, scam_value_keys  # noqa: E402
from rw_phrases import phrase  # noqa: E402
from rw_places import COUNTRIES, CURRENCY_DECIMALS, LOSS_SCALE  # noqa: E402
from rw_reports import Composer  # noqa: E402
from rw_world import DAY, WorldBuilder, weighted  # noqa: E402

EPOCH = datetime(2024, 7, 1, tzinfo=timezone.utc)
LOSS_FACTOR = {"pig": 4.0, "crypto": 2.5, "task": 0.6, "parcel": 0.03, "toll": 0.02, "tax": 0.1, "bank": 1.5,
               "authority": 3.0, "loan": 0.1, "sextortion": 0.2, "tech": 0.6, "recovery": 1.0}
DUPLICATE_RATE = 0.035


def rfc3339(seconds, utc_offset, rng):
    hours, minutes = int(utc_offset[:3]), int(utc_offset[0] + utc_offset[4:6])
    local = EPOCH + timedelta(seconds=seconds) + timedelta(hours=hours, minutes=minutes)
    stamp = local.strftime("%Y-%m-%dT%H:%M:%S")
    if utc_offset == "+00:00" and rng.random() < 0.5:
        return stamp + "Z"
    return stamp + utc_offset


def loss_string(rng, value, currency):
    """A decimal string with no more decimals than `currency` has."""
    decimals = CURRENCY_DECIMALS[currency]
    if decimals == 0 or value >= 1000 or rng.random() < 0.7:
        whole = max(1, int(round(value)))
        if whole > 100:
            magnitude = 10 ** max(0, len(str(whole)) - rng.choice([2, 3, 3, 4]))
            whole = max(magnitude, int(round(whole / magnitude)) * magnitude)
        return str(whole)
    places = min(decimals, 2 if currency not in ("BTC", "ETH") else 6)
    return f"{max(value, 10 ** -places):.{places}f}"


class Generator:
    def __init__(self, seed, reports, operations):
        self.seed = seed
        self.rng = random.Random(f"report-world:{seed}")
        self.n_reports = reports
        self.n_ops = operations
        self.span_days = self.rng.randint(365, 730)
        self.builder = WorldBuilder(random.Random(f"world:{seed}"), operations, reports, self.span_days)
        self.ops = self.builder.build()
        self.composer = Composer(random.Random(f"text:{seed}"), self.ops, self.builder.phones, self.builder.accounts)

    def incident_loss(self, op, country):
        rng = self.rng
        if rng.random() < 0.22:
            return None, None
        currency = COUNTRIES[country]["currency"]
        if op.type in ("pig", "crypto", "recovery") and rng.random() < 0.35:
            currency = "USDT"
        value = rng.lognormvariate(0, 1.2) * LOSS_SCALE[currency] * LOSS_FACTOR[op.type]
        return value, currency

    def generate(self):
        """Every report as a dict with its truth fields (operation, victim, mentions, time)."""
        rng = self.rng
        records = []
        victim_seq = 0
        for op in self.ops:
            duplicates = sum(1 for _ in range(op.size - 1) if rng.random() < DUPLICATE_RATE)
            incidents = []
            for _ in range(op.size - duplicates):
                victim_seq += 1
                country = weighted(rng, op.countries)
                language = weighted(rng, COUNTRIES[country]["langs"])
                # Campaigns grow: later incidents are more frequent (square-root ramp).
                t = op.start + (op.end - op.start) * (rng.random() ** 0.7)
                loss, currency = self.incident_loss(op, country)
                loss_in_text = loss if currency == COUNTRIES[country]["currency"] else None
                text, mentions = self.composer.compose(op, country, language, t, self.text_amount(loss_in_text, currency))
                delay = rng.expovariate(1 / (20 if op.type in ("pig", "crypto", "recovery") else 4)) * DAY
                record = {
                    "victim": f"v{victim_seq}", "operation": op.id, "time": t + delay, "country": country,
                    "language": language, "text": text, "mentions": mentions,
                    "loss": (loss_string(rng, loss, currency), currency) if loss else None,
                    "tlp": weighted(rng, [("CLEAR", 0.15), ("GREEN", 0.35), ("AMBER", 0.5)]),
                    "consent_publish": rng.random() < 0.4,
                }
                incidents.append(record)
                records.append(record)
            for _ in range(duplicates):
                records.append(self.resubmission(rng.choice(incidents)))
        records.sort(key=lambda r: (r["time"], r["victim"]))
        for index, record in enumerate(records):
            record["id"] = f"rw{self.seed}-{index + 1:07d}"
        return records

    def text_amount(self, loss, currency):
        if loss is None:
            return None
        return int(round(loss)) if CURRENCY_DECIMALS[currency] == 0 or loss >= 100 else round(loss, 2)

    def resubmission(self, original):
        """The same victim sending their report again: verbatim, or with an update."""
        rng = self.rng
        copy = dict(original)
        copy["time"] = original["time"] + rng.expovariate(1 / 0.8) * DAY
        roll = rng.random()
        if roll < 0.3:
            copy["text"] = phrase(rng, original["language"], "update") + original["text"]
        elif roll < 0.45:
            copy["text"] = original["text"] + " " + phrase(rng, original["language"], "plea")
        elif roll < 0.55:
            copy["text"] = original["text"].replace("  ", " ").strip() + "\n"
        if rng.random() < 0.3:
            copy["tlp"] = weighted(rng, [("CLEAR", 0.2), ("GREEN", 0.3), ("AMBER", 0.5)])
            copy["consent_publish"] = rng.random() < 0.4
        copy["resubmission"] = True
        return copy

    def import_line(self, record):
        rng = random.Random(record["id"])
        country = record["country"]
        out = {"id": record["id"], "text": record["text"],
               "language": record["language"] if rng.random() >= 0.03 else "en",
               "country": country if rng.random() >= 0.04 else None,
               "reported_at": rfc3339(record["time"], COUNTRIES[country]["utc"], rng),
               "loss_amount": record["loss"][0] if record["loss"] else None,
               "loss_currency": record["loss"][1] if record["loss"] else None,
               "tlp": record["tlp"], "consent_publish": record["consent_publish"]}
        return out


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def operation_json(op, records_by_op):
    mine = records_by_op.get(op.id, [])
    languages = {}
    for record in mine:
        languages[record["language"]] = languages.get(record["language"], 0) + 1
    total = sum(w for _, w in op.countries)
    indicators = [item.to_json(EPOCH) for items in op.items.values() for item in items]
    day = lambda s: (EPOCH + timedelta(seconds=s)).date().isoformat()  # noqa: E731
    return {
        "operation": op.id, "compound": op.compound, "scam_type": op.type, "reports": len(mine),
        "victims": len({r["victim"] for r in mine}), "active_from": day(op.start), "active_to": day(op.end),
        "countries": {c: round(w / total, 3) for c, w in op.countries}, "languages": languages,
        "brand": op.brand, "kit": op.kit["id"] if op.kit else None,
        "kit_patterns": op.kit["patterns"] if op.kit else None, "platform_stem": op.pstem,
        "personas": op.personas, "company": op.company, "apps": op.apps,
        "unique_deposit_addresses": op.unique_deposits,
        "anchors": [{"kind": k, "value": v} for k, v in op.anchors],
        "indicators": indicators,
        "shares": [{"operation": o, "kind": k, "value": v, "why": why} for o, k, v, why in op.shares],
    }


def summary(gen, records):
    sizes = sorted((op.size for op in gen.ops), reverse=True)
    brands, personas, companies = {}, {}, {}
    for op in gen.ops:
        if op.brand:
            brands.setdefault(op.brand, set()).add(op.id)
        for p in set(op.personas):
            personas.setdefault(p, set()).add(op.id)
        if op.company:
            companies.setdefault(op.company, set()).add(op.id)
    top = lambda table: sorted(((k, len(v)) for k, v in table.items()), key=lambda kv: (-kv[1], kv[0]))[:12]  # noqa: E731
    pct = lambda q: sizes[min(len(sizes) - 1, int(len(sizes) * q))]  # noqa: E731
    scam = scam_value_keys(gen.ops)
    types, langs = {}, {}
    for op in gen.ops:
        types[op.type] = types.get(op.type, 0) + 1
    for r in records:
        langs[r["language"]] = langs.get(r["language"], 0) + 1
    return {
        "seed": gen.seed, "reports": len(records), "operations": len(gen.ops), "span_days": gen.span_days,
        "size": {"max": sizes[0], "p90": pct(0.1), "median": pct(0.5), "min": sizes[-1],
                 "ops_with_1": sum(1 for s in sizes if s == 1), "ops_le_5": sum(1 for s in sizes if s <= 5),
                 "ops_ge_100": sum(1 for s in sizes if s >= 100), "top10_share": round(sum(sizes[:10]) / len(records), 3)},
        "no_indicator_share": round(sum(1 for r in records if not r["mentions"]) / len(records), 3),
        "no_scam_indicator_share": round(sum(1 for r in records if not any(m in scam for m in r["mentions"])) / len(records), 3),
        "resubmissions": sum(1 for r in records if r.get("resubmission")),
        "scam_types": types, "languages": dict(sorted(langs.items(), key=lambda kv: -kv[1])),
        "ops_per_brand": top(brands), "ops_per_persona": top(personas), "ops_per_company": top(companies),
        "shared_value_pairs": sum(len(op.shares) for op in gen.ops) // 2,
        "hub_wallets": [{"wallet": w, "operations": len(ops)} for w, ops in gen.builder.hub_wallets],
    }


def generate_world(out, seed, reports, operations, quiet=False):
    gen = Generator(seed, reports, operations)
    records = gen.generate()
    os.makedirs(os.path.join(out, "truth"), exist_ok=True)
    write_jsonl(os.path.join(out, "reports.jsonl"), (gen.import_line(r) for r in records))
    write_jsonl(os.path.join(out, "truth.jsonl"),
                ({"id": r["id"], "operation": r["operation"], "victim": r["victim"]} for r in records))
    write_jsonl(os.path.join(out, "truth", "mentions.jsonl"),
                ({"id": r["id"], "values": [{"kind": k, "value": v} for k, v in dict.fromkeys(r["mentions"])]} for r in records))
    by_op = {}
    for record in records:
        by_op.setdefault(record["operation"], []).append(record)
    write_jsonl(os.path.join(out, "truth", "operations.jsonl"), (operation_json(op, by_op) for op in gen.ops))
    hubs = hub_table(gen.builder, records)
    write_jsonl(os.path.join(out, "truth", "hubs.jsonl"), hubs)
    lookups = build_lookups(random.Random(f"lookups:{seed}"), gen, records, hubs)
    write_jsonl(os.path.join(out, "truth", "lookups.jsonl"), lookups)
    stats = summary(gen, records)
    with open(os.path.join(out, "truth", "summary.json"), "w", encoding="utf-8") as sink:
        json.dump(stats, sink, ensure_ascii=False, indent=1)
    if not quiet:
        print(json.dumps({k: stats[k] for k in ("seed", "reports", "operations", "size", "no_indicator_share",
                                                 "no_scam_indicator_share", "resubmissions")}, ensure_ascii=False))
    return stats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="directory to write (created)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reports", type=int, default=30000)
    parser.add_argument("--operations", type=int, default=520)
    parser.add_argument("--selftest", action="store_true", help="check format invariants and the scorer, then exit")
    args = parser.parse_args(argv)
    if args.selftest:
        from rw_selftest import run_selftest
        return run_selftest()
    if not args.out:
        parser.error("--out DIR is required (or --selftest)")
    if args.operations < 1 or args.reports < args.operations:
        parser.error("need at least one operation and at least one report per operation")
    generate_world(args.out, args.seed, args.reports, args.operations)
    return 0


if __name__ == "__main__":
    sys.exit(main())
