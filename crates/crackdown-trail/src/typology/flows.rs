//! Cycles, scatter-gather and layering: money moving along novel ties.
//!
//! Ordinary money circulates too (salary, spending at a shop, the shop's
//! wages), but along recurring ties. A cycle of first-time payments, money
//! reaching one account from another through several conduits that exist
//! for it, and a burst of repeated payments that is all two accounts ever
//! exchanged are what layering leaves behind. Windows are the ledger's
//! (see [`super::adaptive_window`]), so patterns spread over weeks in a
//! two-year ledger are found and a three-month ledger is not searched over
//! its whole length.

use rustc_hash::{FxHashMap, FxHashSet};

use super::ties::Ties;
use super::{Hit, TypologyConfig, TypologyKind, make_hit};
use crate::ledger::Ledger;

/// Novel ties between non-institutional accounts, per sender in time order.
struct NovelOut {
    start: Vec<usize>,
    edges: Vec<u32>,
}

impl NovelOut {
    fn new(ledger: &Ledger, ties: &Ties, config: &TypologyConfig) -> NovelOut {
        let accounts = ledger.account_count();
        let eligible = |position: usize| {
            let (from, to) = (ledger.from(position), ledger.to(position));
            from != to
                && ties.pair_count(position) <= config.novel_max_transfers
                && !ledger.kind(from).is_institutional()
                && !ledger.kind(to).is_institutional()
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
        NovelOut { start, edges }
    }

    fn of(&self, account: u32) -> &[u32] {
        &self.edges[self.start[account as usize]..self.start[account as usize + 1]]
    }

    fn is_novel(&self, ledger: &Ledger, position: usize) -> bool {
        self.of(ledger.from(position)).binary_search(&(position as u32)).is_ok()
    }
}

/// Cycles of novel ties: each novel transfer `u -> v` closes the cycle when
/// `v` reached `u` through novel ties earlier in the window, each hop most of
/// what its sender sent or its recipient received (one may be incidental).
/// Paths in time order are looked for first; a loop whose legs were paid in
/// another order is a cycle too (simulated and real schemes alike settle
/// the legs of a loop as it suits them). One hit per set of accounts.
pub(super) fn cycles(ledger: &Ledger, ties: &Ties, config: &TypologyConfig, window: i64, hits: &mut Vec<Hit>) {
    let novel = NovelOut::new(ledger, ties, config);
    let mut seen: FxHashSet<Vec<u32>> = FxHashSet::default();
    for closing in 0..ledger.len() {
        if !novel.is_novel(ledger, closing) {
            continue;
        }
        let (end, start) = (ledger.from(closing), ledger.to(closing));
        let dedicated = |position: usize| {
            ties.sender_share(position) >= config.dedicated_share
                || ties.recipient_share(position) >= config.dedicated_share
        };
        let mut found = None;
        for temporal in [true, false] {
            let mut search = Search {
                ledger,
                novel: &novel,
                dedicated: &dedicated,
                // One hop may be incidental (a conduit that also lives a little);
                // the closing hop counts.
                incidental_left: usize::from(dedicated(closing)),
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
            if let Some(path) = search.found {
                found = Some((path, temporal));
                break;
            }
        }
        let Some((mut path, in_order)) = found else { continue };
        path.push(closing as u32);
        let mut key: Vec<u32> = path.iter().map(|&p| ledger.from(p as usize)).collect();
        key.sort_unstable();
        if !seen.insert(key) {
            continue;
        }
        // How many hops are a conduit's whole business: most of what the
        // sender sent or the recipient received.
        let dedicated = path.iter().filter(|&&p| dedicated(p as usize)).count();
        let hops = path.len();
        let days = (ledger.timestamp_micros(closing) - ledger.timestamp_micros(path[0] as usize)) as f64 / 86_400e6;
        let strength = 0.4 + 0.6 * dedicated as f64 / hops as f64;
        let reasons = vec![
            format!(
                "money left {} and came back in {hops} first-time payments over {days:.1} days",
                ledger.account_name(start)
            ),
            format!("{dedicated} of the {hops} payments were most of what their sender sent or recipient received"),
            if in_order {
                "each payment came after the one before it".to_owned()
            } else {
                "the payments are not in time order along the cycle (a money loop arranged, not one sum passed on)"
                    .to_owned()
            },
        ];
        hits.push(make_hit(ledger, TypologyKind::Cycle, start, path, strength, reasons));
    }
}

struct Search<'l> {
    ledger: &'l Ledger,
    novel: &'l NovelOut,
    /// Whether a hop is most of what its sender sent or its recipient received.
    dedicated: &'l dyn Fn(usize) -> bool,
    /// Hops that are neither still allowed on the path.
    incidental_left: usize,
    closing: usize,
    end: u32,
    earliest: i64,
    /// Whether each hop must come after the previous one.
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
        let edges = self.novel.of(vertex);
        let end = edges.partition_point(|&p| (p as usize) < self.closing);
        let earliest = if self.temporal { self.earliest.max(after.saturating_add(1)) } else { self.earliest };
        let begin = edges[..end].partition_point(|&p| ledger.timestamp_micros(p as usize) < earliest);
        for &edge in &edges[begin..end] {
            let edge = edge as usize;
            self.budget = self.budget.saturating_sub(1);
            if self.budget == 0 {
                return;
            }
            let next = ledger.to(edge);
            let incidental = !(self.dedicated)(edge);
            if incidental && self.incidental_left == 0 {
                continue;
            }
            if next == self.end {
                let mut path = self.path.clone();
                path.push(edge as u32);
                self.found = Some(path);
                return;
            }
            if self.on_path.contains(&next) {
                continue;
            }
            self.incidental_left -= usize::from(incidental);
            self.path.push(edge as u32);
            self.on_path.push(next);
            self.extend(next, ledger.timestamp_micros(edge).max(after));
            self.on_path.pop();
            self.path.pop();
            self.incidental_left += usize::from(incidental);
            if self.found.is_some() {
                return;
            }
        }
    }
}

