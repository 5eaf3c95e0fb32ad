"""The world's state: accounts, the calendar, exchange rates, and `pay`, the one place a
transfer is recorded.

A transfer is recorded as an event list (see the E_* indices) and kept by reference, so a crime
scheme can remember its own transfers and learn their tx ids after the ledger is sorted and
numbered. Events that fall outside the window, or that settling drops, simply never get an id.
"""

import calendar
import datetime as dt
import math

from . import money

# Event slots.
E_TS, E_SEQ, E_SRC, E_DST, E_AMT, E_CUR, E_CHANNEL, E_RECV, E_RECV_CUR, E_FLEX, E_TXID = range(11)

# flex values: how settling may treat an event.
FIXED = 0        # happens as generated (salaries, bills, every transfer of a crime scheme)
SPEND = 1        # discretionary spending out of a person's own money: capped at what the payer has,
                 # dropped if that is too little, and among the first thinned to reach --transactions
GIFT = 2         # discretionary transfer to another person: capped like SPEND, never thinned
CLOSE = 3        # a closing account's whole balance leaving; settling fills in the amount

# Conversion spread by channel: what the converting bank or operator keeps on a conversion leg.
SPREAD = {"card": 0.025, "wire": 0.012, "remittance": 0.018, "crypto": 0.008, "transfer": 0.01}

DAY = 86400


class Account:
    __slots__ = ("idx", "id", "country", "kind", "currency", "in_bank", "role", "opened_day", "closed_day",
                 "balance0", "overdraft", "sar", "victim", "profile")

    def __init__(self, idx, account_id, country, kind, currency, in_bank, role, opened_day):
        self.idx = idx
        self.id = account_id
        self.country = country
        self.kind = kind
        self.currency = currency
        self.in_bank = in_bank
        self.role = role
        self.opened_day = opened_day   # window day the account opened (0: before the window)
        self.closed_day = None         # window day a customer closed it (moved banks), if any
        self.balance0 = 0          # balance at the window's start (minor units), shown or not
        self.overdraft = 0         # how far below zero discretionary spending may take it
        self.sar = False
        self.victim = False
        self.profile = None


class World:
    def __init__(self, rng, cfg):
        self.rng = rng
        self.cfg = cfg
        self.days = cfg.days
        self.start_date = cfg.start
        start = dt.datetime(cfg.start.year, cfg.start.month, cfg.start.day, tzinfo=dt.timezone.utc)
        self.start_epoch = int(start.timestamp())
        self.end_epoch = self.start_epoch + self.days * DAY
        self.dates = [cfg.start + dt.timedelta(days=d) for d in range(self.days)]
        self.weekdays = [d.weekday() for d in self.dates]
        self.accounts = []
        self.events = []
        self.seq = 0
        self.intensity = 1.0
        self.used_ids = set()
        self.fx = None
        self._dom_cache = {}
        self.last_business_days = self._last_business_days()
        self.fridays = [d for d in range(self.days) if self.weekdays[d] == 4]

    # ---------------------------------------------------------------- accounts
    def new_account(self, country, kind, role, in_bank=True, opened_day=0, currency=None):
        if currency is None:
            currency = self.cfg.currency_for(country, kind, in_bank, self.rng)
        while True:
            account_id = "AC%010d" % self.rng.randrange(10 ** 10)
            if account_id not in self.used_ids:
                break
        self.used_ids.add(account_id)
        acct = Account(len(self.accounts), account_id, country, kind, currency, in_bank, role, opened_day)
        self.accounts.append(acct)
        return acct

    # ---------------------------------------------------------------- calendar
    def ts(self, day, country, seconds_local):
        """UTC epoch seconds of `seconds_local` after local midnight of window day `day`."""
        return self.start_epoch + day * DAY + int(seconds_local) - money.utc_offset_seconds(country)

    def at(self, day, country, hour_lo, hour_hi):
        """A uniformly random local time between hour_lo and hour_hi on `day`, as UTC seconds."""
        return self.ts(day, country, self.rng.uniform(hour_lo * 3600, hour_hi * 3600))

    def day_of(self, ts):
        return (ts - self.start_epoch) // DAY

    def business_day(self, d):
        """`d` or the next weekday."""
        while 0 <= d < self.days and self.weekdays[d] >= 5:
            d += 1
        return d

    def days_of_month(self, dom):
        """Window days that are the `dom`-th of their month (the month's last day when shorter)."""
        got = self._dom_cache.get(dom)
        if got is None:
            got = []
            for d, date in enumerate(self.dates):
                last = calendar.monthrange(date.year, date.month)[1]
                if date.day == min(dom, last):
                    got.append(d)
            self._dom_cache[dom] = got
        return got

    def _last_business_days(self):
        out = []
        for d, date in enumerate(self.dates):
            last = calendar.monthrange(date.year, date.month)[1]
            # last weekday of the month
            end = date.replace(day=last)
            while end.weekday() >= 5:
                end -= dt.timedelta(days=1)
            if date == end:
                out.append(d)
        return out

    # ---------------------------------------------------------------- transfers
    def pay(self, ts, src, dst, amount, channel, flex=FIXED, spread=None):
        """Record a transfer of `amount` minor units of the payer's currency; returns the event.
        A payer and payee holding different currencies make a conversion leg: the payee is credited
        the converted amount less the channel's spread (event[E_RECV])."""
        amount = int(amount)
        if amount <= 0:
            amount = 1
        if src.currency != dst.currency:
            if spread is None:
                spread = SPREAD.get(channel, 0.01)
            recv = self.fx.convert(amount, src.currency, dst.currency, self.day_of(ts), spread)
            recv_cur = dst.currency
        else:
            recv = None
            recv_cur = ""
        self.seq += 1
        ev = [int(ts), self.seq, src.idx, dst.idx, amount, src.currency, channel, recv, recv_cur, flex, None]
        self.events.append(ev)
        return ev

    @staticmethod
    def credited(ev):
        """What the payee of `ev` received, in the payee's currency."""
        return ev[E_RECV] if ev[E_RECV] is not None else ev[E_AMT]

    def usd(self, usd, acct, nice=0.0):
        """`usd` dollars' worth in minor units of `acct`'s currency."""
        return money.usd_to_minor(usd, acct.currency, nice)

    def lognormal_usd(self, median, sigma):
        return median * self.rng.lognormvariate(0.0, sigma)


class Alert:
    """One scheme's (or one look-alike's) shape for truth/alerts.csv. `members` are declared
    members (some may never transact); `events` are the transfers of the shape itself."""

    __slots__ = ("typology", "is_sar", "main", "members", "events", "source")

    def __init__(self, typology, is_sar, main, members, source):
        self.typology = typology
        self.is_sar = is_sar
        self.main = main
        self.members = list(dict.fromkeys(members))
        self.events = []
        self.source = source


def poisson(rng, lam):
    """A Poisson draw (Knuth below 30, a rounded normal above)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, lam ** 0.5))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k
