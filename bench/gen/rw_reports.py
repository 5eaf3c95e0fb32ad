"""One victim's report: sentences in the victim's language, indicators in the forms
victims write them, and the exact list of values the text names (the truth a
lookup counts by).

`Writer` renders every indicator and records its canonical value; `compose` picks
which parts a report of each scam type has (a pasted lure, the number that called,
the account paid, the police hotline called afterwards...). Reports without any
indicator, truncated wallets, typos in numbers, spoofed caller IDs that are a
bank's real hotline and victims quoting their own number are all part of it.
"""

import rw_indicators as ind
from rw_lures import AD_LURES, PIG_OPENERS, TASK_LURES
from rw_phrases import has_phrase, phrase
from rw_places import BRAND_SITES, COUNTRIES, CURRENCY_DECIMALS, LOSS_SCALE, PHONE_PLANS, SHORTENERS

LATIN = {"en", "id", "tl", "ms", "vi", "de"}

# Which parts each type's reports carry, with their probabilities, in reading order.
PLANS = {
    "pig": [("paste_opener", 0.08), ("contact_phone", 0.4), ("contact_handle", 0.35), ("company", 0.2), ("site", 0.55),
            ("app_install", 0.08), ("paid_wallet", 0.45), ("paid_bank", 0.4), ("withdraw", 0.35), ("screenshot", 0.07)],
    "crypto": [("paste_ad", 0.12), ("contact_handle", 0.4), ("site", 0.7), ("app_install", 0.08), ("paid_wallet", 0.5),
               ("paid_bank", 0.25), ("withdraw", 0.3), ("company", 0.15)],
    "task": [("paste_task", 0.3), ("contact_phone", 0.45), ("contact_handle", 0.45), ("company", 0.3), ("site", 0.4),
             ("paid_bank", 0.55), ("paid_wallet", 0.15), ("withdraw", 0.2), ("screenshot", 0.06)],
    "parcel": [("paste_kit", 0.6), ("sms_from", 0.35), ("site", 0.3), ("shortlink", 0.1), ("paid_card", 0.4),
               ("official", 0.05)],
    "toll": [("paste_kit", 0.65), ("sms_from", 0.4), ("site", 0.25), ("shortlink", 0.1), ("paid_card", 0.45)],
    "tax": [("paste_kit", 0.5), ("sms_from", 0.25), ("email", 0.25), ("contact_handle", 0.2), ("site", 0.3),
            ("paid_card", 0.25), ("paid_bank", 0.15), ("official", 0.04)],
    "bank": [("caller", 0.5), ("paste_kit", 0.3), ("sms_from", 0.15), ("site", 0.25), ("app_install", 0.1),
             ("paid_bank", 0.35), ("remote", 0.15)],
    "authority": [("caller", 0.6), ("contact_handle", 0.25), ("site", 0.1), ("paid_bank", 0.6), ("paid_wallet", 0.08)],
    "loan": [("paste_ad", 0.2), ("site", 0.3), ("app_install", 0.35), ("contact_phone", 0.3), ("contact_handle", 0.2),
             ("email", 0.08), ("paid_bank", 0.6)],
    "sextortion": [("contact_handle", 0.5), ("contact_phone", 0.3), ("email", 0.15), ("paid_wallet", 0.3),
                   ("paid_bank", 0.35), ("site", 0.08)],
    "tech": [("paste_kit", 0.3), ("caller", 0.6), ("site", 0.2), ("remote", 0.35), ("email", 0.1), ("paid_bank", 0.3),
             ("paid_card", 0.15)],
    "recovery": [("prev", 0.7), ("email", 0.4), ("site", 0.35), ("contact_phone", 0.3), ("contact_handle", 0.25),
                 ("paid_wallet", 0.4), ("paid_bank", 0.2)],
}
# Everyday extras any report may carry: the hubs and the victim's own details.
EXTRAS = [("police", 0.1), ("bankcall", 0.06), ("own_phone", 0.07), ("own_acct", 0.04), ("total", 0.35), ("plea", 0.5)]
SHORT_RATE = {"parcel": 0.16, "toll": 0.16, "tax": 0.14, "bank": 0.14}
DEFAULT_SHORT = 0.1
VAGUE_RATE = 0.06


