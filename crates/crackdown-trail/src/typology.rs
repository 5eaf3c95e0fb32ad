//! Laundering typologies, each hit with the transfers that form it.
//!
//! Fan-in/fan-out (many distinct counterparties in a window), gather-scatter
//! (both at one account), scatter-gather (one source reaching one target
//! through several intermediates), temporal cycles (money returning with
//! increasing times), length-constrained cycles (returning in few hops,
//! any order), peel chains (each hop forwards a little less), rapid
//! pass-through (most of an inflow leaves soon, leaving little behind) and
//! structuring (repeated amounts just under a reporting threshold).
//!
//! Searches are bounded so a hub cannot stall them: cycle searches visit at
//! most `search_budget` paths per closing transfer and scatter-gather looks at
//! the latest `search_budget` inflows of an intermediate. Cash and exchange
//! accounts are never intermediates, and cycles pass only through accounts
//! of non-institutional kinds, walking each account's outgoing transfers
//! inside the cycle window (binary-searched, never a scan of its history).
//! Thresholds are integers or per-mille
//! ratios, never floating point on money.

use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::ledger::Ledger;

/// The typologies the detector knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypologyKind {
    FanIn,
    FanOut,
    GatherScatter,
    ScatterGather,
    TemporalCycle,
    LengthCycle,
    PeelChain,
    RapidPassThrough,
    Structuring,
}

impl TypologyKind {
    /// Every kind, in the order the detector reports them.
    pub const ALL: [TypologyKind; 9] = [
        TypologyKind::FanIn,
        TypologyKind::FanOut,
        TypologyKind::GatherScatter,
        TypologyKind::ScatterGather,
        TypologyKind::TemporalCycle,
        TypologyKind::LengthCycle,
        TypologyKind::PeelChain,
        TypologyKind::RapidPassThrough,
        TypologyKind::Structuring,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TypologyKind::FanIn => "fan_in",
            TypologyKind::FanOut => "fan_out",
            TypologyKind::GatherScatter => "gather_scatter",
            TypologyKind::ScatterGather => "scatter_gather",
            TypologyKind::TemporalCycle => "temporal_cycle",
            TypologyKind::LengthCycle => "length_cycle",
            TypologyKind::PeelChain => "peel_chain",
            TypologyKind::RapidPassThrough => "rapid_pass_through",
            TypologyKind::Structuring => "structuring",
        }
    }
}

/// One occurrence of a typology.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub kind: TypologyKind,
    /// The account the pattern centres on (the source for chains and scatter-gather).
    pub account: String,
    #[serde(skip)]
    pub account_id: u32,
    /// Every account the transfers touch, the centre first, then by name.
    pub accounts: Vec<String>,
    /// Time of the first and the last transfer forming it.
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// Ledger positions of the transfers forming it, in time order.
    #[serde(skip)]
    pub positions: Vec<u32>,
    pub tx_ids: Vec<String>,
}

/// Thresholds; times in seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypologyConfig {
    pub fan_window: i64,
    /// Distinct counterparties that make a fan.
    pub fan_min: usize,
    pub scatter_window: i64,
    /// Intermediates that make a scatter-gather.
    pub scatter_min: usize,
    pub cycle_window: i64,
    pub cycle_max_length: usize,
    pub search_budget: usize,
    pub pass_window: i64,
    /// Share of an inflow that must leave within `pass_window`, per mille.
    pub pass_min_forwarded: i64,
    /// Largest balance left behind, per mille of the inflow.
    pub pass_max_residual: i64,
    pub peel_window: i64,
    /// Each hop forwards at least this share of the previous, per mille (and less than all).
    pub peel_min_forwarded: i64,
    pub peel_min_hops: usize,
    /// Reporting threshold in major units of the transfer's currency.
    pub structuring_threshold: i64,
    /// Amounts at least this share of the threshold, per mille, and below it.
    pub structuring_band: i64,
    pub structuring_window: i64,
    pub structuring_min: usize,
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

