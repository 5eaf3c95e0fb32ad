//! The in-memory ledger every analysis runs on.
//!
//! Accounts are interned to `u32` ids and transfers held in columns sorted by
//! timestamp, ties by arrival order (row order within a file, files in the
//! order they were pushed). About 100 bytes per transfer, so 10M transfers
//! take roughly 1 GiB. While building, the ledger also replays every
//! balance once, so tracing can start at any point of history without
//! replaying it again: history counts from the first row.
//!
//! Balance rule (the issue's contract): an outflow larger than what the
//! account holds spends the untraced excess, the balance becomes zero and a
//! negative-balance anomaly is recorded; later deposits do not repay it.
//! Balances are kept per account and currency.
//!
//! Opening balances: a row on the channel `opening_balance` (any case)
//! credits its recipient with what it held when the extract starts. Its
//! sender stands for money from outside the extract, like a cash deposit:
//! it is never short of money (no negative-balance anomaly), it is not an
//! unknown account when `accounts.csv` leaves it out, and unless that file
//! says otherwise its kind is `cash`, an institutional kind, so it is not
//! a victim, a source of victim payments or a typology's centre, and mule
//! scoring damps it. The recipient's opening money is ordinary history:
//! traced money queues behind it. `crackdown generate` writes such rows
//! from one `OPENING:<account>` sender per account.
//!
//! Left out: extra columns are not kept here (the store keeps them).

use chrono::{DateTime, Utc};
use crackdown_model::{Currency, Money};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};

use crate::account::{AccountKind, AccountRecord};
use crate::parse::{LineError, Severity, Transfer};

/// The channel of opening-balance rows (see the module docs).
pub const OPENING_BALANCE_CHANNEL: &str = "opening_balance";

/// Whether a row's channel marks it as an opening balance.
pub fn is_opening_balance(channel: &str) -> bool {
    channel.eq_ignore_ascii_case(OPENING_BALANCE_CHANNEL)
}

/// Something odd the ledger noticed while replaying balances.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Anomaly {
    pub tx_id: Option<String>,
    pub account: String,
    pub kind: AnomalyKind,
    /// Decimal amount when relevant (the shortfall of a negative balance).
    pub amount: Option<String>,
    pub currency: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// An outflow exceeded the balance; the excess was untraced money.
    NegativeBalance,
    /// A non-exchange account moved money in a second currency.
    CurrencyMismatch,
    /// The account is in the ledger but not in the accounts file.
    UnknownAccount,
}

/// Replays balances while a file streams in, in file order, to report
/// negative balances and currency mismatches at import time without holding
/// the ledger. The analysis commands replay the whole stored ledger in time
/// order again (see [`Ledger::anomalies`]); both follow the same balance rule.
#[derive(Default)]
pub struct AnomalyTracker {
    index: FxHashMap<Box<str>, u32>,
    /// Balances by account id, one entry per currency the account has held:
    /// nearly always one, so a short list beats hashing every row twice.
    balances: Vec<Vec<(Currency, i64)>>,
    first_currency: Vec<Option<Currency>>,
    exchanges: FxHashSet<u32>,
    mismatched: FxHashSet<(u32, Currency)>,
}

