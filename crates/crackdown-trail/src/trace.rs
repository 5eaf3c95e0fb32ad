//! Tracing a victim payment to where it can still be frozen.
//!
//! One trace follows the money of one source transfer forward in time,
//! visiting only the transfers of accounts that hold some of it (a heap of
//! each tainted account's next transfer), so its cost grows with the trail,
//! not with the ledger. Each trace is independent: other victims' money
//! counts as untraced, which is how a court looks at one claimant.
//!
//! Rules, as courts use them:
//! * `fifo` (Clayton's case): an account is a queue; the first money in is the
//!   first out. Traced money queues behind the balance already there.
//! * `lifo`: the last money in is the first out.
//! * `libr` (lowest intermediate balance): the account holder spends their own
//!   money first; traced money leaves only when the balance falls below it and
//!   later deposits never restore it.
//! * `prorata`: every outflow carries traced money in proportion to the
//!   traced share of the balance just before it. Shares are whole minor units
//!   by the largest-remainder method between the traced and untraced parts:
//!   both are rounded down and the one left-over unit goes to the part with the
//!   larger remainder, the untraced part on a tie. No cent is ever created.
//! * `poison`: every outflow of an account after it received traced money is
//!   wholly tainted. Amounts are not conserved: hops carry whole transfers and
//!   endpoints hold what the account holds (or received, for cash/exchange).
//!
//! Contract details: ledger order is time then row; an outflow larger than
//! the balance spends untraced excess (see [`crate::ledger`]); the horizon
//! counts from the source payment and is inclusive. Money stops at an account
//! of kind `cash` or `exchange` (reason `cash`/`exchange`), at an account with
//! no later outflow in that currency (`no_outflow`), or where it sits when the
//! horizon ends while the account still has later outflows (`horizon`).
//!
//! Currencies: money crosses currencies only on a conversion leg (a transfer
//! whose credited amount/currency differs, see [`crate::parse`]). Across it,
//! each piece of money is rescaled exactly (cumulative floor) and keeps its
//! *value*: the part of the victim's payment it stands for, in the source
//! currency. Endpoint and hop amounts are values, so they add up to the traced
//! amount; an endpoint held in another currency also shows `held_amount` and
//! `held_currency`. Value whose converted amount rounds to zero minor units is
//! reported as `unresolved`; otherwise `unresolved` is zero.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};
use crackdown_model::{Currency, Money};
use rustc_hash::FxHashMap;
use serde::ser::{SerializeStruct, Serializer};

use crate::account::AccountKind;
use crate::ledger::Ledger;

/// A tracing rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Fifo,
    Lifo,
    Libr,
    ProRata,
    Poison,
}

impl Rule {
    pub const ALL: [Rule; 5] = [Rule::Fifo, Rule::Lifo, Rule::Libr, Rule::ProRata, Rule::Poison];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Fifo => "fifo",
            Rule::Lifo => "lifo",
            Rule::Libr => "libr",
            Rule::ProRata => "prorata",
            Rule::Poison => "poison",
        }
    }
}

impl std::str::FromStr for Rule {
    type Err = String;
    fn from_str(text: &str) -> Result<Rule, String> {
        let text = text.trim();
        Rule::ALL
            .into_iter()
            .find(|rule| {
                rule.as_str().eq_ignore_ascii_case(text)
                    || (text.eq_ignore_ascii_case("pro-rata") && *rule == Rule::ProRata)
            })
            .ok_or_else(|| format!("{text:?} is not one of fifo, lifo, libr, prorata, poison"))
    }
}

/// Parses a horizon such as `90d`, `12h`, `30m`, `45s` or `2w`.
pub fn parse_horizon(text: &str) -> Result<chrono::TimeDelta, String> {
    let text = text.trim();
    let split = text.len().saturating_sub(1);
    let (number, unit) = text.split_at(split);
    let count: i64 = number.parse().map_err(|_| format!("{text:?} is not a horizon like 90d, 12h, 30m, 45s or 2w"))?;
    let seconds = match unit {
        "s" => Some(count),
        "m" => count.checked_mul(60),
        "h" => count.checked_mul(3600),
        "d" => count.checked_mul(86_400),
        "w" => count.checked_mul(7 * 86_400),
        _ => None,
    };
    seconds
        .filter(|&seconds| seconds >= 0)
        .and_then(chrono::TimeDelta::try_seconds)
        .ok_or_else(|| format!("{text:?} is not a horizon like 90d, 12h, 30m, 45s or 2w"))
}

/// How to trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceOptions {
    pub rule: Rule,
    /// Inclusive, from the source payment; `None` follows the ledger to its end.
    pub horizon: Option<chrono::TimeDelta>,
    /// Traced parts of a transfer smaller than this many minor units (of the
    /// currency they are held in) are not followed further and count as
    /// `unresolved`; 0 follows every cent. Pro-rata otherwise spreads cents
    /// through every busy account. Not applied to poison.
    pub dust: i64,
    /// Stop after handling this many transfers of accounts holding traced
    /// money (`None`: no limit). Money then ends where it sits, as at the
    /// horizon, and the trace records when it stopped. This bounds poison
    /// tracing, whose taint otherwise reaches most of a busy ledger.
    pub max_steps: Option<usize>,
}