/// A conduit account and the transfers it carried between one source and one target.
type Conduit = (u32, Vec<u32>);

/// One source reaching one target through several conduits: accounts whose
/// novel tie from the source is most of what they received and whose novel
/// tie to the target is most of what they sent, forwarding within the window.
pub(super) fn scatter_gather(ledger: &Ledger, ties: &Ties, config: &TypologyConfig, window: i64, hits: &mut Vec<Hit>) {
    let mut routes: FxHashMap<(u32, u32), Vec<Conduit>> = FxHashMap::default();
    let mut inflows = Vec::new();
    let mut outflows = Vec::new();
    for middle in 0..ledger.account_count() as u32 {
        if ledger.kind(middle).is_institutional() {
            continue;
        }
        inflows.clear();
        outflows.clear();
        for &position in ledger.events(middle) {
            let position = position as usize;
            let (from, to) = (ledger.from(position), ledger.to(position));
            if from == to || ties.pair_count(position) > config.novel_max_transfers {
                continue;
            }
            if to == middle && ties.recipient_share(position) >= config.dedicated_share {
                inflows.push(position);
            } else if from == middle && ties.sender_share(position) >= config.dedicated_share {
                outflows.push(position);
            }
        }
        for &first in &inflows {
            let source = ledger.from(first);
            for &second in &outflows {
                let target = ledger.to(second);
                let gap = ledger.timestamp_micros(second) - ledger.timestamp_micros(first);
                if second <= first || gap > window || source == target || ledger.kind(source).is_terminal() {
                    continue;
                }
                let legs = routes.entry((source, target)).or_default();
                match legs.iter_mut().find(|(conduit, _)| *conduit == middle) {
                    Some((_, positions)) => positions.extend([first as u32, second as u32]),
                    None => legs.push((middle, vec![first as u32, second as u32])),
                }
            }
        }
    }
    let mut found: Vec<_> = routes.into_iter().filter(|(_, legs)| legs.len() >= config.scatter_min).collect();
    found.sort_unstable_by_key(|((source, target), _)| (*source, *target));
    for ((source, target), legs) in found {
        let conduits = legs.len();
        let positions: Vec<u32> = legs.into_iter().flat_map(|(_, positions)| positions).collect();
        // Each further conduit halves the odds that the routes are coincidence.
        let strength = 1.0 - 0.5f64.powi(conduits as i32 - 1);
        let reasons = vec![format!(
            "{} reached {} through {conduits} accounts, each receiving its money mostly from the first and \
             sending it mostly to the second, every payment first-time",
            ledger.account_name(source),
            ledger.account_name(target)
        )];
        hits.push(make_hit(ledger, TypologyKind::ScatterGather, source, positions, strength, reasons));
    }
}