impl AnomalyTracker {
    /// A tracker that knows which accounts are exchanges (they may hold many currencies).
    pub fn new<'a>(exchanges: impl IntoIterator<Item = &'a str>) -> AnomalyTracker {
        let mut tracker = AnomalyTracker::default();
        for name in exchanges {
            let id = tracker.intern(name);
            tracker.exchanges.insert(id);
        }
        tracker
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.first_currency.len() as u32;
        self.index.insert(name.into(), id);
        self.first_currency.push(None);
        self.balances.push(Vec::new());
        id
    }

    fn balance(&mut self, account: u32, currency: Currency) -> &mut i64 {
        let held = &mut self.balances[account as usize];
        let slot = match held.iter().position(|(held, _)| *held == currency) {
            Some(slot) => slot,
            None => {
                held.push((currency, 0));
                held.len() - 1
            }
        };
        &mut held[slot].1
    }

    /// Applies one transfer, appending what it reveals to `out`.
    pub fn observe(&mut self, transfer: &Transfer, out: &mut Vec<Anomaly>) {
        let from = self.intern(&transfer.from);
        let to = self.intern(&transfer.to);
        let credited = transfer.credited();
        for (account, name, currency) in
            [(from, &transfer.from, transfer.amount.currency()), (to, &transfer.to, credited.currency())]
        {
            let first = *self.first_currency[account as usize].get_or_insert(currency);
            if first != currency && !self.exchanges.contains(&account) && self.mismatched.insert((account, currency)) {
                out.push(Anomaly {
                    tx_id: Some(transfer.tx_id.clone()),
                    account: name.clone(),
                    kind: AnomalyKind::CurrencyMismatch,
                    amount: None,
                    currency: Some(currency.code()),
                });
            }
        }
        let balance = self.balance(from, transfer.amount.currency());
        if transfer.amount.minor() > *balance {
            let shortfall = Money::new(transfer.amount.minor() - *balance, transfer.amount.currency());
            *balance = 0;
            // An opening balance's sender is outside the extract, never short.
            if !is_opening_balance(&transfer.channel) {
                out.push(Anomaly {
                    tx_id: Some(transfer.tx_id.clone()),
                    account: transfer.from.clone(),
                    kind: AnomalyKind::NegativeBalance,
                    amount: Some(shortfall.decimal()),
                    currency: Some(shortfall.currency().code()),
                });
            }
        } else {
            *balance -= transfer.amount.minor();
        }
        let balance = self.balance(to, credited.currency());
        *balance = balance.saturating_add(credited.minor());
    }
}

/// The fields of a [`Transfer`] the ledger keeps, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct TransferFields<'a> {
    /// Line number of the record in its file (1 = header).
    pub row: u64,
    pub tx_id: &'a str,
    pub timestamp: DateTime<Utc>,
    pub from: &'a str,
    pub to: &'a str,
    pub amount: Money,
    /// What reached the recipient on a conversion leg.
    pub received: Option<Money>,
    pub channel: &'a str,
}

/// Collects transfers and account records, then sorts them into a [`Ledger`].
#[derive(Default)]
pub struct LedgerBuilder {
    names: Vec<Box<str>>,
    index: FxHashMap<Box<str>, u32>,
    kinds: Vec<AccountKind>,
    countries: Vec<Option<Box<str>>>,
    has_record: Vec<bool>,
    /// Accounts that sent an opening balance (see the module docs).
    opening_source: Vec<bool>,
    ids_text: String,
    ids_end: Vec<u64>,
    id_hash: FxHashMap<u64, u32>,
    collided: FxHashSet<Box<str>>,
    timestamps: Vec<i64>,
    from: Vec<u32>,
    to: Vec<u32>,
    amount: Vec<i64>,
    currency: Vec<u16>,
    received: Vec<i64>,
    received_currency: Vec<u16>,
    channel: Vec<u16>,
    rows: Vec<u64>,
    currencies: Vec<Currency>,
    channels: Vec<Box<str>>,
}

