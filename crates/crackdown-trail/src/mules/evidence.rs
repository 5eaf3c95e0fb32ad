//! Evidence from outside the account's own flows: the laundering patterns
//! it takes part in, and whether it went quiet after a burst of use.

use rustc_hash::FxHashMap;

use crate::ledger::Ledger;
use crate::typology::{Hit, TypologyKind};

/// Role-weighted typology evidence of one account.
#[derive(Clone, Debug, Default)]
pub(super) struct Participation {
    /// Noisy-or of the hits' weights, 0 to 1.
    pub value: f64,
    /// Indexes of the hits that count, strongest weight first.
    pub hits: Vec<(usize, f64)>,
}

/// How much taking part in a hit says about an account.
///
/// The account a pattern centres on runs it (the collector of a fan-in,
/// the distributor of a fan-out): the hit's strength counts whole. Other
/// accounts count by how much of their own activity the pattern is: an
/// account that exists for the pattern (every transfer it ever made is in
/// it) is part of the scheme, a victim who paid a collector once among
/// hundreds of everyday payments is not. Conduits of loops, layering and
/// scatter-gather carry money on and count at least half. Rapid
/// pass-through alone is what a busy household does at times: half.
pub(super) fn participation(ledger: &Ledger, hits: &[Hit]) -> Vec<Participation> {
    let mut result = vec![Participation::default(); ledger.account_count()];
    let mut in_hit: FxHashMap<u32, usize> = FxHashMap::default();
    for (index, hit) in hits.iter().enumerate() {
        in_hit.clear();
        for &position in &hit.positions {
            let (from, to) = (ledger.from(position as usize), ledger.to(position as usize));
            *in_hit.entry(from).or_insert(0) += 1;
            if to != from {
                *in_hit.entry(to).or_insert(0) += 1;
            }
        }
        for (&account, &count) in &in_hit {
            if ledger.kind(account).is_terminal() {
                continue;
            }
            let dedication = count as f64 / ledger.events(account).len().max(1) as f64;
            let role = if account == hit.account_id {
                if hit.kind == TypologyKind::RapidPassThrough { 0.5 } else { 1.0 }
            } else {
                match hit.kind {
                    TypologyKind::FanIn | TypologyKind::FanOut | TypologyKind::Structuring => dedication,
                    TypologyKind::RapidPassThrough => 0.0,
                    _ => 0.5 + 0.5 * dedication,
                }
            };
            let weight = hit.strength * role;
            if weight > 0.0 {
                result[account as usize].hits.push((index, weight));
            }
        }
    }
    for entry in &mut result {
        entry.hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        entry.value = 1.0 - entry.hits.iter().map(|(_, weight)| 1.0 - weight.clamp(0.0, 1.0)).product::<f64>();
    }
    result
}

/// Whether the account stopped after a burst of use, measured against its
/// own pace: with `n` transfers over `span`, a silence to the end of the
/// ledger many times its mean gap is unlikely for an account still in use
/// (a Poisson process at its own rate would stay silent that long with
/// probability `exp(-silence / gap)`). Mules are used hard for weeks and
/// dropped; a household pays something every few days for years. Fewer
/// than five transfers say nothing about a pace.
pub(super) fn went_quiet(ledger: &Ledger, account: u32) -> (f64, String) {
    let events = ledger.events(account);
    if events.len() < 5 || ledger.is_empty() {
        return (0.0, format!("{} transfers: too few to judge the account's pace", events.len()));
    }
    let first = ledger.timestamp_micros(events[0] as usize);
    let last = ledger.timestamp_micros(events[events.len() - 1] as usize);
    let end = ledger.timestamp_micros(ledger.len() - 1);
    let gap = ((last - first) as f64 / (events.len() - 1) as f64).max(3600e6);
    let silence = (end - last) as f64;
    let ratio = silence / gap;
    // Silent for 5 gaps is ordinary; for 50 it is a stop.
    let value = ((ratio - 5.0) / 45.0).clamp(0.0, 1.0);
    let day = 86_400e6;
    (
        value,
        format!(
            "{} transfers over {:.0} days (one every {:.1} days), then nothing for the last {:.0} days of the ledger",
            events.len(),
            (last - first) as f64 / day,
            gap / day,
            silence / day
        ),
    )
}
