"""Scam networks: victims' money into first-layer mules and on to the organisers.

Pig-butchering (FinCEN FIN-2023-Alert005, FATF 2023 on cyber-enabled fraud): a victim groomed
for weeks "invests" escalating sums over weeks to months, each time into whatever account the
scammer names (accounts rotate), sometimes gets a small "profit" paid back to build trust, and
finds the money for the larger sums by emptying savings, borrowing and asking family. First-layer
mules pass the money on within hours to days (keeping a cut or not) to second-layer accounts,
often business fronts abroad, to exchanges (crypto off-ramp), to collectors abroad, or take it out
in cash under the report line.

Retail scams (fake shops, rentals, tickets; Europol EMMA / money-mule advisories): many victims
pay ordinary-looking sums into "payment agent" mules who forward the day's takings to a
collector: the same amounts as everyday transfers.
"""

import math

from . import money
from .world import DAY, E_TS


class Lazy:
    """Up to `most` accounts made by `make` on first use; later uses pick among those made, or
    make another while there is room."""

    def __init__(self, rng, most, make):
        self.rng, self.most, self.make, self.made = rng, most, make, []

    def pick(self):
        if not self.made or (len(self.made) < self.most and self.rng.random() < 0.4):
            self.made.append(self.make())
        return self.rng.choice(self.made)

    def __bool__(self):
        return True


def active_l1(l1s, day):
    live = [m for m in l1s if m["start"] <= day <= m["end"]]
    if live:
        return live
    return sorted(l1s, key=lambda m: min(abs(m["start"] - day), abs(m["end"] - day)))[:1]