fn hash_id(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

impl LedgerBuilder {
    pub fn new() -> LedgerBuilder {
        LedgerBuilder::default()
    }

    /// A builder with room for `rows` transfers: a stored ledger's length is
    /// known, and growing ten million rows by doubling copies every column
    /// several times into freshly zeroed pages.
    pub fn with_capacity(rows: usize) -> LedgerBuilder {
        let mut builder = LedgerBuilder::default();
        builder.ids_text.reserve(rows.saturating_mul(16));
        builder.ids_end.reserve(rows);
        builder.id_hash.reserve(rows);
        builder.timestamps.reserve(rows);
        builder.from.reserve(rows);
        builder.to.reserve(rows);
        builder.amount.reserve(rows);
        builder.currency.reserve(rows);
        builder.received.reserve(rows);
        builder.received_currency.reserve(rows);
        builder.channel.reserve(rows);
        builder.rows.reserve(rows);
        builder
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 4 billion accounts");
        self.names.push(name.into());
        self.index.insert(name.into(), id);
        self.kinds.push(AccountKind::Unknown);
        self.countries.push(None);
        self.has_record.push(false);
        self.opening_source.push(false);
        id
    }

    fn currency_index(&mut self, currency: Currency) -> u16 {
        match self.currencies.iter().position(|&known| known == currency) {
            Some(index) => index as u16,
            None => {
                self.currencies.push(currency);
                (self.currencies.len() - 1) as u16
            }
        }
    }

    fn channel_index(&mut self, channel: &str) -> u16 {
        match self.channels.iter().position(|known| &**known == channel) {
            Some(index) => index as u16,
            None if self.channels.len() < usize::from(u16::MAX) => {
                self.channels.push(channel.into());
                (self.channels.len() - 1) as u16
            }
            None => u16::MAX,
        }
    }

    fn tx_text(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ids_end[index - 1] as usize };
        &self.ids_text[start..self.ids_end[index] as usize]
    }

    /// Adds one transfer; a duplicate tx id is refused with an error naming the line.
    pub fn push(&mut self, file: &str, transfer: &Transfer) -> Result<(), LineError> {
        self.push_fields(
            file,
            TransferFields {
                row: transfer.row,
                tx_id: &transfer.tx_id,
                timestamp: transfer.timestamp,
                from: &transfer.from,
                to: &transfer.to,
                amount: transfer.amount,
                received: transfer.received,
                channel: &transfer.channel,
            },
        )
    }

    /// [`LedgerBuilder::push`] from borrowed fields, as a stored ledger is
    /// read back: no string per field on the way in.
    pub fn push_fields(&mut self, file: &str, transfer: TransferFields<'_>) -> Result<(), LineError> {
        let hash = hash_id(transfer.tx_id);
        if let Some(&first) = self.id_hash.get(&hash) {
            if self.tx_text(first as usize) == transfer.tx_id || self.collided.contains(transfer.tx_id) {
                return Err(LineError::new(
                    file,
                    transfer.row,
                    "tx_id",
                    format!("duplicate tx id {:?}; the first occurrence is kept", transfer.tx_id),
                    Severity::Error,
                ));
            }
            self.collided.insert(transfer.tx_id.into());
        } else {
            let position = u32::try_from(self.timestamps.len()).map_err(|_| {
                LineError::new(file, transfer.row, "tx_id", "more than 4 billion transfers", Severity::Error)
            })?;
            self.id_hash.insert(hash, position);
        }
        self.ids_text.push_str(transfer.tx_id);
        self.ids_end.push(self.ids_text.len() as u64);
        let from = self.intern(transfer.from);
        let to = self.intern(transfer.to);
        let currency = self.currency_index(transfer.amount.currency());
        let credited = transfer.received.unwrap_or(transfer.amount);
        let received_currency = self.currency_index(credited.currency());
        let channel = self.channel_index(transfer.channel);
        if is_opening_balance(transfer.channel) {
            self.opening_source[from as usize] = true;
        }
        self.timestamps.push(transfer.timestamp.timestamp_micros());
        self.from.push(from);
        self.to.push(to);
        self.amount.push(transfer.amount.minor());
        self.currency.push(currency);
        self.received.push(credited.minor());
        self.received_currency.push(received_currency);
        self.channel.push(channel);
        self.rows.push(transfer.row);
        Ok(())
    }

    /// Records an account's country and kind; later records win.
    pub fn add_account(&mut self, record: &AccountRecord) {
        let id = self.intern(&record.account) as usize;
        self.kinds[id] = record.kind;
        self.countries[id] = record.country.as_deref().map(Into::into);
        self.has_record[id] = true;
    }

    /// Puts the transfers in time order, ties by arrival, one column at a
    /// time (a ten-million-row ledger's columns are a gigabyte: copying them
    /// all at once would double the peak).
    fn sort_by_time(&mut self) {
        fn permute<T: Copy>(column: &mut Vec<T>, order: &[u32]) {
            *column = order.iter().map(|&index| column[index as usize]).collect();
        }
        let count = self.timestamps.len();
        let mut order: Vec<u32> = (0..count as u32).collect();
        order.sort_unstable_by_key(|&index| (self.timestamps[index as usize], index));
        permute(&mut self.timestamps, &order);
        permute(&mut self.from, &order);
        permute(&mut self.to, &order);
        permute(&mut self.amount, &order);
        permute(&mut self.received, &order);
        permute(&mut self.currency, &order);
        permute(&mut self.received_currency, &order);
        permute(&mut self.channel, &order);
        permute(&mut self.rows, &order);
        let mut ids_text = String::with_capacity(self.ids_text.len());
        let mut ids_end = Vec::with_capacity(count);
        for &index in &order {
            ids_text.push_str(self.tx_text(index as usize));
            ids_end.push(ids_text.len() as u64);
        }
        self.ids_text = ids_text;
        self.ids_end = ids_end;
        let mut position_of_arrival = vec![0u32; count];
        for (position, &arrival) in order.iter().enumerate() {
            position_of_arrival[arrival as usize] = position as u32;
        }
        for arrival in self.id_hash.values_mut() {
            *arrival = position_of_arrival[*arrival as usize];
        }
    }

    /// Sorts by time (ties by arrival), replays balances and indexes accounts.
    pub fn build(mut self) -> Ledger {
        for (id, opening) in self.opening_source.iter().enumerate() {
            if *opening && !self.has_record[id] {
                self.kinds[id] = AccountKind::Cash;
            }
        }
        // Ledgers are usually stored in time order: then there is nothing to move.
        if !self.timestamps.is_sorted() {
            self.sort_by_time();
        }
        let account_count = self.names.len();
        let mut ledger = Ledger {
            names: self.names,
            index: self.index,
            kinds: self.kinds,
            countries: self.countries,
            ids_text: self.ids_text,
            ids_end: self.ids_end,
            id_hash: self.id_hash,
            collided: self.collided,
            timestamps: self.timestamps,
            from: self.from,
            to: self.to,
            amount: self.amount,
            currency: self.currency,
            received: self.received,
            received_currency: self.received_currency,
            channel: self.channel,
            rows: self.rows,
            currencies: self.currencies,
            channels: self.channels,
            from_balance_before: Vec::new(),
            to_balance_before: Vec::new(),
            event_start: Vec::new(),
            events: Vec::new(),
            anomalies: Vec::new(),
            outside: self
                .opening_source
                .iter()
                .zip(&self.has_record)
                .map(|(&opening, &known)| opening && !known)
                .collect(),
        };
        ledger.replay_balances();
        ledger.index_events(account_count);
        if self.has_record.iter().any(|&known| known) {
            for (id, known) in self.has_record.iter().enumerate() {
                if !known && !self.opening_source[id] {
                    ledger.anomalies.push(Anomaly {
                        tx_id: None,
                        account: ledger.names[id].to_string(),
                        kind: AnomalyKind::UnknownAccount,
                        amount: None,
                        currency: None,
                    });
                }
            }
        }
        ledger
    }
}

