"""Currencies, minor units, exchange rates and cash-reporting thresholds.

Amounts are integers in the currency's minor unit from generation to output, so the ledger's
decimal strings are exact and never carry more decimals than the currency has.
"""

import math

# ISO 4217 minor-unit digits (JPY and VND have none), plus the crypto assets the ledger uses.
DECIMALS = {
    "USD": 2, "EUR": 2, "GBP": 2, "SGD": 2, "HKD": 2, "THB": 2, "PHP": 2, "JPY": 0, "MYR": 2,
    "AED": 2, "AUD": 2, "INR": 2, "MXN": 2, "VND": 0, "CNY": 2, "USDT": 6, "BTC": 8,
}

# Units of the currency per US dollar at the start of the window (rough 2025 levels; what matters
# is that the orders of magnitude differ, so a scorer cannot compare raw amounts across currencies).
USD_RATE = {
    "USD": 1.0, "EUR": 0.92, "GBP": 0.79, "SGD": 1.34, "HKD": 7.81, "THB": 35.8, "PHP": 56.2,
    "JPY": 151.0, "MYR": 4.72, "AED": 3.6725, "AUD": 1.52, "INR": 83.2, "MXN": 17.1,
    "VND": 24600.0, "CNY": 7.2, "USDT": 1.0, "BTC": 1.0 / 62000.0,
}

# Daily volatility of each rate against the dollar (pegged currencies barely move).
VOLATILITY = {"HKD": 0.0003, "AED": 0.0001, "USDT": 0.0004, "BTC": 0.03, "USD": 0.0}

# country -> (currency, UTC offset hours, wage level relative to the US, cash reporting threshold
# in major units). Thresholds approximate each country's currency/cash transaction report line
# (US CTR 10,000 USD; PH covered transactions 500,000 PHP; TH 2,000,000 THB; IN 10 lakh; ...);
# GB and DE have no fixed cash report line, 10,000 stands in for a bank's internal one.
COUNTRIES = {
    "US": ("USD", -5.0, 1.00, 10000),
    "GB": ("GBP", 0.0, 0.80, 10000),
    "DE": ("EUR", 1.0, 0.85, 10000),
    "NL": ("EUR", 1.0, 0.90, 10000),
    "SG": ("SGD", 8.0, 1.00, 20000),
    "HK": ("HKD", 8.0, 0.80, 120000),
    "TH": ("THB", 7.0, 0.25, 2000000),
    "PH": ("PHP", 8.0, 0.15, 500000),
    "JP": ("JPY", 9.0, 0.70, 2000000),
    "MY": ("MYR", 8.0, 0.30, 25000),
    "AE": ("AED", 4.0, 0.90, 55000),
    "KH": ("USD", 7.0, 0.12, 10000),
    "MX": ("MXN", -6.0, 0.25, 150000),
    "IN": ("INR", 5.5, 0.10, 1000000),
    "VN": ("VND", 7.0, 0.12, 400000000),
    "AU": ("AUD", 10.0, 0.95, 10000),
}


def currency_of(country):
    return COUNTRIES[country][0]


def utc_offset_seconds(country):
    return int(COUNTRIES[country][1] * 3600)


def wage_level(country):
    return COUNTRIES[country][2]


def threshold_minor(country, currency):
    """The cash reporting line of `country`, in minor units of `currency`."""
    home_currency, _, _, line = COUNTRIES[country]
    usd = line / USD_RATE[home_currency]
    return to_minor(usd * USD_RATE[currency], currency)


def to_minor(major, currency):
    return int(round(major * 10 ** DECIMALS[currency]))


def format_minor(minor, currency):
    """Exact decimal string of `minor` units: 123456 USD -> '1234.56', 5 JPY -> '5'."""
    d = DECIMALS[currency]
    if d == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10 ** d)
    return "%s%d.%0*d" % (sign, whole, d, frac)


def usd_to_minor(usd, currency, nice=0.0):
    """`usd` dollars' worth of `currency` in minor units; `nice` > 0 rounds to that many major
    units of the currency scaled by its size (rents, allowances and fees are round numbers)."""
    major = usd * USD_RATE[currency]
    if nice > 0:
        step = nice * _magnitude(USD_RATE[currency])
        major = max(step, round(major / step) * step)
    minor = to_minor(major, currency)
    return max(minor, 1)


def _magnitude(rate):
    """1 for dollar-like currencies, 10 or 100 ... for currencies with small units (JPY, VND)."""
    return 10 ** max(0, int(math.floor(math.log10(rate))))


class FxTable:
    """Daily mid rates per currency (a seeded random walk around USD_RATE), and conversions at a
    spread: a conversion leg credits the recipient less than the mid value of what was sent."""

    def __init__(self, rng, days, currencies):
        self.rates = {}
        for cur in sorted(currencies):
            vol = VOLATILITY.get(cur, 0.004)
            r = USD_RATE[cur]
            series = []
            for _ in range(days + 2):
                series.append(r)
                r *= math.exp(rng.gauss(0.0, vol))
            self.rates[cur] = series

    def convert(self, minor, src, dst, day, spread):
        """`minor` units of `src` converted to `dst` on `day` at `spread` (fraction kept by the
        converting bank or operator), in minor units of `dst` (at least one unit)."""
        day = max(0, min(day, len(self.rates[src]) - 1))
        major = minor / 10 ** DECIMALS[src]
        usd = major / self.rates[src][day]
        out = usd * self.rates[dst][day] * (1.0 - spread)
        return max(1, to_minor(out, dst))
