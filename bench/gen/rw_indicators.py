"""Indicator values (phones, domains, wallets, accounts, IBANs, handles, e-mails) and
the many ways victims write them.

Every value has one canonical form (the key the truth counts by) and is written
through a `render_*` function that picks a surface form: national or international
phone formats, defanged links, checksummed or lower-case addresses, grouped IBANs.
Checksums are real (base58check for TRON and legacy BTC, bech32 for bc1, EIP-55
for Ethereum, mod-97 for IBANs) so an extractor that validates them is not fooled
into rejecting the truth.
"""

import hashlib

from rw_places import IBAN_BBAN, PHONE_PLANS

# ---------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------


def new_phone(rng, country, taken):
    """A fresh mobile number of `country` as E.164, never one in `taken`."""
    plan = PHONE_PLANS[country]
    while True:
        prefix, length = rng.choice(plan["mobile"])
        if country in ("US", "CA"):
            area = str(rng.randint(201, 989))
            while area[1] == "1" or area[0] in "01":
                area = str(rng.randint(201, 989))
            subscriber = area + str(rng.randint(2, 9)) + str(rng.randrange(10 ** 6)).zfill(6)
        else:
            rest = length - len(prefix)
            subscriber = prefix + str(rng.randrange(10 ** rest)).zfill(rest)
        e164 = "+" + plan["cc"] + subscriber
        if e164 not in taken:
            taken.add(e164)
            return e164


def toll_free_us(rng, taken):
    """A US toll-free number (tech-support pop-ups)."""
    while True:
        e164 = "+1" + rng.choice(["800", "833", "844", "855", "866", "877", "888"]) + str(rng.randint(2000000, 9999999))
        if e164 not in taken:
            taken.add(e164)
            return e164


def phone_country(e164):
    """The plan whose calling code starts the number (longest code first)."""
    best = None
    for country, plan in PHONE_PLANS.items():
        if e164[1:].startswith(plan["cc"]) and (best is None or len(plan["cc"]) > len(PHONE_PLANS[best]["cc"])):
            best = country
    return best


def _group(digits, sizes, sep):
    out, at = [], 0
    for size in sizes:
        if at >= len(digits):
            break
        out.append(digits[at:at + size])
        at += size
    if at < len(digits):
        out[-1] += digits[at:]
    return sep.join(out)


FULLWIDTH = str.maketrans("0123456789-+", "０１２３４５６７８９－＋")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def render_phone(rng, e164, victim_country, language):
    """A written form of `e164`, as a victim of `victim_country` would write it.

    Numbers of the victim's own country are mostly written nationally; foreign ones
    mostly with their calling code, sometimes without the plus (ambiguous), and
    rarely in national form (then they read as a number of the victim's country:
    a real mistake the truth keeps as the foreign number)."""
    country = phone_country(e164) or "US"
    plan = PHONE_PLANS[country]
    subscriber = e164[1 + len(plan["cc"]):]
    national = plan["trunk"] + subscriber
    domestic = country == victim_country or (country in ("US", "CA") and victim_country in ("US", "CA"))
    sep = rng.choice([" ", " ", "-", "", ".", " "]) if country not in ("JP", "KR", "TW") else rng.choice(["-", "-", " ", ""])
    roll = rng.random()
    if country in ("US", "CA"):
        area, rest = subscriber[:3], subscriber[3:]
        forms = [f"({area}) {rest[:3]}-{rest[3:]}", f"{area}-{rest[:3]}-{rest[3:]}", f"+1 {area} {rest[:3]} {rest[3:]}",
                 f"1-{area}-{rest[:3]}-{rest[3:]}", f"{area}.{rest[:3]}.{rest[3:]}", f"+1{subscriber}",
                 f"+1 ({area}) {rest[:3]}-{rest[3:]}", subscriber]
        text = rng.choice(forms if domestic else forms[2:4] + forms[5:7])
    elif (domestic and roll < 0.7) or (not domestic and roll < 0.03):
        text = _group(national, rng.choice(plan["nat"]), sep)
    else:
        grouped = _group(subscriber, rng.choice(plan["intl"]), sep)
        pick = rng.random()
        if pick < 0.45:
            text = f"+{plan['cc']} {grouped}"
        elif pick < 0.65:
            text = f"+{plan['cc']}{subscriber}"
        elif pick < 0.78:
            text = f"{plan['cc']}{subscriber}" if rng.random() < 0.6 else f"{plan['cc']} {grouped}"
        elif pick < 0.86:
            text = f"00{plan['cc']} {grouped}"
        elif pick < 0.93:
            text = f"(+{plan['cc']}) {grouped}"
        elif plan["trunk"]:
            text = f"+{plan['cc']} ({plan['trunk']}){grouped}" if rng.random() < 0.5 else f"+{plan['cc']} {national}"
        else:
            text = f"+{plan['cc']}-{subscriber}"
    if language == "ja" and rng.random() < 0.06:
        text = text.translate(FULLWIDTH)
    elif language == "th" and rng.random() < 0.015:
        text = text.translate(THAI_DIGITS)
    return text