/// Transfers sorted by time with interned accounts and replayed balances.
pub struct Ledger {
    names: Vec<Box<str>>,
    index: FxHashMap<Box<str>, u32>,
    kinds: Vec<AccountKind>,
    countries: Vec<Option<Box<str>>>,
    ids_text: String,
    ids_end: Vec<u64>,
    id_hash: FxHashMap<u64, u32>,
    collided: FxHashSet<Box<str>>,
    pub(crate) timestamps: Vec<i64>,
    pub(crate) from: Vec<u32>,
    pub(crate) to: Vec<u32>,
    pub(crate) amount: Vec<i64>,
    pub(crate) currency: Vec<u16>,
    pub(crate) received: Vec<i64>,
    pub(crate) received_currency: Vec<u16>,
    channel: Vec<u16>,
    rows: Vec<u64>,
    currencies: Vec<Currency>,
    channels: Vec<Box<str>>,
    /// Sender's balance (in the sent currency) just before each transfer.
    pub(crate) from_balance_before: Vec<i64>,
    /// Recipient's balance (in the credited currency) just before each transfer.
    pub(crate) to_balance_before: Vec<i64>,
    event_start: Vec<u64>,
    events: Vec<u32>,
    anomalies: Vec<Anomaly>,
    /// Per account: it stands for money from outside the extract (it sent an
    /// opening balance and `accounts.csv` does not list it).
    outside: Vec<bool>,
}

