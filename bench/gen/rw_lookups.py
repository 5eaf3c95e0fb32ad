"""Lookup truth: values a member of the public would paste into "check before you
pay", and how many distinct reports name each.

Counting rules (REPORTS.md repeats them):
- a report names a value when its text carries it in any complete written form
  (national or international phone, defanged link, checksummed or lower-case
  address, grouped IBAN); a truncated address does not name the wallet;
- a domain lookup counts reports naming that host or any host under it;
- resubmissions by the same victim count once (they share a victim id), while
  two victims pasting the same lure count twice;
- `public_count` counts only victims with a submission naming the value that is
  TLP:CLEAR or consented to publication (what crackdown's public lookup may show).
"""

import rw_indicators as ind
from rw_lures import PATTERNS
from rw_places import (BRAND_SITES, COUNTRIES, HUB_SITES, PHONE_PLANS, SHORTENERS, STOCK_PERSONAS, WEBMAIL,
                       WORDS_PARCEL, WORDS_TOLL, TLDS_CHEAP)
from rw_reports import hotline_e164


class MentionIndex:
    """(kind, canonical) -> {victim: public?}, with domains indexed under every parent."""

    def __init__(self, records):
        self.table = {}
        for record in records:
            public = record["tlp"] == "CLEAR" or record["consent_publish"]
            for kind, value in set(record["mentions"]):
                keys = [(kind, value)]
                if kind == "domain":
                    labels = value.split(".")
                    keys = [("domain", ".".join(labels[i:])) for i in range(len(labels) - 1)]
                for key in keys:
                    victims = self.table.setdefault(key, {})
                    victims[record["victim"]] = victims.get(record["victim"], False) or public

    def count(self, kind, value):
        victims = self.table.get((kind, value), {})
        return len(victims), sum(1 for public in victims.values() if public)


def hub_values(builder):
    """Every hub the world knows: (kind, value, why)."""
    rows = [("domain", d, "shortener") for d in SHORTENERS]
    rows += [("domain", d, "webmail") for d in WEBMAIL]
    rows += [("domain", d, "platform") for d in HUB_SITES + ["rustdesk.com"]]
    seen = {v for _, v, _ in rows}
    for _, site in BRAND_SITES.values():
        if site not in seen:
            seen.add(site)
            rows.append(("domain", site, "official_site"))
    for country, info in COUNTRIES.items():
        numbers = [(n, "official_hotline_police") for n in info["police"]]
        numbers += [(b[2], "official_hotline_bank") for b in info["banks"]]
        for written, why in numbers:
            e164 = hotline_e164(country, written)
            if e164 and e164 not in seen:
                seen.add(e164)
                rows.append(("phone", e164, why))
    for address, _ in builder.hub_wallets:
        rows.append(("wallet", address, "otc_deposit"))
    return rows


def hub_table(builder, records):
    index = MentionIndex(records)
    ops_naming = {}
    for record in records:
        for kind, value in set(record["mentions"]):
            ops_naming.setdefault((kind, value), set()).add(record["operation"])
    out = []
    for kind, value, why in hub_values(builder):
        count, public = index.count(kind, value)
        out.append({"kind": kind, "value": value, "why": why, "reports": count, "public_reports": public,
                    "operations": len(ops_naming.get((kind, value), ()))})
    return out


def written_form(rng, kind, value, extra):
    """(written value, country or None, form name) for a lookup of `value`."""
    if kind == "phone":
        country = ind.phone_country(value) or "US"
        text = ind.render_phone(rng, value, country if rng.random() < 0.5 else "XX", "en")
        international = text.lstrip("(").startswith(("+", "00")) or text.startswith(PHONE_PLANS[country]["cc"])
        return text, country, "international" if international else "national"
    if kind == "domain":
        roll = rng.random()
        if roll < 0.3:
            return value, None, "host"
        if roll < 0.55:
            return "https://" + value + ind.url_path(rng, "parcel"), None, "url"
        if roll < 0.85:
            return ind.render_url(rng, value, "", 1.0, 0.7), None, "defanged"
        return value.upper(), None, "upper"
    if kind == "wallet":
        if value.startswith("0x") and rng.random() < 0.5:
            return ind.eip55(value), None, "eip55"
        return value, None, "plain"
    if kind == "bank_account":
        groups = extra.get("groups") if extra else None
        return ind.render_account(rng, value, groups or []), extra.get("country") if extra else None, "account"
    if kind == "iban":
        text = ind.render_iban(rng, value)
        return text, None, "grouped" if " " in text else "compact"
    if kind == "handle":
        platform, name = value.split(":", 1)
        forms = {"telegram": [f"t.me/{name}", f"https://t.me/{name}", f"@{name} telegram"],
                 "line": [f"line.me/ti/p/~{name}", f"LINE ID: {name}"],
                 "wechat": [f"WeChat: {name}", f"微信号：{name}"],
                 "instagram": [f"instagram.com/{name}", f"IG @{name}"]}[platform]
        return rng.choice(forms), None, "handle"
    if kind == "email":
        return ind.render_email(rng, value), None, "email"
    if kind == "short_url":
        return rng.choice(["https://", ""]) + value, None, "short_url"
    return "https://" + value, None, "url"


