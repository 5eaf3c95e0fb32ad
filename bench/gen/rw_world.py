"""The world behind the reports: compounds, their operations, and every operation's
indicators over time.

An operation is one scam operation (the truth's cluster). Compounds run several;
related operations of one compound may share a cash-out wallet, copy their lure
templates and reuse persona names, yet stay separate operations. Indicators rotate
(a new SIM every few weeks, new domains per wave, new mule accounts) around a few
long-lived anchors. Cross-operation collisions that happen in the real world are
planted on purpose: mule accounts rented to two crews, recycled SIM numbers, OTC
deposit addresses many crews cash out through.
"""

import math

import rw_indicators as ind
from rw_lures import KITS, PATTERNS
from rw_places import (BRAND_SITES, CHAT_APPS, COUNTRIES, FAMILY_NAMES, GIVEN_NAMES, PERSONA_ROLES, STEM_SYLLABLES,
                       STOCK_COMPANIES, STOCK_COMPANIES_BY_GROUP, STOCK_PERSONAS, TLDS_CHEAP, TLDS_PLATFORM, WEBMAIL, WORDS_BANK, WORDS_LOAN,
                       WORDS_PARCEL, WORDS_TAX, WORDS_TECH, WORDS_TOLL, MULE_HOLDER_NAMES)

DAY = 86400.0

# type: (share of operations, size multiplier)
SCAM_TYPES = {"pig": (17, 2.4), "crypto": (9, 1.6), "task": (15, 1.5), "parcel": (14, 1.3), "bank": (9, 1.0),
              "authority": (6, 1.0), "toll": (6, 1.1), "tax": (5, 0.8), "loan": (7, 0.8), "sextortion": (5, 0.6),
              "tech": (4, 0.8), "recovery": (3, 0.5)}

# Where each type's victims live (weights), before the per-country weights.
TARGETS = {
    "pig": ["US", "GB", "AU", "CA", "SG", "HK", "TW", "JP", "KR", "MY", "TH", "DE", "VN", "ID", "PH"],
    "crypto": ["US", "GB", "AU", "SG", "HK", "TW", "MY", "TH", "DE", "ID", "VN", "KR", "JP"],
    "task": ["ID", "PH", "VN", "TH", "MY", "SG", "US", "GB", "MM", "HK", "TW"],
    "parcel": list(COUNTRIES), "bank": list(COUNTRIES),
    "authority": ["TH", "MY", "TW", "HK", "SG", "JP", "KR", "VN", "MM"],
    "toll": [c for c in COUNTRIES if COUNTRIES[c]["toll"]], "tax": list(COUNTRIES),
    "loan": ["ID", "PH", "TH", "VN", "MY", "MM"],
    "sextortion": ["US", "GB", "AU", "SG", "PH", "MY", "TH", "CA", "ID"],
    "tech": ["US", "GB", "AU", "CA", "DE", "JP"],
    "recovery": ["US", "GB", "AU", "CA", "SG", "DE", "HK"],
}
BANK_COUNTRIES_WITH_IBAN = {"GB": 0.3, "DE": 1.0, "AU": 0.0, "US": 0.0}
SCAMMER_PHONE_ORIGINS = ["KH", "MM", "LA", "PH", "MY", "TH", "HK", "US", "GB", "ID", "VN", "NG"]


class Item:
    """One indicator value an operation uses between `start` and `end` (seconds into the world)."""

    __slots__ = ("kind", "value", "start", "end", "role", "extra")

    def __init__(self, kind, value, start, end, role, extra=None):
        self.kind, self.value, self.start, self.end, self.role, self.extra = kind, value, start, end, role, extra

    def to_json(self, epoch):
        out = {"kind": self.kind, "value": self.value, "role": self.role,
               "from": round(self.start / DAY, 1), "to": round(self.end / DAY, 1)}
        if self.extra:
            out.update({k: v for k, v in self.extra.items() if k in ("bank", "country", "holder", "platform", "chain")})
        return out