impl Ledger {
    fn replay_balances(&mut self) {
        let count = self.timestamps.len();
        let mut balances: FxHashMap<(u32, u16), i64> = FxHashMap::default();
        let mut first_currency: FxHashMap<u32, u16> = FxHashMap::default();
        let mut mismatched: FxHashSet<(u32, u16)> = FxHashSet::default();
        let mut from_before = Vec::with_capacity(count);
        let mut to_before = Vec::with_capacity(count);
        let opening = self.channels.iter().position(|channel| is_opening_balance(channel)).map(|index| index as u16);
        for i in 0..count {
            let (from, to) = (self.from[i], self.to[i]);
            let (currency, received_currency) = (self.currency[i], self.received_currency[i]);
            for (account, currency) in [(from, currency), (to, received_currency)] {
                let first = *first_currency.entry(account).or_insert(currency);
                if first != currency
                    && self.kinds[account as usize] != AccountKind::Exchange
                    && mismatched.insert((account, currency))
                {
                    self.anomalies.push(Anomaly {
                        tx_id: Some(self.tx_id(i).to_owned()),
                        account: self.names[account as usize].to_string(),
                        kind: AnomalyKind::CurrencyMismatch,
                        amount: None,
                        currency: Some(self.currencies[currency as usize].code()),
                    });
                }
            }
            let balance = balances.entry((from, currency)).or_insert(0);
            let before = *balance;
            from_before.push(before);
            if self.amount[i] > before {
                let shortfall = self.amount[i] - before;
                *balance = 0;
                if Some(self.channel[i]) != opening {
                    let money = Money::new(shortfall, self.currencies[currency as usize]);
                    self.anomalies.push(Anomaly {
                        tx_id: Some(self.tx_id(i).to_owned()),
                        account: self.names[from as usize].to_string(),
                        kind: AnomalyKind::NegativeBalance,
                        amount: Some(money.decimal()),
                        currency: Some(money.currency().code()),
                    });
                }
            } else {
                *balance = before - self.amount[i];
            }
            let balance = balances.entry((to, received_currency)).or_insert(0);
            to_before.push(*balance);
            *balance = balance.saturating_add(self.received[i]);
        }
        self.from_balance_before = from_before;
        self.to_balance_before = to_before;
    }

    fn index_events(&mut self, account_count: usize) {
        let mut start = vec![0u64; account_count + 1];
        for i in 0..self.timestamps.len() {
            start[self.from[i] as usize + 1] += 1;
            if self.to[i] != self.from[i] {
                start[self.to[i] as usize + 1] += 1;
            }
        }
        for account in 0..account_count {
            start[account + 1] += start[account];
        }
        let mut cursor = start.clone();
        let mut events = vec![0u32; start[account_count] as usize];
        for i in 0..self.timestamps.len() {
            for account in [self.from[i], self.to[i]] {
                let slot = &mut cursor[account as usize];
                events[*slot as usize] = i as u32;
                *slot += 1;
                if self.from[i] == self.to[i] {
                    break;
                }
            }
        }
        self.event_start = start;
        self.events = events;
    }

