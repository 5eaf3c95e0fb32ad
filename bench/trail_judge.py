#!/usr/bin/env python3
"""Judges `crackdown mules` and `crackdown typologies` output on a labelled
AMLSim-derived ledger, split into development folds and a held-back fold.

The split (written down so nobody tunes on the held-back part):
  fold(alert)   = sha256("crackdown-trail-split:" + alert_id)[:8] as hex, mod 5
  fold(account) = the fold of the first alert (in alerts.csv order) that lists
                  it among its members, else sha256("crackdown-trail-split:" +
                  account)[:8] mod 5
  fold 0 is held back: develop on folds 1-4 (`--part dev`), report fold 0
  (`--part held`). Accounts of one alert stay on one side, so an alert's
  members never inform the score of the held-back half of the same alert.

Mule AP is computed over the part's accounts only (and the two naive
baselines of the data's eval.py over the same accounts); typology recall
over the part's alerts with every hit judged (hits per alert = all hits /
all alerts of the ledger, the ratio does not depend on the part).

  python3 bench/trail_judge.py --data ../shared/data/amlsim-dev --mules mules.csv --hits hits.json --part dev
  python3 bench/trail_judge.py ... --labels-out labels.csv   # half of the dev accounts' labels, for --labels
"""

import argparse
import csv
import hashlib
import importlib.util
import json
import os

SALT = "crackdown-trail-split:"
HELD = 0


def fold_of(text):
    return int(hashlib.sha256((SALT + text).encode()).hexdigest()[:8], 16) % 5


def load_eval(data):
    """The scorer beside the data (the AMLSim folder ships one), else the
    AMLSim folder's, which reads ledger_world's truth too (bench/gen/README.md)."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(data, "eval.py")] + [
        os.path.join(here, *up, "shared", "data", "amlsim-dev", "eval.py") for up in (("..", ".."), ("..", "..", ".."))]
    path = next((candidate for candidate in candidates if os.path.exists(candidate)), candidates[0])
    spec = importlib.util.spec_from_file_location("amlsim_eval", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def folds(data, ev):
    truth = os.path.join(data, "truth")
    alerts = ev.load_alerts(truth)
    labels, active = ev.load_mules(truth)
    alert_fold = {alert["alert_id"]: fold_of(alert["alert_id"]) for alert in alerts}
    account_fold = {}
    for alert in alerts:
        for account in sorted(alert["members"] | alert["accounts"]):
            account_fold.setdefault(account, alert_fold[alert["alert_id"]])
    for account in labels:
        account_fold.setdefault(account, fold_of(account))
    return alert_fold, account_fold, labels, active


def in_part(fold, part):
    return part == "all" or (fold == HELD) == (part == "held")


def judge(data, mules=None, hits=None, part="dev"):
    ev = load_eval(data)
    alert_fold, account_fold, labels, active = folds(data, ev)
    universe = [a for a in labels if in_part(account_fold[a], part)]
    out = {"part": part, "accounts": len(universe), "sar": sum(labels[a] for a in universe)}
    base = ev.baseline_scores(os.path.join(data, "ledger.csv"))
    for name in ("degree", "passthrough"):
        out[f"baseline_{name}_ap"] = ev.average_precision(base[name], labels, universe)
    if mules:
        scores, _ = ev.load_pred_scores(mules, labels)
        out["mule_ap"] = ev.average_precision(scores, labels, universe)
        active_universe = [a for a in universe if not (labels[a] == 1 and active[a] == 0)]
        out["mule_ap_active"] = ev.average_precision(scores, active, active_universe)
    if hits:
        with open(hits) as handle:
            found = json.load(handle)
        original = ev.load_alerts
        total_alerts = len([a for a in original(os.path.join(data, "truth")) if a["is_sar"]])
        ev.load_alerts = lambda truth: [a for a in original(truth) if in_part(alert_fold[a["alert_id"]], part)]
        report = dict(ev.typology_report(data, found))
        ev.load_alerts = original
        for key, value in report.items():
            if key.startswith("typology_recall_") or key in ("typology_alert_recall", "typology_alerts_judged"):
                out[key] = value
        out["typology_hits"] = len(found)
        out["hits_per_alert"] = len(found) / max(1, total_alerts)
    return out


def write_labels(data, path, part="dev", share=2):
    """Labels of every `share`-th account of the part (by hash): the other
    accounts are the ones to judge a `--labels` model on. Accounts of one
    alert are labelled together or not at all."""
    ev = load_eval(data)
    alert_fold, account_fold, labels, _ = folds(data, ev)
    truth = os.path.join(data, "truth")
    group = {}
    for alert in ev.load_alerts(truth):
        for account in alert["members"] | alert["accounts"]:
            group.setdefault(account, "alert:" + alert["alert_id"])
    chosen = []
    for account in sorted(labels):
        if not in_part(account_fold[account], part):
            continue
        key = group.get(account, account)
        if int(hashlib.sha256(("labelled:" + key).encode()).hexdigest()[:8], 16) % share == 0:
            chosen.append(account)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account", "label"])
        for account in chosen:
            writer.writerow([account, labels[account]])
    return set(chosen)


def judge_unlabelled(data, mules, labelled, part="dev"):
    """Mule AP over the part's accounts that were not labelled."""
    ev = load_eval(data)
    _, account_fold, labels, _ = folds(data, ev)
    universe = [a for a in labels if in_part(account_fold[a], part) and a not in labelled]
    scores, _ = ev.load_pred_scores(mules, labels)
    base = ev.baseline_scores(os.path.join(data, "ledger.csv"))
    return {
        "accounts": len(universe),
        "sar": sum(labels[a] for a in universe),
        "mule_ap": ev.average_precision(scores, labels, universe),
        "baseline_degree_ap": ev.average_precision(base["degree"], labels, universe),
        "baseline_passthrough_ap": ev.average_precision(base["passthrough"], labels, universe),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--mules")
    parser.add_argument("--hits")
    parser.add_argument("--part", choices=["dev", "held", "all"], default="dev")
    parser.add_argument("--labels-out", help="write half of the part's labels here and judge --mules on the rest")
    parser.add_argument("--labelled", help="a labels file written before: judge --mules on the part's other accounts")
    args = parser.parse_args()
    if args.labels_out:
        labelled = write_labels(args.data, args.labels_out, args.part)
        print(f"wrote {len(labelled)} labels to {args.labels_out}")
        return
    if args.labelled:
        with open(args.labelled, newline="") as handle:
            labelled = {row["account"] for row in csv.DictReader(handle)}
        result = judge_unlabelled(args.data, args.mules, labelled, args.part)
    else:
        result = judge(args.data, args.mules, args.hits, args.part)
    for key, value in result.items():
        print(f"{key}={value:.4f}" if isinstance(value, float) else f"{key}={value}")


if __name__ == "__main__":
    main()
