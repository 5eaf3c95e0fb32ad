#!/usr/bin/env python3
"""Scores predictions against a report world written by report_world.py.

    # campaign linking: pairwise (and B-cubed) precision / recall / F1
    python3 bench/gen/report_world_score.py clusters DIR PRED      # PRED: JSONL {"id","cluster"} or CSV id,cluster
    # the public lookup: exact count accuracy, per category and kind
    python3 bench/gen/report_world_score.py lookups DIR PRED [--public]   # PRED: JSONL {"value","count"}
    # what naive "link any shared value" does (union-find over indicator-looking tokens),
    # and the reference of ideal extraction with hubs removed (from the truth's mentions)
    python3 bench/gen/report_world_score.py baseline DIR [--cap N]

Reports missing from a clustering are singletons. Pairwise figures are given over
all pairs and over pairs of distinct victims (a victim's resubmission is a pair any
de-duplication gets for free). Standard library only; prints JSON.
"""

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter


class InputError(Exception):
    """Bad prediction or truth input, naming file, line and reason."""


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{path}:{number}: not JSON: {error.msg}") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}:{number}: expected a JSON object")
            rows.append((number, row))
    return rows


def read_truth(world):
    """id -> (operation, victim)."""
    path = os.path.join(world, "truth.jsonl")
    truth = {}
    for number, row in read_jsonl(path):
        if "id" not in row or "operation" not in row:
            raise InputError(f"{path}:{number}: needs \"id\" and \"operation\"")
        truth[str(row["id"])] = (str(row["operation"]), str(row.get("victim", row["id"])))
    return truth


