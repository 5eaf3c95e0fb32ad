"""Who banks here, and who they deal with.

Builds the in-bank customers (persons of several walks of life, and in the mixed population
businesses of several shapes) in the ledger's countries, plus counterparties at other banks
(kind mostly `unknown`, as a seized ledger shows them), and wires them together: employers,
landlords, tenants, friends, family abroad, parents, merchants, savings groups.

Accounts here are all legitimate. Crime schemes later recruit some of these persons as mules and
pick some as victims; what they add is layered on top of the life built here.
"""

import bisect

from . import money

# Share of in-bank persons per walk of life (the rest are plain salaried persons).
PERSON_MIX = [
    ("salary_sweeper", 0.04),   # whole salary to own savings the same day
    ("student", 0.08),          # allowance from parents, part-time pay, shared rent
    ("gig_worker", 0.04),       # weekly platform payouts, many small payers
    ("remitter", 0.05),         # migrant worker sending most of the pay home
    ("landlord", 0.02),         # many rents in, one mortgage and one sweep out
    ("pensioner", 0.08),
    ("jobseeker", 0.05),        # benefits, odd jobs, family help
    ("reseller", 0.03),         # online seller: many buyers in, wholesaler out
    ("crypto_trader", 0.02),    # exchange deposits and withdrawals
    ("high_earner", 0.04),      # large salary, brokerage transfers, foreign card spend
]


class Population:
    """Handles to the accounts the behaviours need, grouped by role."""

    def __init__(self):
        self.persons = []            # in-bank persons (their Account), every walk of life
        self.persons_in = {}         # country -> in-bank persons there
        self.by_role = {}            # role -> [Account]
        self.employers = {}          # country -> accounts that pay salaries (in-bank or not)
        self.employer_cum = {}
        self.merchants = {}          # country -> [Account] (card acceptors), popularity-ordered
        self.merchant_cum = {}
        self.foreign_merchants = []  # online shops abroad: card conversion legs
        self.utilities = {}          # country -> [Account]
        self.cash = {}               # country -> the cash account (ATMs, branch counters)
        self.exchanges = {}          # country -> [Account]
        self.lenders = {}            # country -> [Account]
        self.government = {}         # country -> Account (pensions, benefits; receives tax)
        self.ext_persons = {}        # country -> [Account] at other banks
        self.ext_business = {}       # country -> [Account] at other banks (suppliers, clients)
        self.property_managers = {}  # country -> [Account]
        self.brokerages = {}         # country -> [Account]
        self.platforms = []          # gig platforms
        self.payroll_agents = []
        self.mtos = []               # money transfer operators
        self.escrows = []
        self.charities = []
        self.zba_groups = []         # [(master, [subs])]
        self.intercompany = []       # [[companies]]
        self.small_businesses = []
        self.rosca_groups = []       # [[members]], first member organises
        self.split_groups = []       # [[members]] who split bills and rent
        self.treasuries = {}         # business account idx -> its account at another bank
        self.hot_wallets = {}        # country -> an exchange's crypto wallet (USDT), many-currency only


def pick_zipf(rng, items, cum):
    """An item drawn with the popularity weights whose running sums are `cum`."""
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def zipf_cum(n, s=1.0):
    cum, total = [], 0.0
    for i in range(n):
        total += 1.0 / (i + 1) ** s
        cum.append(total)
    return cum