impl TraceOptions {
    /// A rule with no horizon, no dust threshold and no step limit.
    pub fn new(rule: Rule) -> TraceOptions {
        TraceOptions { rule, horizon: None, dust: 0, max_steps: None }
    }
}

/// The step limit the command line applies to poison traces unless told otherwise.
pub const POISON_MAX_STEPS: usize = 5_000;

/// Why traced money stopped at an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EndpointReason {
    NoOutflow,
    Cash,
    Exchange,
    Horizon,
}

impl EndpointReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointReason::NoOutflow => "no_outflow",
            EndpointReason::Cash => "cash",
            EndpointReason::Exchange => "exchange",
            EndpointReason::Horizon => "horizon",
        }
    }
}

/// Where traced money stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint<'a> {
    pub account: &'a str,
    pub account_id: u32,
    /// Value of the victim's money here, in the source currency (poison: what is held).
    pub amount: Money,
    /// The money as held, when in another currency than `amount`.
    pub held: Option<Money>,
    pub kind: AccountKind,
    pub reason: EndpointReason,
}

/// A transfer that carried traced money, with the traced part of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop<'a> {
    pub position: usize,
    pub tx_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub amount: Money,
    pub timestamp: DateTime<Utc>,
}

/// The result of tracing one source transfer; its text is borrowed from the
/// ledger, so a poison trace of thousands of hops allocates no string per hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace<'a> {
    pub source_tx: &'a str,
    pub rule: Rule,
    pub amount: Money,
    pub endpoints: Vec<Endpoint<'a>>,
    pub hops: Vec<Hop<'a>>,
    pub unresolved: Money,
    /// When the step limit stopped the trace early (money then ends where it sat).
    pub stopped_at: Option<DateTime<Utc>>,
}

impl serde::Serialize for Trace<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.stopped_at.is_some() { 8 } else { 7 };
        let mut out = serializer.serialize_struct("Trace", fields)?;
        out.serialize_field("source_tx", &self.source_tx)?;
        out.serialize_field("rule", self.rule.as_str())?;
        out.serialize_field("amount", &self.amount.decimal())?;
        out.serialize_field("currency", self.amount.currency().code())?;
        out.serialize_field("endpoints", &self.endpoints)?;
        out.serialize_field("hops", &self.hops)?;
        out.serialize_field("unresolved", &self.unresolved.decimal())?;
        if let Some(stopped) = self.stopped_at {
            out.serialize_field("stopped_at", &stopped.to_rfc3339_opts(SecondsFormat::AutoSi, true))?;
        }
        out.end()
    }
}

impl serde::Serialize for Endpoint<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.held.is_some() { 7 } else { 5 };
        let mut out = serializer.serialize_struct("Endpoint", fields)?;
        out.serialize_field("account", &self.account)?;
        out.serialize_field("amount", &self.amount.decimal())?;
        out.serialize_field("kind", self.kind.as_str())?;
        // What the investigator can do there, so a script reading the trace
        // never sends a freeze request for a cash machine.
        out.serialize_field("recovery", crate::Recovery::of(self.kind).as_str())?;
        out.serialize_field("reason", self.reason.as_str())?;
        if let Some(held) = self.held {
            out.serialize_field("held_amount", &held.decimal())?;
            out.serialize_field("held_currency", held.currency().code())?;
        }
        out.end()
    }
}

impl serde::Serialize for Hop<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Hop", 5)?;
        out.serialize_field("tx_id", &self.tx_id)?;
        out.serialize_field("from", &self.from)?;
        out.serialize_field("to", &self.to)?;
        out.serialize_field("amount", &Collected(self.amount.decimal_display()))?;
        out.serialize_field("timestamp", &Collected(Rfc3339(self.timestamp)))?;
        out.end()
    }
}

/// Serializes a value as the string its `Display` writes, formatted into a
/// stack buffer first: serde_json would escape each fragment a formatter
/// writes separately, which costs more than the formatting.
struct Collected<T>(T);

impl<T: std::fmt::Display> serde::Serialize for Collected<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use std::fmt::Write;
        let mut text = StackText { bytes: [0; 48], len: 0 };
        match write!(text, "{}", self.0) {
            Ok(()) => serializer.serialize_str(std::str::from_utf8(&text.bytes[..text.len]).unwrap_or_default()),
            Err(_) => serializer.collect_str(&self.0),
        }
    }
}

/// A short text on the stack; writing past its room fails.
struct StackText {
    bytes: [u8; 48],
    len: usize,
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let end = self.len + text.len();
        self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// RFC 3339 in UTC with `Z` and as many fractional digits as needed (0, 3,
/// 6 or 9): what `to_rfc3339_opts(SecondsFormat::AutoSi, true)` writes, with
/// one write instead of a dozen formatted fields.
struct Rfc3339(DateTime<Utc>);

impl std::fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use chrono::{Datelike, Timelike};
        fn put(slot: &mut [u8], mut value: u32) {
            for byte in slot.iter_mut().rev() {
                *byte = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        let at = self.0.naive_utc();
        let nanos = at.nanosecond();
        let Ok(year) = u32::try_from(at.year()) else {
            return f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        };
        if year > 9999 || nanos >= 1_000_000_000 {
            return f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        }
        let mut text = *b"0000-00-00T00:00:00.000000000Z";
        put(&mut text[0..4], year);
        put(&mut text[5..7], at.month());
        put(&mut text[8..10], at.day());
        put(&mut text[11..13], at.hour());
        put(&mut text[14..16], at.minute());
        put(&mut text[17..19], at.second());
        let (digits, fraction) = match nanos {
            0 => (0, 0),
            _ if nanos.is_multiple_of(1_000_000) => (3, nanos / 1_000_000),
            _ if nanos.is_multiple_of(1_000) => (6, nanos / 1_000),
            _ => (9, nanos),
        };
        let end = if digits == 0 {
            19
        } else {
            put(&mut text[20..20 + digits], fraction);
            20 + digits
        };
        text[end] = b'Z';
        f.write_str(std::str::from_utf8(&text[..=end]).map_err(|_| std::fmt::Error)?)
    }
}

/// Why a trace could not start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    #[error("transaction {0:?} is not in the ledger")]
    UnknownTransaction(String),
}

