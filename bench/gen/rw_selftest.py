"""`report_world.py --selftest`: format invariants of a small world, agreement of the
text with its truth, determinism, and the scorer on hand-made examples.

Each check raises AssertionError with what broke; the closing line says
"N passed, N failed".
"""

import hashlib
import json
import os
import re
import tempfile
import traceback
from datetime import datetime

import rw_indicators as ind
from report_world import generate_world
from report_world_score import (InputError, baseline_clusters, read_clusters, score_clusters, score_lookups, tokens)
from rw_places import COUNTRIES, CURRENCY_DECIMALS

FIELDS = {"id", "text", "language", "country", "reported_at", "loss_amount", "loss_currency", "tlp", "consent_publish"}
REFANG = [("[.]", "."), ("(.)", "."), ("[dot]", "."), (" dot ", "."), (". ", "."), ("[at]", "@"), ("hxxp", "http")]


def load(path):
    with open(path, encoding="utf-8") as source:
        return [json.loads(line) for line in source]


def digits_only(text):
    return re.sub(r"\D", "", text.translate(ind.FULLWIDTH_BACK).translate(ind.THAI_BACK))


def named_in_text(kind, value, text):
    """Whether the text carries `value` in some complete written form."""
    low = text.lower()
    for old, new in REFANG:
        low = low.replace(old, new)
    if kind == "phone":
        return value[-7:] in digits_only(text)
    if kind == "bank_account":
        return value in digits_only(text)
    if kind == "iban":
        return value in text.upper().replace(" ", "")
    if kind == "wallet":
        return value in text or (value.startswith("0x") and value in text.lower())
    if kind == "handle":
        return value.split(":", 1)[1] in text.lower()
    if kind in ("domain", "email"):
        return value in low or value in low.replace("www.", "")
    if kind in ("short_url", "url"):
        return value in text
    raise AssertionError(f"unknown mention kind {kind}")


