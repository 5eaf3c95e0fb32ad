//! Laundering typologies, each hit with the transfers that form it, a
//! strength and the reasons for it in words an investigator can use.
//!
//! The detectors read what a transfer means to the accounts it joins
//! ([`ties`]): whether the pair pays each other for the first time or
//! habitually, and whether the tie is most of what one side sends or
//! receives. Laundering is made of novel, dedicated ties; a shop's takings,
//! payroll, rent and utilities are made of habitual or incidental ones, so
//! hubs are not typologies. Windows adapt to the ledger (a share of its
//! span, [`adaptive_window`]) and to each account's own pace
//! ([`bursts`]), and strengths are surprise against the ledger's own rates,
//! never fixed amounts.
//!
//! Kinds: fan-in/fan-out ([`fans`]: many dedicated first-time counterparties),
//! gather-scatter (both at one account), scatter-gather (one source reaching
//! one target through several conduits), cycles (money returning through
//! first-time payments in time order), layering (bursts of repeated payments
//! that are all two accounts ever exchanged, joined into groups), peel
//! chains, rapid pass-through and structuring ([`chains`]). One hit per
//! pattern instance: an account's fan is one hit however many transfers
//! form it, a cycle one hit per set of accounts. Hits are sorted strongest
//! first. Searches are bounded so a hub cannot stall them (`search_budget`
//! paths per closing transfer). Thresholds are integers or per-mille
//! ratios, never floating point on money.

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use crate::ledger::Ledger;

mod chains;
mod fans;
mod flows;
pub mod ties;

pub(crate) use chains::balance_after;
pub use ties::Ties;

/// The typologies the detector knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypologyKind {
    FanIn,
    FanOut,
    GatherScatter,
    ScatterGather,
    Cycle,
    Layering,
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
        TypologyKind::Cycle,
        TypologyKind::Layering,
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
            TypologyKind::Cycle => "cycle",
            TypologyKind::Layering => "layering",
            TypologyKind::PeelChain => "peel_chain",
            TypologyKind::RapidPassThrough => "rapid_pass_through",
            TypologyKind::Structuring => "structuring",
        }
    }

    /// Kinds whose centre is the account that runs the pattern, not merely
    /// an account money passed by.
    pub fn laundering(self) -> bool {
        !matches!(self, TypologyKind::RapidPassThrough)
    }
}

/// One occurrence of a typology.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
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
    /// How unlikely the pattern is by chance in this ledger, 0 to 1.
    pub strength: f64,
    /// What was found, in words.
    pub reasons: Vec<String>,
}

/// Thresholds; times in seconds, shares per mille.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypologyConfig {
    /// Distinct dedicated counterparties that make a fan.
    pub fan_min: usize,
    /// A pair making at most this many transfers in the ledger is a novel tie.
    pub novel_max_transfers: u32,
    /// A tie that is at least this share of what one side sent or received is dedicated.
    pub dedicated_share: u16,
    /// Conduits that make a scatter-gather.
    pub scatter_min: usize,
    /// Windows are this fraction (1/n) of the ledger's span, within the bounds below.
    pub window_fraction: i64,
    pub window_min: i64,
    pub window_max: i64,
    /// Fans split where a pause exceeds four times the account's median pause and this.
    pub burst_floor_seconds: i64,
    pub cycle_max_length: usize,
    pub search_budget: usize,
    /// Repeated payments of one pair that make a layering burst.
    pub burst_min_transfers: usize,
    pub pass_window: i64,
    /// Share of an inflow that must leave within `pass_window`, per mille.
    pub pass_min_forwarded: i64,
    /// Largest balance left behind, per mille of the inflow.
    pub pass_max_residual: i64,
    /// Pass-through episodes an account needs for a hit.
    pub pass_min_episodes: usize,
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
            fan_min: 3,
            novel_max_transfers: 3,
            dedicated_share: 500,
            scatter_min: 2,
            window_fraction: 8,
            window_min: 7 * DAY,
            window_max: 90 * DAY,
            burst_floor_seconds: 7 * DAY,
            cycle_max_length: 12,
            search_budget: 200,
            burst_min_transfers: 3,
            pass_window: 2 * DAY,
            pass_min_forwarded: 900,
            pass_max_residual: 100,
            pass_min_episodes: 2,
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