/// Traces one source transfer by tx id.
pub fn trace<'a>(ledger: &'a Ledger, source_tx: &str, options: &TraceOptions) -> Result<Trace<'a>, TraceError> {
    let position = ledger.position_of(source_tx).ok_or_else(|| TraceError::UnknownTransaction(source_tx.to_owned()))?;
    Ok(trace_position(ledger, position, options))
}

/// Traces many source transfers on `threads` threads, handing each result to
/// `sink` as soon as it is ready (so hops need not all be held at once).
pub fn trace_each<'a, F>(ledger: &'a Ledger, source_txs: &[String], options: &TraceOptions, threads: usize, sink: F)
where
    F: Fn(usize, Result<Trace<'a>, TraceError>) + Sync,
{
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(source) = source_txs.get(index) else {
                        break;
                    };
                    sink(index, trace(ledger, source, options));
                }
            });
        }
    });
}

/// Traces many source transfers in parallel, results in input order.
pub fn trace_many<'a>(
    ledger: &'a Ledger,
    source_txs: &[String],
    options: &TraceOptions,
    threads: usize,
) -> Vec<Result<Trace<'a>, TraceError>> {
    let results = std::sync::Mutex::new(vec![None; source_txs.len()]);
    trace_each(ledger, source_txs, options, threads, |index, result| {
        if let Ok(mut slots) = results.lock() {
            slots[index] = Some(result);
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(TraceError::UnknownTransaction(String::new()))))
        .collect()
}

/// A piece of money inside a queue (FIFO/LIFO).
#[derive(Clone, Copy, Debug)]
struct Piece {
    /// Minor units of the currency it is held in.
    native: i64,
    /// Minor units of the source currency it stands for (0 when untraced).
    value: i64,
    tainted: bool,
}

/// What a tainted account holds, per rule family.
enum Holding {
    Queue { pieces: VecDeque<Piece>, tainted: i64, value: i64 },
    Aggregate { tainted: i64, value: i64 },
    Poisoned { received: i64 },
}

impl Holding {
    fn is_clean(&self) -> bool {
        match self {
            Holding::Queue { tainted, value, .. } | Holding::Aggregate { tainted, value } => {
                *tainted == 0 && *value == 0
            }
            Holding::Poisoned { .. } => false,
        }
    }
}

/// The traced part of one transfer, in the sender's currency.
enum Carried {
    Pieces(Vec<Piece>),
    Aggregate { tainted: i64, value: i64 },
    Poison,
}

struct Sweep<'a> {
    ledger: &'a Ledger,
    rule: Rule,
    source_currency: Currency,
    holdings: FxHashMap<(u32, u16), Holding>,
    /// Per account: how many currencies it holds traced money in.
    held_currencies: FxHashMap<u32, u32>,
    /// Per active account: index into its event list of the next transfer to handle.
    cursors: FxHashMap<u32, usize>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
    stops: FxHashMap<(u32, u16, EndpointReason), (i64, i64)>,
    hops: Vec<(usize, i64)>,
    unresolved: i64,
    dust: i64,
}

/// Traces the transfer at `position` of the ledger.
pub fn trace_position<'a>(ledger: &'a Ledger, position: usize, options: &TraceOptions) -> Trace<'a> {
    let source_amount = ledger.amount(position);
    let limit = match options.horizon {
        Some(horizon) => {
            ledger.timestamp_micros(position).saturating_add(horizon.num_microseconds().unwrap_or(i64::MAX))
        }
        None => i64::MAX,
    };
    let mut sweep = Sweep {
        ledger,
        rule: options.rule,
        source_currency: source_amount.currency(),
        holdings: FxHashMap::default(),
        held_currencies: FxHashMap::default(),
        cursors: FxHashMap::default(),
        heap: BinaryHeap::new(),
        stops: FxHashMap::default(),
        hops: Vec::new(),
        unresolved: 0,
        dust: options.dust,
    };
    let carried = match options.rule {
        Rule::Fifo | Rule::Lifo => {
            Carried::Pieces(vec![Piece { native: source_amount.minor(), value: source_amount.minor(), tainted: true }])
        }
        Rule::Libr | Rule::ProRata => {
            Carried::Aggregate { tainted: source_amount.minor(), value: source_amount.minor() }
        }
        Rule::Poison => Carried::Poison,
    };
    sweep.receive(position, Some(carried));
    sweep.advance(ledger.to(position), position);
    let mut steps = 0usize;
    let mut stopped = None;
    while let Some(Reverse((next, account))) = sweep.heap.pop() {
        let next = next as usize;
        if ledger.timestamp_micros(next) > limit {
            break;
        }
        let Some(&cursor) = sweep.cursors.get(&account) else {
            continue;
        };
        if ledger.events(account).get(cursor).is_none_or(|&event| event as usize != next) {
            continue;
        }
        if options.max_steps.is_some_and(|max| steps >= max) {
            // Everything up to the previous transfer's time is handled.
            stopped = Some(ledger.timestamp_micros(next) - 1);
            break;
        }
        steps += 1;
        sweep.handle(next);
    }
    match stopped {
        Some(stop) => {
            let mut trace = sweep.finish(position, source_amount, stop.max(ledger.timestamp_micros(position)));
            trace.stopped_at =
                Some(ledger.timestamp(position).max(DateTime::from_timestamp_micros(stop).unwrap_or_default()));
            trace
        }
        None => sweep.finish(position, source_amount, limit),
    }
}