def check_world(out):
    reports = load(os.path.join(out, "reports.jsonl"))
    truth = load(os.path.join(out, "truth.jsonl"))
    mentions = load(os.path.join(out, "truth", "mentions.jsonl"))
    operations = load(os.path.join(out, "truth", "operations.jsonl"))
    lookups = load(os.path.join(out, "truth", "lookups.jsonl"))
    ids = [r["id"] for r in reports]
    assert len(ids) == len(set(ids)), "report ids are not unique"
    for line, report in enumerate(reports, 1):
        where = f"reports.jsonl:{line}"
        assert set(report) == FIELDS, f"{where}: fields {sorted(report)}"
        assert isinstance(report["text"], str) and report["text"].strip(), f"{where}: empty text"
        assert "None" not in report["text"] and not re.search(r"\{[a-z_]+\}", report["text"]), \
            f"{where}: unfilled part in {report['text']!r}"
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", report["language"]), f"{where}: language {report['language']!r}"
        assert report["country"] is None or report["country"] in COUNTRIES, f"{where}: country {report['country']!r}"
        assert datetime.fromisoformat(report["reported_at"]).tzinfo is not None, f"{where}: reported_at without offset"
        assert report["tlp"] in ("CLEAR", "GREEN", "AMBER"), f"{where}: tlp {report['tlp']!r}"
        assert isinstance(report["consent_publish"], bool), f"{where}: consent_publish not a boolean"
        amount, currency = report["loss_amount"], report["loss_currency"]
        assert (amount is None) == (currency is None), f"{where}: loss amount and currency go together"
        if amount is not None:
            match = re.fullmatch(r"(\d+)(?:\.(\d+))?", amount)
            assert match and float(amount) > 0, f"{where}: loss_amount {amount!r} is not a positive decimal string"
            assert len(match.group(2) or "") <= CURRENCY_DECIMALS[currency], f"{where}: {amount} has too many decimals for {currency}"
    assert [t["id"] for t in truth] == ids, "truth.jsonl does not list the reports in order"
    assert [m["id"] for m in mentions] == ids, "mentions.jsonl does not list the reports in order"
    op_ids = {o["operation"] for o in operations}
    per_op = {}
    for t in truth:
        assert t["operation"] in op_ids, f"truth names unknown operation {t['operation']}"
        per_op[t["operation"]] = per_op.get(t["operation"], 0) + 1
    for o in operations:
        assert per_op.get(o["operation"], 0) == o["reports"], f"{o['operation']}: size {o['reports']} != truth"
    text_of = {r["id"]: r["text"] for r in reports}
    for m in mentions:
        for value in m["values"]:
            assert named_in_text(value["kind"], value["value"], text_of[m["id"]]), \
                f"{m['id']}: {value} not found in text {text_of[m['id']]!r}"
    # Lookup counts recounted from mentions, victims and publication flags.
    victim_of = {t["id"]: t["victim"] for t in truth}
    public_of = {r["id"]: r["tlp"] == "CLEAR" or r["consent_publish"] for r in reports}
    named = {}
    for m in mentions:
        for value in m["values"]:
            keys = [(value["kind"], value["value"])]
            if value["kind"] == "domain":
                labels = value["value"].split(".")
                keys = [("domain", ".".join(labels[i:])) for i in range(len(labels) - 1)]
            for key in keys:
                victims = named.setdefault(key, {})
                victims[victim_of[m["id"]]] = victims.get(victim_of[m["id"]], False) or public_of[m["id"]]
    categories = set()
    for row in lookups:
        victims = named.get((row["kind"], row["canonical"]), {})
        assert row["count"] == len(victims), f"lookup {row['value']!r}: count {row['count']} != {len(victims)}"
        assert row["public_count"] == sum(victims.values()), f"lookup {row['value']!r}: public count"
        assert row["category"] != "unreported" or row["count"] == 0, f"unreported lookup {row['value']!r} is named"
        categories.add(row["category"])
    assert categories == {"reported", "hub", "unreported"}, f"lookup categories {categories}"
    return reports


def digest(out):
    h = hashlib.sha256()
    for name in ("reports.jsonl", "truth.jsonl", "truth/operations.jsonl", "truth/lookups.jsonl"):
        with open(os.path.join(out, name), "rb") as source:
            h.update(source.read())
    return h.hexdigest()


def test_world_invariants_and_determinism():
    with tempfile.TemporaryDirectory() as tmp:
        a, b, c = (os.path.join(tmp, n) for n in "abc")
        stats = generate_world(a, 7, 1500, 60, quiet=True)
        generate_world(b, 7, 1500, 60, quiet=True)
        generate_world(c, 8, 1500, 60, quiet=True)
        reports = check_world(a)
        check_world(c)
        assert len(reports) == 1500 and stats["operations"] == 60
        assert digest(a) == digest(b), "the same seed wrote different files"
        assert digest(a) != digest(c), "different seeds wrote the same files"
        assert stats["size"]["max"] >= 5 * stats["size"]["median"], f"sizes are not heavy-tailed: {stats['size']}"
        assert 0.05 < stats["no_indicator_share"] < 0.5, stats["no_indicator_share"]