def hotline_e164(country, written):
    """The E.164 form of an official number as written nationally; None for short codes."""
    digits = "".join(ch for ch in written if ch.isdigit())
    if len(digits) < 8:
        return None
    plan = PHONE_PLANS[country]
    if country in ("US", "CA"):
        return "+" + digits if digits.startswith("1") else "+1" + digits
    if plan["trunk"] and digits.startswith(plan["trunk"]):
        digits = digits[len(plan["trunk"]):]
    return "+" + plan["cc"] + digits


def group_thousands(rng, number, country):
    text = f"{number:,}"
    if country in ("ID", "VN", "DE"):
        text = text.replace(",", ".")
    if rng.random() < 0.35:
        text = str(number)
    return text


def typo(rng, text):
    """One slip of the fingers in a Latin-script sentence, outside placeholders."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and "{" not in w and "}" not in w and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, at = words[i], rng.randint(1, len(words[i]) - 2)
    kind = rng.random()
    if kind < 0.4:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif kind < 0.7:
        word = word[:at] + word[at + 1:]
    else:
        word = word[:at] + word[at] + word[at:]
    words[i] = word
    return " ".join(words)


class Writer:
    """Renders indicators into one report and records what the report names."""

    def __init__(self, rng, country, language, taken_phones):
        self.rng, self.country, self.language = rng, country, language
        self.mentions = []
        self.taken_phones = taken_phones

    def note(self, kind, value):
        self.mentions.append((kind, value))

    def phone(self, e164, as_link=False):
        rng = self.rng
        if rng.random() < 0.012:
            # A mistyped digit names another number, which the truth keeps as written.
            at = rng.randint(len(e164) - 6, len(e164) - 1)
            e164 = e164[:at] + str((int(e164[at]) + rng.randint(1, 9)) % 10) + e164[at + 1:]
        if as_link:
            self.note("phone", e164)
            lead = rng.choice(["wa.me/", "https://wa.me/", "https://api.whatsapp.com/send?phone="])
            self.note("domain", "api.whatsapp.com" if "api." in lead else "wa.me")
            return lead + e164[1:]
        self.note("phone", e164)
        return ind.render_phone(rng, e164, self.country, self.language)

    def hotline(self, country, written):
        e164 = hotline_e164(country, written)
        if e164:
            self.note("phone", e164)
        return written

    def host(self, host, path="", defang=0.25):
        canonical = host[4:] if host.startswith("www.") else host
        self.note("domain", canonical.lower())
        return ind.render_url(self.rng, host, path, defang)

    def short(self, link):
        host = link.split("/")[0]
        self.note("domain", host)
        self.note("short_url", link)
        return self.rng.choice(["", "https://", "http://"]) + link

    def store_link(self, link):
        host = link.split("/")[0]
        self.note("domain", host)
        self.note("url", link)
        return "https://" + link if self.rng.random() < 0.7 else link

    def wallet(self, address):
        written, counts = ind.render_wallet(self.rng, address)
        if counts:
            self.note("wallet", ind.wallet_canonical(address))
        return written

    def account(self, digits, groups):
        self.note("bank_account", digits)
        return ind.render_account(self.rng, digits, groups)

    def iban(self, value):
        self.note("iban", value)
        return ind.render_iban(self.rng, value)

    def handle(self, platform, value):
        self.note("handle", f"{platform}:{value.lower()}")
        written = ind.render_handle(self.rng, platform, value, self.language)
        for host in ("t.me", "line.me", "instagram.com"):
            if host + "/" in written:
                self.note("domain", host)
        return written

    def email(self, address):
        self.note("email", address.lower())
        self.note("domain", address.split("@")[1])
        return ind.render_email(self.rng, address)


class Composer:
    """Writes reports of the operations of one world."""

    def __init__(self, rng, ops, taken_phones, taken_accounts):
        self.rng = rng
        self.lower_case = False
        self.ops = ops
        self.taken_phones = taken_phones
        self.taken_accounts = taken_accounts
        self.earlier = {}  # country -> pig/crypto operations, for recovery scams
        for op in ops:
            if op.type in ("pig", "crypto"):
                for country, _ in op.countries:
                    self.earlier.setdefault(country, []).append(op)

    def amount(self, country, currency, scale=1.0):
        rng = self.rng
        value = ind_round(rng.lognormvariate(0, 1.1) * scale, currency)
        return value

    def money_text(self, country, value):
        template = self.rng.choice(COUNTRIES[country]["money"])
        number = int(value) if float(value).is_integer() else value
        text = group_thousands(self.rng, number, country) if isinstance(number, int) else str(number)
        return template.format(n=text)

    def compose(self, op, country, language, t, loss):
        """(text, mentions) of one report of `op` by a victim of `country` writing `language`."""
        rng = self.rng
        w = Writer(rng, country, language, self.taken_phones)
        # Some victims type everything in lower case; what they paste keeps its case.
        self.lower_case = language in ("en", "tl", "id", "ms") and rng.random() < 0.08
        roll = rng.random()
        if roll < SHORT_RATE.get(op.type, DEFAULT_SHORT):
            parts = [phrase(rng, language, "short")]
            if rng.random() < 0.3:
                parts.append(phrase(rng, language, "plea"))
            return " ".join(parts), w.mentions
        persona = rng.choice(op.personas)
        fill = {"persona": persona, "app": rng.choice(op.apps), "brand": op.brand or op.company, "company": op.company}
        parts = [self.sentence("open_" + op.type, language, fill)]
        if roll < SHORT_RATE.get(op.type, DEFAULT_SHORT) + VAGUE_RATE:
            parts.append(phrase(rng, language, "plea"))
            return " ".join(parts), w.mentions
        for key, probability in PLANS[op.type]:
            if rng.random() < probability:
                part = self.part(key, op, w, country, language, t, persona, fill, loss)
                if part:
                    parts.append(part)
        for key, probability in EXTRAS:
            if rng.random() < probability:
                part = self.part(key, op, w, country, language, t, persona, fill, loss)
                if part:
                    parts.append(part)
        # Greetings and sign-offs in title case read like names in many languages
        # ("Magandang Araw", "Selamat Pagi", "Terima Kasih"): they name no one.
        if has_phrase(language, "greeting") and rng.random() < 0.15:
            parts.insert(0, phrase(rng, language, "greeting"))
        if has_phrase(language, "signoff") and rng.random() < 0.12:
            parts.append(phrase(rng, language, "signoff"))
        text = (" " if rng.random() < 0.8 else "\n").join(parts)
        if rng.random() < 0.06:
            text += rng.choice([" 😭", " 🙏🙏", " !!!", " ??", "\n\nSent from my iPhone", " T_T"])
        return text, w.mentions

    def sentence(self, key, language, fill):
        template = phrase(self.rng, language, key)
        if language in LATIN and self.rng.random() < 0.12:
            template = typo(self.rng, template)
        if self.lower_case and "{lure}" not in template:
            template = template.lower()
        return template.format(**fill)

    def part(self, key, op, w, country, language, t, persona, fill, loss):
        rng = self.rng
        say = lambda k, **more: self.sentence(k, language, {**fill, **more})  # noqa: E731
        if key in ("contact_phone", "caller"):
            if key == "caller" and op.type in ("bank", "authority") and rng.random() < 0.3:
                bank, _, hotline = rng.choice(COUNTRIES[country]["banks"])
                return say("spoof", bank=bank, hotline=w.hotline(country, hotline))
            item = op.active("phone:" + country, t, rng) or op.active("phone:" + op.countries[0][0], t, rng)
            if not item:
                return None
            as_link = key == "contact_phone" and rng.random() < 0.1
            return say(key, phone=w.phone(item.value, as_link))
        if key == "sms_from":
            item = op.active("sender", t, rng, stale=0.0)
            if not item:
                return None
            if item.kind == "email":
                return say("sms_from", phone=w.email(item.value))
            return say("sms_from", phone=w.phone(item.value))
        if key == "contact_handle":
            item = op.active("handle", t, rng)
            return say(key, handle=w.handle(item.extra["platform"], item.value)) if item else None
        if key == "site":
            item = op.active("domain", t, rng)
            if not item:
                return None
            if op.pstem:
                return say("site", url=w.host(item.value, ind.url_path(rng, "platform")))
            return say("shortlink", url=w.host(item.value, ind.url_path(rng, "parcel")))
        if key == "shortlink":
            item = op.active("short", t, rng)
            return say("shortlink", url=w.short(item.value)) if item else None
        if key == "app_install":
            listing = op.active("store_app", t, rng)
            if listing and rng.random() < 0.7:
                return say("app_install", url=w.store_link(listing.value))
            item = op.active("domain", t, rng)
            return say("app_install", url=w.host(item.value, "/download/app.apk")) if item else None
        if key == "paid_bank":
            return self.paid_bank(op, w, country, language, t, fill, loss)
        if key == "paid_wallet":
            return self.paid_wallet(op, w, language, t, fill, loss)
        if key == "paid_card":
            return say("paid_card", amount=self.money_text(country, loss or self.amount(country, COUNTRIES[country]["currency"], 50)))
        if key in ("paste_kit", "paste_task", "paste_opener", "paste_ad"):
            lure = self.lure(key, op, w, country, language, t, persona)
            return say("paste", lure=lure) if lure else None
        if key == "screenshot":
            item = op.active("phone:" + country, t, rng)
            ident = w.phone(item.value) if item else (w.handle(op.items["handle"][0].extra["platform"], op.items["handle"][0].value)
                                                      if op.items.get("handle") else None)
            return say("screenshot", ident=ident) if ident else None
        if key == "remote":
            app = rng.choice(["AnyDesk", "TeamViewer", "RustDesk"])
            host = {"AnyDesk": "anydesk.com", "TeamViewer": "teamviewer.com", "RustDesk": "rustdesk.com"}[app]
            return say("app_install", url=w.host(host, "/download", 0.0) if rng.random() < 0.5 else app)
        if key == "email":
            item = op.active("email", t, rng)
            return say("email", email=w.email(item.value)) if item else None
        if key == "prev":
            return self.previous_scam(w, country, language, t, fill)
        if key == "official":
            if op.brand not in BRAND_SITES:
                return None
            return say("official", site=w.host(BRAND_SITES[op.brand][1], "", 0.0))
        if key == "police":
            return say("police", hotline=w.hotline(country, rng.choice(COUNTRIES[country]["police"])))
        if key == "bankcall":
            bank, _, hotline = rng.choice(COUNTRIES[country]["banks"])
            return say("bankcall", bank=bank, hotline=w.hotline(country, hotline))
        if key == "own_phone":
            own = ind.new_phone(rng, country, self.taken_phones)
            w.note("phone", own)
            return say("own_phone", phone=ind.render_phone(rng, own, country, language))
        if key == "own_acct":
            banks = [b for b in COUNTRIES[country]["banks"] if b[1]]
            if not banks:
                return None
            bank, groups, _ = rng.choice(banks)
            digits = ind.new_account_digits(rng, groups, self.taken_accounts)
            return say("own_acct", bank=bank, acct=w.account(digits, groups))
        if key == "withdraw":
            return say("withdraw", amount=self.money_text(country, self.amount(country, COUNTRIES[country]["currency"],
                                                                               self.scale(country) * 0.5)))
        if key == "total":
            return say("total", amount=self.money_text(country, loss)) if loss else None
        if key in ("plea", "company"):
            return say(key)
        raise ValueError(f"unknown report part {key!r}")

    def scale(self, country):
        """A typical loss in the country's currency."""
        return LOSS_SCALE[COUNTRIES[country]["currency"]]

    def paid_bank(self, op, w, country, language, t, fill, loss):
        rng = self.rng
        amount = self.money_text(country, loss or self.amount(country, COUNTRIES[country]["currency"], self.scale(country)))
        item = op.active("iban:" + country, t, rng) or op.active("acct:" + country, t, rng)
        if item is None:
            wallet_app = rng.choice(COUNTRIES[country]["wallet_apps"])
            phone = op.active("phone:" + country, t, rng)
            if phone is None:
                return None
            # PromptPay, GCash, DuitNow and the like pay to a phone number.
            return self.sentence("paid_bank", language, {**fill, "amount": amount, "bank": wallet_app,
                                                         "acct": w.phone(phone.value), "holder": rng.choice(op.personas)})
        if item.kind == "iban":
            return self.sentence("paid_bank", language, {**fill, "amount": amount, "bank": "IBAN", "acct": w.iban(item.value),
                                                         "holder": rng.choice(op.personas)})
        extra = item.extra
        return self.sentence("paid_bank", language, {**fill, "amount": amount, "bank": extra["bank"],
                                                     "acct": w.account(item.value, extra["groups"]), "holder": extra["holder"]})

    def paid_wallet(self, op, w, language, t, fill, loss):
        rng = self.rng
        hub = op.items.get("hub_wallet")
        if hub and rng.random() < 0.15:
            address = rng.choice(hub).value
        elif op.unique_deposits and rng.random() < 0.7:
            chain = next((i.extra["chain"] for i in op.items.get("wallet", []) if i.extra), "tron")
            address = ind.new_wallet(rng, chain)
        else:
            deposits = [i for i in op.items.get("wallet", []) if i.role == "deposit" and i.start <= t < i.end]
            cash_out = [i for i in op.items.get("wallet", []) if i.role == "cash_out" and i.start <= t < i.end]
            pool = cash_out if cash_out and rng.random() < 0.2 else deposits
            if not pool:
                pool = op.items.get("wallet", [])
            if not pool:
                return None
            address = rng.choice(pool).value
        amount = str(ind_round(rng.lognormvariate(0, 1.0) * 3000, "USDT"))
        return self.sentence("paid_wallet", language, {**fill, "amount": amount, "wallet": w.wallet(address)})

    def lure(self, key, op, w, country, language, t, persona):
        rng = self.rng
        if key == "paste_kit":
            if not op.kit:
                return None
            lures = op.kit["lures"]
            lang = language if language in lures else next(iter(lures))
            template = rng.choice(lures[lang])
            short = op.active("short", t, rng)
            domain = op.active("domain", t, rng, stale=0.0)
            if "{url}" not in template:
                url = ""
            elif short and rng.random() < 0.6:
                url = w.short(short.value)
            elif domain:
                url = w.host(domain.value, ind.url_path(rng, "parcel"), 0.15)
            else:
                url = ""
            fee = self.money_text(country, ind_round(rng.uniform(1, 4), "USD") if COUNTRIES[country]["currency"] in ("USD", "GBP", "EUR", "AUD", "CAD", "SGD")
                                  else self.amount(country, COUNTRIES[country]["currency"], self.scale(country) * 0.002))
            phone_item = op.active("phone:" + country, t, rng)
            phone = w.phone(phone_item.value) if phone_item and "{phone}" in template else ""
            return template.format(brand=op.brand, url=url, fee=fee, date=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}",
                                   phone=phone)
        if key == "paste_task":
            lang = language if language in TASK_LURES else "en"
            item = op.active("phone:" + country, t, rng)
            handle = op.active("handle", t, rng)
            if item and (not handle or rng.random() < 0.7):
                contact = w.phone(item.value, as_link=rng.random() < 0.3)
            elif handle:
                contact = w.handle(handle.extra["platform"], handle.value)
            else:
                return None
            fee = self.money_text(country, self.amount(country, COUNTRIES[country]["currency"], self.scale(country) * 0.05))
            return rng.choice(TASK_LURES[lang]).format(persona=persona, company=op.company, fee=fee, contact=contact)
        if key == "paste_opener":
            lang = language if language in PIG_OPENERS else "en"
            return rng.choice(PIG_OPENERS[lang]).format(persona=persona)
        ads = AD_LURES.get(op.type, AD_LURES["crypto"])
        lang = language if language in ads else "en"
        if lang not in ads:
            lang = next(iter(ads))
        item = op.active("domain", t, rng)
        url = w.host(item.value, ind.url_path(rng, "platform")) if item else rng.choice(SHORTENERS) + "/" + ind.rand_token(rng, 6)
        fee = self.money_text(country, self.amount(country, COUNTRIES[country]["currency"], self.scale(country)))
        return rng.choice(ads[lang]).format(company=op.company, url=url, fee=fee)

    def previous_scam(self, w, country, language, t, fill):
        """A recovery scam's victim names the earlier operation that took their money first."""
        rng = self.rng
        candidates = [op for op in self.earlier.get(country, []) if op.start < t]
        if not candidates:
            return None
        earlier = rng.choice(candidates)
        wallets = [i for i in earlier.items.get("wallet", []) if i.role == "deposit"]
        domains = earlier.items.get("domain", [])
        if domains and (not wallets or rng.random() < 0.6):
            ident = w.host(rng.choice(domains).value, "", 0.2)
        elif wallets:
            ident = w.wallet(rng.choice(wallets).value)
        else:
            return None
        return self.sentence("prev", language, {**fill, "ident": ident})


def ind_round(value, currency):
    """`value` rounded to what a victim writes: whole units, or cents now and then."""
    decimals = CURRENCY_DECIMALS.get(currency, 2)
    if value >= 100 or decimals == 0:
        magnitude = 10 ** max(0, len(str(int(value))) - 2)
        return int(round(value / magnitude) * magnitude) if magnitude > 1 else int(round(value))
    return round(value, min(decimals, 2))
