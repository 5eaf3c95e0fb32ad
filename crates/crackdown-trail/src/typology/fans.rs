//! Fan-in, fan-out and gather-scatter, found from dedicated novel ties.
//!
//! A fan-in is many counterparties each paying an account for the first
//! time with money that is most of what they send at all (the same for a
//! fan-out with what they receive): accounts that exist for the pattern,
//! or victims emptying their savings. A shop's customers spend a little of
//! their money there, employees' salaries and tenants' rent recur, so
//! neither makes such ties. The window is not fixed: the ties of one
//! account are split into bursts where a pause is long next to the
//! account's own pace between them (see [`bursts`]), so a fan spread over a
//! year is one hit and two fans months apart are two.
//!
//! Strength is surprise against the ledger itself: the share of ties that
//! are dedicated and novel across the whole ledger gives the number an
//! account with this many counterparties would have by chance (Poisson),
//! and a count far above it is strong. A hub with thousands of
//! counterparties has many such ties by chance and is weak.

use rustc_hash::FxHashMap;

use super::ties::Ties;
use super::{Hit, TypologyConfig, TypologyKind, bursts, make_hit, poisson_strength};
use crate::ledger::Ledger;

/// One counterparty's dedicated novel tie with an account.
#[derive(Clone, Copy)]
struct Tie {
    incoming: bool,
    first_time: i64,
}

/// Dedicated novel ties per direction over the whole ledger, for the rates.
struct Rates {
    incoming: f64,
    outgoing: f64,
}

fn is_novel_dedicated(ties: &Ties, config: &TypologyConfig, position: usize, incoming: bool) -> bool {
    ties.pair_count(position) <= config.novel_max_transfers
        && if incoming {
            ties.sender_share(position) >= config.dedicated_share
        } else {
            ties.recipient_share(position) >= config.dedicated_share
        }
}

/// Distinct in- and out-counterparties of an account and its dedicated novel ties.
fn account_ties(
    ledger: &Ledger,
    ties: &Ties,
    config: &TypologyConfig,
    account: u32,
    out: &mut Vec<(Tie, Vec<u32>)>,
) -> (usize, usize) {
    out.clear();
    let mut index: FxHashMap<(u32, bool), usize> = FxHashMap::default();
    let (mut distinct_in, mut distinct_out) = (0, 0);
    for &position in ledger.events(account) {
        let position = position as usize;
        let (from, to) = (ledger.from(position), ledger.to(position));
        if from == to {
            continue;
        }
        let incoming = to == account;
        let other = if incoming { from } else { to };
        if ties.is_first(position) {
            if incoming { distinct_in += 1 } else { distinct_out += 1 }
        }
        if ledger.kind(other).is_institutional() || !is_novel_dedicated(ties, config, position, incoming) {
            continue;
        }
        match index.get(&(other, incoming)) {
            Some(&slot) => out[slot].1.push(position as u32),
            None => {
                index.insert((other, incoming), out.len());
                out.push((Tie { incoming, first_time: ledger.timestamp_micros(position) }, vec![position as u32]));
            }
        }
    }
    (distinct_in, distinct_out)
}

fn rates(ledger: &Ledger, ties: &Ties, config: &TypologyConfig) -> Rates {
    let (mut pairs, mut dedicated_in, mut dedicated_out) = (0u64, 0u64, 0u64);
    for position in 0..ledger.len() {
        if !ties.is_first(position) || ledger.from(position) == ledger.to(position) {
            continue;
        }
        pairs += 1;
        dedicated_in += u64::from(is_novel_dedicated(ties, config, position, true));
        dedicated_out += u64::from(is_novel_dedicated(ties, config, position, false));
    }
    let pairs = pairs.max(1) as f64;
    // Half a tie's worth of prior keeps a ledger without any from a zero rate.
    Rates { incoming: (dedicated_in as f64 + 0.5) / pairs, outgoing: (dedicated_out as f64 + 0.5) / pairs }
}

pub(super) fn fans(ledger: &Ledger, ties: &Ties, config: &TypologyConfig, hits: &mut Vec<Hit>) {
    let rates = rates(ledger, ties, config);
    let mut found = Vec::new();
    for account in 0..ledger.account_count() as u32 {
        if ledger.kind(account).is_terminal() {
            continue;
        }
        let (distinct_in, distinct_out) = account_ties(ledger, ties, config, account, &mut found);
        if found.len() < 2 {
            continue;
        }
        found.sort_by_key(|(tie, _)| tie.first_time);
        let times: Vec<i64> = found.iter().map(|(tie, _)| tie.first_time).collect();
        for range in bursts(&times, config.burst_floor_seconds * 1_000_000) {
            let members = &found[range];
            let senders = members.iter().filter(|(tie, _)| tie.incoming).count();
            let recipients = members.len() - senders;
            let expected_in = rates.incoming * distinct_in as f64;
            let expected_out = rates.outgoing * distinct_out as f64;
            let positions = |incoming: Option<bool>| -> Vec<u32> {
                members
                    .iter()
                    .filter(|(tie, _)| incoming.is_none_or(|wanted| tie.incoming == wanted))
                    .flat_map(|(_, positions)| positions.iter().copied())
                    .collect()
            };
            let fan = |incoming: bool, count: usize, expected: f64, hits: &mut Vec<Hit>| {
                let (strength, tail) = poisson_strength(count, expected);
                let (kind, who, what) = if incoming {
                    (TypologyKind::FanIn, "senders", "of all they sent")
                } else {
                    (TypologyKind::FanOut, "recipients", "of all they received")
                };
                let reasons = vec![
                    format!(
                        "{count} {who} each paid for the first time (at most {} transfers between them), \
                         the tie being at least {}% {what}",
                        config.novel_max_transfers,
                        config.dedicated_share / 10
                    ),
                    format!(
                        "{count} such {who} among this account's {} counterparties; the ledger's own rate predicts \
                         {expected:.2} (chance of {count} or more: {tail:.1e})",
                        if incoming { distinct_in } else { distinct_out }
                    ),
                ];
                hits.push(make_hit(ledger, kind, account, positions(Some(incoming)), strength, reasons));
            };
            if senders >= config.fan_min {
                fan(true, senders, expected_in, hits);
            }
            if recipients >= config.fan_min {
                fan(false, recipients, expected_out, hits);
            }
            // Gathered money scattered again: both sides dedicated, the
            // scattering starting after the gathering started.
            let first_in = members.iter().find(|(tie, _)| tie.incoming).map(|(tie, _)| tie.first_time);
            let first_out = members.iter().find(|(tie, _)| !tie.incoming).map(|(tie, _)| tie.first_time);
            if senders >= 2
                && recipients >= 2
                && senders + recipients > config.fan_min
                && first_in.zip(first_out).is_some_and(|(gathered, scattered)| scattered >= gathered)
            {
                let (in_strength, in_tail) = poisson_strength(senders, expected_in);
                let (out_strength, out_tail) = poisson_strength(recipients, expected_out);
                let strength = 1.0 - (1.0 - in_strength) * (1.0 - out_strength);
                let reasons = vec![
                    format!(
                        "{senders} senders paid in for the first time, the payment most of what they sent \
                         (chance {in_tail:.1e} at the ledger's rate)"
                    ),
                    format!(
                        "then {recipients} recipients were paid for the first time, the payment most of what they \
                         received (chance {out_tail:.1e})"
                    ),
                ];
                hits.push(make_hit(ledger, TypologyKind::GatherScatter, account, positions(None), strength, reasons));
            }
        }
    }
}