impl Default for TypologyConfig {
    fn default() -> Self {
        TypologyConfig {
            fan_window: 3 * DAY,
            fan_min: 8,
            scatter_window: 5 * DAY,
            scatter_min: 3,
            cycle_window: 30 * DAY,
            cycle_max_length: 6,
            search_budget: 200,
            pass_window: 2 * DAY,
            pass_min_forwarded: 900,
            pass_max_residual: 100,
            peel_window: 2 * DAY,
            peel_min_forwarded: 700,
            peel_min_hops: 3,
            structuring_threshold: 10_000,
            structuring_band: 800,
            structuring_window: 7 * DAY,
            structuring_min: 3,
        }
    }
}

const MICROS: i64 = 1_000_000;

/// Finds every typology in the ledger.
pub fn detect(ledger: &Ledger, config: &TypologyConfig) -> Vec<Hit> {
    let mut hits = Vec::new();
    for account in 0..ledger.account_count() as u32 {
        if ledger.kind(account).is_terminal() {
            continue;
        }
        fans(ledger, config, account, &mut hits);
        rapid_pass_through(ledger, config, account, &mut hits);
        structuring(ledger, config, account, &mut hits);
    }
    scatter_gather(ledger, config, &mut hits);
    peel_chains(ledger, config, &mut hits);
    let outgoing = Outgoing::new(ledger);
    cycles(ledger, &outgoing, config, true, &mut hits);
    cycles(ledger, &outgoing, config, false, &mut hits);
    hits
}

/// Each account's outgoing transfers to other accounts, in time order, for
/// the cycle searches (which would otherwise wade through every inflow).
/// Accounts of institutional kinds get none: money through a merchant,
/// employer, utility, business, exchange or cash desk mixes with everyone's,
/// and refunds and salaries close "cycles" that mean nothing.
struct Outgoing {
    start: Vec<usize>,
    edges: Vec<u32>,
}

impl Outgoing {
    fn new(ledger: &Ledger) -> Outgoing {
        let accounts = ledger.account_count();
        let eligible = |position: usize| {
            ledger.from(position) != ledger.to(position) && !ledger.kind(ledger.from(position)).is_institutional()
        };
        let mut start = vec![0usize; accounts + 1];
        for position in 0..ledger.len() {
            if eligible(position) {
                start[ledger.from(position) as usize + 1] += 1;
            }
        }
        for account in 0..accounts {
            start[account + 1] += start[account];
        }
        let mut cursor = start.clone();
        let mut edges = vec![0u32; start[accounts]];
        for position in 0..ledger.len() {
            if eligible(position) {
                let slot = &mut cursor[ledger.from(position) as usize];
                edges[*slot] = position as u32;
                *slot += 1;
            }
        }
        Outgoing { start, edges }
    }

    fn of(&self, account: u32) -> &[u32] {
        &self.edges[self.start[account as usize]..self.start[account as usize + 1]]
    }
}

fn hit(ledger: &Ledger, kind: TypologyKind, account: u32, mut positions: Vec<u32>) -> Hit {
    positions.sort_unstable();
    positions.dedup();
    let centre = ledger.account_name(account);
    let mut others: Vec<&str> = positions
        .iter()
        .flat_map(|&p| [ledger.from(p as usize), ledger.to(p as usize)])
        .map(|id| ledger.account_name(id))
        .filter(|&name| name != centre)
        .collect();
    others.sort_unstable();
    others.dedup();
    let time = |index: Option<&u32>| index.map_or(DateTime::<Utc>::UNIX_EPOCH, |&p| ledger.timestamp(p as usize));
    Hit {
        kind,
        account: centre.to_owned(),
        account_id: account,
        accounts: std::iter::once(centre).chain(others).map(str::to_owned).collect(),
        window_start: time(positions.first()),
        window_end: time(positions.last()),
        tx_ids: positions.iter().map(|&p| ledger.tx_id(p as usize).to_owned()).collect(),
        positions,
    }
}