/// Splits `amount` between traced and untraced parts in proportion to
/// `traced` and `total`, by largest remainder (ties to the untraced part).
fn prorata_share(amount: i64, traced: i64, total: i64) -> i64 {
    if total <= 0 || amount >= total {
        return traced;
    }
    let product = i128::from(amount) * i128::from(traced);
    let floor = product / i128::from(total);
    let remainder = product % i128::from(total);
    let untraced_remainder = (i128::from(amount) * i128::from(total - traced)) % i128::from(total);
    let share = if remainder > 0 && remainder > untraced_remainder { floor + 1 } else { floor };
    share as i64
}

/// `value * part / whole`, rounded down, exact for the whole.
fn scale(value: i64, part: i64, whole: i64) -> i64 {
    if part >= whole || whole <= 0 {
        return value;
    }
    (i128::from(value) * i128::from(part) / i128::from(whole)) as i64
}

impl<'a> Sweep<'a> {
    fn activate(&mut self, account: u32, currency: u16, position: usize) -> &mut Holding {
        let before = self.ledger.to_balance_before[position];
        let rule = self.rule;
        if !self.holdings.contains_key(&(account, currency)) {
            *self.held_currencies.entry(account).or_insert(0) += 1;
        }
        self.holdings.entry((account, currency)).or_insert_with(|| match rule {
            Rule::Fifo | Rule::Lifo => {
                let mut pieces = VecDeque::new();
                if before > 0 {
                    pieces.push_back(Piece { native: before, value: 0, tainted: false });
                }
                Holding::Queue { pieces, tainted: 0, value: 0 }
            }
            Rule::Libr | Rule::ProRata => Holding::Aggregate { tainted: 0, value: 0 },
            Rule::Poison => Holding::Poisoned { received: 0 },
        })
    }

    /// Moves the account's cursor past `position` and schedules its next transfer.
    fn advance(&mut self, account: u32, position: usize) {
        if !self.held_currencies.contains_key(&account) {
            self.cursors.remove(&account);
            return;
        }
        let events = self.ledger.events(account);
        let index = match self.cursors.get(&account) {
            Some(&cursor) if events.get(cursor).is_some_and(|&e| e as usize == position) => cursor + 1,
            _ => events.partition_point(|&event| event as usize <= position),
        };
        self.cursors.insert(account, index);
        if let Some(&next) = events.get(index) {
            self.heap.push(Reverse((next, account)));
        }
    }

    fn handle(&mut self, position: usize) {
        let ledger = self.ledger;
        let (from, to) = (ledger.from(position), ledger.to(position));
        let currency = ledger.currency[position];
        let amount = ledger.amount[position];
        let mut carried = None;
        if let Some(holding) = self.holdings.get_mut(&(from, currency)) {
            let before = ledger.from_balance_before[position];
            carried = Some(match holding {
                Holding::Queue { pieces, tainted, value } => {
                    let mut out = Vec::new();
                    take(pieces, amount, self.rule == Rule::Lifo, &mut out);
                    for piece in out.iter().filter(|piece| piece.tainted) {
                        *tainted -= piece.native;
                        *value -= piece.value;
                    }
                    Carried::Pieces(out)
                }
                Holding::Aggregate { tainted, value } => {
                    let leaving = match self.rule {
                        Rule::Libr => *tainted - (*tainted).min((before - amount).max(0)),
                        _ => prorata_share(amount, *tainted, before),
                    };
                    let value_leaving = scale(*value, leaving, *tainted);
                    *tainted -= leaving;
                    *value -= value_leaving;
                    Carried::Aggregate { tainted: leaving, value: value_leaving }
                }
                Holding::Poisoned { .. } => Carried::Poison,
            });
            if holding.is_clean() {
                self.holdings.remove(&(from, currency));
                if let Some(count) = self.held_currencies.get_mut(&from) {
                    *count -= 1;
                    if *count == 0 {
                        self.held_currencies.remove(&from);
                    }
                }
            }
        }
        self.receive(position, carried);
        self.advance(from, position);
        if to != from {
            self.advance(to, position);
        }
    }