class Operation:
    def __init__(self, op_id, compound, scam_type):
        self.id, self.compound, self.type = op_id, compound, scam_type
        self.size = 0
        self.countries = []  # (country, weight)
        self.start = self.end = 0.0
        self.brand = None
        self.kit = None
        self.personas = []
        self.company = None
        self.pstem = None
        self.apps = []
        self.items = {}  # pool name -> [Item]
        self.anchors = []
        self.shares = []  # (other op, kind, value, why)
        self.tlds = []
        self.unique_deposits = False

    def pool(self, name):
        return self.items.setdefault(name, [])

    def active(self, name, t, rng, stale=0.1):
        """The item of pool `name` in use at `t`; sometimes an older one (victims quote old numbers)."""
        items = self.items.get(name)
        if not items:
            return None
        live = [item for item in items if item.start <= t < item.end]
        if live and rng.random() >= stale:
            return rng.choice(live)
        past = [item for item in items if item.start <= t]
        if past:
            return rng.choice(past[-3:])
        return items[0]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    roll = rng.random() * total
    for value, weight in pairs:
        roll -= weight
        if roll <= 0:
            return value
    return pairs[-1][0]


def heavy_tailed_sizes(rng, operations, reports):
    """Sizes summing to `reports`: log-normal (most operations small, a few huge),
    saturating smoothly at ~3 % of all reports (or 8 mean sizes) so the largest do not pile up at a cap."""
    cap = min(reports, max(30, int(reports * 0.03), 8 * reports // operations))
    raw = [rng.lognormvariate(0, 1.9) for _ in range(operations)]

    def sizes_at(scale):
        return [max(1, int(round(cap * (1 - math.exp(-scale * x / cap))))) for x in raw]

    low, high = 0.0, float(reports)
    for _ in range(80):
        mid = (low + high) / 2
        if sum(sizes_at(mid)) < reports:
            low = mid
        else:
            high = mid
    sizes = sizes_at(high)
    # Settle the rounding difference on the largest operations.
    order = sorted(range(operations), key=lambda i: -raw[i])
    k = 0
    while sum(sizes) != reports:
        i = order[k % operations]
        step = 1 if sum(sizes) < reports else -1
        if 1 <= sizes[i] + step <= cap:
            sizes[i] += step
        k += 1
    return sizes


def make_stem(rng):
    parts = [rng.choice(STEM_SYLLABLES) for _ in range(rng.choice([2, 2, 3]))]
    return "".join(parts)


def stock_stem(company):
    words = [w for w in company.lower().replace(",", "").replace(".", "").split() if w not in ("co", "ltd", "group")]
    return "".join(words[:2])


class WorldBuilder:
    """Builds compounds and operations for one seed."""

    def __init__(self, rng, operations, reports, span_days):
        self.rng = rng
        self.n_ops = operations
        self.n_reports = reports
        self.span = span_days * DAY
        self.phones, self.accounts, self.ibans, self.handles, self.hosts = set(), set(), set(), set(), set()
        self.ops = []
        self.hub_wallets = []

    # -- names -------------------------------------------------------------
    def persona(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return rng.choice(STOCK_PERSONAS)
        if roll < 0.6:
            return rng.choice(PERSONA_ROLES) + " " + rng.choice(GIVEN_NAMES)
        return rng.choice(GIVEN_NAMES) + " " + rng.choice(FAMILY_NAMES)

    def company(self, scam_type):
        rng = self.rng
        group = {"pig": "invest", "crypto": "invest", "task": "task", "loan": "loan", "recovery": "recovery"}.get(scam_type)
        if group is None:
            return None  # smishing, impersonation, sextortion and tech-support crews name no company
        if rng.random() < 0.45:
            return rng.choice(STOCK_COMPANIES_BY_GROUP[group])
        stem = make_stem(rng).capitalize()
        suffix = {"pig": ["Exchange", "Global", "Pro", "Capital", "Markets"], "crypto": ["Exchange", "DeFi", "Quant", "AI"],
                  "task": ["Mall", "Media", "Marketing", "Digital"], "loan": ["Pinjam", "Cash", "Lending", "Kredit"],
                  "recovery": ["Recovery Partners", "Legal", "Asset Recovery", "Cyber Investigations"]}.get(scam_type, ["Co."])
        return f"{stem} {rng.choice(suffix)}"

    # -- one operation ---------------------------------------------------------
    def build(self):
        rng = self.rng
        sizes = heavy_tailed_sizes(rng, self.n_ops, self.n_reports)
        types = [weighted(rng, [(t, w) for t, (w, _) in SCAM_TYPES.items()]) for _ in range(self.n_ops)]
        # Large operations lean to the types that run long: sort sizes by a type-weighted key.
        keyed = sorted(range(self.n_ops), key=lambda i: -(SCAM_TYPES[types[i]][1] * rng.random()))
        ordered = sorted(sizes, reverse=True)
        assigned = [0] * self.n_ops
        for rank, i in enumerate(keyed):
            assigned[i] = ordered[rank]
        n_compounds = max(1, self.n_ops // 3)
        compound_weights = [rng.paretovariate(1.3) for _ in range(n_compounds)]
        for i in range(self.n_ops):
            compound = "cmp-%03d" % weighted(rng, list(enumerate(compound_weights)))
            op = Operation("op-%04d" % (i + 1), compound, types[i])
            op.size = assigned[i]
            self.setup(op)
            self.ops.append(op)
        self.plant_confounders()
        return self.ops

    def setup(self, op):
        rng = self.rng
        t = op.type
        primary = weighted(rng, [(c, COUNTRIES[c]["weight"]) for c in TARGETS[t]])
        op.countries = [(primary, 1.0)]
        multi = {"pig": 0.6, "crypto": 0.6, "task": 0.5, "sextortion": 0.5, "recovery": 0.5, "tech": 0.4}.get(t, 0.06)
        if rng.random() < multi:
            for _ in range(rng.randint(1, 3)):
                other = weighted(rng, [(c, COUNTRIES[c]["weight"]) for c in TARGETS[t]])
                if other not in dict(op.countries):
                    op.countries.append((other, rng.uniform(0.1, 0.6)))
        long_running = t in ("pig", "crypto", "task", "loan", "recovery", "sextortion")
        duration = min(self.span, DAY * (rng.uniform(90, 420) if long_running else rng.uniform(20, 150)))
        duration = min(self.span, duration * (1 + math.log10(max(1, op.size)) / 2))
        op.start = rng.uniform(0, self.span - duration)
        op.end = op.start + duration
        op.personas = [self.persona() for _ in range(rng.choice([1, 1, 2, 3]))]
        op.company = self.company(t)
        chat = CHAT_APPS.get(primary, CHAT_APPS["default"])
        op.apps = rng.sample(chat, min(len(chat), 2))
        op.tlds = rng.sample(TLDS_CHEAP, 4) if t in ("parcel", "toll", "tax", "bank", "tech") else rng.sample(TLDS_PLATFORM, 3)
        country = COUNTRIES[primary]
        if t in ("parcel", "toll", "tax", "bank", "authority", "tech"):
            if t == "parcel":
                brands = country["couriers"]
            elif t == "toll":
                brands = country["toll"]
            elif t == "tax":
                brands = country["tax"]
            elif t == "bank":
                brands = [b[0] for b in country["banks"]]
            elif t == "authority":
                brands = country["authority"]
            else:
                brands = ["Microsoft", "Apple", "Norton", "McAfee", "PayPal", "Amazon"]
            # The first brands of each list are the popular ones: many crews pick them.
            op.brand = weighted(rng, [(b, 1.0 / (k + 1)) for k, b in enumerate(brands)])
            kits = [k for k in KITS if k["type"] == t]
            if kits:
                op.kit = rng.choice(kits)
        if t in ("pig", "crypto", "task", "loan", "recovery"):
            if op.company in STOCK_COMPANIES and rng.random() < 0.7:
                op.pstem = stock_stem(op.company)
            else:
                op.pstem = make_stem(rng)
        self.indicators(op)

    # -- indicators ---------------------------------------------------------------
    def windows(self, op, mean_days, minimum=1.0):
        """Back-to-back windows covering the operation, of exponential lengths."""
        rng, out, t = self.rng, [], op.start
        while t < op.end:
            length = max(minimum, rng.expovariate(1.0 / mean_days)) * DAY
            out.append((t, min(op.end, t + length)))
            t += length
        return out

    def scammer_phone_country(self, op, for_country):
        rng = self.rng
        t = op.type
        local = {"pig": 0.35, "crypto": 0.3, "task": 0.5, "parcel": 0.7, "bank": 0.8, "authority": 0.7, "toll": 0.3,
                 "tax": 0.6, "loan": 0.85, "sextortion": 0.3, "tech": 0.0, "recovery": 0.3}[t]
        if rng.random() < local:
            return for_country
        if t == "toll" and rng.random() < 0.6:
            return "PH"
        return rng.choice(SCAMMER_PHONE_ORIGINS)

    def domain(self, op, words, patterns):
        rng = self.rng
        if op.brand in BRAND_SITES:
            stem = BRAND_SITES[op.brand][0]
        else:
            # Authorities without a site of their own here ("DSI", "PDRM") lend their letters.
            letters = "".join(ch for ch in (op.brand or "").lower() if ch.isascii() and ch.isalnum())
            stem = letters or op.pstem or make_stem(rng)
        for _ in range(50):
            host = PATTERNS[rng.choice(patterns)].format(
                stem=stem, w=rng.choice(words), r=ind.rand_token(rng, rng.randint(3, 5)), n=rng.randint(10, 9999),
                cc=op.countries[0][0].lower(), tld=rng.choice(op.tlds))
            if host not in self.hosts:
                self.hosts.add(host)
                return host
        return host

    def platform_domain(self, op, base=None):
        rng = self.rng
        stem = base or op.pstem
        for _ in range(50):
            form = rng.choice(["{s}.{tld}", "{s}-{x}.{tld}", "{s}{x}.{tld}", "m.{s}.{tld}", "h5.{s}{n}.{tld}", "www.{s}.{tld}",
                               "{s}{n}.{tld}"])
            suffixes = WORDS_LOAN if op.type == "loan" else ["pro", "ex", "global", "vip", "app", "fx", "trade"]
            host = form.format(s=stem, x=rng.choice(suffixes),
                               n=rng.randint(1, 99), tld=rng.choice(op.tlds))
            if host not in self.hosts:
                self.hosts.add(host)
                return host
        return host

    def indicators(self, op):
        rng = self.rng
        t = op.type
        countries = [c for c, _ in op.countries]
        # Contact phones (WhatsApp, callers), one rotation per target country.
        if t != "parcel" or rng.random() < 0.2:
            mean = {"pig": 45, "crypto": 40, "task": 14, "loan": 30, "sextortion": 30, "tech": 25}.get(t, 10)
            for country in countries:
                for start, end in self.windows(op, mean):
                    origin = self.scammer_phone_country(op, country)
                    e164 = ind.toll_free_us(rng, self.phones) if t == "tech" else ind.new_phone(rng, origin, self.phones)
                    op.pool("phone:" + country).append(Item("phone", e164, start, end, "contact"))
        if t in ("parcel", "toll", "tax", "bank"):
            for country in countries:
                for start, end in self.windows(op, 3, 0.5):
                    origin = country if rng.random() < 0.75 else self.scammer_phone_country(op, country)
                    if rng.random() < 0.15:
                        sender = ind.rand_token(rng, 8) + str(rng.randint(10, 99)) + "@" + rng.choice(["icloud.com", "gmail.com", "hotmail.com"])
                        op.pool("sender").append(Item("email", sender, start, end, "imessage_sender"))
                    else:
                        op.pool("sender").append(Item("phone", ind.new_phone(rng, origin, self.phones), start, end, "sms_sender"))
        # Domains by wave.
        if op.kit:
            words = {"parcel": WORDS_PARCEL, "toll": WORDS_TOLL, "tax": WORDS_TAX, "bank": WORDS_BANK,
                     "tech": WORDS_TECH}[op.kit["type"]]
            for start, end in self.windows(op, rng.uniform(5, 15), 2):
                for _ in range(rng.randint(1, 5)):
                    op.pool("domain").append(Item("domain", self.domain(op, words, op.kit["patterns"]), start, end, "kit_wave"))
            if rng.random() < 0.25:
                for start, end in self.windows(op, 10, 2):
                    code = ind.rand_token(rng, 6, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                    op.pool("short").append(Item("short_url", rng.choice(["bit.ly", "tinyurl.com", "cutt.ly", "s.id", "rb.gy"]) + "/" + code,
                                                 start, end, "short_link"))
        if op.pstem:
            mean = {"pig": 100, "crypto": 60, "task": 45, "loan": 80, "recovery": 90}[t]
            anchor_domain = rng.random() < 0.35
            first = None
            for start, end in self.windows(op, mean, 7):
                host = self.platform_domain(op)
                first = first or host
                op.pool("domain").append(Item("domain", host, start, end, "platform"))
            if anchor_domain and first:
                op.pool("domain").append(Item("domain", first, op.start, op.end, "anchor"))
                op.anchors.append(("domain", first))
            if t == "loan" and rng.random() < 0.5:
                package = f"com.{op.pstem}.{rng.choice(['loan', 'cash', 'pinjam', 'app'])}"
                op.pool("store_app").append(Item("url", "play.google.com/store/apps/details?id=" + package, op.start, op.end, "app_listing"))
            if t in ("pig", "crypto") and rng.random() < 0.3:
                op.pool("store_app").append(Item("url", "testflight.apple.com/join/" + ind.rand_token(rng, 8, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"),
                                                 op.start, op.end, "app_listing"))
        elif t in ("sextortion", "authority", "tech") and rng.random() < 0.3:
            host = self.domain(op, WORDS_TECH if t == "tech" else ["case", "portal", "secure", "verify"], ["dash_rand", "word_first"])
            op.pool("domain").append(Item("domain", host, op.start, op.end, "site"))
        # Messenger handles: anchors and rotation.
        if t in ("pig", "crypto", "task", "loan", "sextortion", "authority", "recovery", "tax") or rng.random() < 0.2:
            platform = {"TH": "line", "TW": "line", "JP": "line", "HK": "wechat"}.get(countries[0], "telegram")
            if t == "sextortion":
                platform = rng.choice(["instagram", "telegram"])
            base = op.personas[0] if rng.random() < 0.5 else (op.pstem or make_stem(rng))
            anchor = ind.new_handle(rng, base, self.handles, platform)
            if rng.random() < 0.6:
                op.pool("handle").append(Item("handle", anchor, op.start, op.end, "anchor", {"platform": platform}))
                op.anchors.append(("handle", f"{platform}:{anchor}"))
            for start, end in self.windows(op, 50, 7):
                handle = ind.new_handle(rng, rng.choice([base, rng.choice(op.personas), "cs", "service", "admin"]), self.handles, platform)
                op.pool("handle").append(Item("handle", handle, start, end, "rotating", {"platform": platform}))
        # Mule bank accounts and IBANs, per target country.
        if t not in ("parcel", "toll", "tax") or rng.random() < 0.2:
            for country in countries:
                banks = COUNTRIES[country]["banks"]
                iban_rate = BANK_COUNTRIES_WITH_IBAN.get(country, 0.0)
                mean = 10 if t in ("task", "authority", "bank") else 20
                for start, end in self.windows(op, mean, 2):
                    if rng.random() < iban_rate or (t in ("pig", "crypto", "recovery") and country in ("GB", "DE") and rng.random() < 0.5):
                        iban_country = rng.choice(["LT", "LT", "DE", "GB", "ES", "NL", "IE", "FR", "PL"])
                        op.pool("iban:" + country).append(Item("iban", ind.new_iban(rng, iban_country, self.ibans), start, end, "mule",
                                                               {"country": iban_country}))
                    elif banks and banks[0][1]:
                        bank, groups, _ = rng.choice(banks)
                        digits = ind.new_account_digits(rng, groups, self.accounts)
                        holder = rng.choice(MULE_HOLDER_NAMES.get(country, MULE_HOLDER_NAMES["default"]))
                        op.pool("acct:" + country).append(Item("bank_account", digits, start, end, "mule",
                                                               {"bank": bank, "groups": groups, "holder": holder, "country": country}))
        # Crypto deposit addresses.
        if t in ("pig", "crypto", "recovery", "sextortion", "task") and (t != "task" or rng.random() < 0.4):
            chain = weighted(rng, [("tron", 0.7), ("eth", 0.2), ("btc", 0.1 if t != "sextortion" else 0.6)])
            for start, end in self.windows(op, 45 if t == "pig" else 30, 5):
                op.pool("wallet").append(Item("wallet", ind.new_wallet(rng, chain), start, end, "deposit", {"chain": chain}))
            op.unique_deposits = rng.random() < 0.2
            if rng.random() < 0.4:
                cash_out = ind.new_wallet(rng, chain)
                op.pool("wallet").append(Item("wallet", cash_out, op.start, op.end, "cash_out", {"chain": chain}))
                op.anchors.append(("wallet", cash_out))
        # Scam e-mail addresses on webmail.
        if t in ("tax", "recovery", "sextortion", "tech", "loan") or rng.random() < 0.1:
            for start, end in self.windows(op, 60, 7):
                local = "".join(ch for ch in (rng.choice(op.personas) + str(rng.randint(1, 999))).lower() if ch.isalnum())
                op.pool("email").append(Item("email", f"{local}@{rng.choice(WEBMAIL)}", start, end, "contact"))

    # -- cross-operation confounders ----------------------------------------------------
    def plant_confounders(self):
        rng = self.rng
        ops = self.ops
        by_compound = {}
        for op in ops:
            by_compound.setdefault(op.compound, []).append(op)
        # Related operations of one compound share a cash-out wallet.
        for members in by_compound.values():
            with_wallet = [op for op in members if op.items.get("wallet")]
            for a, b in zip(with_wallet, with_wallet[1:]):
                if rng.random() < 0.5:
                    shared = next((i for i in a.items["wallet"] if i.role == "cash_out"), None)
                    if shared is None:
                        shared = Item("wallet", ind.new_wallet(rng, "tron"), a.start, a.end, "cash_out", {"chain": "tron"})
                        a.pool("wallet").append(shared)
                    b.pool("wallet").append(Item("wallet", shared.value, b.start, b.end, "cash_out", dict(shared.extra or {})))
                    a.shares.append((b.id, "wallet", shared.value, "shared_cash_out"))
                    b.shares.append((a.id, "wallet", shared.value, "shared_cash_out"))
        # Mule accounts rented to a second crew, and SIM numbers recycled by another crew later.
        for op in ops:
            for name, items in list(op.items.items()):
                if name.startswith("acct:") and rng.random() < 0.08:
                    country = name[5:]
                    others = [o for o in ops if o is not op and ("acct:" + country) in o.items]
                    if others:
                        other, mule = rng.choice(others), rng.choice(items)
                        start = rng.uniform(other.start, other.end)
                        other.pool(name).append(Item("bank_account", mule.value, start, min(other.end, start + 14 * DAY), "rented_mule",
                                                     dict(mule.extra)))
                        op.shares.append((other.id, "bank_account", mule.value, "rented_mule"))
                        other.shares.append((op.id, "bank_account", mule.value, "rented_mule"))
                if name.startswith("phone:") and rng.random() < 0.04:
                    others = [o for o in ops if o is not op and name in o.items and o.start > op.start]
                    if others:
                        other, sim = rng.choice(others), rng.choice(items)
                        start = max(other.start, sim.end + 30 * DAY)
                        if start < other.end:
                            other.pool(name).append(Item("phone", sim.value, start, min(other.end, start + 20 * DAY), "recycled_sim"))
                            op.shares.append((other.id, "phone", sim.value, "recycled_sim"))
                            other.shares.append((op.id, "phone", sim.value, "recycled_sim"))
        # OTC / exchange deposit addresses many unrelated crews cash out through.
        crypto_ops = [op for op in ops if op.items.get("wallet")]
        for _ in range(max(3, len(ops) // 50)):
            address = ind.new_wallet(rng, "tron")
            users = rng.sample(crypto_ops, min(len(crypto_ops), rng.randint(3, 20))) if crypto_ops else []
            self.hub_wallets.append((address, [op.id for op in users]))
            for op in users:
                op.pool("hub_wallet").append(Item("wallet", address, op.start, op.end, "otc_deposit", {"chain": "tron"}))