/// Fan-in, fan-out, and gather-scatter where both meet in one window.
fn fans(ledger: &Ledger, config: &TypologyConfig, account: u32, hits: &mut Vec<Hit>) {
    let events = ledger.events(account);
    let window = config.fan_window * MICROS;
    let mut bursts: [Vec<(i64, i64, Vec<u32>)>; 2] = [Vec::new(), Vec::new()];
    for (slot, incoming) in [(0, true), (1, false)] {
        let list: Vec<u32> = events
            .iter()
            .copied()
            .filter(|&p| {
                let p = p as usize;
                ledger.from(p) != ledger.to(p)
                    && if incoming { ledger.to(p) == account } else { ledger.from(p) == account }
            })
            .collect();
        let other = |p: u32| {
            if incoming { ledger.from(p as usize) } else { ledger.to(p as usize) }
        };
        let mut counts: FxHashMap<u32, usize> = FxHashMap::default();
        let mut low = 0;
        let mut current = 0;
        while current < list.len() {
            let time = ledger.timestamp_micros(list[current] as usize);
            while ledger.timestamp_micros(list[low] as usize) <= time - window {
                let key = other(list[low]);
                if let Some(count) = counts.get_mut(&key) {
                    *count -= 1;
                    if *count == 0 {
                        counts.remove(&key);
                    }
                }
                low += 1;
            }
            *counts.entry(other(list[current])).or_insert(0) += 1;
            if counts.len() >= config.fan_min {
                let positions = list[low..=current].to_vec();
                let start = ledger.timestamp_micros(list[low] as usize);
                bursts[slot].push((start, time, positions.clone()));
                let kind = if incoming { TypologyKind::FanIn } else { TypologyKind::FanOut };
                hits.push(hit(ledger, kind, account, positions));
                counts.clear();
                low = current + 1;
            }
            current += 1;
        }
    }
    for (in_start, in_end, gathered) in &bursts[0] {
        if let Some((_, _, scattered)) =
            bursts[1].iter().find(|(out_start, out_end, _)| *out_start >= *in_start && *out_end <= in_end + window)
        {
            let positions = gathered.iter().chain(scattered).copied().collect();
            hits.push(hit(ledger, TypologyKind::GatherScatter, account, positions));
        }
    }
}

/// The balance the account keeps right after the transfer at `position`.
pub(crate) fn balance_after(ledger: &Ledger, account: u32, position: usize) -> i64 {
    let mut balance = if ledger.from(position) == account {
        (ledger.from_balance_before[position] - ledger.amount[position]).max(0)
    } else {
        ledger.to_balance_before[position]
    };
    if ledger.to(position) == account {
        balance = balance.saturating_add(ledger.received[position]);
    }
    balance
}

fn rapid_pass_through(ledger: &Ledger, config: &TypologyConfig, account: u32, hits: &mut Vec<Hit>) {
    let events = ledger.events(account);
    let window = config.pass_window * MICROS;
    let mut index = 0;
    while index < events.len() {
        let inflow = events[index] as usize;
        index += 1;
        if ledger.to(inflow) != account || ledger.from(inflow) == account {
            continue;
        }
        let received = ledger.received[inflow];
        let currency = ledger.received_currency[inflow];
        let until = ledger.timestamp_micros(inflow) + window;
        let mut forwarded = 0i64;
        let mut members = vec![inflow as u32];
        let mut last = index;
        for (offset, &event) in events[index..].iter().enumerate() {
            let event = event as usize;
            if ledger.timestamp_micros(event) > until {
                break;
            }
            if ledger.from(event) == account && ledger.currency[event] == currency {
                forwarded += ledger.amount[event];
                members.push(event as u32);
                last = index + offset + 1;
                if forwarded * 1000 >= received * config.pass_min_forwarded {
                    break;
                }
            }
        }
        if members.len() > 1 && forwarded * 1000 >= received * config.pass_min_forwarded {
            let end = *members.last().expect("at least the inflow") as usize;
            if balance_after(ledger, account, end) * 1000 <= received * config.pass_max_residual {
                hits.push(hit(ledger, TypologyKind::RapidPassThrough, account, members));
                index = last;
            }
        }
    }
}

