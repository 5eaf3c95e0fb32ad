//! The per-account signals of the unsupervised score, read from the
//! account's own transfers and its counterparties' habits.

use rustc_hash::FxHashMap;

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
            if sent.count == 0 && senders_info.unusual(from, ledger.amount[position]) {
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
    let victim_inflow = ratio(unusual, inflow);
    // One such payment may be a gift or a loan; several from different
    // people is a collection account.
    let victim_senders = (unusual_senders.saturating_sub(1) as f64 / 3.0).min(1.0);
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
    let institutional = if ledger.kind(account).is_institutional() { 1.0 } else { 0.0 };
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
    ];
    (values, texts)
}