/// The window patterns are searched in, in microseconds: a fraction of the
/// ledger's span within bounds, so a two-year ledger is searched over
/// months and a quarter's over days to weeks.
pub fn adaptive_window(ledger: &Ledger, config: &TypologyConfig) -> i64 {
    let span =
        if ledger.is_empty() { 0 } else { ledger.timestamp_micros(ledger.len() - 1) - ledger.timestamp_micros(0) };
    (span / config.window_fraction.max(1)).clamp(config.window_min * MICROS, config.window_max * MICROS)
}

/// Finds every typology in the ledger, strongest first.
pub fn detect(ledger: &Ledger, config: &TypologyConfig) -> Vec<Hit> {
    let ties = Ties::new(ledger);
    detect_with(ledger, &ties, config)
}

/// [`detect`] with ties already computed (mule scoring reads them too).
pub fn detect_with(ledger: &Ledger, ties: &Ties, config: &TypologyConfig) -> Vec<Hit> {
    let window = adaptive_window(ledger, config);
    let mut hits = Vec::new();
    for account in 0..ledger.account_count() as u32 {
        if ledger.kind(account).is_terminal() {
            continue;
        }
        chains::rapid_pass_through(ledger, ties, config, account, &mut hits);
        chains::structuring(ledger, config, account, &mut hits);
    }
    fans::fans(ledger, ties, config, &mut hits);
    flows::scatter_gather(ledger, ties, config, window, &mut hits);
    flows::cycles(ledger, ties, config, window, &mut hits);
    flows::layering(ledger, ties, config, window, &mut hits);
    chains::peel_chains(ledger, ties, config, &mut hits);
    deduplicate(hits)
}

/// One hit per kind and set of accounts (the strongest), strongest first.
fn deduplicate(hits: Vec<Hit>) -> Vec<Hit> {
    let mut best: FxHashMap<(TypologyKind, Vec<String>), Hit> = FxHashMap::default();
    for hit in hits {
        let mut key_accounts = hit.accounts.clone();
        key_accounts.sort_unstable();
        match best.entry((hit.kind, key_accounts)) {
            std::collections::hash_map::Entry::Occupied(mut kept) => {
                if hit.strength > kept.get().strength {
                    kept.insert(hit);
                }
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(hit);
            }
        }
    }
    let mut hits: Vec<Hit> = best.into_values().collect();
    hits.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.window_start.cmp(&b.window_start))
            .then_with(|| a.accounts.cmp(&b.accounts))
    });
    hits
}

/// Splits sorted times into bursts: a new burst starts after a pause longer
/// than four times the median pause between them and than `floor`, so the
/// split follows the pattern's own pace.
pub(crate) fn bursts(times: &[i64], floor: i64) -> Vec<std::ops::Range<usize>> {
    if times.len() < 3 {
        return std::iter::once(0..times.len()).collect();
    }
    let mut gaps: Vec<i64> = times.windows(2).map(|pair| pair[1] - pair[0]).collect();
    let middle = gaps.len() / 2;
    let median = *gaps.select_nth_unstable(middle).1;
    let limit = median.saturating_mul(4).max(floor);
    let mut ranges = Vec::new();
    let mut start = 0;
    for index in 1..times.len() {
        if times[index] - times[index - 1] > limit {
            ranges.push(start..index);
            start = index;
        }
    }
    ranges.push(start..times.len());
    ranges
}