# ---------------------------------------------------------------------------
# Domains and URLs
# ---------------------------------------------------------------------------

RAND_ALNUM = "abcdefghijkmnopqrstuvwxyz23456789"


def rand_token(rng, length, alphabet=RAND_ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(length))


def url_path(rng, style):
    """A path as kits and platforms write them."""
    if style == "parcel":
        return rng.choice(["/i", "/track", "/t/" + rand_token(rng, 6), "/?id=" + rand_token(rng, 8).upper(),
                           "/redelivery", "/update", "/pkg?no=" + str(rng.randint(10**9, 10**10 - 1)), "/"])
    if style == "platform":
        return rng.choice(["/#/register?code=" + str(rng.randint(100000, 999999)), "/h5/#/login", "/m/",
                           "/register?invite=" + rand_token(rng, 6).upper(), "/download", "/"])
    return rng.choice(["/login", "/verify", "/pay", "/", "/index.html", "/" + rand_token(rng, 5)])


def render_host(rng, host, defang_rate):
    """A written host: plain, defanged, upper-cased, spaced or with www."""
    roll = rng.random()
    if roll < defang_rate:
        return rng.choice([host.replace(".", "[.]"), host.replace(".", "(.)"), host.replace(".", "[dot]"),
                           host.replace(".", " dot "), host.replace(".", "[.]", 1), host.replace(".", ". ")])
    if roll < defang_rate + 0.04:
        return host.upper()
    if roll < defang_rate + 0.1 and host.count(".") == 1:
        return "www." + host
    return host


def render_url(rng, host, path, defang_rate, with_scheme_rate=0.55):
    """A written link to `host` (+ path)."""
    written = render_host(rng, host, defang_rate)
    defanged = written != host and written.lower() not in (host, "www." + host)
    roll = rng.random()
    if roll < with_scheme_rate:
        scheme = "https://"
        if defanged or rng.random() < defang_rate * 0.5:
            scheme = rng.choice(["hxxps://", "hxxp://", "https[:]//", "h**ps://", "https ://"])
        elif rng.random() < 0.2:
            scheme = "http://"
        written = scheme + written
    if rng.random() < 0.6:
        written += path
    return written


# ---------------------------------------------------------------------------
# Wallets
# ---------------------------------------------------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload):
    digest = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    data = payload + digest[:4]
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = B58[rem] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def tron_address(rng):
    return base58check(b"\x41" + bytes(rng.getrandbits(8) for _ in range(20)))


def btc_legacy(rng):
    return base58check(b"\x00" + bytes(rng.getrandbits(8) for _ in range(20)))


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values):
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= generator[i] if ((top >> i) & 1) else 0
    return chk