/// Bursts of repeated payments that are all a pair ever exchanged, and most
/// of what one side sent or received, joined into groups: money layered
/// through accounts used for a few weeks. One hit per connected group.
pub(super) fn layering(ledger: &Ledger, ties: &Ties, config: &TypologyConfig, window: i64, hits: &mut Vec<Hit>) {
    let mut parent: FxHashMap<u32, u32> = FxHashMap::default();
    fn root(parent: &mut FxHashMap<u32, u32>, mut account: u32) -> u32 {
        while let Some(&up) = parent.get(&account) {
            if up == account {
                break;
            }
            let grand = parent.get(&up).copied().unwrap_or(up);
            parent.insert(account, grand);
            account = up;
        }
        account
    }
    let mut burst_ties = Vec::new();
    for position in 0..ledger.len() {
        let (from, to) = (ledger.from(position), ledger.to(position));
        if from == to
            || !ties.is_first(position)
            || (ties.pair_count(position) as usize) < config.burst_min_transfers
            || ties.pair_span(ledger, position) > window
            || ledger.kind(from).is_institutional()
            || ledger.kind(to).is_institutional()
            || (ties.sender_share(position) < config.dedicated_share
                && ties.recipient_share(position) < config.dedicated_share)
        {
            continue;
        }
        burst_ties.push(position);
        for account in [from, to] {
            parent.entry(account).or_insert(account);
        }
        let (a, b) = (root(&mut parent, from), root(&mut parent, to));
        if a != b {
            parent.insert(a.max(b), a.min(b));
        }
    }
    let mut groups: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for &position in &burst_ties {
        let group = root(&mut parent, ledger.from(position));
        groups.entry(group).or_default().push(position);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().filter(|group| group.len() >= 2).collect();
    groups.sort_unstable();
    for group in groups {
        let mut positions = Vec::new();
        let mut degree: FxHashMap<u32, usize> = FxHashMap::default();
        for &first in &group {
            let (from, to) = (ledger.from(first), ledger.to(first));
            *degree.entry(from).or_insert(0) += 1;
            *degree.entry(to).or_insert(0) += 1;
            let last = ties.pair_last(first);
            positions.extend(ledger.events(from).iter().copied().filter(|&p| {
                (p as usize) >= first
                    && (p as usize) <= last
                    && ledger.to(p as usize) == to
                    && ledger.from(p as usize) == from
            }));
        }
        let hub =
            degree.iter().max_by_key(|&(&account, &count)| (count, std::cmp::Reverse(account))).map_or(0, |(&a, _)| a);
        let pairs = group.len();
        let strength = 1.0 - 0.5f64.powi(pairs as i32 - 1);
        let reasons = vec![
            format!(
                "{pairs} pairs of accounts each made {} or more payments within {} days and nothing else between them",
                config.burst_min_transfers,
                window / 86_400_000_000
            ),
            format!("{} transfers in all, each pair most of what one side sent or received", positions.len()),
        ];
        hits.push(make_hit(ledger, TypologyKind::Layering, hub, positions, strength, reasons));
    }
}
