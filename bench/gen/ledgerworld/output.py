"""Settling, trimming, numbering and writing: ledger.csv, accounts.csv and truth/.

Settling walks the transfers in time order with every in-bank account's balance: discretionary
spending that the payer cannot afford (beyond its overdraft) shrinks to what is there or does not
happen. Trimming then drops discretionary card and ATM spending at random until the ledger has the
requested number of rows. Transfers outside the window, and dropped ones, get no tx id; truth is
written from the transfers that remain, so every id and account in truth/ exists in the ledger.
"""

import json
import os
from operator import itemgetter

from . import money
from .world import (E_TS, E_SRC, E_DST, E_AMT, E_CUR, E_CHANNEL, E_RECV, E_RECV_CUR, E_FLEX, E_TXID, FIXED, SPEND,
                    CLOSE, DAY)

HEADER = "tx_id,timestamp,from_account,to_account,amount,currency,channel,received_amount,received_currency"
KINDS = ("person", "business", "merchant", "employer", "utility", "exchange", "cash", "unknown")


def settle(w):
    """Time-order the transfers, cap or drop unaffordable discretionary spending; returns the kept
    transfers in time order."""
    start, end = w.start_epoch, w.end_epoch
    events = [ev for ev in w.events if start <= ev[E_TS] < end]
    events.sort(key=itemgetter(0, 1))
    accounts = w.accounts
    bal = [a.balance0 if a.in_bank else 0 for a in accounts]
    floor = [-a.overdraft if (a.in_bank and a.kind == "person") else None for a in accounts]
    # accounts open for part of the window: nothing moves before opening or after closing
    opened = [start + a.opened_day * DAY for a in accounts]
    closed = [end if a.closed_day is None else start + (a.closed_day + 1) * DAY for a in accounts]
    kept = []
    for ev in events:
        s = ev[E_SRC]
        ts = ev[E_TS]
        dst = ev[E_DST]
        if ts < opened[s] or ts < opened[dst] or ts >= closed[s] or ts >= closed[dst]:
            continue
        if ev[E_FLEX] == CLOSE:
            if bal[s] <= 0:
                continue
            ev[E_AMT] = bal[s]
            if ev[E_RECV] is not None:
                ev[E_RECV] = w.fx.convert(bal[s], ev[E_CUR], ev[E_RECV_CUR], w.day_of(ts), 0.01)
            closed[s] = ts + 1
        amt = ev[E_AMT]
        if ev[E_FLEX] != FIXED and ev[E_FLEX] != CLOSE and floor[s] is not None:
            avail = bal[s] - floor[s]
            if amt > avail:
                if avail <= 0 or avail < amt // 4:
                    continue
                if ev[E_RECV] is not None:
                    ev[E_RECV] = max(1, ev[E_RECV] * avail // amt)
                ev[E_AMT] = amt = avail
        bal[s] -= amt
        bal[ev[E_DST]] += ev[E_RECV] if ev[E_RECV] is not None else amt
        kept.append(ev)
    return kept


def opening_rows(w, rng):
    """(account, minor units) of the opening balances shown, per --opening."""
    mode = w.cfg.opening
    if mode == "none":
        return []
    out = []
    for a in w.accounts:
        if not a.in_bank or a.opened_day > 0 or a.balance0 <= 0:
            continue
        if mode == "partial" and rng.random() < 0.4:
            continue
        out.append((a, a.balance0))
    return out


def trim(w, kept, n_opening, target, rng):
    """Drop discretionary spending at random until the ledger has `target` rows."""
    excess = len(kept) + n_opening - target
    if excess <= 0:
        return kept
    candidates = [i for i, ev in enumerate(kept) if ev[E_FLEX] == SPEND]
    drop = set(rng.sample(candidates, min(excess, len(candidates))))
    return [ev for i, ev in enumerate(kept) if i not in drop]


def write(w, out_dir, kept, opening, alerts, scheme_tx, crime_victims, pop_roles, meta):
    os.makedirs(os.path.join(out_dir, "truth"), exist_ok=True)
    accounts = w.accounts
    n_rows = len(kept) + len(opening)
    width = max(8, len(str(n_rows)))
    txfmt = "T%0" + str(width) + "d"
    # ---------------------------------------------------------------- ledger
    start = w.start_epoch
    day_prefix = {}

    def stamp(ts):
        d, sec = divmod(ts - start, DAY)
        prefix = day_prefix.get(d)
        if prefix is None:
            prefix = (w.cfg.start + __import__("datetime").timedelta(days=d)).isoformat() + "T"
            day_prefix[d] = prefix
        h, rem = divmod(sec, 3600)
        m, s = divmod(rem, 60)
        return "%s%02d:%02d:%02dZ" % (prefix, h, m, s)

    fmt = money.format_minor
    n = 0
    with open(os.path.join(out_dir, "ledger.csv"), "w", newline="") as f:
        lines = [HEADER]
        opening_stamp = stamp(start)
        for a, amount in opening:
            n += 1
            lines.append("%s,%s,OPENING:%s,%s,%s,%s,opening_balance,," % (
                txfmt % n, opening_stamp, a.id, a.id, fmt(amount, a.currency), a.currency))
        for ev in kept:
            n += 1
            txid = txfmt % n
            ev[E_TXID] = txid
            recv = ev[E_RECV]
            lines.append("%s,%s,%s,%s,%s,%s,%s,%s,%s" % (
                txid, stamp(ev[E_TS]), accounts[ev[E_SRC]].id, accounts[ev[E_DST]].id, fmt(ev[E_AMT], ev[E_CUR]),
                ev[E_CUR], ev[E_CHANNEL], "" if recv is None else fmt(recv, ev[E_RECV_CUR]), ev[E_RECV_CUR]))
            if len(lines) >= 50000:
                f.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            f.write("\n".join(lines) + "\n")

    # ---------------------------------------------------------------- accounts
    ordered = sorted(accounts, key=lambda a: a.id)
    with open(os.path.join(out_dir, "accounts.csv"), "w", newline="") as f:
        f.write("account,country,kind\n")
        f.write("".join("%s,%s,%s\n" % (a.id, a.country, a.kind) for a in ordered))

    # ---------------------------------------------------------------- truth
    truth = os.path.join(out_dir, "truth")
    active = set()
    scheme_rows = []
    victims_paid = set()
    for ev, scheme, role in scheme_tx:
        if ev[E_TXID] is None:
            continue
        scheme_rows.append((ev[E_TXID], scheme, role))
        for i in (ev[E_SRC], ev[E_DST]):
            if accounts[i].sar:
                active.add(i)
        if role == "victim_payment":
            victims_paid.add(ev[E_SRC])
    with open(os.path.join(truth, "mules.csv"), "w", newline="") as f:
        f.write("account,is_sar,sar_active\n")
        f.write("".join("%s,%d,%d\n" % (a.id, 1 if a.sar else 0, 1 if a.idx in active else 0) for a in ordered))
    with open(os.path.join(truth, "victims.txt"), "w") as f:
        f.write("".join("%s\n" % a.id for a in sorted(crime_victims, key=lambda a: a.id) if a.idx in victims_paid))
    with open(os.path.join(truth, "scheme_tx.csv"), "w", newline="") as f:
        f.write("tx_id,scheme,role\n")
        f.write("".join("%s,%d,%s\n" % r for r in sorted(scheme_rows)))
    with open(os.path.join(truth, "roles.csv"), "w", newline="") as f:
        f.write("account,role,in_bank,opened_day\n")
        f.write("".join("%s,%s,%d,%d\n" % (a.id, a.role, a.in_bank, a.opened_day) for a in ordered))

    alert_counts = {}
    with open(os.path.join(truth, "alerts.csv"), "w", newline="") as f:
        f.write("alert_id,typology,is_sar,main,accounts,members,tx_ids,tx_source,first_timestamp,last_timestamp\n")
        for alert_id, al in enumerate(alerts):
            evs = {id(ev): ev for ev in al.events if ev[E_TXID] is not None}
            evs = sorted(evs.values(), key=lambda ev: ev[E_TXID])
            member_idx = {a.idx for a in al.members}
            took_part = set()
            for ev in evs:
                for i in (ev[E_SRC], ev[E_DST]):
                    if i in member_idx:
                        took_part.add(i)
            acc = sorted(accounts[i].id for i in took_part)
            mem = sorted(a.id for a in al.members)
            key = (al.typology, al.is_sar)
            alert_counts[key] = alert_counts.get(key, 0) + 1
            f.write("%d,%s,%d,%s,%s,%s,%s,%s,%s,%s\n" % (
                alert_id, al.typology, al.is_sar, al.main.id, " ".join(acc), " ".join(mem),
                " ".join(ev[E_TXID] for ev in evs), al.source,
                stamp(evs[0][E_TS]) if evs else "", stamp(evs[-1][E_TS]) if evs else ""))

    counts = {
        "transactions": n_rows,
        "opening_balance_rows": len(opening),
        "accounts": len(accounts),
        "in_bank_accounts": sum(1 for a in accounts if a.in_bank),
        "sar_accounts": sum(1 for a in accounts if a.sar),
        "sar_active_accounts": len(active),
        "victims": len(victims_paid),
        "scheme_transfers": len(scheme_rows),
        "conversion_legs": sum(1 for ev in kept if ev[E_RECV] is not None),
        "alerts": {"%s%s" % (t, "" if s else " (confounder)"): c for (t, s), c in sorted(alert_counts.items())},
        "currencies": sorted({ev[E_CUR] for ev in kept} | {ev[E_RECV_CUR] for ev in kept if ev[E_RECV_CUR]}),
        "countries": sorted({a.country for a in accounts}),
        "roles": pop_roles,
    }
    meta = dict(meta)
    meta["counts"] = counts
    with open(os.path.join(truth, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    return counts