def btc_bech32(rng):
    """A P2WPKH bc1q address (witness version 0, 20-byte program)."""
    program = bytes(rng.getrandbits(8) for _ in range(20))
    acc, bits, data = 0, 0, [0]
    for byte in program:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    hrp = "bc"
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod(expanded + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


# Keccak-256 (the pre-standard padding Ethereum uses), for EIP-55 checksums.
_RC = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
       0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
       0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
       0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
       0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
_MASK = (1 << 64) - 1


def _rol(value, shift):
    shift %= 64
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def keccak256(data):
    rate = 136
    padded = bytearray(data) + b"\x01" + b"\x00" * ((rate - (len(data) + 1) % rate) % rate)
    padded[-1] |= 0x80
    state = [[0] * 5 for _ in range(5)]
    for block in range(0, len(padded), rate):
        for i in range(rate // 8):
            state[i % 5][i // 5] ^= int.from_bytes(padded[block + 8 * i:block + 8 * i + 8], "little")
        for rc in _RC:
            c = [state[x][0] ^ state[x][1] ^ state[x][2] ^ state[x][3] ^ state[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
            state = [[state[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    b[y][(2 * x + 3 * y) % 5] = _rol(state[x][y], _ROT[x][y])
            state = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
            state[0][0] ^= rc
    out = b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def eth_address(rng):
    """Lower-case hex; `eip55` gives the mixed-case checksummed form."""
    return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))


_EIP55 = {}


def eip55(address):
    """The EIP-55 mixed-case form (memoised: the same deposit address is written by many victims)."""
    if address in _EIP55:
        return _EIP55[address]
    _EIP55[address] = _eip55(address)
    return _EIP55[address]


def _eip55(address):
    body = address[2:].lower()
    digest = keccak256(body.encode()).hex()
    return "0x" + "".join(ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch for i, ch in enumerate(body))


def new_wallet(rng, chain):
    if chain == "tron":
        return tron_address(rng)
    if chain == "eth":
        return eth_address(rng)
    return btc_bech32(rng) if rng.random() < 0.7 else btc_legacy(rng)


def wallet_canonical(address):
    return address.lower() if address.startswith("0x") else address


def render_wallet(rng, address):
    """Returns (written, counts): a truncated address does not name the wallet."""
    roll = rng.random()
    if address.startswith("0x") and roll < 0.5:
        return eip55(address), True
    if roll > 0.95:
        return address[:6] + "..." + address[-4:], False
    return address, True


# ---------------------------------------------------------------------------
# Bank accounts and IBANs
# ---------------------------------------------------------------------------


def new_account_digits(rng, groupings, taken):
    """Digits of a new account with the length of the bank's first grouping."""
    length = sum(groupings[0]) if groupings else 10
    while True:
        digits = str(rng.randint(1, 9)) + str(rng.randrange(10 ** (length - 1))).zfill(length - 1)
        if digits not in taken:
            taken.add(digits)
            return digits


def render_account(rng, digits, groupings):
    """Grouped as the bank prints it, or as one run of digits, or spaced."""
    roll = rng.random()
    if roll < 0.45 and groupings:
        sizes = rng.choice(groupings)
        if sum(sizes) == len(digits) and len(sizes) > 1:
            return _group(digits, sizes, "-")
    if roll < 0.6:
        return _group(digits, [4] * 5, " ")
    return digits


def iban_check(country, bban):
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def new_iban(rng, country, taken):
    while True:
        parts = []
        for part in IBAN_BBAN[country]:
            if isinstance(part, str):
                parts.append("".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(int(part[0]))))
            else:
                parts.append("".join(str(rng.randint(0, 9)) for _ in range(part)))
        bban = "".join(parts)
        iban = country + iban_check(country, bban) + bban
        if iban not in taken:
            taken.add(iban)
            return iban


def render_iban(rng, iban):
    if rng.random() < 0.55:
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban if rng.random() < 0.9 else iban.lower()


# ---------------------------------------------------------------------------
# Handles and e-mails
# ---------------------------------------------------------------------------


def new_handle(rng, base, taken, platform="telegram"):
    """A messenger handle built on a name or stem, unique in `taken`. Telegram and
    WeChat names take letters, digits and underscores; LINE and Instagram dots too."""
    joiners = ["_", "", "."] if platform in ("line", "instagram") else ["_", ""]
    allowed = "_." if platform in ("line", "instagram") else "_"
    base = "".join(ch for ch in base.lower().replace(" ", rng.choice(joiners)) if ch.isascii() and (ch.isalnum() or ch in allowed))
    base = base.strip("._") or "support"
    while True:
        handle = base + rng.choice(["", "_", ""]) + rng.choice(["", str(rng.randint(1, 999)), rand_token(rng, 3),
                                                                "_official", "_cs", "vip", "888"])
        handle = handle[:28]
        if len(handle) >= 5 and handle not in taken:
            taken.add(handle)
            return handle


def render_handle(rng, platform, handle, language):
    """Returns the written handle; the canonical key is platform:handle (lower)."""
    if platform == "telegram":
        return rng.choice([f"@{handle}", f"@{handle}", f"t.me/{handle}", f"https://t.me/{handle}",
                           f"Telegram: {handle}", f"TG @{handle}", f"tg: @{handle}"])
    if platform == "line":
        lead = {"th": "ไอดีไลน์ ", "ja": "LINE ID：", "zh-Hant": "LINE ID："}.get(language, "LINE ID: ")
        return rng.choice([lead + handle, f"Line: @{handle}", f"line.me/ti/p/~{handle}", f"LINE {handle}"])
    if platform == "wechat":
        lead = "微信号：" if language.startswith("zh") else "WeChat ID: "
        return rng.choice([lead + handle, f"WeChat: {handle}", f"wechat {handle}"])
    if platform == "instagram":
        return rng.choice([f"@{handle} on Instagram", f"IG: @{handle}", f"instagram.com/{handle}", f"IG {handle}"])
    return f"@{handle}"


def render_email(rng, address):
    roll = rng.random()
    if roll < 0.12:
        local, domain = address.split("@")
        return f"{local}[at]{domain.replace('.', '[.]')}"
    if roll < 0.18:
        return address.upper()
    return address


FULLWIDTH_BACK = str.maketrans("０１２３４５６７８９－＋", "0123456789-+")
THAI_BACK = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
