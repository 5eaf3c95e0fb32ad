//! The per-account signals of the unsupervised score, read from the
//! account's own transfers and its counterparties' habits.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{FAST_WINDOW_MICROS, PERIODIC_GAP_MICROS, SIGNAL_COUNT, UNUSUAL_FACTOR, UNUSUAL_MIN_PAYMENTS, ratio};
use crate::ledger::Ledger;
use crate::typology::balance_after;

/// What the signals need to know about the accounts money comes from.
pub(super) struct Senders<'a> {
    pub medians: &'a [i64],
    pub counts: &'a [u32],
}

impl Senders<'_> {
    /// Whether a payment is far above what its sender usually pays.
    fn unusual(&self, sender: u32, amount: i64) -> bool {
        let sender = sender as usize;
        self.counts[sender] as usize >= UNUSUAL_MIN_PAYMENTS
            && amount >= self.medians[sender].saturating_mul(UNUSUAL_FACTOR).max(1)
    }
}

/// How far evidence from several different people counts: one sender
/// may be a gift, a loan or a sale of one's own car; two independent
/// people paying in is a pattern, and each more makes it likelier (half
/// the remaining doubt per sender beyond the first).
pub(super) fn breadth(senders: usize) -> f64 {
    if senders < 2 { 0.0 } else { 1.0 - 0.5f64.powi(senders as i32 - 1) }
}

/// What one counterparty sent an account.
#[derive(Default)]
struct Sent {
    count: u32,
    value: i128,
    times: Vec<i64>,
}