fn structuring(ledger: &Ledger, config: &TypologyConfig, account: u32, hits: &mut Vec<Hit>) {
    let window = config.structuring_window * MICROS;
    let candidates: Vec<u32> = ledger
        .events(account)
        .iter()
        .copied()
        .filter(|&p| {
            let p = p as usize;
            if ledger.from(p) != account {
                return false;
            }
            let currency = ledger.amount(p).currency();
            let threshold = 10i64
                .checked_pow(u32::from(currency.minor_units()))
                .and_then(|unit| unit.checked_mul(config.structuring_threshold))
                .unwrap_or(i64::MAX);
            let amount = ledger.amount[p];
            amount < threshold
                && i128::from(amount) * 1000 >= i128::from(threshold) * i128::from(config.structuring_band)
        })
        .collect();
    let mut low = 0;
    for current in 0..candidates.len() {
        let time = ledger.timestamp_micros(candidates[current] as usize);
        while ledger.timestamp_micros(candidates[low] as usize) <= time - window {
            low += 1;
        }
        if current + 1 - low >= config.structuring_min {
            hits.push(hit(ledger, TypologyKind::Structuring, account, candidates[low..=current].to_vec()));
            low = current + 1;
        }
    }
}

fn scatter_gather(ledger: &Ledger, config: &TypologyConfig, hits: &mut Vec<Hit>) {
    let window = config.scatter_window * MICROS;
    let mut paths: FxHashMap<(u32, u32), FxHashMap<u32, (u32, u32)>> = FxHashMap::default();
    for second in 0..ledger.len() {
        let (middle, target) = (ledger.from(second), ledger.to(second));
        if middle == target || ledger.kind(middle).is_terminal() {
            continue;
        }
        let time = ledger.timestamp_micros(second);
        let events = ledger.events(middle);
        let end = events.partition_point(|&p| (p as usize) < second);
        for &first in events[..end].iter().rev().take(config.search_budget) {
            let first = first as usize;
            if ledger.timestamp_micros(first) < time - window {
                break;
            }
            let source = ledger.from(first);
            if ledger.to(first) == middle && source != middle && source != target {
                paths.entry((source, target)).or_default().entry(middle).or_insert((first as u32, second as u32));
            }
        }
    }
    let mut found: Vec<_> = paths.into_iter().filter(|(_, middles)| middles.len() >= config.scatter_min).collect();
    found.sort_unstable_by_key(|((source, target), _)| (*source, *target));
    for ((source, _), middles) in found {
        let positions = middles.values().flat_map(|&(a, b)| [a, b]).collect();
        hits.push(hit(ledger, TypologyKind::ScatterGather, source, positions));
    }
}

fn peel_chains(ledger: &Ledger, config: &TypologyConfig, hits: &mut Vec<Hit>) {
    let window = config.peel_window * MICROS;
    let mut used: FxHashSet<u32> = FxHashSet::default();
    for start in 0..ledger.len() {
        if used.contains(&(start as u32)) {
            continue;
        }
        let mut chain = vec![start as u32];
        let mut current = start;
        loop {
            let holder = ledger.to(current);
            if ledger.kind(holder).is_terminal() || chain.len() > 64 {
                break;
            }
            let received = ledger.received[current];
            let time = ledger.timestamp_micros(current);
            let events = ledger.events(holder);
            let begin = events.partition_point(|&p| (p as usize) <= current);
            let next = events[begin..]
                .iter()
                .map(|&p| p as usize)
                .take_while(|&p| ledger.timestamp_micros(p) <= time + window)
                .find(|&p| {
                    let amount = ledger.amount[p];
                    ledger.from(p) == holder
                        && ledger.to(p) != holder
                        && ledger.currency[p] == ledger.received_currency[current]
                        && amount < received
                        && amount * 1000 >= received * config.peel_min_forwarded
                });
            match next {
                Some(next) if !chain.contains(&(next as u32)) => {
                    chain.push(next as u32);
                    current = next;
                }
                _ => break,
            }
        }
        if chain.len() >= config.peel_min_hops {
            used.extend(chain.iter().copied());
            let origin = ledger.from(start);
            hits.push(hit(ledger, TypologyKind::PeelChain, origin, chain));
        }
    }
}

