//! Per-account and per-chain patterns read from amounts and balances:
//! rapid pass-through, structuring and peel chains.

use rustc_hash::FxHashSet;

use super::ties::Ties;
use super::{Hit, MICROS, TypologyConfig, TypologyKind, make_hit};
use crate::ledger::Ledger;

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

/// Episodes where money from a new counterparty left again within
/// `pass_window` leaving little behind; one hit per account with all of
/// them, when there are at least `pass_min_episodes` (a single one is an
/// ordinary transfer between one's own accounts as often as not). Inflows
/// over recurring ties (a salary swept to savings) are not counted.
pub(super) fn rapid_pass_through(
    ledger: &Ledger,
    ties: &Ties,
    config: &TypologyConfig,
    account: u32,
    hits: &mut Vec<Hit>,
) {
    let events = ledger.events(account);
    let mut episodes: Vec<u32> = Vec::new();
    let mut count = 0usize;
    let window = config.pass_window * MICROS;
    let mut index = 0;
    while index < events.len() {
        let inflow = events[index] as usize;
        index += 1;
        if ledger.to(inflow) != account
            || ledger.from(inflow) == account
            || ties.pair_count(inflow) > config.novel_max_transfers
        {
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
                count += 1;
                episodes.extend(members);
                index = last;
            }
        }
    }
    if count >= config.pass_min_episodes {
        let strength = 1.0 - 0.5f64.powi(count as i32 - 1);
        let reasons = vec![format!(
            "{count} times money from a new counterparty left within {} h, at least {}% of it, leaving at most {}% \
             behind",
            config.pass_window / 3600,
            config.pass_min_forwarded / 10,
            config.pass_max_residual / 10
        )];
        hits.push(make_hit(ledger, TypologyKind::RapidPassThrough, account, episodes, strength, reasons));
    }
}

/// Repeated amounts just under a reporting threshold within a window; one
/// hit per account with every such run.
pub(super) fn structuring(ledger: &Ledger, config: &TypologyConfig, account: u32, hits: &mut Vec<Hit>) {
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
    let (mut low, mut runs, mut positions) = (0, 0usize, Vec::new());
    for current in 0..candidates.len() {
        let time = ledger.timestamp_micros(candidates[current] as usize);
        while ledger.timestamp_micros(candidates[low] as usize) <= time - window {
            low += 1;
        }
        if current + 1 - low >= config.structuring_min {
            runs += 1;
            positions.extend_from_slice(&candidates[low..=current]);
            low = current + 1;
        }
    }
    if runs > 0 {
        let strength = 1.0 - 0.5f64.powi(positions.len() as i32 - 1);
        let reasons = vec![format!(
            "{} payments within {}% below the reporting threshold of {} (major units), {runs} run(s) of {} or \
             more within {} days",
            positions.len(),
            100 - config.structuring_band / 10,
            config.structuring_threshold,
            config.structuring_min,
            config.structuring_window / 86_400
        )];
        hits.push(make_hit(ledger, TypologyKind::Structuring, account, positions, strength, reasons));
    }
}

/// Chains where each holder forwards most, but less than all, of what it
/// received within `peel_window`, every hop after the first over a novel
/// tie (money moving on, not a household paying its usual bills).
pub(super) fn peel_chains(ledger: &Ledger, ties: &Ties, config: &TypologyConfig, hits: &mut Vec<Hit>) {
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
                        && ties.pair_count(p) <= config.novel_max_transfers
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
            let hops = chain.len();
            let strength = 1.0 - 0.5f64.powi(hops as i32 - 2);
            let reasons = vec![format!(
                "{hops} hops, each forwarding at least {}% (and less than all) of what arrived within {} h",
                config.peel_min_forwarded / 10,
                config.peel_window / 3600
            )];
            hits.push(make_hit(ledger, TypologyKind::PeelChain, origin, chain, strength, reasons));
        }
    }
}