    /// Credits the recipient of `position` with what the transfer carried.
    fn receive(&mut self, position: usize, carried: Option<Carried>) {
        let ledger = self.ledger;
        let to = ledger.to(position);
        let currency = ledger.received_currency[position];
        let sent = ledger.amount[position];
        let credited = ledger.received[position];
        let converted = ledger.currency[position] != currency || sent != credited;
        let carried = carried.map(|carried| match carried {
            Carried::Pieces(pieces) if converted => Carried::Pieces(self.convert(pieces, sent, credited)),
            Carried::Aggregate { tainted, value } if converted => {
                let native = scale(credited, tainted, sent);
                if native == 0 {
                    self.unresolved += value;
                    Carried::Aggregate { tainted: 0, value: 0 }
                } else {
                    Carried::Aggregate { tainted: native, value }
                }
            }
            other => other,
        });
        let traced = match &carried {
            Some(Carried::Pieces(pieces)) => {
                let (native, value) = pieces
                    .iter()
                    .filter(|piece| piece.tainted)
                    .fold((0, 0), |(n, v), piece| (n + piece.native, v + piece.value));
                (native > 0 || value > 0).then_some((native, value))
            }
            Some(Carried::Aggregate { tainted, value }) => (*tainted > 0 || *value > 0).then_some((*tainted, *value)),
            Some(Carried::Poison) => Some((credited, sent)),
            None => None,
        };
        let (carried, traced) = match traced {
            Some((native, value)) if self.rule != Rule::Poison && native < self.dust => {
                self.unresolved += value;
                (None, None)
            }
            other => (carried, other),
        };
        if let Some((_, value)) = traced {
            self.hops.push((position, value));
        }
        let kind = ledger.kind(to);
        if kind.is_terminal() {
            if let Some((native, value)) = traced {
                let reason = if kind == AccountKind::Cash { EndpointReason::Cash } else { EndpointReason::Exchange };
                let stop = self.stops.entry((to, currency, reason)).or_insert((0, 0));
                stop.0 += native;
                stop.1 += value;
            }
            return;
        }
        if traced.is_none() && !self.holdings.contains_key(&(to, currency)) {
            return;
        }
        let holding = self.activate(to, currency, position);
        match (holding, carried) {
            (Holding::Queue { pieces, tainted, value }, Some(Carried::Pieces(incoming))) => {
                for piece in incoming {
                    if piece.tainted {
                        *tainted += piece.native;
                        *value += piece.value;
                    }
                    push(pieces, piece);
                }
            }
            (Holding::Queue { pieces, .. }, _) => push(pieces, Piece { native: credited, value: 0, tainted: false }),
            (Holding::Aggregate { tainted, value }, Some(Carried::Aggregate { tainted: t, value: v })) => {
                *tainted += t;
                *value += v;
            }
            (Holding::Poisoned { received }, _) => *received += credited,
            _ => {}
        }
    }

    /// Rescales pieces across a conversion leg by cumulative floor, so they
    /// add up to the credited amount exactly; value that rounds to nothing is unresolved.
    fn convert(&mut self, pieces: Vec<Piece>, sent: i64, credited: i64) -> Vec<Piece> {
        let mut converted = Vec::with_capacity(pieces.len());
        let (mut cumulative, mut previous) = (0i64, 0i64);
        for piece in pieces {
            cumulative += piece.native;
            let upto = (i128::from(cumulative) * i128::from(credited) / i128::from(sent)) as i64;
            let native = upto - previous;
            previous = upto;
            if native > 0 {
                converted.push(Piece { native, ..piece });
            } else if piece.tainted {
                self.unresolved += piece.value;
            }
        }
        converted
    }

    /// Whether the account sends money in `currency` after `position`.
    fn sends_later(&self, account: u32, currency: u16, position: usize) -> bool {
        let events = self.ledger.events(account);
        let start = events.partition_point(|&event| event as usize <= position);
        events[start..].iter().any(|&event| {
            let event = event as usize;
            self.ledger.from(event) == account && self.ledger.currency[event] == currency
        })
    }

    /// The account's balance in `currency` after everything up to `limit`.
    fn balance_at(&self, account: u32, currency: u16, limit: i64) -> (i64, usize) {
        let ledger = self.ledger;
        let events = ledger.events(account);
        let end = events.partition_point(|&event| ledger.timestamp_micros(event as usize) <= limit);
        for &event in events[..end].iter().rev() {
            let event = event as usize;
            let mut balance = None;
            if ledger.from(event) == account && ledger.currency[event] == currency {
                let before = ledger.from_balance_before[event];
                balance = Some((before - ledger.amount[event]).max(0));
            }
            if ledger.to(event) == account && ledger.received_currency[event] == currency {
                let base = balance.unwrap_or(ledger.to_balance_before[event]);
                balance = Some(base.saturating_add(ledger.received[event]));
            }
            if let Some(balance) = balance {
                return (balance, event);
            }
        }
        (0, 0)
    }

