"""Legitimate life: the rhythms of persons and businesses, including every look-alike of
laundering the brief asks for (salary sweepers, landlords, remitters, payroll agents, zero-balance
collection accounts, escrow, savings circles, intercompany cycles, flat-shares, cash-heavy shops).

Discretionary spending (card, ATM, gifts) scales with `World.intensity`, which the driver sets so
the ledger comes out at the requested size; the structural flows (pay, rent, bills) do not.
The look-alikes that share a shape with a laundering typology are written to the truth as alerts
with is_sar=0 (tx_source `confounder`), so false positives can be counted by kind.
"""

from . import money
from .world import FIXED, SPEND, GIFT, CLOSE, Alert, poisson, E_DST, E_SRC, E_TS, E_AMT

MONTH = 30.44


def card_hour(rng):
    h = rng.random()
    if h < 0.12:
        return rng.uniform(7, 10)
    if h < 0.45:
        return rng.uniform(11, 14.5)
    if h < 0.9:
        return rng.uniform(16, 21.5)
    return rng.uniform(21.5, 24) if rng.random() < 0.7 else rng.uniform(0, 2)


def random_day(w, weekend_boost=1.3, lo=0):
    """A day in [lo, days) with weekend days `weekend_boost` times as likely as weekdays."""
    rng = w.rng
    lo = min(max(0, lo), w.days - 1)
    top = max(1.0, weekend_boost)
    while True:
        d = rng.randrange(lo, w.days)
        weight = weekend_boost if w.weekdays[d] >= 5 else 1.0
        if rng.random() * top < weight:
            return d


def paydays(w, schedule, parity):
    if schedule == "monthly":
        return w.last_business_days
    if schedule == "biweekly":
        return w.fridays[parity::2]
    return w.fridays


PERIODS_PER_MONTH = {"monthly": 1.0, "biweekly": 26 / 12.0, "weekly": 52 / 12.0, "cash_weekly": 52 / 12.0}


