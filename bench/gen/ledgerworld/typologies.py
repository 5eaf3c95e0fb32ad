"""Laundering shapes as AMLSim and AMLworld name them (fan-in, fan-out, cycle, scatter-gather,
gather-scatter, bipartite, stack) plus peel chains, structuring and rapid pass-through, laid over
real customers and fresh or front accounts, at time scales from hours to months and at amounts
from everyday sums to large ones.

Each shape gets its dirty money from a placement (cash under the report line, wires from abroad
or from other banks) and lets it leave through an off-ramp (cash, an exchange, a wire abroad).
The alert's transfers are the shape's own transfers between members, as in AMLSim's truth.
"""

import math

from . import money
from .world import DAY

AMLSIM_MIX = [("fan_in", 20), ("fan_out", 20), ("cycle", 30), ("bipartite", 10), ("stack", 10),
              ("scatter_gather", 10), ("gather_scatter", 10)]
EXTRA_MIX = [("peel_chain", 12), ("structuring", 12), ("rapid_pass_through", 10)]


class Shapes:
    def __init__(self, crime):
        self.crime = crime
        self.w = crime.w
        self.rng = crime.rng
        self.cfg = crime.cfg
        mixed = self.cfg.population == "mixed"
        # (recruited, fresh, front) mule kinds
        self.mix = (0.55, 0.3, 0.15) if mixed else (0.7, 0.3, 0.0)

    # ------------------------------------------------------------ common parts
    def plan(self):
        """Start day, duration (seconds), base amount (USD) of one shape."""
        rng, w = self.rng, self.w
        scale = rng.choices(("hours", "days", "weeks", "months"), (0.12, 0.3, 0.38, 0.2))[0]
        days = {"hours": rng.uniform(0.1, 0.9), "days": rng.uniform(2, 10), "weeks": rng.uniform(10, 45),
                "months": rng.uniform(45, 150)}[scale]
        days = min(days, w.days - 2)
        start = rng.uniform(1, max(1.5, w.days - days - 1))
        if rng.random() < 0.6:
            base = rng.lognormvariate(math.log(350), 0.9)           # everyday sums
        else:
            base = rng.lognormvariate(math.log(9000), 0.8)          # large sums
        return start, days, base

    def members(self, n, start_day, foreign_share=0.0, outside=lambda i: False):
        """`n` members; position i may be an account at another bank abroad only where
        `outside(i)` holds, so that every transfer of the shape has this bank on one side."""
        crime, rng, cfg = self.crime, self.rng, self.cfg
        out = []
        home = cfg.ledger_countries[0]
        for i in range(n):
            if cfg.countries == "many" and outside(i) and rng.random() < foreign_share:
                if len(cfg.ledger_countries) > 1 and rng.random() < 0.5:
                    out.append(crime.member(rng.choice(cfg.ledger_countries[1:]), int(start_day), self.mix))
                else:
                    out.append(crime.external(rng.choice(cfg.partner_countries)))
            else:
                country = rng.choice(cfg.ledger_countries) if rng.random() < 0.2 else home
                out.append(crime.member(country, int(start_day), self.mix))
        return out

    def inert(self, n_declared):
        """Some alerts declare a member that never transacts (a recruit who backed out)."""
        if self.rng.random() < 0.12:
            return [self.crime.member(self.cfg.ledger_countries[0], self.rng.randrange(self.w.days), self.mix)]
        return []

    def t(self, start, days, frac):
        """Epoch seconds at fraction `frac` of a shape running `days` from day `start`."""
        return self.w.start_epoch + int((start + days * frac) * DAY)

    def amt(self, usd, acct, jitter=0.25):
        rng = self.rng
        if rng.random() < 0.25:
            return money.usd_to_minor(usd, acct.currency, 10)        # round, repeated sums
        return money.usd_to_minor(usd * rng.uniform(1 - jitter, 1 + jitter), acct.currency)

    def move(self, scheme, al, ts, src, dst, amount):
        w = self.w
        channel = "wire" if src.currency != dst.currency or src.country != dst.country else "transfer"
        ev = w.pay(ts, src, dst, amount, channel)
        return self.crime.record(ev, scheme, "layering", al)

    def off_ramp(self, scheme, acct, ts, amount):
        crime, rng = self.crime, self.rng
        if not acct.in_bank or ts >= self.w.end_epoch or amount <= 0:
            return
        r = rng.random()
        if r < 0.4:
            crime.cash_out(scheme, acct, ts, amount, structured=rng.random() < 0.5)
        elif r < 0.65:
            crime.exchange_out(scheme, acct, ts, amount)
        elif r < 0.8 and self.cfg.countries == "many":
            dst = rng.choice(crime.pop.ext_business[rng.choice(self.cfg.partner_countries)])
            crime.record(self.w.pay(ts, acct, dst, amount, "wire"), scheme, "off_ramp")
        # else: the money stays a while (the window ends first)

    def fee(self):
        return self.rng.uniform(0.0, 0.04) if self.cfg.fees else 0.0

    def delay(self, days_total, hops):
        """Seconds between receiving and passing on, scaled to the shape's duration."""
        per = days_total * DAY / max(1, hops)
        return int(max(120, per * self.rng.uniform(0.2, 1.0)))

    # ------------------------------------------------------------ shapes
    def build(self, typology):
        crime = self.crime
        scheme = crime.new_scheme()
        start, days, base = self.plan()
        getattr(self, typology)(scheme, start, days, base)
        return scheme

    def fan_in(self, scheme, start, days, base):
        rng, w = self.rng, self.w
        k = rng.randint(4, 10)
        accts = self.members(k + 1, start, 0.15, lambda i: i > 0)
        main, sources = accts[0], accts[1:]
        al = self.crime.alert("fan_in", main, accts + self.inert(k))
        total = 0
        for s in sources:
            n = rng.randint(1, 3)
            amounts = [self.amt(base, s) for _ in range(n)]
            t0 = self.t(start, days, rng.uniform(0, 0.3))
            if s.in_bank:
                self.crime.place(scheme, s, w.day_of(t0) - rng.randint(0, 2), sum(amounts))
            for a in amounts:
                ts = max(t0 + 600, self.t(start, days, rng.random()))
                ev = self.move(scheme, al, ts, s, main, a)
                total += w.credited(ev)
        self.off_ramp(scheme, main, self.t(start, days, 1.0) + self.delay(days, 3), int(total * 0.95))

    def fan_out(self, scheme, start, days, base):
        rng, w = self.rng, self.w
        k = rng.randint(4, 10)
        accts = self.members(k + 1, start, 0.15, lambda i: i > 0)
        main, sinks = accts[0], accts[1:]
        al = self.crime.alert("fan_out", main, accts + self.inert(k))
        plan = [(s, self.amt(base, main)) for s in sinks for _ in range(rng.randint(1, 3))]
        self.crime.place(scheme, main, int(start) - rng.randint(0, 3), sum(a for _, a in plan))
        for s, a in plan:
            ev = self.move(scheme, al, self.t(start, days, rng.random()), main, s, a)
            self.off_ramp(scheme, s, ev[0] + self.delay(days, 2), w.credited(ev))

    def cycle(self, scheme, start, days, base):
        rng, w = self.rng, self.w
        k = rng.randint(3, 8)
        accts = self.members(k, start, 0.3, lambda i: i % 2 == 1 and i != k - 1)
        al = self.crime.alert("cycle", accts[0], accts + self.inert(k))
        rounds = rng.choice((1, 1, 1, 2, 3))
        head = accts[0]
        amount = money.usd_to_minor(base * rng.uniform(1, 3), head.currency, 10)
        if head.in_bank:
            self.crime.place(scheme, head, int(start) - 1, amount)
        ts = self.t(start, days, 0)
        hops = k * rounds
        fee = self.fee()
        for r in range(rounds):
            for i in range(k):
                src, dst = accts[i], accts[(i + 1) % k]
                ev = self.move(scheme, al, ts, src, dst, amount)
                amount = int(w.credited(ev) * (1 - fee))
                ts += self.delay(days, hops)
        self.off_ramp(scheme, head, ts + self.delay(days, hops), amount)

    def scatter_gather(self, scheme, start, days, base):
        rng, w = self.rng, self.w
        k = rng.randint(3, 9)
        accts = self.members(k + 2, start, 0.2, lambda i: 0 < i < k + 1)
        orig, mids, bene = accts[0], accts[1:-1], accts[-1]
        al = self.crime.alert("scatter_gather", orig, accts + self.inert(k))
        parts = [self.amt(base, orig) for _ in mids]
        if orig.in_bank:
            self.crime.place(scheme, orig, int(start) - 1, sum(parts))
        fee = self.fee()
        total = 0
        for m, a in zip(mids, parts):
            ev = self.move(scheme, al, self.t(start, days, rng.uniform(0, 0.4)), orig, m, a)
            ev2 = self.move(scheme, al, ev[0] + self.delay(days, 2), m, bene, int(w.credited(ev) * (1 - fee)))
            total += w.credited(ev2)
        self.off_ramp(scheme, bene, self.t(start, days, 1.0) + self.delay(days, 2), total)

    def gather_scatter(self, scheme, start, days, base):
        rng, w = self.rng, self.w
        k1, k2 = rng.randint(3, 6), rng.randint(3, 6)
        accts = self.members(k1 + k2 + 1, start, 0.2, lambda i: i > 0)
        hub, sources, sinks = accts[0], accts[1:k1 + 1], accts[k1 + 1:]
        al = self.crime.alert("gather_scatter", hub, accts + self.inert(k1))
        total = 0
        last = 0
        for s in sources:
            a = self.amt(base, s)
            ts = self.t(start, days, rng.uniform(0, 0.5))
            if s.in_bank:
                self.crime.place(scheme, s, w.day_of(ts) - rng.randint(0, 2), a)
            ev = self.move(scheme, al, ts, s, hub, a)
            total += w.credited(ev)
            last = max(last, ts)
        fee = self.fee()
        share = int(total * (1 - fee)) // len(sinks)
        for s in sinks:
            ev = self.move(scheme, al, max(last + 600, self.t(start, days, rng.uniform(0.5, 1.0))), hub, s, share)
            self.off_ramp(scheme, s, ev[0] + self.delay(days, 2), w.credited(ev))

    def bipartite(self, scheme, start, days, base):
        rng, w = self.rng, self.w
        k1, k2 = rng.randint(2, 5), rng.randint(2, 5)
        accts = self.members(k1 + k2, start, 0.25, lambda i: i >= k1)
        left, right = accts[:k1], accts[k1:]
        al = self.crime.alert("bipartite", left[0], accts + self.inert(k1))
        got = {r.idx: 0 for r in right}
        for a in left:
            targets = [r for r in right if rng.random() < 0.6] or [rng.choice(right)]
            amounts = [self.amt(base, a) for _ in targets]
            if a.in_bank:
                self.crime.place(scheme, a, int(start) - rng.randint(0, 3), sum(amounts))
            for r, x in zip(targets, amounts):
                ev = self.move(scheme, al, self.t(start, days, rng.random()), a, r, x)
                got[r.idx] += w.credited(ev)
        for r in right:
            self.off_ramp(scheme, r, self.t(start, days, 1.0) + self.delay(days, 2), got[r.idx])

    def stack(self, scheme, start, days, base):
        rng, w = self.rng, self.w
        sizes = [rng.randint(2, 4) for _ in range(3)]
        middle = range(sizes[0], sizes[0] + sizes[1])
        accts = self.members(sum(sizes), start, 0.25, lambda i: i not in middle)
        layers = [accts[:sizes[0]], accts[sizes[0]:sizes[0] + sizes[1]], accts[sizes[0] + sizes[1]:]]
        al = self.crime.alert("stack", layers[0][0], accts + self.inert(sizes[0]))
        holding = {}
        for a in layers[0]:
            x = self.amt(base * len(layers[1]), a)
            if a.in_bank:
                self.crime.place(scheme, a, int(start) - rng.randint(0, 3), x)
            holding[a.idx] = (x, self.t(start, days, rng.uniform(0, 0.2)))
        fee = self.fee()
        for li in range(2):
            nxt = {}
            for a in layers[li]:
                x, ts = holding.get(a.idx, (0, 0))
                if x <= 0:
                    continue
                targets = [b for b in layers[li + 1] if rng.random() < 0.75] or [rng.choice(layers[li + 1])]
                part = int(x * (1 - fee)) // len(targets)
                for b in targets:
                    t = ts + self.delay(days, 3)
                    ev = self.move(scheme, al, t, a, b, part)
                    y, tb = nxt.get(b.idx, (0, 0))
                    nxt[b.idx] = (y + w.credited(ev), max(tb, t))
            holding = nxt
        for b in layers[2]:
            x, ts = holding.get(b.idx, (0, 0))
            self.off_ramp(scheme, b, ts + self.delay(days, 3), x)

    def peel_chain(self, scheme, start, days, base):
        """Each hop keeps or hands off a slice and passes the rest on (AMLworld's peel chain)."""
        rng, w, crime = self.rng, self.w, self.crime
        k = rng.randint(4, 10)
        accts = self.members(k, start, 0.2, lambda i: i % 2 == 1)
        al = crime.alert("peel_chain", accts[0], accts + self.inert(k))
        amount = money.usd_to_minor(base * rng.uniform(4, 12), accts[0].currency, 100)
        if accts[0].in_bank:
            crime.place(scheme, accts[0], int(start) - 1, amount)
        ts = self.t(start, days, 0)
        for i in range(k - 1):
            src, dst = accts[i], accts[i + 1]
            peel = int(amount * rng.uniform(0.03, 0.15))
            if src.in_bank and peel > 0:
                r = rng.random()
                c = src.country
                if r < 0.4:
                    crime.record(w.pay(ts + rng.randint(60, 3600), src, crime.pop.cash[c], peel, "atm"), scheme,
                                 "off_ramp")
                elif r < 0.7:
                    crime.exchange_out(scheme, src, ts + rng.randint(60, 3600), peel)
                else:
                    side = rng.choice(crime.pop.ext_persons[c])
                    crime.record(w.pay(ts + rng.randint(60, 3600), src, side, peel, "transfer"), scheme, "off_ramp")
            ev = self.move(scheme, al, ts + rng.randint(3600, 7200), src, dst, amount - peel)
            amount = w.credited(ev)
            ts = ev[0] + self.delay(days, k)
        self.off_ramp(scheme, accts[-1], ts, amount)

    def structuring(self, scheme, start, days, base):
        """Cash paid in just under the report line, by one depositor on many days or by several
        smurfs into one account, then sent on."""
        rng, w, crime = self.rng, self.w, self.crime
        home = self.cfg.ledger_countries[0]
        smurfs = rng.random() < 0.5
        n = rng.randint(3, 7) if smurfs else 1
        accts = [crime.member(home, int(start), self.mix) for _ in range(n + 1)]
        accts = [a for a in accts if a.in_bank] or [crime.recruit(home), crime.recruit(home)]
        collector, depositors = accts[0], accts[1:] or accts[:1]
        al = crime.alert("structuring", collector, accts + self.inert(n))
        days = max(days, 3.0)
        total = 0
        for dep in depositors:
            line = money.threshold_minor(home, dep.currency)
            for _ in range(rng.randint(3, 10) if not smurfs else rng.randint(2, 5)):
                d = w.day_of(self.t(start, days, rng.random()))
                x = int(line * rng.uniform(0.80, 0.99))
                ev = w.pay(w.at(d, dep.country, 9, 16.5), crime.pop.cash[dep.country], dep, x, "cash_deposit")
                crime.record(ev, scheme, "placement", al)
                total += x
                if dep is not collector:
                    self.move(scheme, al, ev[0] + self.delay(2, 1), dep, collector, int(x * rng.uniform(0.9, 1.0)))
        self.off_ramp(scheme, collector, self.t(start, days, 1.0) + DAY, int(total * 0.9))

    def rapid_pass_through(self, scheme, start, days, base):
        """Money in from outside and out again within hours, repeatedly."""
        rng, w, crime = self.rng, self.w, self.crime
        acct = self.members(1, start, 0.0)[0]
        if not acct.in_bank:
            acct = crime.recruit(self.cfg.ledger_countries[0])
        al = crime.alert("rapid_pass_through", acct, [acct])
        dst_pool = crime.pop.ext_persons[rng.choice(self.cfg.partner_countries if self.cfg.countries == "many"
                                                    else self.cfg.ledger_countries)]
        dst = crime.external(dst_pool[0].country)
        for _ in range(rng.randint(2, 8)):
            ts = self.t(start, days, rng.random())
            src = rng.choice(crime.pop.ext_business[acct.country] + crime.pop.ext_persons[acct.country][:30])
            x = self.amt(base, src)
            ev = w.pay(ts, src, acct, x, "wire" if src.currency != acct.currency else "transfer")
            crime.record(ev, scheme, "placement", al)
            back = int(w.credited(ev) * (1 - self.fee()))
            crime.record(w.pay(ts + rng.randint(600, 6 * 3600), acct, dst, back,
                               "wire" if dst.currency != acct.currency else "transfer"), scheme, "layering", al)
        al.members.append(dst)