class PigButchering:
    """One network: its victims, mule layers, exits and alerts."""

    def __init__(self, crime):
        self.crime = crime
        self.w = crime.w
        self.rng = crime.rng
        self.cfg = crime.cfg

    def build(self):
        crime, w, rng, cfg = self.crime, self.w, self.rng, self.cfg
        scheme = crime.new_scheme()
        home = cfg.ledger_countries[0]
        mixed = cfg.population == "mixed"
        many = cfg.countries == "many"
        span_start = rng.randrange(0, max(1, w.days - 40))
        span = w.days - span_start

        # exits: where the network's money leaves the books
        exits = rng.sample(["l2", "exchange", "abroad", "cash"], rng.choice((1, 2, 2, 3)))
        if "l2" not in exits and rng.random() < 0.5:
            exits.append("l2")
        scam_countries = [c for c in ("HK", "KH", "TH", "AE", "MY", "SG") if c in cfg.partner_countries] or [home]
        # collectors abroad and the scheme's crypto wallets exist once money first reaches them
        collectors = Lazy(rng, rng.randint(1, 3),
                          lambda: crime.external(rng.choice(scam_countries) if many else home))
        wallets = Lazy(rng, rng.randint(1, 2),
                       lambda: crime.external(rng.choice(scam_countries) if many else home, "scam_wallet", "USDT")) \
            if crime.pop.hot_wallets else None
        l2s = []
        if "l2" in exits:
            for _ in range(rng.randint(1, 3)):
                if many and mixed and rng.random() < 0.5 and len(cfg.ledger_countries) > 1:
                    l2s.append(crime.front(rng.choice(cfg.ledger_countries[1:]), 0))
                elif mixed and rng.random() < 0.6:
                    l2s.append(crime.front(home, 0))
                else:
                    l2s.append(crime.recruit(home))
        # first layer: rotating accounts, each live for some weeks
        n_victims = max(2, min(30, int(rng.lognormvariate(2.0, 0.5))))
        n_l1 = max(2, min(16, int(math.ceil(n_victims * rng.uniform(0.4, 1.1)))))
        mix = (0.45, 0.35, 0.20) if mixed else (0.55, 0.45, 0.0)
        l1s = []
        for i in range(n_l1):
            start = span_start + int(span * i / n_l1 * rng.uniform(0.6, 1.0))
            acct = crime.member(home, start, mix)
            speed = rng.choices(("fast", "medium", "slow", "batch"), (0.45, 0.25, 0.12, 0.18))[0]
            fee = 0.0 if (not cfg.fees or rng.random() < 0.35) else rng.uniform(0.02, 0.10)
            route = rng.choice(exits)
            l1s.append({"acct": acct, "start": max(start, acct.opened_day), "speed": speed, "fee": fee,
                        "route": route, "end": min(w.days - 1, start + rng.randint(10, 50)),
                        "delays": [], "owed": []})
        if rng.random() < 0.2:
            crime.member(home, span_start + rng.randrange(max(1, span // 2)), mix)     # recruited, never used

        # victims and their payments
        victims = []
        for _ in range(n_victims):
            v = crime.victim(rng.choice(cfg.ledger_countries)) if rng.random() < 0.7 else None
            if v is None:
                v = crime.external_victim(home if not many or rng.random() < 0.7 else rng.choice(
                    [c for c in ("US", "GB", "AU", "SG", "DE") if c in crime.pop.ext_persons] or [home]))
            if v is not None and v not in victims:
                victims.append(v)
        l1_inflows = {id(m): [] for m in l1s}
        for v in victims:
            self.victim_payments(scheme, v, l1s, l1_inflows, span_start, span)

        # first layer passes it on
        alerts_l1 = {}
        to_l2, to_collectors = [], []
        for m in l1s:
            acct = m["acct"]
            inflows = sorted(l1_inflows[id(m)], key=lambda e: e[E_TS])
            if not inflows:
                continue
            al = crime.alert("rapid_pass_through", acct, [acct])
            alerts_l1[id(m)] = al
            for ev in inflows:
                al.events.append(ev)
            groups = self.batches(m, inflows)
            for ts_ready, received in groups:
                delay = self.delay(m["speed"])
                t = ts_ready + delay
                if t >= w.end_epoch:
                    continue
                m["delays"].append(delay)
                cut = int(received * m["fee"])
                forward = received - cut
                owed = [o for o in m["owed"] if o[0] <= t]
                if owed:
                    m["owed"] = [o for o in m["owed"] if o[0] > t]
                    forward = max(forward // 4, forward - sum(a for _, a in owed))
                route = m["route"] if rng.random() < 0.85 else rng.choice(exits)
                if route == "l2" and l2s:
                    parts = self.split(forward, rng.choice((1, 1, 2, 3)))
                    for part in parts:
                        dst = rng.choice(l2s)
                        ev = w.pay(t, acct, dst, part, "wire" if dst.currency != acct.currency else "transfer")
                        crime.record(ev, scheme, "layering", al)
                        to_l2.append(ev)
                        t += rng.randint(60, 1800)
                elif route == "exchange":
                    for part in self.split(forward, rng.choice((1, 2))):
                        crime.exchange_out(scheme, acct, t, part, wallets.pick() if wallets else None, al)
                        t += rng.randint(300, 4 * 3600)
                elif route == "cash":
                    evs = crime.cash_out(scheme, acct, t, forward, structured=True, alert=al)
                    if sum(1 for e in evs if e[6] == "cash_withdrawal") >= 3:
                        st = crime.alert("structuring", acct, [acct])
                        st.events.extend(evs)
                else:
                    dst = collectors.pick()
                    ev = w.pay(t, acct, dst, forward, "wire" if dst.currency != acct.currency else "transfer")
                    crime.record(ev, scheme, "layering", al)
                    to_collectors.append(ev)
                if cut > 0:
                    crime.spend_cut(acct, t, cut)
            if m["delays"]:
                median = sorted(m["delays"])[len(m["delays"]) // 2]
                if median > 3 * DAY:
                    crime.alerts.remove(al)      # slow mules pass money on, but not rapidly
        # second layer gathers and sends on
        for l2 in l2s:
            ins = sorted((e for e in to_l2 if e[3] == l2.idx), key=lambda e: e[E_TS])
            if not ins:
                continue
            every = rng.choice((1, 2, 3, 5, 7)) * DAY
            pending, first = 0, None
            for i, ev in enumerate(ins):
                pending += w.credited(ev)
                first = first or ev[E_TS]
                last = i == len(ins) - 1
                if last or ins[i + 1][E_TS] - first > every:
                    t = ev[E_TS] + int(rng.uniform(0.1, 1.5) * DAY)
                    if t >= w.end_epoch:
                        break
                    if wallets and rng.random() < 0.3:
                        crime.exchange_out(scheme, l2, t, pending, wallets.pick())
                    else:
                        for part in self.split(pending, rng.choice((1, 2))):
                            dst = collectors.pick()
                            e2 = w.pay(t, l2, dst, part, "wire" if dst.currency != l2.currency else "transfer")
                            crime.record(e2, scheme, "layering")
                            to_collectors.append(e2)
                            t += rng.randint(600, 7200)
                    pending, first = 0, None
        # alerts over the network's mule layers
        members = [m["acct"] for m in l1s] + l2s + collectors.made + (wallets.made if wallets else [])
        layered = to_l2 + to_collectors
        if l2s and to_l2:
            stack = crime.alert("stack", l2s[0], members)
            stack.events.extend(layered)
        for hub in l2s + collectors.made:
            ins = [e for e in to_l2 + to_collectors if e[3] == hub.idx]
            senders = list(dict.fromkeys(crime.w.accounts[e[2]] for e in ins))
            if len(senders) >= 3:
                fan = crime.alert("fan_in", hub, [hub] + senders)
                fan.events.extend(ins)
        return scheme

    def victim_payments(self, scheme, v, l1s, l1_inflows, span_start, span):
        crime, w, rng = self.crime, self.w, self.rng
        d = span_start + rng.randrange(0, max(1, int(span * 0.7)))
        n = rng.choice((1, 2, 2, 3, 3, 4, 5, 6, 8, 10))
        amount_usd = rng.lognormvariate(math.log(900), 0.7)
        capacity_usd = rng.lognormvariate(math.log(45000), 0.9) * max(money.wage_level(v.country), 0.3)
        paid_usd = 0.0
        current = None
        baited = rng.random() < 0.3
        paid_minor = 0
        for k in range(n):
            if d >= w.days or paid_usd >= capacity_usd:
                break
            if current is None or rng.random() < 0.45:
                current = rng.choice(active_l1(l1s, d))
            mule = current["acct"]
            if mule.opened_day > d:
                d = mule.opened_day + 1
                if d >= w.days:
                    break
            usd = min(amount_usd, capacity_usd - paid_usd)
            if k == n - 1 and n > 3 and rng.random() < 0.4:
                usd = paid_usd * rng.uniform(0.1, 0.3)       # the "tax" to release the gains
            amt = money.usd_to_minor(usd, v.currency, 10 if rng.random() < 0.7 else 0)
            if v.in_bank:
                self.fund(scheme, v, d, amt)
            channel = "wire" if v.country != mule.country or v.currency != mule.currency else "transfer"
            ev = w.pay(w.at(d, v.country, 8, 22), v, mule, amt, channel)
            crime.record(ev, scheme, "victim_payment")
            l1_inflows[id(current)].append(ev)
            paid_usd += usd
            paid_minor += amt
            if baited and k < 2 and rng.random() < 0.6:
                back = int(w.credited(ev) * rng.uniform(0.04, 0.15))
                t = ev[E_TS] + int(rng.uniform(2, 6) * DAY)
                if t < w.end_epoch:
                    amount = money.usd_to_minor(
                        back / 10 ** money.DECIMALS[mule.currency] / money.USD_RATE[mule.currency], mule.currency)
                    crime.record(w.pay(t, mule, v, amount, "transfer"), scheme, "bait_payout")
                    # the mule holds the payout back from what it passes on of this payment
                    current["owed"].append((ev[E_TS], amount))
            amount_usd *= rng.uniform(1.2, 2.3)
            d += max(1, int(rng.lognormvariate(math.log(8), 0.6)))

    def fund(self, scheme, v, d, amt):
        """A victim finds the money: savings, a loan, family, selling investments."""
        crime, w, rng = self.crime, self.w, self.rng
        if amt < w.usd(2000, v) or rng.random() < 0.3:
            return
        p = v.profile or {}
        c = v.country
        t = w.at(max(0, d - rng.randint(0, 3)), c, 8, 20)
        r = rng.random()
        if p.get("savings") is not None and r < 0.6:
            src, channel = p["savings"], "transfer"
        elif r < 0.45:
            src, channel = rng.choice(crime.pop.lenders[c]), "loan"
        elif r < 0.75:
            src, channel = rng.choice(crime.pop.ext_persons[c]), "transfer"
        else:
            src, channel = rng.choice(crime.pop.brokerages[c]), "transfer"
        need = int(amt * rng.uniform(0.6, 1.05))
        if src.currency != v.currency:
            need = w.fx.convert(need, v.currency, src.currency, d, 0.0)
        crime.record(w.pay(min(t, w.at(d, c, 7, 8)), src, v, need, channel), scheme, "victim_funding")

    def batches(self, m, inflows):
        """(ready time, amount) groups: one per inflow, or per day/few days for batching mules."""
        w = self.w
        if m["speed"] != "batch":
            return [(e[E_TS], w.credited(e)) for e in inflows]
        out, pending, first = [], 0, None
        window = self.rng.choice((1, 2, 3)) * DAY
        for i, e in enumerate(inflows):
            pending += w.credited(e)
            first = first or e[E_TS]
            if i == len(inflows) - 1 or inflows[i + 1][E_TS] - first > window:
                out.append((e[E_TS], pending))
                pending, first = 0, None
        return out

    def delay(self, speed):
        rng = self.rng
        if speed == "fast":
            return int(rng.uniform(0.25, 6) * 3600)
        if speed == "medium":
            return int(rng.uniform(6, 48) * 3600)
        if speed == "slow":
            return int(rng.uniform(2, 10) * DAY)
        return int(rng.uniform(2, 20) * 3600)

    def split(self, amount, n):
        if n <= 1 or amount < 100 * n:
            return [amount]
        cuts = sorted(self.rng.uniform(0.15, 0.85) for _ in range(n - 1))
        parts, prev = [], 0
        for c in cuts:
            parts.append(int(amount * c) - prev)
            prev = int(amount * c)
        parts.append(amount - prev)
        return [p for p in parts if p > 0]


def retail_ring(crime):
    """Payment-agent mules for small scams: many victims pay ordinary sums, agents forward the
    day's takings to a collector (or take them out at ATMs, or buy crypto)."""
    w, rng, cfg = crime.w, crime.rng, crime.cfg
    scheme = crime.new_scheme()
    home = cfg.ledger_countries[0]
    many = cfg.countries == "many"
    start = rng.randrange(0, max(1, w.days - 20))
    end = min(w.days - 1, start + rng.randint(14, 75))
    if rng.random() < 0.5:
        collector = crime.recruit(home)
    else:
        collector = crime.external(rng.choice(cfg.partner_countries) if many else home)
    agents = []
    for _ in range(rng.randint(2, 6)):
        acct = crime.recruit(home) if rng.random() < 0.7 else crime.fresh(home, start - rng.randint(3, 20))
        agents.append(acct)
    n_victims = rng.randint(12, 60)
    fan = crime.alert("fan_in", collector, [collector] + agents)
    inflows = {a.idx: [] for a in agents}
    for _ in range(n_victims):
        v = crime.victim(home) if rng.random() < 0.5 else crime.external_victim(home)
        if v is None:
            continue
        agent = rng.choice(agents)
        d = rng.randint(max(start, agent.opened_day), max(start, agent.opened_day, end))
        if d >= w.days:
            continue
        for _ in range(1 if rng.random() < 0.8 else 2):
            amt = money.usd_to_minor(rng.lognormvariate(math.log(180), 0.8) * max(money.wage_level(home), 0.3),
                                     v.currency, 1 if rng.random() < 0.6 else 0)
            ev = w.pay(w.at(d, v.country, 8, 23), v, agent, amt, "transfer")
            crime.record(ev, scheme, "victim_payment")
            inflows[agent.idx].append(ev)
            d = min(w.days - 1, d + rng.randint(1, 7))
    fee = rng.uniform(0.05, 0.15) if cfg.fees else 0.0
    for agent in agents:
        evs = sorted(inflows[agent.idx], key=lambda e: e[E_TS])
        if not evs:
            continue
        al = crime.alert("rapid_pass_through", agent, [agent])
        al.events.extend(evs)
        by_day = {}
        for e in evs:
            by_day.setdefault(w.day_of(e[E_TS]), []).append(w.credited(e))
        route = rng.choices(("collector", "atm", "exchange"), (0.7, 0.2, 0.1))[0]
        for d in sorted(by_day):
            total = sum(by_day[d])
            cut = int(total * fee)
            t = w.at(min(w.days - 1, d + rng.choice((0, 0, 1))), home, 18, 23.9)
            if t >= w.end_epoch:
                continue
            if route == "collector":
                ev = w.pay(t, agent, collector, total - cut,
                           "wire" if collector.currency != agent.currency else "transfer")
                crime.record(ev, scheme, "layering", al)
                fan.events.append(ev)
            elif route == "atm":
                crime.cash_out(scheme, agent, t, total - cut, structured=False, alert=al)
            else:
                crime.exchange_out(scheme, agent, t, total - cut, None, al)
            if cut:
                crime.spend_cut(agent, t, cut)
    if collector.in_bank:
        ins = sorted(fan.events, key=lambda e: e[E_TS])
        if ins:
            t = ins[-1][E_TS] + int(rng.uniform(0.5, 4) * DAY)
            total = sum(w.credited(e) for e in ins)
            if t < w.end_epoch:
                crime.exchange_out(scheme, collector, t, int(total * 0.9), None)
    return scheme