/// Cycles closed by each transfer: temporal (strictly increasing times) or
/// length-constrained (any order, all earlier than the closing transfer).
fn cycles(ledger: &Ledger, outgoing: &Outgoing, config: &TypologyConfig, temporal: bool, hits: &mut Vec<Hit>) {
    let window = config.cycle_window * MICROS;
    let mut seen: FxHashSet<Vec<u32>> = FxHashSet::default();
    for closing in 0..ledger.len() {
        let (end, start) = (ledger.from(closing), ledger.to(closing));
        if start == end || ledger.kind(start).is_institutional() || ledger.kind(end).is_institutional() {
            continue;
        }
        let mut search = Search {
            ledger,
            outgoing,
            closing,
            end,
            earliest: ledger.timestamp_micros(closing) - window,
            temporal,
            max_length: config.cycle_max_length,
            budget: config.search_budget,
            path: Vec::new(),
            on_path: vec![start],
            found: None,
        };
        search.extend(start, i64::MIN);
        if let Some(mut path) = search.found {
            path.push(closing as u32);
            let mut key = path.clone();
            key.sort_unstable();
            if seen.insert(key) {
                let kind = if temporal { TypologyKind::TemporalCycle } else { TypologyKind::LengthCycle };
                hits.push(hit(ledger, kind, start, path));
            }
        }
    }
}

struct Search<'l> {
    ledger: &'l Ledger,
    outgoing: &'l Outgoing,
    closing: usize,
    end: u32,
    earliest: i64,
    temporal: bool,
    max_length: usize,
    budget: usize,
    path: Vec<u32>,
    on_path: Vec<u32>,
    found: Option<Vec<u32>>,
}