    /// Number of transfers.
    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }

    /// Number of accounts, from transfers and from account records.
    pub fn account_count(&self) -> usize {
        self.names.len()
    }

    pub fn account_name(&self, account: u32) -> &str {
        &self.names[account as usize]
    }

    pub fn account_id(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// Whether the account only stands for money from outside the extract
    /// (an opening balance's sender not in `accounts.csv`): it is no one's
    /// account, so nothing scores or lists it as a suspect.
    pub fn is_outside(&self, account: u32) -> bool {
        self.outside.get(account as usize).copied().unwrap_or(false)
    }

    pub fn kind(&self, account: u32) -> AccountKind {
        self.kinds[account as usize]
    }

    pub fn country(&self, account: u32) -> Option<&str> {
        self.countries[account as usize].as_deref()
    }

    pub fn tx_id(&self, position: usize) -> &str {
        let start = if position == 0 { 0 } else { self.ids_end[position - 1] as usize };
        &self.ids_text[start..self.ids_end[position] as usize]
    }

    /// Where a tx id sits in time order.
    pub fn position_of(&self, tx_id: &str) -> Option<usize> {
        let position = *self.id_hash.get(&hash_id(tx_id))? as usize;
        if self.tx_id(position) == tx_id {
            return Some(position);
        }
        if self.collided.contains(tx_id) {
            return (0..self.len()).find(|&index| self.tx_id(index) == tx_id);
        }
        None
    }

    pub fn timestamp(&self, position: usize) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.timestamps[position]).unwrap_or_default()
    }

    pub fn timestamp_micros(&self, position: usize) -> i64 {
        self.timestamps[position]
    }

    pub fn from(&self, position: usize) -> u32 {
        self.from[position]
    }

    pub fn to(&self, position: usize) -> u32 {
        self.to[position]
    }

    /// What left the sender.
    pub fn amount(&self, position: usize) -> Money {
        Money::new(self.amount[position], self.currency_of(self.currency[position]))
    }

    /// What reached the recipient (differs from `amount` on conversion legs).
    pub fn credited(&self, position: usize) -> Money {
        Money::new(self.received[position], self.currency_of(self.received_currency[position]))
    }

    pub(crate) fn currency_of(&self, index: u16) -> Currency {
        self.currencies[index as usize]
    }

    pub fn channel(&self, position: usize) -> &str {
        self.channels.get(self.channel[position] as usize).map_or("", |channel| channel)
    }

    /// Line number the transfer had in its file.
    pub fn row(&self, position: usize) -> u64 {
        self.rows[position]
    }

    /// Positions of the account's transfers (sent or received), in time order.
    pub fn events(&self, account: u32) -> &[u32] {
        let start = self.event_start[account as usize] as usize;
        let end = self.event_start[account as usize + 1] as usize;
        &self.events[start..end]
    }

    pub fn anomalies(&self) -> &[Anomaly] {
        &self.anomalies
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::parse::{LedgerFormat, LedgerReader};

    /// Builds a ledger from native CSV rows (header added) and an accounts list.
    pub(crate) fn ledger(rows: &str, accounts: &[(&str, AccountKind)]) -> Ledger {
        ledger_csv(&format!("tx_id,timestamp,from_account,to_account,amount,currency,channel\n{rows}"), accounts)
    }

    /// Builds a ledger from a whole native CSV text and an accounts list.
    pub(crate) fn ledger_csv(text: &str, accounts: &[(&str, AccountKind)]) -> Ledger {
        let mut reader = LedgerReader::new(text.as_bytes(), "test.csv", LedgerFormat::Native).expect("header");
        let mut builder = LedgerBuilder::new();
        while let Some(batch) = reader.next_batch(1000) {
            assert!(batch.issues.iter().all(|issue| issue.severity == Severity::Warning), "{:?}", batch.issues);
            for transfer in &batch.transfers {
                builder.push("test.csv", transfer).expect("unique ids");
            }
        }
        for (line, (account, kind)) in accounts.iter().enumerate() {
            builder.add_account(&AccountRecord {
                line: line as u64 + 2,
                account: (*account).to_owned(),
                country: None,
                kind: *kind,
            });
        }
        builder.build()
    }

    #[test]
    fn sorts_by_time_then_arrival_and_replays_balances() {
        let ledger = ledger(
            "t3,2024-01-03T00:00:00Z,A,B,5,USD,wire\n\
             t1,2024-01-01T00:00:00Z,V,A,10,USD,wire\n\
             t2,2024-01-01T00:00:00Z,A,C,30,USD,wire\n",
            &[],
        );
        let order: Vec<_> = (0..ledger.len()).map(|i| ledger.tx_id(i)).collect();
        assert_eq!(order, ["t1", "t2", "t3"]);
        assert_eq!(ledger.position_of("t3"), Some(2));
        assert_eq!(ledger.position_of("t1"), Some(0));
        assert_eq!(ledger.position_of("nope"), None);
        assert_eq!(ledger.from_balance_before, vec![0, 1000, 0]);
        let negative: Vec<_> = ledger
            .anomalies()
            .iter()
            .filter(|a| a.kind == AnomalyKind::NegativeBalance)
            .map(|a| (a.tx_id.as_deref(), a.account.as_str(), a.amount.as_deref()))
            .collect();
        assert_eq!(
            negative,
            [(Some("t1"), "V", Some("10.00")), (Some("t2"), "A", Some("20.00")), (Some("t3"), "A", Some("5.00")),]
        );
        let a = ledger.account_id("A").expect("A interned");
        assert_eq!(ledger.events(a), &[0, 1, 2]);
    }

    #[test]
    fn streaming_tracker_reports_what_the_ledger_reports_on_ordered_files() {
        let text = "tx_id,timestamp,from_account,to_account,amount,currency,channel\n\
                    t1,2024-01-01T00:00:00Z,V,A,10,USD,wire\n\
                    t2,2024-01-02T00:00:00Z,A,C,30,USD,wire\n\
                    t3,2024-01-03T00:00:00Z,A,EX,5,EUR,wire\n\
                    t4,2024-01-04T00:00:00Z,EX,A,5,USD,wire\n";
        let mut reader = LedgerReader::new(text.as_bytes(), "t.csv", LedgerFormat::Native).expect("header");
        let mut tracker = AnomalyTracker::new(["EX"]);
        let mut streamed = Vec::new();
        while let Some(batch) = reader.next_batch(2) {
            for transfer in &batch.transfers {
                tracker.observe(transfer, &mut streamed);
            }
        }
        let built = ledger_csv(text, &[("EX", AccountKind::Exchange)]);
        let mut replayed: Vec<_> =
            built.anomalies().iter().filter(|a| a.kind != AnomalyKind::UnknownAccount).cloned().collect();
        replayed.sort_by(|a, b| (&a.tx_id, &a.account).cmp(&(&b.tx_id, &b.account)));
        streamed.sort_by(|a, b| (&a.tx_id, &a.account).cmp(&(&b.tx_id, &b.account)));
        assert_eq!(streamed, replayed);
        assert_eq!(streamed.len(), 5, "{streamed:?}");
    }

    #[test]
    fn duplicate_ids_are_refused_with_their_line() {
        let text = "tx_id,timestamp,from_account,to_account,amount,currency,channel\n\
                    t1,2024-01-01T00:00:00Z,A,B,1,USD,wire\n\
                    t1,2024-01-02T00:00:00Z,A,B,1,USD,wire\n";
        let mut reader = LedgerReader::new(text.as_bytes(), "dup.csv", LedgerFormat::Native).expect("header");
        let batch = reader.next_batch(10).expect("rows");
        let mut builder = LedgerBuilder::new();
        builder.push("dup.csv", &batch.transfers[0]).expect("first is fine");
        let error = builder.push("dup.csv", &batch.transfers[1]).expect_err("duplicate");
        assert_eq!(error.to_string(), "dup.csv:3: tx_id: duplicate tx id \"t1\"; the first occurrence is kept");
        assert_eq!(builder.build().len(), 1);
    }

    #[test]
    fn accounts_without_transfers_and_unknown_accounts_are_kept() {
        let ledger =
            ledger("t1,2024-01-01T00:00:00Z,A,B,1,USD,wire\n", &[("A", AccountKind::Person), ("Z", AccountKind::Cash)]);
        assert_eq!(ledger.account_count(), 3);
        assert_eq!(ledger.kind(ledger.account_id("Z").expect("Z")), AccountKind::Cash);
        let unknown: Vec<_> = ledger
            .anomalies()
            .iter()
            .filter(|a| a.kind == AnomalyKind::UnknownAccount)
            .map(|a| a.account.as_str())
            .collect();
        assert_eq!(unknown, ["B"]);
    }

    #[test]
    fn opening_balances_come_from_outside_the_extract() {
        let text = "tx_id,timestamp,from_account,to_account,amount,currency,channel\n\
                    OB-A,2024-01-01T00:00:00Z,OPENING:A,A,100,USD,opening_balance\n\
                    t1,2024-01-02T00:00:00Z,A,B,60,USD,wire\n\
                    t2,2024-01-03T00:00:00Z,B,C,70,USD,wire\n";
        let built = ledger_csv(text, &[("A", AccountKind::Person), ("B", AccountKind::Person)]);
        let opening = built.account_id("OPENING:A").expect("the sender is an account");
        assert_eq!(built.kind(opening), AccountKind::Cash, "outside money, institutional");
        assert!(built.is_outside(opening) && !built.is_outside(built.account_id("A").expect("A")));
        let anomalies: Vec<_> = built.anomalies().iter().map(|a| (a.kind, a.account.as_str())).collect();
        // Only B is short (and C is unknown): neither the sender nor A, whose opening money covers t1.
        assert_eq!(
            anomalies,
            [(AnomalyKind::NegativeBalance, "B"), (AnomalyKind::UnknownAccount, "C")],
            "{anomalies:?}"
        );
        assert_eq!(built.from_balance_before[1], 10000, "A's opening money is history");

        let mut reader = LedgerReader::new(text.as_bytes(), "t.csv", LedgerFormat::Native).expect("header");
        let mut tracker = AnomalyTracker::new([]);
        let mut streamed = Vec::new();
        while let Some(batch) = reader.next_batch(10) {
            for transfer in &batch.transfers {
                tracker.observe(transfer, &mut streamed);
            }
        }
        let streamed: Vec<_> = streamed.iter().map(|a| (a.kind, a.account.as_str())).collect();
        assert_eq!(streamed, [(AnomalyKind::NegativeBalance, "B")]);
    }
}