def test_pairwise_scores_by_hand():
    truth = {"a": ("op1", "va"), "b": ("op1", "vb"), "c": ("op1", "vb"), "d": ("op2", "vd"), "e": ("op2", "ve"),
             "f": ("op3", "vf")}
    # predicted {a,b} {c,d,e} {f}: true pairs ab ac bc de = 4; predicted ab cd ce de = 4; correct ab de = 2.
    result = score_clusters(truth, {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"})
    assert result["pairwise"]["precision"] == 0.5 and result["pairwise"]["recall"] == 0.5, result["pairwise"]
    assert result["pairwise"]["f1"] == 0.5
    # b and c are one victim's resubmission: without that pair, 3 true pairs, 1 correct... of 4 predicted.
    distinct = result["pairwise_distinct_victims"]
    assert distinct["precision"] == 0.5 and distinct["recall"] == round(2 / 3, 4), distinct
    perfect = score_clusters(truth, {k: v[0] for k, v in truth.items()})
    assert perfect["pairwise"]["f1"] == 1.0 and perfect["bcubed"]["f1"] == 1.0
    singletons = score_clusters(truth, {})
    assert singletons["pairwise"]["recall"] == 0.0 and singletons["pairwise"]["f1"] == 0.0
    lumped = score_clusters(truth, {k: "x" for k in truth})
    assert lumped["pairwise"]["recall"] == 1.0 and lumped["pairwise"]["precision"] == round(4 / 15, 4)


def test_lookup_scores_by_hand():
    rows = [{"value": "062 581 2452", "kind": "phone", "category": "reported", "count": 3, "public_count": 1},
            {"value": "evri-parcel[.]xyz", "kind": "domain", "category": "reported", "count": 2, "public_count": 2},
            {"value": "+66 81 000 0000", "kind": "phone", "category": "unreported", "count": 0, "public_count": 0}]
    preds = [(1, {"value": "062 581 2452", "count": 3}), (2, {"value": "evri-parcel[.]xyz", "count": 5})]
    result = score_lookups(rows, preds)
    assert result["all"]["exact_accuracy"] == round(1 / 3, 4) and result["all"]["missing"] == 1, result["all"]
    assert result["all"]["mean_abs_error"] == 1.0
    assert score_lookups(rows, preds, public=True)["kind:phone"]["exact_accuracy"] == 0.0
    try:
        score_lookups(rows, [(4, {"value": "x", "count": "many"})])
    except InputError as error:
        assert "line 4" in str(error)
    else:
        raise AssertionError("a non-integer count was accepted")


def test_naive_tokens_and_baseline():
    assert "host:evri-parcel.xyz" in tokens("hxxps://evri-parcel[.]xyz/track")
    assert tokens("call 062-581-2452") & tokens("+66 62 581 2452")
    assert "host:t.me" in tokens("add t.me/jason_lee88")
    clusters, _ = baseline_clusters([("r1", "link bit.ly/abc"), ("r2", "see bit.ly/xyz"), ("r3", "nothing here")])
    assert clusters["r1"] == clusters["r2"] != clusters["r3"], clusters
    capped, _ = baseline_clusters([("r1", "bit.ly/a"), ("r2", "bit.ly/b"), ("r3", "bit.ly/c")], cap=2)
    assert len(set(capped.values())) == 3


def test_reading_predictions():
    with tempfile.TemporaryDirectory() as tmp:
        good_csv = os.path.join(tmp, "p.csv")
        with open(good_csv, "w") as sink:
            sink.write("id,cluster\nr1,7\nr2,7\nr3,\n")
        assert read_clusters(good_csv) == {"r1": "7", "r2": "7"}
        bad = os.path.join(tmp, "p.jsonl")
        with open(bad, "w") as sink:
            sink.write('{"id": "r1", "cluster": 1}\n{"id": "r2"}\n')
        try:
            read_clusters(bad)
        except InputError as error:
            assert "p.jsonl:2" in str(error), error
        else:
            raise AssertionError("a line without a cluster was accepted")


def test_indicator_checksums():
    assert ind.keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert ind.eip55("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    iban = "GB82WEST12345698765432"
    assert ind.iban_check("GB", iban[4:]) == "82"


TESTS = [test_indicator_checksums, test_pairwise_scores_by_hand, test_lookup_scores_by_hand, test_naive_tokens_and_baseline,
         test_reading_predictions, test_world_invariants_and_determinism]


def run_selftest():
    passed = failed = 0
    for test in TESTS:
        try:
            test()
            passed += 1
            print(f"ok   {test.__name__}")
        except Exception:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print(f"FAIL {test.__name__}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