impl Search<'_> {
    fn extend(&mut self, vertex: u32, after: i64) {
        let ledger = self.ledger;
        if self.found.is_some() || self.budget == 0 || self.path.len() + 1 >= self.max_length {
            return;
        }
        let edges = self.outgoing.of(vertex);
        let end = edges.partition_point(|&p| (p as usize) < self.closing);
        let earliest = if self.temporal { self.earliest.max(after.saturating_add(1)) } else { self.earliest };
        let begin = edges[..end].partition_point(|&p| ledger.timestamp_micros(p as usize) < earliest);
        for &edge in &edges[begin..end] {
            let edge = edge as usize;
            let time = ledger.timestamp_micros(edge);
            self.budget = self.budget.saturating_sub(1);
            if self.budget == 0 {
                return;
            }
            let next = ledger.to(edge);
            if next == self.end {
                let mut path = self.path.clone();
                path.push(edge as u32);
                self.found = Some(path);
                return;
            }
            if self.on_path.contains(&next) || ledger.kind(next).is_institutional() {
                continue;
            }
            self.path.push(edge as u32);
            self.on_path.push(next);
            self.extend(next, if self.temporal { time } else { after });
            self.on_path.pop();
            self.path.pop();
            if self.found.is_some() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountKind;
    use crate::ledger::tests::ledger;

    fn kinds(hits: &[Hit], kind: TypologyKind) -> Vec<(String, Vec<String>)> {
        hits.iter().filter(|h| h.kind == kind).map(|h| (h.account.clone(), h.tx_ids.clone())).collect()
    }

    fn config() -> TypologyConfig {
        TypologyConfig { fan_min: 3, ..TypologyConfig::default() }
    }

    #[test]
    fn finds_fans_and_gather_scatter_with_evidence() {
        let ledger = ledger(
            "a,2024-01-01T00:00:00Z,V1,M,100,USD,wire\n\
             b,2024-01-01T01:00:00Z,V2,M,100,USD,wire\n\
             c,2024-01-01T02:00:00Z,V3,M,100,USD,wire\n\
             d,2024-01-01T03:00:00Z,M,X1,90,USD,wire\n\
             e,2024-01-01T04:00:00Z,M,X2,90,USD,wire\n\
             f,2024-01-01T05:00:00Z,M,X3,90,USD,wire\n",
            &[],
        );
        let hits = detect(&ledger, &config());
        let ids = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(kinds(&hits, TypologyKind::FanIn), [("M".to_owned(), ids(&["a", "b", "c"]))]);
        assert_eq!(kinds(&hits, TypologyKind::FanOut), [("M".to_owned(), ids(&["d", "e", "f"]))]);
        assert_eq!(kinds(&hits, TypologyKind::GatherScatter).len(), 1);
    }

    #[test]
    fn finds_pass_through_peel_chain_cycle_scatter_gather_and_structuring() {
        let ledger = ledger(
            "p1,2024-01-01T00:00:00Z,V,A,1000,USD,wire\n\
             p2,2024-01-01T02:00:00Z,A,B,950,USD,wire\n\
             p3,2024-01-01T04:00:00Z,B,C,900,USD,wire\n\
             p4,2024-01-01T06:00:00Z,C,A,850,USD,wire\n\
             s1,2024-01-02T00:00:00Z,S,M1,10,USD,wire\n\
             s2,2024-01-02T00:00:00Z,S,M2,10,USD,wire\n\
             s3,2024-01-02T00:00:00Z,S,M3,10,USD,wire\n\
             g1,2024-01-02T01:00:00Z,M1,D,10,USD,wire\n\
             g2,2024-01-02T01:00:00Z,M2,D,10,USD,wire\n\
             g3,2024-01-02T01:00:00Z,M3,D,10,USD,wire\n\
             k1,2024-01-03T00:00:00Z,K,BANK,9500,USD,cash\n\
             k2,2024-01-04T00:00:00Z,K,BANK,9900,USD,cash\n\
             k3,2024-01-05T00:00:00Z,K,BANK,9000,USD,cash\n",
            &[("BANK", AccountKind::Cash)],
        );
        let hits = detect(&ledger, &TypologyConfig::default());
        let found: FxHashSet<_> = hits.iter().map(|h| (h.kind, h.account.as_str(), h.tx_ids.join(" "))).collect();
        for expected in [
            (TypologyKind::RapidPassThrough, "A", "p1 p2"),
            (TypologyKind::PeelChain, "V", "p1 p2 p3 p4"),
            (TypologyKind::TemporalCycle, "A", "p2 p3 p4"),
            (TypologyKind::ScatterGather, "S", "s1 s2 s3 g1 g2 g3"),
            (TypologyKind::Structuring, "K", "k1 k2 k3"),
        ] {
            let (kind, account, ids) = expected;
            assert!(found.contains(&(kind, account, ids.to_owned())), "{expected:?} missing from {found:?}");
        }
    }

    #[test]
    fn length_cycles_need_no_time_order_and_hits_carry_accounts_and_window() {
        // The cycle B->C->A->B with the A->B leg before the C->A leg: no
        // rotation of it runs forward in time.
        let ledger = ledger(
            "x1,2024-01-01T00:00:00Z,B,C,500,USD,wire\n\
             x2,2024-01-02T00:00:00Z,A,B,500,USD,wire\n\
             x3,2024-01-03T00:00:00Z,C,A,500,USD,wire\n",
            &[],
        );
        let hits = detect(&ledger, &TypologyConfig::default());
        let cycle = hits.iter().find(|h| h.kind == TypologyKind::LengthCycle).expect("a length-constrained cycle");
        assert_eq!(cycle.tx_ids, ["x1", "x2", "x3"]);
        assert_eq!(cycle.account, "A");
        assert_eq!(cycle.accounts, ["A", "B", "C"]);
        assert_eq!(cycle.window_start.to_rfc3339(), "2024-01-01T00:00:00+00:00");
        assert_eq!(cycle.window_end.to_rfc3339(), "2024-01-03T00:00:00+00:00");
        assert!(hits.iter().all(|h| h.kind != TypologyKind::TemporalCycle), "{hits:?}");
    }
}