class Normal:
    def __init__(self, w, pop):
        self.w = w
        self.pop = pop
        self.rng = w.rng
        self.payroll_due = {}     # (agent idx, client idx, day) -> minor units the agent pays out
        self.mto_due = {}         # (mto idx, day, destination country) -> minor units collected
        self.decoys = []

    # ============================================================ persons
    def person(self, acct):
        w, rng, pop = self.w, self.rng, self.pop
        p = acct.profile
        c = acct.country
        role = acct.role
        level = money.wage_level(c)
        months = w.days / MONTH
        pays = []   # (day, credited minor units) of pay, for sweepers and remitters

        if acct.opened_day > 0:
            # a new customer moves their money over from their old bank
            old_bank = rng.choice(pop.ext_persons[c])
            w.pay(w.at(acct.opened_day, c, 9, 20), old_bank, acct,
                  w.usd(max(p["income"], 900 * level) * rng.uniform(0.3, 2.5), acct, 10), "transfer")
        if acct.closed_day is not None:
            # leaving: the balance goes to the new bank; settling fills in the amount
            new_bank = rng.choice(pop.ext_persons[c])
            w.pay(w.at(acct.closed_day, c, 10, 16), acct, new_bank, 1, "transfer", CLOSE)
        for _ in range(poisson(rng, (0.35 if role == "pensioner" else 0.04) * months)):
            w.pay(w.at(random_day(w, 0.2), c, 9.5, 16.5), acct, pop.cash[c],
                  w.usd(rng.choice((200, 300, 500, 1000, 1500, 2000, 3000)) * max(level, 0.3), acct, 10),
                  "cash_withdrawal", GIFT)

        # ---- income
        schedule = p.get("schedule")
        if schedule:
            per = p["income"] / PERIODS_PER_MONTH[schedule]
            base = w.usd(per, acct)
            src = p["pay_from"]
            for d in paydays(w, "weekly" if schedule == "cash_weekly" else schedule, p.get("parity", 0)):
                amount = base if rng.random() < 0.75 else int(base * rng.uniform(0.92, 1.12))
                if schedule == "cash_weekly":
                    dd = min(w.days - 1, d + rng.choice((0, 1, 3)))
                    ev = w.pay(w.at(dd, c, 9, 17), pop.cash[c], acct, amount, "cash_deposit")
                    pays.append((dd, amount))
                    continue
                ev = w.pay(w.at(d, c, 4, 7.5), src, acct, amount, "salary")
                pays.append((d, w.credited(ev)))
                if src in pop.payroll_agents:
                    key = (src.idx, p["employer"].idx, d)
                    self.payroll_due[key] = self.payroll_due.get(key, 0) + ev[E_AMT]
                    if self.payroll_due.get(("alert", src.idx)) is None:
                        self.payroll_due[("alert", src.idx)] = Alert("fan_out", 0, src, [src], "confounder")
                    al = self.payroll_due[("alert", src.idx)]
                    al.members.append(acct)
                    al.events.append(ev)
        if role == "pensioner":
            amount = w.usd(1500 * level * rng.lognormvariate(0, 0.3), acct)
            for d in w.days_of_month(3):
                d = w.business_day(d)
                if d < w.days:
                    w.pay(w.at(d, c, 3, 6), pop.government[c], acct, amount, "pension")
        if role == "jobseeker":
            amount = w.usd(550 * level * rng.uniform(0.8, 1.2), acct)
            for d in w.fridays[rng.randint(0, 1)::2]:
                w.pay(w.at(d, c, 3, 6), pop.government[c], acct, amount, "benefit")
            for _ in range(poisson(rng, 1.2 * months)):
                payer = rng.choice(pop.ext_persons[c])
                w.pay(w.at(random_day(w), c, 9, 21), payer, acct, w.usd(rng.uniform(40, 300) * level, acct, 5),
                      "transfer")
        if role == "student":
            parent = p["parent"]
            amount = money.usd_to_minor(p["allowance"], parent.currency, 10)
            dom = rng.randint(1, 28)
            channel = "wire" if parent.country != c else "transfer"
            for d in w.days_of_month(dom):
                w.pay(w.at(d, parent.country, 8, 21), parent, acct, amount, channel,
                      GIFT if parent.in_bank else FIXED)
            for _ in range(poisson(rng, 0.4 * months)):
                w.pay(w.at(random_day(w), parent.country, 9, 22), parent, acct,
                      money.usd_to_minor(rng.uniform(30, 250) * level, parent.currency, 5), channel,
                      GIFT if parent.in_bank else FIXED)
        if role == "gig_worker":
            for plat in p["platforms"]:
                weekday_shift = rng.randint(0, 1)
                for d in w.fridays:
                    dd = d + 3 + weekday_shift
                    if dd < w.days:
                        amt = money.usd_to_minor(p["weekly"] / len(p["platforms"]) * rng.uniform(0.4, 1.6),
                                                 plat.currency)
                        ev = w.pay(w.at(dd, c, 2, 6), plat, acct, amt, "transfer")
                        pays.append((dd, w.credited(ev)))
            for _ in range(poisson(rng, p["client_rate"] * months)):
                if rng.random() < 0.35:
                    payer, flex = rng.choice(pop.persons_in[c]), GIFT
                    if payer is acct:
                        continue
                else:
                    payer, flex = rng.choice(pop.ext_persons[c]), FIXED
                w.pay(w.at(random_day(w), c, 8, 23), payer, acct,
                      money.usd_to_minor(w.lognormal_usd(55 * level, 0.7), payer.currency), "transfer", flex)
        if role == "reseller":
            self.reseller(acct, p, months)
        if role == "crypto_trader":
            ex = p["exchange"]
            hot = pop.hot_wallets.get(c)
            for _ in range(poisson(rng, 2.0 * months)):
                ts = w.at(random_day(w), c, 7, 24)
                ev = w.pay(ts, acct, ex, w.usd(w.lognormal_usd(600, 1.0), acct, 10), "transfer")
                if hot is not None and rng.random() < 0.5:
                    # bought crypto and withdrew it to the trader's own wallet
                    usdt = w.fx.convert(ev[E_AMT], acct.currency, "USDT", w.day_of(ts), 0.006)
                    w.pay(ts + rng.randint(300, 7200), hot, p["wallet"], usdt, "crypto")
            for _ in range(poisson(rng, 1.0 * months)):
                w.pay(w.at(random_day(w), c, 0, 24), ex, acct, w.usd(w.lognormal_usd(700, 1.1), acct), "transfer")
        if role == "landlord":
            ext = p.get("ext_tenants", [])
            for tenant, rent, dom in ext:
                amt = money.usd_to_minor(rent, tenant.currency, 10)
                for d in w.days_of_month(dom):
                    w.pay(w.at(d, tenant.country, 1, 6), tenant, acct, amt, "standing_order")
            expected = sum(money.usd_to_minor(r, acct.currency) for _, r, _ in ext)
            for d in w.days_of_month(rng.randint(8, 12)):
                w.pay(w.at(d, c, 8, 20), acct, p["savings_out"],
                      int(max(expected, w.usd(800 * level, acct)) * rng.uniform(0.5, 0.8)), "transfer")
            for _ in range(poisson(rng, 0.7 * months)):
                payee = rng.choice([b for b in pop.small_businesses if b.currency == acct.currency]
                                   or pop.ext_business[c])
                w.pay(w.at(random_day(w, 0.5), c, 9, 18), acct, payee, w.usd(w.lognormal_usd(400, 0.8), acct, 5),
                      "transfer")
        if role == "high_earner":
            for d in w.days_of_month(rng.randint(2, 6)):
                w.pay(w.at(d, c, 7, 22), acct, p["brokerage"], w.usd(p["income"] * rng.uniform(0.1, 0.3), acct, 50),
                      "transfer")

        # ---- where the pay goes the same day or soon after
        if role == "salary_sweeper":
            savings = p["savings"]
            al = Alert("rapid_pass_through", 0, acct, [acct, savings], "confounder")
            for d, amt in pays:
                keep = 0 if rng.random() < 0.6 else int(amt * rng.uniform(0.02, 0.1))
                al.events.append(w.pay(w.ts(d, c, 7.6 * 3600 + rng.uniform(600, 6 * 3600)), acct, savings,
                                       amt - keep, "transfer"))
            monthly = w.usd(p["income"] * rng.uniform(0.75, 0.95), acct)
            for _ in range(int(months * rng.randint(2, 4))):
                w.pay(w.at(random_day(w), c, 7, 23), savings, acct,
                      int(monthly / 4 * rng.uniform(0.5, 1.5)) // 100 * 100 or 100, "transfer")
            self.decoys.append(al)
        if role == "remitter":
            for d, amt in pays:
                share = int(amt * p["remit_share"] * rng.uniform(0.85, 1.1))
                fam = p["family"]
                dd = min(w.days - 1, d + rng.choice((0, 0, 1, 2, 3)))
                for i, f in enumerate(fam):
                    part = share // len(fam)
                    if p["via_mto"] and any(m.currency == acct.currency for m in pop.mtos):
                        mto = rng.choice([m for m in pop.mtos if m.currency == acct.currency] or pop.mtos)
                        ev = w.pay(w.at(dd, c, 9, 20), acct, mto, part, "transfer")
                        key = (mto.idx, dd, f.idx)
                        self.mto_due[key] = self.mto_due.get(key, 0) + w.credited(ev)
                    else:
                        w.pay(w.at(dd, c, 8, 22), acct, f, part, "remittance" if f.country != c else "transfer")

        # ---- housing
        housing = p.get("housing")
        if housing == "rent":
            ll = p["landlord"]
            amt = w.usd(p["rent"], acct, 10)
            for d in w.days_of_month(p["rent_day"]):
                w.pay(w.at(d, c, 1, 5), acct, ll, amt, "standing_order")
        elif housing == "mortgage":
            amt = w.usd(p["mortgage"], acct)
            for d in w.days_of_month(p["mortgage_day"]):
                w.pay(w.at(d, c, 1, 5), acct, p["lender"], amt, "direct_debit")
        elif housing == "flatmate":
            lead = p["flat_lead"]
            amt = w.usd(p["rent"], acct, 5)
            dom = rng.randint(24, 28)
            for d in w.days_of_month(dom):
                w.pay(w.at(d, c, 8, 23), acct, lead, amt, "transfer", GIFT)
        for payee, dom, usd in p["bills"]:
            for d in w.days_of_month(dom):
                w.pay(w.at(d, c, 1, 6), acct, payee, w.usd(usd * rng.uniform(0.8, 1.25), acct), "bill")

        if rng.random() < 0.04 * months / 6:
            self.car_loan(acct)

    def person_spending(self, acct):
        """Discretionary spending; its volume scales with World.intensity."""
        w, rng, pop = self.w, self.rng, self.pop
        p = acct.profile
        c = acct.country
        level = money.wage_level(c)
        months = w.days / MONTH
        inten = w.intensity
        merchants = p["merchants"]
        nm = len(merchants)
        card_median = p["card_median"]
        for _ in range(poisson(rng, p["card_rate"] * months * inten)):
            m = merchants[min(nm - 1, int(rng.paretovariate(1.2)) - 1)]
            d = random_day(w, 1.4)
            w.pay(w.ts(d, c, card_hour(rng) * 3600), acct, m,
                  w.usd(w.lognormal_usd(card_median, 0.9), acct), "card", SPEND)
        cash = pop.cash[c]
        for _ in range(poisson(rng, p["atm_rate"] * months * inten)):
            w.pay(w.at(random_day(w), c, 7, 23.5), acct, cash,
                  w.usd(rng.choice((20, 40, 60, 80, 100, 100, 200, 200, 300, 500)) * max(level, 0.3), acct, 10),
                  "atm", SPEND)
        friends = p["friends"]
        if friends:
            for _ in range(poisson(rng, p["p2p_rate"] * months * inten)):
                f = rng.choice(friends)
                amt = w.lognormal_usd(35 * max(level, 0.3), 0.9)
                w.pay(w.at(random_day(w, 1.5), c, 8, 24), acct, f,
                      w.usd(amt, acct, 1 if rng.random() < 0.6 else 0), "transfer", GIFT)
        for _ in range(poisson(rng, 0.15 * months)):
            w.pay(w.at(random_day(w), c, 9, 17), cash, acct, w.usd(rng.uniform(20, 400) * level, acct, 10),
                  "cash_deposit")
        for _ in range(poisson(rng, 0.08 * months * inten)):
            m = rng.choice(merchants)
            w.pay(w.at(random_day(w), m.country, 1, 23), m, acct, w.usd(w.lognormal_usd(40, 0.8), m), "refund")

    @staticmethod
    def expected_spending(acct, months):
        """Expected number of person_spending transfers at intensity 1."""
        p = acct.profile
        rate = p["card_rate"] + p["atm_rate"] + 0.08
        if p["friends"]:
            rate += p["p2p_rate"]
        return rate * months

    @staticmethod
    def expected_split(group, months):
        return 2.5 * months * (1 + 0.85 * (len(group) - 1))

    def reseller(self, acct, p, months):
        w, rng, pop = self.w, self.rng, self.pop
        c = acct.country
        sold = 0
        last = 0
        every = rng.choice((7, 7, 14))
        for d in sorted(random_day(w, 1.2) for _ in range(poisson(rng, p["sales_rate"] * months))):
            if rng.random() < 0.7:
                payer, flex = rng.choice(pop.ext_persons[c]), FIXED
            else:
                payer, flex = rng.choice(pop.persons_in[c]), GIFT
                if payer is acct:
                    continue
            ev = w.pay(w.at(d, c, 7, 24), payer, acct,
                       money.usd_to_minor(w.lognormal_usd(p["sale_median"], 0.8), payer.currency), "transfer", flex)
            sold += w.credited(ev)
            if d - last >= every and sold > 0:
                ws = p["wholesaler"]
                w.pay(w.at(min(w.days - 1, d + 1), c, 9, 17), acct, ws, int(sold * rng.uniform(0.6, 0.8)),
                      "wire" if ws.country != c else "transfer")
                sold, last = 0, d

    def car_loan(self, acct):
        """A car loan: the lender credits the person, who pays the dealer within days."""
        w, rng, pop = self.w, self.rng, self.pop
        c = acct.country
        d = rng.randrange(0, max(1, w.days - 5))
        lender = rng.choice(pop.lenders[c])
        price = w.usd(w.lognormal_usd(22000 * money.wage_level(c), 0.4), acct, 100)
        ev = w.pay(w.at(d, c, 9, 16), lender, acct, int(price * rng.uniform(0.7, 1.0)), "loan")
        dealer = rng.choice(pop.ext_business[c])
        w.pay(w.at(min(w.days - 1, d + rng.choice((0, 1, 1, 2, 3))), c, 9, 17), acct, dealer, price, "transfer")
        monthly = w.credited(ev) // 48
        for dd in w.days_of_month(rng.randint(1, 28)):
            if dd > d + 20:
                w.pay(w.at(dd, c, 1, 5), acct, lender, monthly, "direct_debit")

    # ============================================================ groups
    def split_group(self, group):
        """Friends who pay for each other and settle up: many small transfers both ways, and
        cycles (A pays B back, B pays C back, C pays A back) with nothing criminal in them."""
        w, rng = self.w, self.rng
        months = w.days / MONTH
        al = Alert("cycle", 0, group[0], group, "confounder")
        for _ in range(poisson(rng, 2.5 * months * w.intensity)):
            payer = rng.choice(group)
            c = payer.country
            p = payer.profile
            d = random_day(w, 2.0)
            total = w.usd(w.lognormal_usd(120 * max(money.wage_level(c), 0.3), 0.6), payer)
            if p and p.get("merchants"):
                w.pay(w.ts(d, c, card_hour(rng) * 3600), payer, rng.choice(p["merchants"]), total, "card", SPEND)
            share = total // len(group)
            for m in group:
                if m is payer:
                    continue
                if rng.random() < 0.85:
                    dd = min(w.days - 1, d + rng.choice((0, 0, 1, 2, 5)))
                    al.events.append(w.pay(w.at(dd, c, 9, 24), m, payer,
                                           money.usd_to_minor(share / 10 ** money.DECIMALS[payer.currency]
                                                              / money.USD_RATE[payer.currency], m.currency),
                                           "transfer", GIFT))
        self.decoys.append(al)

    def rosca(self, members):
        """A rotating savings circle: every member pays the organiser the same sum each month and
        the organiser hands the whole pot to one member in turn (gather, then scatter)."""
        w, rng = self.w, self.rng
        org = members[0]
        c = org.country
        contribution = w.usd(rng.choice((100, 150, 200, 300, 500)) * max(money.wage_level(c), 0.3), org, 10)
        dom = rng.randint(1, 20)
        al = Alert("gather_scatter", 0, org, members, "confounder")
        turn = rng.randrange(len(members))
        for d in w.days_of_month(dom):
            pot = contribution
            for m in members[1:]:
                dd = min(w.days - 1, d + rng.choice((0, 0, 1, 2)))
                ev = w.pay(w.at(dd, c, 7, 23), m, org, contribution if m.currency == org.currency else
                           money.usd_to_minor(contribution / 10 ** money.DECIMALS[org.currency]
                                              / money.USD_RATE[org.currency], m.currency), "transfer")
                al.events.append(ev)
                pot += w.credited(ev)
            turn = (turn + 1) % len(members)
            recipient = members[turn]
            if recipient is not org:
                al.events.append(w.pay(w.at(min(w.days - 1, d + 3), c, 9, 21), org, recipient, pot, "transfer"))
        self.decoys.append(al)

    # ============================================================ businesses
    def business(self, acct):
        w, rng, pop = self.w, self.rng, self.pop
        c = acct.country
        level = max(money.wage_level(c), 0.3)
        months = w.days / MONTH
        size = rng.lognormvariate(0, 0.8)
        clients = pop.ext_business[c]
        for _ in range(poisson(rng, (1 if acct.kind == "merchant" else 2.5) * months * min(size, 3))):
            w.pay(w.at(random_day(w, 0.1), c, 8, 18), rng.choice(clients), acct,
                  w.usd(w.lognormal_usd(3000 * level, 0.9), acct, 1 if rng.random() < 0.5 else 0), "transfer")
        foreign = self.w.cfg.partner_countries if self.w.cfg.countries == "many" else []
        local_suppliers = [b for b in pop.small_businesses if b.currency == acct.currency]
        for _ in range(poisson(rng, 2 * months * min(size, 3))):
            if foreign and rng.random() < 0.2:
                sup = rng.choice(pop.ext_business[rng.choice(foreign)])
            elif local_suppliers and rng.random() < 0.3:
                sup = rng.choice(local_suppliers)
            else:
                sup = rng.choice(clients)
            if sup is acct:
                continue
            w.pay(w.at(random_day(w, 0.1), c, 9, 17), acct, sup, w.usd(w.lognormal_usd(2200 * level, 1.0), acct),
                  "wire" if sup.currency != acct.currency else "transfer")
        rent = w.usd(3000 * level * size, acct, 50)
        landlord = rng.choice(pop.property_managers[c])
        for d in w.days_of_month(1):
            w.pay(w.at(d, c, 1, 5), acct, landlord, rent, "standing_order")
        for d in w.days_of_month(15):
            d = w.business_day(d)
            if d < w.days:
                w.pay(w.at(d, c, 8, 16), acct, pop.government[c], w.usd(2500 * level * size * rng.uniform(0.6, 1.4),
                                                                          acct), "transfer")
        if acct.kind == "merchant" and rng.random() < 0.25:
            # cash-intensive shop banking its takings; some bank sums just under the report line
            median = 700 * level * size
            if rng.random() < 0.12:
                median = 0.7 * money.COUNTRIES[c][3] / money.USD_RATE[money.currency_of(c)]
            cash = pop.cash[c]
            for d in range(w.days):
                if w.weekdays[d] == 6 or rng.random() < 0.45:
                    continue
                w.pay(w.at(d, c, 15, 18.5), cash, acct,
                      w.usd(min(w.lognormal_usd(median, 0.35), 0.99 * money.COUNTRIES[c][3]
                                / money.USD_RATE[money.currency_of(c)]), acct), "cash_deposit")

    def payroll_agent_funding(self):
        """Clients fund their payroll agent a day or two before each payday, plus a fee."""
        w, rng = self.w, self.rng
        for key, amount in self.payroll_due.items():
            if key[0] == "alert":
                continue
            agent_idx, client_idx, d = key
            agent, client = w.accounts[agent_idx], w.accounts[client_idx]
            dd = max(0, d - rng.choice((1, 1, 2)))
            while dd > 0 and w.weekdays[dd] >= 5:
                dd -= 1
            amt = int(amount * 1.012)
            if client.currency != agent.currency:
                amt = w.fx.convert(amt, agent.currency, client.currency, dd, 0.0)
            w.pay(w.at(dd, client.country, 9, 16), client, agent, amt, "transfer")
        for key, al in self.payroll_due.items():
            if key[0] == "alert":
                self.decoys.append(al)

    def mto_batches(self):
        """A money transfer operator wires each day's collections on to each family member's
        country through a correspondent there (gather from many, scatter abroad)."""
        w, rng, pop = self.w, self.rng, self.pop
        correspondents = {}
        batches = {}
        for (mto_idx, d, fam_idx), amount in sorted(self.mto_due.items()):
            fam = w.accounts[fam_idx]
            batches.setdefault((mto_idx, d, fam.country), []).append((fam, amount))
        for (mto_idx, d, country), items in sorted(batches.items()):
            mto = w.accounts[mto_idx]
            key = (mto_idx, country)
            if key not in correspondents:
                correspondents[key] = rng.choice(pop.ext_business[country])
            total = sum(a for _, a in items)
            dd = min(w.days - 1, d + (1 if w.weekdays[d] >= 4 else 0))
            w.pay(w.at(dd, mto.country, 16, 18), mto, correspondents[key], int(total * 0.985), "wire")

    def escrow(self, acct):
        """Solicitors' client account: buyers' deposits and completion money in, sellers paid out
        within days; a big pass-through of persons' money with nothing wrong in it."""
        w, rng, pop = self.w, self.rng, self.pop
        c = acct.country
        level = max(money.wage_level(c), 0.3)
        months = w.days / MONTH
        office = rng.choice(pop.ext_business[c])
        al = Alert("rapid_pass_through", 0, acct, [acct], "confounder")
        for _ in range(poisson(rng, 1.5 * months)):
            car = rng.random() < 0.4
            price = w.usd(w.lognormal_usd((25000 if car else 320000) * level, 0.4), acct, 100)
            buyer = rng.choice(pop.persons_in[c]) if rng.random() < 0.5 else rng.choice(pop.ext_persons[c])
            seller = rng.choice(pop.persons_in[c]) if rng.random() < 0.3 else rng.choice(pop.ext_persons[c])
            if buyer is seller or buyer.currency != acct.currency or seller.currency != acct.currency:
                continue
            d0 = rng.randrange(0, max(1, w.days - 10))
            done = d0 if car else min(w.days - 3, d0 + rng.randint(14, 56))
            if not car:
                al.events.append(w.pay(w.at(d0, c, 9, 17), buyer, acct, price // 10, "transfer"))
                rest = price - price // 10
            else:
                rest = price
            if buyer.in_bank and not car:
                lender = rng.choice(pop.lenders[c])
                w.pay(w.at(max(0, done - rng.randint(1, 3)), c, 9, 16), lender, buyer, int(rest * 0.8), "loan")
            al.events.append(w.pay(w.at(done, c, 9, 13), buyer, acct, rest, "transfer"))
            fee = int(price * rng.uniform(0.005, 0.015))
            dd = min(w.days - 1, done + rng.choice((0, 0, 1, 2)))
            al.events.append(w.pay(w.at(dd, c, 13, 17.5), acct, seller, price - fee, "transfer"))
            w.pay(w.at(dd, c, 13, 17.5), acct, office, fee, "transfer")
            al.members.append(seller)
        self.decoys.append(al)

    def charity(self, acct):
        w, rng, pop = self.w, self.rng, self.pop
        foreign = w.cfg.partner_countries if w.cfg.countries == "many" else [acct.country]
        grantees = [rng.choice(pop.ext_business[rng.choice(foreign)]) for _ in range(rng.randint(1, 3))]
        for d in w.days_of_month(rng.randint(20, 28)):
            g = rng.choice(grantees)
            w.pay(w.at(d, acct.country, 9, 16), acct, g, w.usd(w.lognormal_usd(8000, 0.5), acct, 100),
                  "wire" if g.currency != acct.currency else "transfer")

    def zba_customers(self, master, subs):
        """Customers at other banks paying into a company's regional collection accounts."""
        w, rng, pop = self.w, self.rng, self.pop
        months = w.days / MONTH
        for sub in subs:
            c = sub.country
            for _ in range(poisson(rng, rng.uniform(4, 15) * months)):
                w.pay(w.at(random_day(w, 0.6), c, 0, 24), rng.choice(pop.ext_persons[c]), sub,
                      w.usd(w.lognormal_usd(90 * max(money.wage_level(c), 0.3), 0.6), sub), "bill")

    def zba_sweeps(self, master, subs, by_account):
        """End of each business day every collection account is swept to zero into the master."""
        w = self.w
        al = Alert("fan_in", 0, master, [master] + subs, "confounder")
        for sub in subs:
            pending = 0
            inflow_by_day = {}
            for ev in by_account.get(sub.idx, ()):
                if ev[E_DST] == sub.idx:
                    d = w.day_of(ev[E_TS])
                    inflow_by_day[d] = inflow_by_day.get(d, 0) + w.credited(ev)
                elif ev[E_SRC] == sub.idx:
                    d = w.day_of(ev[E_TS])
                    inflow_by_day[d] = inflow_by_day.get(d, 0) - ev[E_AMT]
            for d in range(w.days):
                pending += inflow_by_day.get(d, 0)
                if w.weekdays[d] < 5 and pending > 0:
                    al.events.append(w.pay(w.ts(d, sub.country, 18.5 * 3600 + w.rng.uniform(0, 1200)), sub, master,
                                           pending, "transfer"))
                    pending = 0
        self.decoys.append(al)

    def intercompany(self, group):
        """A corporate group's monthly loop: funding, intercompany purchase, dividend/loan back to
        the parent. A cycle with similar amounts, days apart, every month."""
        w, rng = self.w, self.rng
        al = Alert("cycle", 0, group[0], group, "confounder")
        base_usd = w.lognormal_usd(40000, 0.6)
        for d in w.days_of_month(rng.randint(3, 10)):
            dd = d
            usd = base_usd * rng.uniform(0.9, 1.1)
            for i, a in enumerate(group):
                b = group[(i + 1) % len(group)]
                dd = min(w.days - 1, w.business_day(dd + rng.randint(1, 4)))
                if dd >= w.days:
                    break
                al.events.append(w.pay(w.at(dd, a.country, 9, 17), a, b, w.usd(usd * rng.uniform(0.92, 1.05), a, 100),
                                       "wire" if a.currency != b.currency else "transfer"))
        self.decoys.append(al)

    def landlord_decoys(self, by_account):
        """Landlords: many tenants' rents in (fan-in), one sweep and one mortgage out."""
        for ll in self.pop.by_role.get("landlord", []):
            al = Alert("fan_in", 0, ll, [ll], "confounder")
            for ev in by_account.get(ll.idx, ()):
                if ev[E_DST] == ll.idx and ev[6] == "standing_order":
                    al.events.append(ev)
                    al.members.append(self.w.accounts[ev[E_SRC]])
            al.members = list(dict.fromkeys(al.members))
            self.decoys.append(al)


def treasury(w, accounts, by_account, treasuries):
    """Keep businesses solvent and lean the way treasurers do: a top-up from the company's account
    at another bank at the start of a week that would end short, a sweep out at the end of a week
    that leaves too much. Turns each business's simulated flows into a plausible balance."""
    weeks = (w.days + 6) // 7
    for acct in accounts:
        evs = by_account.get(acct.idx, ())
        if not evs:
            continue
        net = [0] * weeks
        out_total = 0
        for ev in evs:
            wk = min(weeks - 1, max(0, w.day_of(ev[E_TS]) // 7))
            if ev[E_SRC] == acct.idx:
                net[wk] -= ev[E_AMT]
                out_total += ev[E_AMT]
            if ev[E_DST] == acct.idx:
                net[wk] += w.credited(ev)
        target = max(acct.balance0, int(1.5 * out_total / max(1, weeks)))
        bal = acct.balance0
        other = treasuries.get(acct.idx)
        if other is None:
            continue
        for wk in range(weeks):
            projected = bal + net[wk]
            d0 = wk * 7
            if projected < 0.3 * target:
                amount = int(target - projected)
                w.pay(w.at(d0, acct.country, 6, 8), other, acct, amount, "transfer")
                projected += amount
            elif projected > 3 * target:
                amount = int(projected - target)
                d1 = min(w.days - 1, d0 + 4)
                w.pay(w.at(d1, acct.country, 16, 18), acct, other, amount, "transfer")
                projected -= amount
            bal = projected


def group_events_by_account(events, which):
    """account idx -> events touching it, for the accounts in `which`."""
    out = {i: [] for i in which}
    for ev in events:
        s, d = ev[E_SRC], ev[E_DST]
        if s in out:
            out[s].append(ev)
        if d in out and d != s:
            out[d].append(ev)
    return out