fn clamp64(value: i128) -> i64 {
    value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

fn median(values: &mut [i64]) -> i64 {
    if values.is_empty() {
        return 0;
    }
    let middle = values.len() / 2;
    *values.select_nth_unstable(middle).1
}

/// The size of transfer that carries the middle of the money: half of the
/// value moved in transfers at least this large. Unlike the plain median it
/// ignores a crowd of small card payments next to a few large transfers.
fn value_median(values: &mut [i64]) -> i64 {
    values.sort_unstable();
    let total: i128 = values.iter().map(|&value| i128::from(value)).sum();
    let mut running = 0i128;
    for &value in values.iter() {
        running += i128::from(value);
        if 2 * running >= total {
            return value;
        }
    }
    0
}

/// The account's own signals; `typology`, `mule_senders` and `went_quiet`
/// are filled in by the caller.
pub(super) fn account_signals(
    ledger: &Ledger,
    account: u32,
    senders_info: &Senders,
) -> ([f64; SIGNAL_COUNT], [String; SIGNAL_COUNT]) {
    let events = ledger.events(account);
    // Amounts in words are in the account's currency, as an investigator writes them.
    let currency = events.first().map(|&p| ledger.amount(p as usize).currency());
    let money = |minor: i64| match currency {
        Some(currency) => {
            let money = crackdown_model::Money::new(minor, currency);
            format!("{} {}", money.decimal(), currency.code())
        }
        None => minor.to_string(),
    };
    let (mut inflow, mut outflow, mut fast, mut to_terminal, mut unusual) = (0i128, 0i128, 0i128, 0i128, 0i128);
    // Money the account sent beyond what the ledger shows it holding: the
    // part of its book kept elsewhere (see `unseen_book`).
    let mut shortfall = 0i128;
    let forwarded = forwarded_novel_inflows(ledger, account);
    let mut senders: FxHashMap<u32, Sent> = FxHashMap::default();
    let mut receivers: FxHashMap<u32, u32> = FxHashMap::default();
    let mut unusual_senders = 0usize;
    let mut last_inflow: Option<i64> = None;
    let (mut in_amounts, mut out_amounts) = (Vec::new(), Vec::new());
    for &position in events {
        let position = position as usize;
        let (from, to) = (ledger.from(position), ledger.to(position));
        if from == to {
            continue;
        }
        let time = ledger.timestamp_micros(position);
        if to == account {
            let received = ledger.received[position];
            inflow += i128::from(received);
            in_amounts.push(received);
            let sent = senders.entry(from).or_default();
            if sent.count == 0
                && !ledger.kind(from).is_institutional()
                && senders_info.unusual(from, ledger.amount[position])
            {
                unusual += i128::from(received);
                unusual_senders += 1;
            }
            sent.count += 1;
            sent.value += i128::from(received);
            sent.times.push(time);
            last_inflow = Some(time);
        } else {
            let amount = ledger.amount[position];
            outflow += i128::from(amount);
            shortfall += i128::from((amount - ledger.from_balance_before[position]).max(0));
            out_amounts.push(amount);
            *receivers.entry(to).or_insert(0) += 1;
            if last_inflow.is_some_and(|arrived| time - arrived <= FAST_WINDOW_MICROS) {
                fast += i128::from(amount);
            }
            if ledger.kind(to).is_terminal() {
                to_terminal += i128::from(amount);
            }
        }
    }
    let final_balance = events.last().map_or(0, |&last| i128::from(balance_after(ledger, account, last as usize)));
    let fast_forward = ratio(fast, outflow);
    let flow_balance = ratio(inflow.min(outflow), inflow.max(outflow));
    let low_residual = if inflow > 0 { 1.0 - ratio(final_balance, inflow) } else { 0.0 };
    let cash_out = ratio(to_terminal, outflow);
    // One such payment may be a gift or a loan; several from different
    // people is a collection account.
    let victim_inflow = ratio(unusual, inflow) * breadth(unusual_senders);
    let victim_senders = (unusual_senders.saturating_sub(1) as f64 / 3.0).min(1.0);
    let novel_forwarded = ratio(forwarded.value, inflow) * breadth(forwarded.senders);
    let unseen_book = ratio(shortfall, outflow);
    let mut periodic = 0i128;
    for sent in senders.values_mut().filter(|sent| sent.count >= 2) {
        let mut gaps: Vec<i64> = sent.times.windows(2).map(|pair| pair[1] - pair[0]).collect();
        if median(&mut gaps) >= PERIODIC_GAP_MICROS {
            periodic += sent.value;
        }
    }
    let one_off_money = if inflow > 0 { 1.0 - ratio(periodic, inflow) } else { 0.0 };
    // Pooling many small inflows into larger outflows is what shops and
    // landlords do; mules split or pass on whole what they receive.
    let (median_in, median_out) = (value_median(&mut in_amounts), value_median(&mut out_amounts));
    let pooling = if median_in > 0 && median_out > 0 {
        ((median_out as f64 / median_in as f64).log10() / 1.5).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let splits = 1.0 - pooling;
    // A filed kind with heavy regular traffic by design excuses flows; a
    // plain "business" only half: fronts are registered as businesses.
    let institutional = match ledger.kind(account) {
        crate::account::AccountKind::Business => 0.5,
        kind if kind.is_institutional() => 1.0,
        _ => 0.0,
    };
    // Hundreds of distinct, recurring counterparties is how payroll,
    // merchants and utilities look; mules burn out long before.
    let recurring = senders
        .iter()
        .map(|(&other, sent)| (other, sent.count))
        .chain(receivers.iter().map(|(&other, &count)| (other, count)))
        .filter(|&(other, count)| count >= 2 && !ledger.kind(other).is_terminal())
        .count();
    let counterparties = senders.len() + receivers.len();
    // A person's life has a few dozen (shops, bills, rent, friends).
    let broad_base = ((recurring as f64 - 20.0) / 100.0).clamp(0.0, 1.0);
    let values = [
        fast_forward,
        flow_balance,
        low_residual,
        cash_out,
        victim_inflow,
        victim_senders,
        0.0,
        one_off_money,
        splits,
        0.0,
        institutional,
        broad_base,
        0.0,
        novel_forwarded,
        unseen_book,
    ];
    let texts = [
        format!("{:.0}% of what it sent left within 72 h of money arriving", fast_forward * 100.0),
        format!("received {} in all and sent {}", money(clamp64(inflow)), money(clamp64(outflow))),
        format!(
            "{:.0}% of what it received has left again; {} stays",
            low_residual * 100.0,
            money(clamp64(final_balance))
        ),
        format!("{} ({:.0}% of what it sent) went to cash or exchanges", money(clamp64(to_terminal)), cash_out * 100.0),
        format!(
            "{} ({:.0}% of what it received) came as first payments at least {UNUSUAL_FACTOR} times what the \
             sender usually pays, the mark of a victim's payment",
            money(clamp64(unusual)),
            victim_inflow * 100.0
        ),
        format!("{unusual_senders} different senders made such a payment"),
        String::new(),
        format!("{:.0}% of inflow is not recurring monthly income", one_off_money * 100.0),
        format!(
            "half of the money came in transfers of {} or more and left in transfers of {} or more",
            money(median_in),
            money(median_out)
        ),
        String::new(),
        format!("kind {}", ledger.kind(account)),
        format!("{counterparties} counterparties, {recurring} of them paid or paying more than once"),
        String::new(),
        format!(
            "{} ({:.0}% of what it received) came from {} senders paying it for the first time (at most {NOVEL_TIE_MAX} \
             payments ever) and at least half of each such payment left within 72 h",
            money(clamp64(forwarded.value)),
            ratio(forwarded.value, inflow) * 100.0,
            forwarded.senders
        ),
        format!(
            "{} of the {} it sent was more than the ledger shows it holding ({:.0}%): its book is kept elsewhere, so its \
             in- and outflows here are a slice",
            money(clamp64(shortfall)),
            money(clamp64(outflow)),
            unseen_book * 100.0
        ),
    ];
    (values, texts)
}

/// A tie of at most this many payments is a novel one: a new payer, not a
/// client, tenant or employer paying again and again.
pub(super) const NOVEL_TIE_MAX: u32 = 3;

/// Inflows over novel ties that were mostly passed on fast.
#[derive(Default)]
struct Forwarded {
    value: i128,
    senders: usize,
}

/// The money that arrived from senders new to the account (a novel tie,
/// from neither an institution nor cash) of which at least half left
/// again within [`FAST_WINDOW_MICROS`]: the mark of a collection account
/// handling other people's money. Outflows are summed by prefix so a busy
/// account costs O(n log n).
fn forwarded_novel_inflows(ledger: &Ledger, account: u32) -> Forwarded {
    let events = ledger.events(account);
    let mut ties: FxHashMap<u32, u32> = FxHashMap::default();
    let mut times = Vec::with_capacity(events.len());
    let mut sent_before = Vec::with_capacity(events.len() + 1);
    let mut running = 0i128;
    for &position in events {
        let position = position as usize;
        let (from, to) = (ledger.from(position), ledger.to(position));
        times.push(ledger.timestamp_micros(position));
        sent_before.push(running);
        if from == account && to != account {
            running += i128::from(ledger.amount[position]);
        } else if to == account && from != account {
            *ties.entry(from).or_insert(0) += 1;
        }
    }
    sent_before.push(running);
    let mut result = Forwarded::default();
    let mut counted: FxHashSet<u32> = FxHashSet::default();
    for (index, &position) in events.iter().enumerate() {
        let position = position as usize;
        let (from, to) = (ledger.from(position), ledger.to(position));
        if to != account || from == account {
            continue;
        }
        let kind = ledger.kind(from);
        if kind.is_institutional() || kind.is_terminal() || ties.get(&from).copied().unwrap_or(0) > NOVEL_TIE_MAX {
            continue;
        }
        let deadline = times[index] + FAST_WINDOW_MICROS;
        let end = index + times[index..].partition_point(|&time| time <= deadline);
        let left = sent_before[end] - sent_before[index + 1];
        let received = i128::from(ledger.received[position]);
        if 2 * left >= received {
            result.value += received;
            if counted.insert(from) {
                result.senders += 1;
            }
        }
    }
    result
}