    fn finish(mut self, source: usize, source_amount: Money, limit: i64) -> Trace<'a> {
        let ledger = self.ledger;
        let holdings = std::mem::take(&mut self.holdings);
        for ((account, currency), holding) in holdings {
            let (native, value) = match holding {
                Holding::Queue { tainted, value, .. } | Holding::Aggregate { tainted, value } => (tainted, value),
                Holding::Poisoned { .. } => {
                    let (balance, _) = self.balance_at(account, currency, limit);
                    (balance, balance)
                }
            };
            if native == 0 && value == 0 {
                continue;
            }
            let (_, last) = self.balance_at(account, currency, limit);
            let reason = if limit < i64::MAX && self.sends_later(account, currency, last.max(source)) {
                EndpointReason::Horizon
            } else {
                EndpointReason::NoOutflow
            };
            let stop = self.stops.entry((account, currency, reason)).or_insert((0, 0));
            stop.0 += native;
            stop.1 += value;
        }
        let source_currency = self.source_currency;
        let poison = self.rule == Rule::Poison;
        let mut endpoints: Vec<Endpoint> = self
            .stops
            .into_iter()
            .filter(|(_, (native, value))| *native > 0 || *value > 0)
            .map(|((account, currency, reason), (native, value))| {
                let held_currency = ledger.currency_of(currency);
                let held = Money::new(native, held_currency);
                let other_currency = held_currency != source_currency;
                Endpoint {
                    account: ledger.account_name(account),
                    account_id: account,
                    amount: if poison { held } else { Money::new(value, source_currency) },
                    held: other_currency.then_some(held),
                    kind: ledger.kind(account),
                    reason,
                }
            })
            .collect();
        endpoints.sort_by(|a, b| {
            b.amount
                .minor()
                .cmp(&a.amount.minor())
                .then_with(|| a.account.cmp(b.account))
                .then_with(|| a.reason.cmp(&b.reason))
        });
        let hops = self
            .hops
            .iter()
            .map(|&(position, value)| Hop {
                position,
                tx_id: ledger.tx_id(position),
                from: ledger.account_name(ledger.from(position)),
                to: ledger.account_name(ledger.to(position)),
                amount: if poison { ledger.amount(position) } else { Money::new(value, source_currency) },
                timestamp: ledger.timestamp(position),
            })
            .collect();
        Trace {
            source_tx: ledger.tx_id(source),
            rule: self.rule,
            amount: source_amount,
            endpoints,
            hops,
            unresolved: Money::new(self.unresolved, source_currency),
            stopped_at: None,
        }
    }
}

/// Takes `amount` from the front (FIFO) or back (LIFO) of a queue; what the
/// queue lacks is untraced excess.
fn take(pieces: &mut VecDeque<Piece>, mut amount: i64, lifo: bool, out: &mut Vec<Piece>) {
    while amount > 0 {
        let piece = if lifo { pieces.back_mut() } else { pieces.front_mut() };
        let Some(piece) = piece else {
            break;
        };
        if piece.native <= amount {
            amount -= piece.native;
            out.push(*piece);
            if lifo {
                pieces.pop_back();
            } else {
                pieces.pop_front();
            }
        } else {
            let value = scale(piece.value, amount, piece.native);
            out.push(Piece { native: amount, value, tainted: piece.tainted });
            piece.native -= amount;
            piece.value -= value;
            amount = 0;
        }
    }
    if amount > 0 {
        out.push(Piece { native: amount, value: 0, tainted: false });
    }
}