def unreported(rng, kind, builder, index):
    """A value of `kind` nobody reported, shaped like the real ones (look-alike domains included)."""
    for _ in range(100):
        extra = None
        if kind == "phone":
            country = rng.choice(list(COUNTRIES) + ["KH", "MM", "LA"])
            value = ind.new_phone(rng, country, builder.phones)
        elif kind == "domain":
            brand = rng.choice(list(BRAND_SITES))
            value = PATTERNS[rng.choice(list(PATTERNS))].format(
                stem=BRAND_SITES[brand][0], w=rng.choice(WORDS_PARCEL + WORDS_TOLL), r=ind.rand_token(rng, 4),
                n=rng.randint(10, 9999), cc=rng.choice(list(COUNTRIES)).lower(), tld=rng.choice(TLDS_CHEAP))
        elif kind == "wallet":
            value = ind.wallet_canonical(ind.new_wallet(rng, rng.choice(["tron", "tron", "eth", "btc"])))
        elif kind == "bank_account":
            country = rng.choice([c for c in COUNTRIES if COUNTRIES[c]["banks"][0][1]])
            groups = rng.choice(COUNTRIES[country]["banks"])[1]
            value = ind.new_account_digits(rng, groups, builder.accounts)
            extra = {"groups": groups, "country": country}
        elif kind == "iban":
            value = ind.new_iban(rng, rng.choice(["LT", "DE", "GB", "ES", "NL"]), builder.ibans)
        elif kind == "handle":
            value = "telegram:" + ind.new_handle(rng, rng.choice(STOCK_PERSONAS), builder.handles).lower()
        else:
            value = ind.rand_token(rng, 7) + str(rng.randint(1, 99)) + "@" + rng.choice(WEBMAIL)
        if index.count(kind, value)[0] == 0 and value not in builder.hosts:
            return value, extra
    raise RuntimeError(f"could not draw an unreported {kind}")


def item_key(item):
    """The (kind, canonical) key a report's mention of `item` has."""
    if item.kind == "handle":
        return ("handle", f"{item.extra['platform']}:{item.value.lower()}")
    if item.kind == "wallet":
        return ("wallet", ind.wallet_canonical(item.value))
    if item.kind == "domain" and item.value.startswith("www."):
        return ("domain", item.value[4:])
    return (item.kind, item.value)


def scam_value_keys(ops):
    """Every value some operation uses (hub OTC wallets included), as mention keys."""
    return {item_key(item) for op in ops for items in op.items.values() for item in items}


def build_lookups(rng, gen, records, hubs):
    index = MentionIndex(records)
    scam_values = scam_value_keys(gen.ops)
    extras = {item_key(item): item.extra for op in gen.ops for items in op.items.values() for item in items
              if item.kind == "bank_account"}
    hub_keys = {(h["kind"], h["value"]) for h in hubs}
    by_kind, occurrences = {}, {}
    for record in records:
        for key in set(record["mentions"]):
            if key in hub_keys:
                continue
            if key not in by_kind.setdefault(key[0], {}):
                by_kind[key[0]][key] = True
            occurrences.setdefault(key[0], []).append(key)
    total = min(6000, max(300, len(records) // 12))
    kind_weights = [("phone", 0.3), ("domain", 0.22), ("wallet", 0.12), ("bank_account", 0.12), ("handle", 0.08),
                    ("iban", 0.05), ("email", 0.05), ("short_url", 0.03), ("url", 0.03)]
    lookups = []

    def add(kind, value, category, extra=None):
        written, country, form = written_form(rng, kind, value, extra or extras.get((kind, value)))
        count, public = index.count(kind, value)
        row = {"value": written, "kind": kind, "canonical": value, "form": form, "category": category,
               "scam_value": (kind, value) in scam_values, "count": count, "public_count": public}
        if country:
            row["country"] = country
        lookups.append(row)

    for _ in range(int(total * 0.55)):
        kind = weighted_choice(rng, [(k, w) for k, w in kind_weights if by_kind.get(k)])
        if rng.random() < 0.5:
            key = rng.choice(occurrences[kind])
        else:
            key = rng.choice(list(by_kind[kind]))
        add(key[0], key[1], "reported")
    hub_rows = [h for h in hubs if h["reports"] > 0]
    for _ in range(int(total * 0.1)):
        row = rng.choice(hub_rows if hub_rows and rng.random() < 0.85 else hubs)
        add(row["kind"], row["value"], "hub")
    while len(lookups) < total:
        kind = weighted_choice(rng, [(k, w) for k, w in kind_weights if k not in ("short_url", "url")])
        value, extra = unreported(rng, kind, gen.builder, index)
        add(kind, value, "unreported", extra)
    rng.shuffle(lookups)
    return lookups


def weighted_choice(rng, pairs):
    total = sum(w for _, w in pairs)
    roll = rng.random() * total
    for value, weight in pairs:
        roll -= weight
        if roll <= 0:
            return value
    return pairs[-1][0]
