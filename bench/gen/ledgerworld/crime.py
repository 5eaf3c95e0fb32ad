"""What every crime scheme shares: finding and making mule accounts, moving money in (placement)
and out (off-ramps), spending a mule's cut, and recording truth.

Mules come in three kinds, as in casework: recruited persons with a real history who turn at
some day (students, jobseekers, gig workers answering a "payment agent" job ad), fresh accounts
opened shortly before use, and business fronts with a thin cover of invoices. Some recruited or
opened accounts are never used: they are SAR (declared members) but not sar_active.
"""

from . import money
from .normal import random_day, card_hour
from .world import SPEND, Alert, DAY, E_AMT, E_TS

RECRUIT_ROLES = ("student", "jobseeker", "gig_worker", "salaried", "reseller", "remitter")
VICTIM_ROLES = ("salaried", "high_earner", "pensioner", "landlord", "salary_sweeper", "crypto_trader")


class Crime:
    def __init__(self, w, pop):
        self.w = w
        self.pop = pop
        self.rng = w.rng
        self.cfg = w.cfg
        self.alerts = []
        self.scheme_tx = []           # (event, scheme id, role)
        self.victims = []
        self.sar = []
        self.n_schemes = 0
        rng = self.rng
        # recruits and victims are customers for the whole window, so none of their scheme
        # transfers falls before an opening or after a closing
        steady = [a for a in pop.persons if a.opened_day == 0 and a.closed_day is None]
        recruits = [a for a in steady if a.role in RECRUIT_ROLES]
        # recruiters favour students and jobseekers, but only by a few times: the walk of life is a
        # prior, not a give-away (a weighted draw without replacement, Efraimidis-Spirakis)
        weights = {"student": 2.0, "jobseeker": 2.0, "gig_worker": 1.5, "reseller": 1.0, "salaried": 0.7,
                   "remitter": 0.5}
        recruits.sort(key=lambda a: rng.random() ** (1.0 / weights[a.role]), reverse=True)
        self.recruit_pool = recruits
        victims = [a for a in steady if a.role in VICTIM_ROLES]
        rng.shuffle(victims)
        self.victim_pool = victims
        self.taken = set()

    # ------------------------------------------------------------------ accounts
    def new_scheme(self):
        self.n_schemes += 1
        return self.n_schemes

    def mark(self, acct):
        if not acct.sar:
            acct.sar = True
            self.sar.append(acct)
        return acct

    def recruit(self, country=None):
        """An existing customer with a real history who turns mule."""
        for i, a in enumerate(self.recruit_pool):
            if a.idx in self.taken or (country and a.country != country):
                continue
            self.taken.add(a.idx)
            del self.recruit_pool[i]
            return self.mark(a)
        return self.fresh(country or self.cfg.ledger_countries[0], self.rng.randrange(0, max(1, self.w.days // 2)))

    def victim(self, country=None):
        for i, a in enumerate(self.victim_pool):
            if a.idx in self.taken or a.sar or (country and a.country != country):
                continue
            self.taken.add(a.idx)
            del self.victim_pool[i]
            a.victim = True
            self.victims.append(a)
            return a
        return None

    def external_victim(self, country):
        a = self.rng.choice(self.pop.ext_persons[country])
        if a.sar:
            return None
        if not a.victim:
            a.victim = True
            self.victims.append(a)
        return a

    def fresh(self, country, open_day, life=True):
        """A person account opened at `open_day` for the scheme: an opening deposit and a little
        card use so it does not look empty."""
        w, rng = self.w, self.rng
        open_day = max(0, min(open_day, w.days - 1))
        acct = w.new_account(country, "person", "mule_fresh", opened_day=open_day)
        acct.overdraft = 0
        if open_day == 0:
            # opened before the window and little used: a small balance, as on any dormant account
            acct.balance0 = w.usd(rng.uniform(1, 80), acct)
        self.mark(acct)
        if life and open_day > 0:
            cash = self.pop.cash[country]
            w.pay(w.at(open_day, country, 10, 16), cash, acct, w.usd(rng.choice((20, 50, 100)), acct, 10),
                  "cash_deposit")
        if life:
            merchants = self.pop.merchants[country]
            for _ in range(rng.randint(0, 6)):
                d = random_day(w, 1.3, lo=open_day)
                w.pay(w.ts(d, country, card_hour(rng) * 3600), acct, rng.choice(merchants[:40]),
                      w.usd(w.lognormal_usd(20, 0.7), acct), "card", SPEND)
        return acct

    def front(self, country, open_day=0):
        """A business front: a company account with a thin cover of invoices and expenses."""
        w, rng = self.w, self.rng
        acct = w.new_account(country, "business", "mule_front", opened_day=open_day)
        acct.balance0 = w.usd(rng.uniform(500, 5000), acct) if open_day == 0 else 0
        self.mark(acct)
        clients = self.pop.ext_business[country]
        months = max(1, (w.days - open_day) // 30)
        for _ in range(rng.randint(0, 2 * months)):
            d = random_day(w, 0.1, lo=open_day)
            ev = w.pay(w.at(d, country, 9, 17), rng.choice(clients), acct,
                       w.usd(w.lognormal_usd(2500, 0.6), acct, 10), "transfer")
            # expenses out of each invoice's money, days later
            for _ in range(rng.randint(0, 2)):
                t = ev[E_TS] + int(rng.uniform(1, 12) * DAY)
                w.pay(t, acct, rng.choice(clients), int(ev[E_AMT] * rng.uniform(0.2, 0.45)), "transfer")
        return acct

    def external(self, country, role="collector", currency=None):
        """A laundering account at another bank (or a crypto wallet): only its transfers with this
        bank's customers are visible."""
        acct = self.w.new_account(country, "unknown", role, in_bank=False, currency=currency)
        return self.mark(acct)

    def member(self, country, open_lo, mix):
        """A mule of the kind drawn from `mix` = (recruited, fresh, front) weights."""
        r = self.rng.random() * sum(mix)
        if r < mix[0]:
            return self.recruit(country)
        if r < mix[0] + mix[1]:
            return self.fresh(country, open_lo - self.rng.randint(4, 30))
        return self.front(country, 0 if self.rng.random() < 0.6 else max(0, open_lo - self.rng.randint(10, 60)))

    # ------------------------------------------------------------------ money in and out
    def record(self, ev, scheme, role, alert=None):
        self.scheme_tx.append((ev, scheme, role))
        if alert is not None:
            alert.events.append(ev)
        return ev

    def place(self, scheme, acct, day, amount, how=None):
        """Dirty money arriving at `acct` (minor units of its currency) around `day`: cash paid in
        (under the report line when large), or wires from abroad / other banks."""
        w, rng = self.w, self.rng
        c = acct.country
        if not acct.in_bank:
            return          # money reaching an account at another bank is not in these books
        how = how or rng.choice(("cash", "wire", "wire", "transfer"))
        day = max(0, min(w.days - 1, day))
        if how == "cash":
            line = money.threshold_minor(c, acct.currency)
            left = amount
            d = day
            while left > 0:
                part = min(left, int(line * rng.uniform(0.55, 0.95)))
                self.record(w.pay(w.at(d, c, 9, 17), self.pop.cash[c], acct, part, "cash_deposit"), scheme,
                            "placement")
                left -= part
                d = max(0, d - 1)
            return
        foreign = self.cfg.partner_countries if (how == "wire" and self.cfg.countries == "many") else [c]
        src = rng.choice(self.pop.ext_business[rng.choice(foreign)] + self.pop.ext_persons[c][:50])
        amt = amount
        if src.currency != acct.currency:
            amt = w.fx.convert(amount, acct.currency, src.currency, day, -0.01)
        self.record(w.pay(w.at(day, src.country, 8, 18), src, acct, amt,
                          "wire" if src.currency != acct.currency else "transfer"), scheme, "placement")

    def cash_out(self, scheme, acct, ts, amount, structured=True, alert=None):
        """Withdraw `amount` in cash from `ts` on: branch withdrawals just under the report line,
        or ATM withdrawals at the daily limit. Returns the events."""
        w, rng = self.w, self.rng
        c = acct.country
        line = money.threshold_minor(c, acct.currency)
        atm_limit = money.usd_to_minor(rng.choice((500, 800, 1000)), acct.currency, 10)
        evs = []
        left = amount
        t = ts
        while left > 0 and t < w.end_epoch:
            if structured and left > atm_limit:
                part = min(left, int(line * rng.uniform(0.82, 0.98)))
                channel = "cash_withdrawal"
            else:
                part = min(left, atm_limit)
                channel = "atm"
            ev = w.pay(t, acct, self.pop.cash[c], part, channel)
            evs.append(self.record(ev, scheme, "off_ramp", alert))
            left -= part
            t += int(rng.uniform(0.6, 2.5) * DAY)
        return evs

    def exchange_out(self, scheme, acct, ts, amount, wallet=None, alert=None):
        """Deposit at an exchange; where the exchange's wallet is in the ledger, the coins leave
        to the scheme's wallet minutes later."""
        w, rng = self.w, self.rng
        c = acct.country
        ex_list = self.pop.exchanges.get(c) or self.pop.exchanges[self.cfg.ledger_countries[0]]
        ex = rng.choice(ex_list)
        ev = self.record(w.pay(ts, acct, ex, amount, "transfer"), scheme, "off_ramp", alert)
        hot = self.pop.hot_wallets.get(ex.country)
        if hot is not None and wallet is not None:
            usdt = w.fx.convert(w.credited(ev), ex.currency, "USDT", w.day_of(ts), 0.006)
            self.record(w.pay(ts + rng.randint(240, 5400), hot, wallet, usdt, "crypto"), scheme, "off_ramp", alert)
        return ev

    def spend_cut(self, acct, ts, amount):
        """A mule spends its cut like anyone would: card and cash over the following days."""
        w, rng = self.w, self.rng
        c = acct.country
        p = acct.profile or {}
        merchants = p.get("merchants") or self.pop.merchants[c][:40]
        left = amount
        t = ts
        while left > money.usd_to_minor(15, acct.currency) and t < w.end_epoch:
            t += int(rng.uniform(0.2, 3.0) * DAY)
            part = min(left, max(1, int(left * rng.uniform(0.2, 0.7))))
            if rng.random() < 0.3:
                w.pay(t, acct, self.pop.cash[c], part, "atm", SPEND)
            else:
                w.pay(t, acct, rng.choice(merchants), part, "card", SPEND)
            left -= part

    def alert(self, typology, main, members, source="generated"):
        al = Alert(typology, 1, main, members, source)
        self.alerts.append(al)
        return al