def build(w, budget):
    """Create about `budget` legitimate accounts and their relationships."""
    cfg, rng = w.cfg, w.rng
    pop = Population()
    mixed = cfg.population == "mixed"
    ledger_countries = cfg.ledger_countries
    home = ledger_countries[0]

    in_bank_persons = int(budget * (0.50 if mixed else 0.55))
    n_business = int(budget * 0.065) if mixed else 0
    country_share = cfg.ledger_country_shares

    def ledger_country():
        return ledger_countries[bisect.bisect_left(country_share, rng.random())] if len(ledger_countries) > 1 else home

    # -------------------------------------------------------------- fixed institutions
    for c in ledger_countries:
        pop.cash[c] = w.new_account(c, "cash", "cash")
        pop.utilities[c] = [w.new_account(c, "utility", "utility") for _ in range(3 if c == home else 2)]
        pop.exchanges[c] = [w.new_account(c, "exchange", "exchange") for _ in range(2 if c == home else 1)]
        pop.lenders[c] = [w.new_account(c, "business", "lender", in_bank=mixed) for _ in range(2)]
        pop.government[c] = w.new_account(c, "employer", "government", in_bank=mixed)
        pop.ext_persons[c] = []
        pop.ext_business[c] = []
        pop.property_managers[c] = [w.new_account(c, "business", "property_manager", in_bank=False)
                                    for _ in range(3)]
        pop.brokerages[c] = [w.new_account(c, "business", "brokerage", in_bank=False) for _ in range(2)]
    if cfg.currencies == "many":
        for c in ledger_countries:
            pop.hot_wallets[c] = w.new_account(c, "exchange", "exchange_hot_wallet", currency="USDT")
    for acct in pop.lenders[home] + [pop.government[home]]:
        acct.balance0 = w.usd(5e6, acct)

    # -------------------------------------------------------------- businesses
    employers_by_country = {c: [] for c in ledger_countries}
    merchants_by_country = {c: [] for c in ledger_countries}
    if mixed:
        n_special = 0
        for _ in range(max(1, n_business // 120)):
            pop.platforms.append(w.new_account(home, "business", "platform"))
        for _ in range(max(2, n_business // 80)):
            pop.payroll_agents.append(w.new_account(ledger_country(), "business", "payroll_agent"))
        if cfg.countries == "many":
            for _ in range(max(1, n_business // 150)):
                pop.mtos.append(w.new_account(home, "business", "money_transfer_operator"))
        for _ in range(max(2, n_business // 50)):
            pop.escrows.append(w.new_account(ledger_country(), "business", "escrow"))
        for _ in range(max(2, n_business // 60)):
            pop.charities.append(w.new_account(ledger_country(), "business", "charity"))
        for _ in range(max(2, n_business // 40)):
            c = ledger_country()
            master = w.new_account(c, "business", "zba_master")
            subs = [w.new_account(c, "business", "zba_collection") for _ in range(rng.randint(3, 8))]
            pop.zba_groups.append((master, subs))
        for _ in range(max(2, n_business // 60)):
            group = [w.new_account(ledger_country(), "business", "intercompany") for _ in range(rng.randint(3, 5))]
            pop.intercompany.append(group)
        n_special = sum(1 for a in w.accounts if a.in_bank and a.kind == "business")
        rest = max(10, n_business - n_special)
        for i in range(rest):
            c = ledger_country()
            r = rng.random()
            if r < 0.35:
                acct = w.new_account(c, "employer", "employer")
                employers_by_country[c].append(acct)
            elif r < 0.72:
                acct = w.new_account(c, "merchant", "merchant")
                merchants_by_country[c].append(acct)
                employers_by_country[c].append(acct)
            else:
                acct = w.new_account(c, "business", "small_business")
                pop.small_businesses.append(acct)
                employers_by_country[c].append(acct)

    # each in-bank business keeps its main account at another bank (top-ups and sweeps)
    for acct in list(w.accounts):
        if acct.in_bank and acct.kind in ("business", "merchant", "employer", "utility", "exchange") \
                and acct.role not in ("zba_collection", "exchange_hot_wallet"):
            pop.treasuries[acct.idx] = w.new_account(acct.country, "business" if rng.random() < 0.4 else "unknown",
                                                     "treasury", in_bank=False, currency=acct.currency)

    # -------------------------------------------------------------- counterparties at other banks
    for _ in range(max(5, in_bank_persons // 60)):
        c = ledger_country()
        employers_by_country[c].append(w.new_account(c, "employer" if rng.random() < 0.5 else "unknown",
                                                     "ext_employer", in_bank=False))
    for c in ledger_countries:
        n = max(8, int(in_bank_persons * (0.012 if mixed else 0.02) * (2 if c == home else 1)))
        for _ in range(n):
            merchants_by_country[c].append(w.new_account(c, "merchant", "ext_merchant", in_bank=False))
    foreign = cfg.partner_countries
    if cfg.countries == "many":
        for c in foreign[:6]:
            for _ in range(max(2, in_bank_persons // 1500)):
                pop.foreign_merchants.append(w.new_account(c, "merchant", "foreign_merchant", in_bank=False))

    for c in ledger_countries:
        rng.shuffle(merchants_by_country[c])
        pop.merchants[c] = merchants_by_country[c]
        pop.merchant_cum[c] = zipf_cum(len(merchants_by_country[c]), 0.9)

    for c in ledger_countries:
        if not employers_by_country[c]:
            employers_by_country[c].append(w.new_account(c, "employer", "ext_employer", in_bank=False))
        rng.shuffle(employers_by_country[c])
        pop.employers[c] = employers_by_country[c]
        pop.employer_cum[c] = zipf_cum(len(employers_by_country[c]), 0.8)

    # -------------------------------------------------------------- persons
    roles = []
    for role, share in PERSON_MIX:
        if role == "crypto_trader" and not pop.exchanges:
            continue
        roles += [role] * int(round(share * in_bank_persons))
    roles += ["salaried"] * max(0, in_bank_persons - len(roles))
    rng.shuffle(roles)
    for role in roles:
        c = ledger_country()
        acct = w.new_account(c, "person", role)
        pop.persons.append(acct)
        pop.persons_in.setdefault(c, []).append(acct)
        pop.by_role.setdefault(role, []).append(acct)

    # -------------------------------------------------------------- remaining budget: other banks
    # sweepers' savings accounts are made while wiring people together
    remaining = budget - len(w.accounts) - len(pop.by_role.get("salary_sweeper", [])) \
        - (len(pop.by_role.get("crypto_trader", [])) if pop.hot_wallets else 0)
    remaining = max(remaining, len(pop.persons) // 4)
    home_share = 0.75 if cfg.countries == "many" else 1.0
    for _ in range(int(remaining * 0.78)):
        c = ledger_country() if rng.random() < home_share else rng.choice(foreign)
        kind = "person" if rng.random() < 0.3 else "unknown"
        pop.ext_persons.setdefault(c, []).append(w.new_account(c, kind, "ext_person", in_bank=False))
    for _ in range(int(remaining * 0.22)):
        c = ledger_country() if rng.random() < 0.8 or cfg.countries == "one" else rng.choice(foreign)
        kind = "business" if rng.random() < 0.5 else "unknown"
        pop.ext_business.setdefault(c, []).append(w.new_account(c, kind, "ext_business", in_bank=False))
    for c in list(ledger_countries) + list(foreign):
        pop.ext_persons.setdefault(c, [])
        pop.ext_business.setdefault(c, [])
        if not pop.ext_persons[c]:
            pop.ext_persons[c].append(w.new_account(c, "unknown", "ext_person", in_bank=False))
        if not pop.ext_business[c]:
            pop.ext_business[c].append(w.new_account(c, "unknown", "ext_business", in_bank=False))

    wire_people(w, pop)
    set_balances(w, pop)
    return pop


def wire_people(w, pop):
    """Profiles: income, employer, housing, bills, friends, family and groups."""
    rng, cfg = w.rng, w.cfg
    foreign = cfg.partner_countries
    remit_dest = [c for c in ("PH", "MX", "IN", "VN") if c in foreign] or None
    landlords = pop.by_role.get("landlord", [])
    landlord_tenants = {l.idx: 0 for l in landlords}
    landlords_in = {}
    for ll in landlords:
        landlords_in.setdefault(ll.country, []).append(ll)
    zba_in = {}
    for _, subs in pop.zba_groups:
        zba_in.setdefault(subs[0].country, []).extend(subs)

    def ext_person(c):
        return rng.choice(pop.ext_persons[c])

    def in_bank_or_ext_person(c, p_in=0.5):
        if rng.random() < p_in:
            return rng.choice(pop.persons_in[c])
        return ext_person(c)

    for acct in pop.persons:
        c = acct.country
        role = acct.role
        p = {}
        acct.profile = p
        level = money.wage_level(c)
        income = 3600 * level * rng.lognormvariate(0, 0.4)
        if role == "high_earner":
            income *= 3.2
        elif role == "remitter":
            income *= 0.6
        elif role == "student":
            income = 0
        p["income"] = income
        if role in ("salaried", "salary_sweeper", "remitter", "landlord", "high_earner", "crypto_trader",
                    "reseller") or (role == "student" and rng.random() < 0.4):
            emp = pick_zipf(rng, pop.employers[c], pop.employer_cum[c])
            p["employer"] = emp
            p["pay_from"] = emp
            agents = [a for a in pop.payroll_agents if a.country == c]
            if agents and rng.random() < 0.15:
                p["pay_from"] = rng.choice(agents)
            r = rng.random()
            p["schedule"] = "monthly" if r < 0.7 else ("biweekly" if r < 0.95 else "weekly")
            if role == "remitter":
                p["schedule"] = "weekly" if r < 0.5 else "biweekly"
                if rng.random() < 0.3:
                    p["schedule"] = "cash_weekly"       # paid in cash, deposits it
            if role == "student":
                p["income"] = 900 * level * rng.lognormvariate(0, 0.3)
                p["schedule"] = "biweekly"
            if p["pay_from"] in pop.payroll_agents:
                p["schedule"] = "monthly"
            p["parity"] = rng.randint(0, 1)
        # housing
        r = rng.random()
        if role == "student":
            p["housing"] = "share" if r < 0.55 else ("rent" if r < 0.8 else "none")
        elif role == "pensioner":
            p["housing"] = "own_free" if r < 0.6 else "rent"
        elif role == "landlord":
            p["housing"] = "mortgage"
        else:
            p["housing"] = "rent" if r < 0.5 else ("mortgage" if r < 0.8 else "none")
        if p["housing"] == "rent":
            local_landlords = landlords_in.get(c)
            if local_landlords and rng.random() < 0.4:
                ll = rng.choice(local_landlords)
                landlord_tenants[ll.idx] += 1
                p["landlord"] = ll
            elif rng.random() < 0.5:
                p["landlord"] = rng.choice(pop.property_managers[c])
            else:
                p["landlord"] = ext_person(c)
            p["rent"] = max(300 * level, 0.3 * max(income, 1800 * level)) * rng.uniform(0.8, 1.2)
            p["rent_day"] = rng.randint(1, 5)
        elif p["housing"] == "mortgage":
            p["lender"] = rng.choice(pop.lenders[c])
            p["mortgage"] = 0.28 * max(income, 2500 * level) * rng.uniform(0.8, 1.3)
            p["mortgage_day"] = rng.randint(1, 28)
        # bills: 1-3 utilities (or a ZBA collection account of a company) on fixed days
        bills = []
        for _ in range(rng.choice((0, 1, 1, 2))):
            if zba_in.get(c) and rng.random() < 0.2:
                payee = rng.choice(zba_in[c])
            else:
                payee = rng.choice(pop.utilities[c])
            bills.append((payee, rng.randint(1, 28), rng.uniform(25, 140) * max(level, 0.3)))
        local_charities = [ch for ch in pop.charities if ch.country == c]
        if local_charities and rng.random() < 0.12:
            bills.append((rng.choice(local_charities), rng.randint(1, 28), rng.choice((5, 10, 20, 25, 50))))
        p["bills"] = bills
        # spending habits
        p["card_rate"] = rng.lognormvariate(2.0, 0.5) * (1.4 if role in ("student", "high_earner") else 1.0)
        p["card_median"] = (22 if role == "student" else 38) * max(level, 0.25) * rng.uniform(0.7, 1.5) * (
            2.5 if role == "high_earner" else 1.0)
        p["atm_rate"] = rng.choice((0.3, 1.0, 2.0, 3.0)) * (1.8 if role in ("pensioner", "remitter") else 1.0)
        favourites = []
        for _ in range(rng.randint(4, 14)):
            favourites.append(pick_zipf(rng, pop.merchants[c], pop.merchant_cum[c]))
        if pop.foreign_merchants and rng.random() < 0.3:
            favourites.append(rng.choice(pop.foreign_merchants))
        p["merchants"] = favourites
        friends = [in_bank_or_ext_person(c, 0.45) for _ in range(rng.randint(2, 7))]
        p["friends"] = [f for f in friends if f is not acct]
        p["p2p_rate"] = rng.uniform(0.3, 2.0) * (1.5 if role == "student" else 1.0)
        acct.overdraft = w.usd(rng.choice((0, 0, 100, 300, 500, 1000)) * max(level, 0.3), acct)

        # customers who join or leave during the window (new in town, switching banks)
        r = rng.random()
        if r < 0.06:
            acct.opened_day = rng.randint(3, max(4, w.days - 15))
        elif r < 0.09:
            acct.closed_day = rng.randint(10, max(11, w.days - 3))
        if role == "salary_sweeper":
            savings = w.new_account(c, "person", "sweeper_savings", opened_day=acct.opened_day)
            savings.profile = {"owner": acct}
            p["savings"] = savings
        elif role == "student":
            r = rng.random()
            if r < 0.35:
                parent = rng.choice(pop.persons_in[c])
                if parent is acct or parent.role == "student":
                    parent = ext_person(c)
            elif r < 0.75 or not remit_dest:
                parent = ext_person(c)
            else:
                parent = ext_person(rng.choice(foreign))      # international student
            p["parent"] = parent
            p["allowance"] = rng.choice((200, 300, 400, 500, 600, 800, 1000)) * max(level, 0.3)
        elif role == "remitter":
            dest = rng.choice(remit_dest) if remit_dest else c
            p["family"] = [ext_person(dest) for _ in range(rng.choice((1, 1, 2)))]
            p["remit_share"] = rng.uniform(0.35, 0.75)
            p["via_mto"] = bool(pop.mtos) and rng.random() < 0.4
        elif role == "gig_worker":
            p["platforms"] = rng.sample(pop.platforms, min(len(pop.platforms), rng.choice((1, 1, 1, 2)))) \
                if pop.platforms else [rng.choice(pop.ext_business[c])]
            p["weekly"] = 420 * level * rng.lognormvariate(0, 0.35)
            p["client_rate"] = rng.uniform(1, 6)
        elif role == "reseller":
            p["wholesaler"] = rng.choice(pop.ext_business[rng.choice(foreign)] if cfg.countries == "many"
                                         and rng.random() < 0.5 else pop.ext_business[c])
            p["sales_rate"] = rng.uniform(4, 15)
            p["sale_median"] = 45 * max(level, 0.3)
        elif role == "crypto_trader":
            p["exchange"] = rng.choice(pop.exchanges[c])
            if c in pop.hot_wallets:
                p["wallet"] = w.new_account(rng.choice(cfg.partner_countries + [c]), "unknown", "own_wallet",
                                            in_bank=False, currency="USDT")
        elif role == "high_earner":
            p["brokerage"] = rng.choice(pop.brokerages[c])
        elif role == "landlord":
            p["savings_out"] = rng.choice(pop.brokerages[c])

    # landlords with too few in-bank tenants get tenants at other banks
    for ll in landlords:
        n_ext = max(0, rng.randint(3, 14) - landlord_tenants[ll.idx])
        ll.profile["ext_tenants"] = [(ext_person(ll.country), rng.uniform(500, 1600) * money.wage_level(ll.country),
                                      rng.randint(1, 6)) for _ in range(n_ext)]

    # bill-splitting and flat-sharing groups (students and young salaried)
    young = pop.by_role.get("student", []) + rng.sample(pop.by_role.get("salaried", []),
                                                       min(len(pop.by_role.get("salaried", [])), len(pop.persons) // 12))
    rng.shuffle(young)
    young.sort(key=lambda a: a.country)     # friends and flatmates live in the same country
    i = 0
    while i + 3 <= len(young) and len(pop.split_groups) < len(young) // 5:
        size = rng.randint(3, 6)
        group = [m for m in young[i:i + size] if m.country == young[i].country]
        i += size
        if len(group) < 3:
            continue
        pop.split_groups.append(group)
        lead = group[0]
        if lead.profile.get("housing") == "share" or rng.random() < 0.3:
            for m in group[1:]:
                m.profile["housing"] = "flatmate"
                m.profile["flat_lead"] = lead
                m.profile["rent"] = rng.uniform(350, 800) * money.wage_level(m.country)
            lead.profile["housing"] = "rent"
            lead.profile.setdefault("landlord", rng.choice(pop.property_managers[lead.country]))
            lead.profile["rent"] = sum(m.profile["rent"] for m in group[1:]) * rng.uniform(1.2, 1.5)
            lead.profile["rent_day"] = rng.randint(1, 3)

    # rotating savings groups (ROSCA / paluwagan / chit fund)
    pool = pop.by_role.get("remitter", []) + pop.by_role.get("jobseeker", []) + pop.by_role.get("salaried", [])[:200]
    rng.shuffle(pool)
    n_groups = max(1, len(pop.persons) // 700)
    for g in range(n_groups):
        members = pool[g * 10:g * 10 + rng.randint(6, 10)]
        if len(members) < 5:
            break
        c = members[0].country
        members = [m for m in members if m.country == c]
        members += [ext_person(c) for _ in range(rng.randint(0, 3))]
        pop.rosca_groups.append(members)


def set_balances(w, pop):
    """Balances at the window's start: what settling spends from, shown as opening rows or not."""
    rng = w.rng
    for acct in w.accounts:
        if not acct.in_bank:
            continue
        p = acct.profile or {}
        if acct.opened_day > 0:
            acct.balance0 = 0
        elif acct.kind == "person":
            monthly = max(p.get("income", 0), 800 * money.wage_level(acct.country))
            acct.balance0 = w.usd(monthly * rng.lognormvariate(0.0, 0.9) * 1.2, acct)
            if acct.role == "sweeper_savings":
                acct.balance0 = w.usd(monthly * rng.uniform(2, 12), acct)
        elif acct.kind in ("cash", "exchange", "utility"):
            acct.balance0 = w.usd(2e6 * rng.uniform(0.5, 2), acct)
        else:
            acct.balance0 = w.usd(60000 * rng.lognormvariate(0, 1.0), acct)