/// Appends a piece, merging it with the last one when both are (un)traced alike.
fn push(pieces: &mut VecDeque<Piece>, piece: Piece) {
    if piece.native <= 0 && piece.value <= 0 {
        return;
    }
    match pieces.back_mut() {
        Some(last) if last.tainted == piece.tainted => {
            last.native += piece.native;
            last.value += piece.value;
        }
        _ => pieces.push_back(piece),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::LedgerBuilder;
    use crate::ledger::tests::{ledger, ledger_csv};
    use crate::parse::Transfer;
    use proptest::prelude::*;

    #[test]
    fn hop_timestamps_are_written_as_chrono_writes_them() {
        for (seconds, nanos) in [
            (0, 0),
            (1_735_689_600, 0),
            (1_735_689_600, 5_000_000),
            (1, 1_500),
            (1, 7),
            (-86_401, 0),
            (253_402_300_800, 0),
            (-62_167_219_201, 0),
        ] {
            let at = DateTime::from_timestamp(seconds, nanos).expect("in range");
            assert_eq!(Rfc3339(at).to_string(), at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        }
    }

    /// A prior balance at A, a victim payment, an outflow, a deposit, an outflow.
    const ROWS: &str = "t0,2024-01-01T00:00:00Z,X,A,100,USD,wire\n\
                        t1,2024-01-02T00:00:00Z,V,A,50,USD,wire\n\
                        t2,2024-01-03T00:00:00Z,A,B,120,USD,wire\n\
                        t2b,2024-01-03T12:00:00Z,D,A,100,USD,wire\n\
                        t3,2024-01-04T00:00:00Z,A,C,30,USD,wire\n";

    fn options(rule: Rule) -> TraceOptions {
        TraceOptions::new(rule)
    }

    /// Traces `t1` and compares endpoints and hops as `(account, amount, reason)` / `(tx, amount)`.
    fn check(ledger: &Ledger, options: TraceOptions, endpoints: &[(&str, &str, &str)], hops: &[(&str, &str)]) {
        let trace = trace(ledger, "t1", &options).expect("t1 exists");
        let got: Vec<_> = trace.endpoints.iter().map(|e| (e.account, e.amount.decimal(), e.reason.as_str())).collect();
        let want: Vec<_> = endpoints.iter().map(|&(a, m, r)| (a, m.to_owned(), r)).collect();
        assert_eq!(got, want, "{:?} endpoints", options.rule);
        let got: Vec<_> = trace.hops.iter().map(|h| (h.tx_id, h.amount.decimal())).collect();
        let want: Vec<_> = hops.iter().map(|&(t, m)| (t, m.to_owned())).collect();
        assert_eq!(got, want, "{:?} hops", options.rule);
    }

    #[test]
    fn fifo_queues_behind_history() {
        check(
            &ledger(ROWS, &[]),
            options(Rule::Fifo),
            &[("C", "30.00", "no_outflow"), ("B", "20.00", "no_outflow")],
            &[("t1", "50.00"), ("t2", "20.00"), ("t3", "30.00")],
        );
    }

    #[test]
    fn lifo_sends_newest_money_first() {
        check(
            &ledger(ROWS, &[]),
            options(Rule::Lifo),
            &[("B", "50.00", "no_outflow")],
            &[("t1", "50.00"), ("t2", "50.00")],
        );
    }

    #[test]
    fn libr_is_not_restored_by_later_deposits() {
        check(
            &ledger(ROWS, &[]),
            options(Rule::Libr),
            &[("A", "30.00", "no_outflow"), ("B", "20.00", "no_outflow")],
            &[("t1", "50.00"), ("t2", "20.00")],
        );
    }

    #[test]
    fn prorata_splits_by_largest_remainder() {
        check(
            &ledger(ROWS, &[]),
            options(Rule::ProRata),
            &[("B", "40.00", "no_outflow"), ("A", "7.69", "no_outflow"), ("C", "2.31", "no_outflow")],
            &[("t1", "50.00"), ("t2", "40.00"), ("t3", "2.31")],
        );
        assert_eq!(prorata_share(3, 1, 2), 1, "1.5 vs 1.5: tie goes to the untraced part");
        assert_eq!(prorata_share(2, 1, 3), 1, "0.67 rounds up, 1.33 down");
        assert_eq!(prorata_share(5, 7, 3), 7, "outflow above balance takes all");
    }

    #[test]
    fn poison_taints_whole_outflows() {
        check(
            &ledger(ROWS, &[]),
            options(Rule::Poison),
            &[("B", "120.00", "no_outflow"), ("A", "100.00", "no_outflow"), ("C", "30.00", "no_outflow")],
            &[("t1", "50.00"), ("t2", "120.00"), ("t3", "30.00")],
        );
    }

    #[test]
    fn step_limit_stops_money_where_it_sits_and_says_when() {
        let options = TraceOptions { max_steps: Some(1), ..TraceOptions::new(Rule::Poison) };
        check(
            &ledger(ROWS, &[]),
            options,
            &[("B", "120.00", "no_outflow"), ("A", "30.00", "horizon")],
            &[("t1", "50.00"), ("t2", "120.00")],
        );
        let ledger = ledger(ROWS, &[]);
        let trace = trace(&ledger, "t1", &options).expect("t1");
        let json = serde_json::to_value(&trace).expect("serialises");
        assert_eq!(json["stopped_at"], "2024-01-03T11:59:59.999999Z");
        let unlimited = trace_position(&ledger, 1, &TraceOptions::new(Rule::Poison));
        assert_eq!(unlimited.stopped_at, None);
    }

    #[test]
    fn horizon_is_inclusive_and_stops_money_where_it_sits() {
        let horizon = Some(parse_horizon("1d").expect("valid"));
        check(
            &ledger(ROWS, &[]),
            TraceOptions { horizon, ..TraceOptions::new(Rule::Fifo) },
            &[("A", "30.00", "horizon"), ("B", "20.00", "no_outflow")],
            &[("t1", "50.00"), ("t2", "20.00")],
        );
    }

    #[test]
    fn cash_and_exchange_accounts_are_endpoints() {
        let rows = "t1,2024-01-02T00:00:00Z,V,A,50,USD,wire\n\
                    t2,2024-01-03T00:00:00Z,A,ATM,20,USD,card\n\
                    t3,2024-01-03T00:00:00Z,A,EX,30,USD,wire\n\
                    t4,2024-01-04T00:00:00Z,EX,B,30,USD,wire\n";
        check(
            &ledger(rows, &[("ATM", AccountKind::Cash), ("EX", AccountKind::Exchange)]),
            options(Rule::Fifo),
            &[("EX", "30.00", "exchange"), ("ATM", "20.00", "cash")],
            &[("t1", "50.00"), ("t2", "20.00"), ("t3", "30.00")],
        );
    }

    #[test]
    fn overdrafts_spend_untraced_money_that_deposits_do_not_repay() {
        let rows = "t1,2024-01-02T00:00:00Z,V,A,50,USD,wire\n\
                    t2,2024-01-03T00:00:00Z,A,B,80,USD,wire\n\
                    t3,2024-01-04T00:00:00Z,D,A,30,USD,wire\n\
                    t4,2024-01-05T00:00:00Z,A,C,30,USD,wire\n";
        check(
            &ledger(rows, &[]),
            options(Rule::Fifo),
            &[("B", "50.00", "no_outflow")],
            &[("t1", "50.00"), ("t2", "50.00")],
        );
    }

    #[test]
    fn money_crosses_currencies_only_on_conversion_legs() {
        let text = "tx_id,timestamp,from_account,to_account,amount,currency,channel,received_amount,received_currency\n\
                    t1,2024-01-02T00:00:00Z,V,A,50,USD,wire,,\n\
                    t2,2024-01-03T00:00:00Z,A,W,50,USD,crypto,0.001,BTC\n\
                    t3,2024-01-04T00:00:00Z,W,Z,0.0004,BTC,crypto,,\n";
        let ledger = ledger_csv(text, &[]);
        let trace = trace(&ledger, "t1", &options(Rule::Fifo)).expect("t1");
        let json = serde_json::to_value(&trace).expect("serialises");
        assert_eq!(
            json["endpoints"],
            serde_json::json!([
                {"account": "W", "amount": "30.00", "kind": "unknown", "recovery": "freeze", "reason": "no_outflow", "held_amount": "0.00060000", "held_currency": "BTC"},
                {"account": "Z", "amount": "20.00", "kind": "unknown", "recovery": "freeze", "reason": "no_outflow", "held_amount": "0.00040000", "held_currency": "BTC"},
            ])
        );
    }

    #[test]
    fn serialises_to_the_contract_shape() {
        let ledger = ledger(ROWS, &[]);
        let trace = trace(&ledger, "t1", &options(Rule::Lifo)).expect("t1");
        let json = serde_json::to_string(&trace).expect("serialises");
        assert_eq!(
            json,
            r#"{"source_tx":"t1","rule":"lifo","amount":"50.00","currency":"USD","endpoints":[{"account":"B","amount":"50.00","kind":"unknown","recovery":"freeze","reason":"no_outflow"}],"hops":[{"tx_id":"t1","from":"V","to":"A","amount":"50.00","timestamp":"2024-01-02T00:00:00Z"},{"tx_id":"t2","from":"A","to":"B","amount":"50.00","timestamp":"2024-01-03T00:00:00Z"}],"unresolved":"0.00"}"#
        );
    }

    #[test]
    fn batch_tracing_matches_single_traces() {
        let ledger = ledger(ROWS, &[]);
        let sources: Vec<String> = ["t1", "t0", "missing"].map(String::from).to_vec();
        let results = trace_many(&ledger, &sources, &options(Rule::Fifo), 2);
        assert_eq!(results[0].as_ref().ok(), trace(&ledger, "t1", &options(Rule::Fifo)).ok().as_ref());
        assert_eq!(results[1].as_ref().map(|t| t.source_tx), Ok("t0"));
        assert_eq!(results[2], Err(TraceError::UnknownTransaction("missing".into())));
    }

    #[test]
    fn horizons_parse() {
        assert_eq!(parse_horizon("90d").map(|d| d.num_days()), Ok(90));
        assert_eq!(parse_horizon("2w").map(|d| d.num_days()), Ok(14));
        assert_eq!(parse_horizon("36h").map(|d| d.num_hours()), Ok(36));
        assert!(parse_horizon("90").is_err());
        assert!(parse_horizon("d").is_err());
        assert!(parse_horizon("-1d").is_err());
        assert!(parse_horizon("ééd").is_err());
    }

    fn random_ledger(transfers: &[(u8, u8, u32, u8)], kinds: &[u8]) -> Ledger {
        let usd = Currency::from_code("USD").expect("USD");
        let mut builder = LedgerBuilder::new();
        for (index, &(from, to, amount, minute)) in transfers.iter().enumerate() {
            let transfer = Transfer {
                row: index as u64 + 2,
                tx_id: format!("t{index}"),
                timestamp: DateTime::from_timestamp(i64::from(minute) * 60, 0).expect("small time"),
                from: format!("a{from}"),
                to: format!("a{to}"),
                amount: Money::new(i64::from(amount), usd),
                received: None,
                channel: String::new(),
                extra: Vec::new(),
            };
            builder.push("random.csv", &transfer).expect("unique ids");
        }
        for (index, &kind) in kinds.iter().enumerate() {
            let kind = match kind {
                0 => AccountKind::Cash,
                1 => AccountKind::Exchange,
                _ => AccountKind::Person,
            };
            builder.add_account(&crate::AccountRecord { line: 0, account: format!("a{index}"), country: None, kind });
        }
        builder.build()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn traced_money_is_conserved_to_the_cent(
            transfers in prop::collection::vec((0u8..6, 0u8..6, 1u32..5000, 0u8..30), 1..60),
            kinds in prop::collection::vec(0u8..8, 6),
            pick in any::<prop::sample::Index>(),
            horizon in prop::option::of(0i64..40),
            dust in prop::sample::select(vec![0i64, 0, 50]),
            max_steps in prop::option::of(1usize..20),
        ) {
            let ledger = random_ledger(&transfers, &kinds);
            let source = pick.index(ledger.len());
            for rule in [Rule::Fifo, Rule::Lifo, Rule::Libr, Rule::ProRata] {
                let horizon = horizon.map(chrono::TimeDelta::minutes);
                let trace = trace_position(&ledger, source, &TraceOptions { rule, horizon, dust, max_steps });
                let total: i64 = trace.endpoints.iter().map(|e| e.amount.minor()).sum();
                prop_assert_eq!(total + trace.unresolved.minor(), trace.amount.minor(), "{:?}", rule);
                for hop in &trace.hops {
                    prop_assert!(hop.amount.minor() > 0);
                    prop_assert!(hop.amount.minor() <= ledger.amount(hop.position).minor(), "{:?} hop creates money", rule);
                }
                for endpoint in &trace.endpoints {
                    prop_assert!(endpoint.amount.minor() > 0);
                }
            }
        }
    }
}