/// Probability that a Poisson count with mean `expected` reaches `count`,
/// and a strength from it: 1 at one chance in a million or less, 0 at even odds.
pub(crate) fn poisson_strength(count: usize, expected: f64) -> (f64, f64) {
    let expected = expected.max(1e-12);
    // P(X >= k) = 1 - sum_{i<k} e^-l l^i / i!, summed in log space.
    let mut below = 0.0;
    let mut log_term = -expected;
    for i in 0..count {
        below += log_term.exp();
        log_term += expected.ln() - ((i + 1) as f64).ln();
    }
    let tail = if below > 0.999 {
        // Direct sum of the upper terms where 1 - below loses precision.
        let mut tail = 0.0;
        let mut log_term = -expected + count as f64 * expected.ln() - ln_factorial(count);
        for i in count..count + 200 {
            tail += log_term.exp();
            log_term += expected.ln() - ((i + 1) as f64).ln();
        }
        tail
    } else {
        1.0 - below
    };
    let tail = tail.clamp(1e-300, 1.0);
    ((-tail.log10() / 6.0).clamp(0.0, 1.0), tail)
}

fn ln_factorial(n: usize) -> f64 {
    (2..=n).map(|i| (i as f64).ln()).sum()
}

pub(crate) fn make_hit(
    ledger: &Ledger,
    kind: TypologyKind,
    account: u32,
    mut positions: Vec<u32>,
    strength: f64,
    reasons: Vec<String>,
) -> Hit {
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
        strength,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountKind;
    use crate::ledger::tests::ledger;
    use rustc_hash::FxHashSet;

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
             p5,2024-01-01T08:00:00Z,A,D,850,USD,wire\n\
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
            (TypologyKind::RapidPassThrough, "A", "p1 p2 p4 p5"),
            (TypologyKind::PeelChain, "V", "p1 p2 p3 p4"),
            (TypologyKind::Cycle, "A", "p2 p3 p4"),
            (TypologyKind::ScatterGather, "S", "s1 s2 s3 g1 g2 g3"),
            (TypologyKind::Structuring, "K", "k1 k2 k3"),
        ] {
            let (kind, account, ids) = expected;
            assert!(found.contains(&(kind, account, ids.to_owned())), "{expected:?} missing from {found:?}");
        }
        assert!(hits.iter().all(|h| (0.0..=1.0).contains(&h.strength) && !h.reasons.is_empty()), "{hits:?}");
        assert!(hits.windows(2).all(|pair| pair[0].strength >= pair[1].strength), "strongest first");
    }

    #[test]
    fn cycles_in_or_out_of_time_order_carry_accounts_and_window() {
        // B->C->A->B with the A->B leg before the C->A leg: no rotation of
        // it runs forward in time, still a loop of first-time payments.
        let unordered = ledger(
            "x1,2024-01-01T00:00:00Z,B,C,500,USD,wire\n\
             x2,2024-01-02T00:00:00Z,A,B,500,USD,wire\n\
             x3,2024-01-03T00:00:00Z,C,A,500,USD,wire\n",
            &[],
        );
        let hits = detect(&unordered, &TypologyConfig::default());
        let cycle = hits.iter().find(|h| h.kind == TypologyKind::Cycle).expect("a cycle");
        assert_eq!(cycle.tx_ids, ["x1", "x2", "x3"]);
        assert!(cycle.reasons.iter().any(|r| r.contains("not in time order")), "{cycle:?}");
        let ordered = ledger(
            "x1,2024-01-01T00:00:00Z,A,B,500,USD,wire\n\
             x2,2024-01-02T00:00:00Z,B,C,500,USD,wire\n\
             x3,2024-01-03T00:00:00Z,C,A,500,USD,wire\n",
            &[],
        );
        let hits = detect(&ordered, &TypologyConfig::default());
        let cycle = hits.iter().find(|h| h.kind == TypologyKind::Cycle).expect("a cycle");
        assert_eq!(cycle.tx_ids, ["x1", "x2", "x3"]);
        assert_eq!(cycle.account, "A");
        assert_eq!(cycle.accounts, ["A", "B", "C"]);
        assert_eq!(cycle.window_start.to_rfc3339(), "2024-01-01T00:00:00+00:00");
        assert_eq!(cycle.window_end.to_rfc3339(), "2024-01-03T00:00:00+00:00");
    }

    /// RFC 3339 time `day` days after 2024-01-01 at `hour`.
    fn at(day: i64, hour: i64) -> String {
        let seconds = 1_704_067_200 + day * 86_400 + hour * 3600;
        chrono::DateTime::from_timestamp(seconds, 0)
            .expect("in range")
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// A year of a shop's takings, a payroll and a landlord's rent next to a
    /// collector paid once each by eight accounts, two months apart.
    #[test]
    fn hubs_are_not_fans_and_a_fan_spread_over_a_year_is_one_hit() {
        let mut rows = Vec::new();
        let mut row = |day: i64, hour: i64, from: String, to: &str, amount: i64| {
            rows.push(format!("t{},{},{from},{to},{amount},USD,transfer", rows.len(), at(day, hour)));
        };
        for day in 0..360 {
            for sale in 0..6 {
                // Customers spend a little of their money at the shop, and come back.
                let customer = format!("C{}", (day * 6 + sale) % 150);
                row(day, 9 + sale, customer.clone(), "SHOP", 20);
                row(day, 9 + sale, customer, "GROCER", 60);
            }
        }
        for month in 0..12 {
            for staff in 0..40 {
                row(month * 30, 1, "PAYROLL".to_owned(), &format!("E{staff}"), 3_000);
                row(month * 30 + 2, 1, format!("E{staff}"), "LANDLORD", 900);
            }
        }
        for sender in 0..8 {
            row(sender * 45 + 3, 12, format!("S{sender}"), "COLLECTOR", 700);
        }
        rows.sort_by(|a, b| a.split(',').nth(1).cmp(&b.split(',').nth(1)));
        let ledger = ledger(&(rows.join("\n") + "\n"), &[]);
        let hits = detect(&ledger, &TypologyConfig::default());
        let fans: Vec<_> =
            hits.iter().filter(|h| matches!(h.kind, TypologyKind::FanIn | TypologyKind::FanOut)).collect();
        assert_eq!(fans.len(), 1, "{fans:?}");
        assert_eq!(
            (fans[0].kind, fans[0].account.as_str(), fans[0].accounts.len()),
            (TypologyKind::FanIn, "COLLECTOR", 9)
        );
        for hub in ["SHOP", "GROCER", "PAYROLL", "LANDLORD"] {
            assert!(hits.iter().all(|h| h.account != hub), "{hub}: {hits:?}");
        }
    }

    #[test]
    fn bursts_follow_the_pattern_pace() {
        let day = 86_400 * MICROS;
        let times: Vec<i64> = [0, 60, 120, 180, 600, 660, 720].iter().map(|d| d * day).collect();
        assert_eq!(bursts(&times, 7 * day), vec![0..4, 4..7]);
        assert_eq!(bursts(&times[..4], 7 * day), vec![0..4]);
        let (strong, tail) = poisson_strength(5, 0.01);
        assert!(strong > 0.99 && tail < 1e-9, "{strong} {tail}");
        let (weak, tail) = poisson_strength(5, 6.0);
        assert!(weak < 0.1 && tail > 0.5, "{weak} {tail}");
    }

    #[test]
    fn layering_groups_bursts_of_repeated_payments() {
        let mut rows = Vec::new();
        for day in 0..20 {
            for (index, target) in ["L1", "L2", "L3"].iter().enumerate() {
                rows.push(format!("b{day}{index},{},SRC,{target},500,USD,wire", at(day, index as i64)));
            }
        }
        // A long habitual tie is not layering.
        for month in 0..12 {
            rows.push(format!("h{month},{},P,Q,500,USD,wire", at(month * 30, 20)));
        }
        rows.sort_by(|a, b| a.split(',').nth(1).cmp(&b.split(',').nth(1)));
        let ledger = ledger(&(rows.join("\n") + "\n"), &[]);
        let hits = detect(&ledger, &TypologyConfig::default());
        let layering: Vec<_> = hits.iter().filter(|h| h.kind == TypologyKind::Layering).collect();
        assert_eq!(layering.len(), 1, "{hits:?}");
        assert_eq!(layering[0].account, "SRC");
        assert_eq!(layering[0].accounts, ["SRC", "L1", "L2", "L3"]);
        assert_eq!(layering[0].tx_ids.len(), 60);
    }
}