def read_clusters(path):
    """id -> cluster, from JSONL ({"id", "cluster"|"campaign"|"cluster_id"}) or CSV (id, cluster)."""
    with open(path, encoding="utf-8") as source:
        first = source.read(1)
    clusters = {}
    if first in ("{", ""):
        for number, row in read_jsonl(path):
            key = next((k for k in ("cluster", "campaign", "cluster_id", "campaign_id") if k in row), None)
            if "id" not in row or key is None:
                raise InputError(f"{path}:{number}: needs \"id\" and \"cluster\"")
            if row[key] is None:
                continue
            clusters[str(row["id"])] = str(row[key])
        return clusters
    with open(path, encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        for number, row in enumerate(reader, 1):
            if not row or (number == 1 and row[0].strip().lower() == "id"):
                continue
            if len(row) < 2:
                raise InputError(f"{path}:{number}: expected two columns id,cluster")
            if row[1].strip():
                clusters[row[0].strip()] = row[1].strip()
    return clusters


# ---------------------------------------------------------------------------
# Clustering scores
# ---------------------------------------------------------------------------


def pairs(n):
    return n * (n - 1) // 2


def score_clusters(truth, predicted):
    """Pairwise and B-cubed precision/recall/F1 of `predicted` (id -> cluster) against
    `truth` (id -> (operation, victim)). Unknown ids in `predicted` are counted, not scored."""
    unknown = sum(1 for i in predicted if i not in truth)
    pred_of = {i: predicted.get(i, "\0single:" + i) for i in truth}
    cell, pred_size, true_size = Counter(), Counter(), Counter()
    same_victim_pred, same_victim = Counter(), Counter()
    for i, (operation, victim) in truth.items():
        p = pred_of[i]
        cell[(p, operation)] += 1
        pred_size[p] += 1
        true_size[operation] += 1
        same_victim[victim] += 1
        same_victim_pred[(p, victim)] += 1
    tp = sum(pairs(n) for n in cell.values())
    pp = sum(pairs(n) for n in pred_size.values())
    tt = sum(pairs(n) for n in true_size.values())
    dup = sum(pairs(n) for n in same_victim.values())
    dup_found = sum(pairs(n) for n in same_victim_pred.values())

    def prf(tp, pp, tt):
        precision = tp / pp if pp else 1.0
        recall = tp / tt if tt else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    # B-cubed: per report, the share of its predicted cluster in its operation and vice versa.
    b_precision = sum(cell[(pred_of[i], op)] / pred_size[pred_of[i]] for i, (op, _) in truth.items()) / len(truth)
    b_recall = sum(cell[(pred_of[i], op)] / true_size[op] for i, (op, _) in truth.items()) / len(truth)
    b_f1 = 2 * b_precision * b_recall / (b_precision + b_recall) if b_precision + b_recall else 0.0
    return {
        "reports": len(truth), "predicted_clusters": sum(1 for n in pred_size.values() if n > 1),
        "operations": len(true_size), "unknown_ids": unknown,
        "pairwise": {**prf(tp, pp, tt), "true_pairs": tt, "predicted_pairs": pp, "correct_pairs": tp},
        "pairwise_distinct_victims": prf(tp - dup_found, pp - dup_found, tt - dup),
        "bcubed": {"precision": round(b_precision, 4), "recall": round(b_recall, 4), "f1": round(b_f1, 4)},
    }


# ---------------------------------------------------------------------------
# Lookup scores
# ---------------------------------------------------------------------------


def score_lookups(truth_rows, predictions, public=False):
    """Exact-count accuracy of predicted lookup counts, overall, per category and per kind."""
    field = "public_count" if public else "count"
    predicted = {}
    for number, row in predictions:
        if "value" not in row or "count" not in row:
            raise InputError(f"predictions line {number}: needs \"value\" and \"count\"")
        try:
            predicted[str(row["value"])] = int(row["count"])
        except (TypeError, ValueError):
            raise InputError(f"predictions line {number}: \"count\" {row['count']!r} is not an integer") from None
    groups = {}

    def tally(name, ok, error, missing):
        g = groups.setdefault(name, {"n": 0, "exact": 0, "abs_error": 0, "missing": 0})
        g["n"] += 1
        g["exact"] += ok
        g["abs_error"] += error
        g["missing"] += missing

    for row in truth_rows:
        want = row[field]
        got = predicted.get(row["value"])
        ok = got == want
        error = abs((got or 0) - want)
        for name in ("all", "category:" + row["category"], "kind:" + row["kind"]):
            tally(name, ok, error, got is None)
    return {name: {"n": g["n"], "exact_accuracy": round(g["exact"] / g["n"], 4),
                   "mean_abs_error": round(g["abs_error"] / g["n"], 3), "missing": g["missing"]}
            for name, g in sorted(groups.items())}


# ---------------------------------------------------------------------------
# Naive baseline: link any shared indicator-looking token
# ---------------------------------------------------------------------------

REFANG = [(re.compile(r"\[\.\]|\(\.\)|\[dot\]|\s+dot\s+", re.I), "."), (re.compile(r"hxxp", re.I), "http"),
          (re.compile(r"\[at\]", re.I), "@"), (re.compile(r"\[:\]"), ":")]
DIGITS = str.maketrans("０１２３４５６７８９＋－๐๑๒๓๔๕๖๗๘๙", "0123456789+-0123456789")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HOST = re.compile(r"(?<![\w@.-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\w-])")
WALLET = re.compile(r"\b(T[1-9A-HJ-NP-Za-km-z]{33}|0x[0-9a-fA-F]{40}|bc1[02-9ac-hj-np-z]{20,70}|[13][1-9A-HJ-NP-Za-km-z]{25,34})\b")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
NUMBER = re.compile(r"\+?\d[\d \-.()]{6,}\d")
HANDLE = re.compile(r"@([A-Za-z0-9_.]{4,})")


def tokens(text):
    """Indicator-looking tokens of a text, the way a quick script would find them."""
    text = text.translate(DIGITS)
    for pattern, replacement in REFANG:
        text = pattern.sub(replacement, text)
    found = set()
    for email in EMAIL.findall(text):
        found.add("email:" + email.lower())
    without_email = EMAIL.sub(" ", text)
    for host in HOST.findall(without_email.lower()):
        found.add("host:" + (host[4:] if host.startswith("www.") else host))
    for wallet in WALLET.findall(text):
        found.add("wallet:" + (wallet.lower() if wallet.startswith("0x") else wallet))
    for iban in IBAN.findall(text):
        found.add("iban:" + iban.replace(" ", ""))
    for number in NUMBER.findall(without_email):
        digits = re.sub(r"\D", "", number)
        if len(digits) >= 8:
            found.add("num:" + digits[-9:])
    for handle in HANDLE.findall(without_email):
        found.add("handle:" + handle.lower().rstrip("."))
    return found


def baseline_clusters(reports, cap=None):
    """Union-find over reports sharing any token (tokens in more than `cap` reports ignored)."""
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    holders = {}
    for report_id, text in reports:
        parent[report_id] = report_id
        for token in tokens(text):
            holders.setdefault(token, []).append(report_id)
    for members in holders.values():
        if len(members) < 2 or (cap and len(members) > cap):
            continue
        root = find(members[0])
        for other in members[1:]:
            other_root = find(other)
            if other_root != root:
                parent[other_root] = root
    return {report_id: find(report_id) for report_id, _ in reports}, holders


def baseline_lookups(lookups, holders):
    """Naive lookup: reports containing any token of the looked-up value (no de-duplication)."""
    out = []
    for row in lookups:
        found = set()
        for token in tokens(row["value"]):
            found.update(holders.get(token, ()))
        out.append((0, {"value": row["value"], "count": len(found)}))
    return out


def ideal_clusters(world):
    """Union-find over the canonical values the truth says each report names, hubs
    removed: perfect extraction and a perfect hub list, but no knowledge of which
    specific values two operations share (a rented mule, a shared cash-out wallet)."""
    hubs = {(row["kind"], row["value"]) for _, row in read_jsonl(os.path.join(world, "truth", "hubs.jsonl"))}
    parent, holders = {}, {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, row in read_jsonl(os.path.join(world, "truth", "mentions.jsonl")):
        parent[row["id"]] = row["id"]
        for value in row["values"]:
            key = (value["kind"], value["value"])
            if key not in hubs:
                holders.setdefault(key, []).append(row["id"])
    for members in holders.values():
        root = find(members[0])
        for other in members[1:]:
            other_root = find(other)
            if other_root != root:
                parent[other_root] = root
    return {report_id: find(report_id) for report_id in parent}


def read_reports(world):
    path = os.path.join(world, "reports.jsonl")
    return [(str(row["id"]), row.get("text", "")) for _, row in read_jsonl(path)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clusters", help="score a clustering")
    c.add_argument("world")
    c.add_argument("prediction")
    lk = sub.add_parser("lookups", help="score lookup counts")
    lk.add_argument("world")
    lk.add_argument("prediction")
    lk.add_argument("--public", action="store_true", help="compare with public_count (CLEAR or consented reports only)")
    b = sub.add_parser("baseline", help="naive shared-token union-find, scored")
    b.add_argument("world")
    b.add_argument("--cap", type=int, action="append",
                   help="also score a variant ignoring tokens held by more than N reports (repeatable)")
    args = parser.parse_args(argv)
    try:
        if args.command == "clusters":
            result = score_clusters(read_truth(args.world), read_clusters(args.prediction))
        elif args.command == "lookups":
            truth_rows = [row for _, row in read_jsonl(os.path.join(args.world, "truth", "lookups.jsonl"))]
            result = score_lookups(truth_rows, read_jsonl(args.prediction), args.public)
        else:
            truth = read_truth(args.world)
            reports = read_reports(args.world)
            result = {}
            holders = None
            for cap in [None] + (args.cap or []):
                clusters, held = baseline_clusters(reports, cap)
                holders = holders or held
                result["naive" if cap is None else f"naive_cap{cap}"] = score_clusters(truth, clusters)
            result["ideal_extraction_hubs_removed"] = score_clusters(truth, ideal_clusters(args.world))
            lookups = [row for _, row in read_jsonl(os.path.join(args.world, "truth", "lookups.jsonl"))]
            scored = score_lookups(lookups, baseline_lookups(lookups, holders))
            result["naive_lookups"] = {k: v for k, v in scored.items() if k == "all" or k.startswith("category:")}
    except (InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
