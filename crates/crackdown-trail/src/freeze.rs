//! The freeze list: traced victim money aggregated per endpoint account,
//! what an investigator sends to banks and exchanges.
//!
//! One row per account and currency held. The amount is what sits there in
//! that currency (the held amount across conversion legs). Poison traces
//! overstate amounts by design, so callers should build freeze lists from the
//! other rules; nothing here forbids it.

use std::collections::BTreeMap;

use crackdown_model::{Currency, Money};
use rustc_hash::FxHashSet;

use crate::account::AccountKind;
use crate::ledger::Ledger;
use crate::trace::Trace;

/// One account to freeze, in one currency.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FreezeRow {
    pub account: String,
    pub kind: AccountKind,
    pub country: Option<String>,
    pub currency: &'static str,
    /// Exact decimal.
    pub amount: String,
    /// Distinct victim accounts whose money reached it.
    pub victims: usize,
    /// Traced payments whose money reached it.
    pub payments: usize,
    /// Endpoint reasons seen, `;`-separated (e.g. `exchange` or `no_outflow;horizon`).
    pub reasons: String,
}

#[derive(Default)]
struct Total<'a> {
    minor: i64,
    victims: FxHashSet<&'a str>,
    payments: FxHashSet<&'a str>,
    reasons: Vec<&'static str>,
}

/// Aggregates endpoints of many traces, largest amount first.
pub fn freeze_list<'a>(ledger: &'a Ledger, traces: &[Trace<'a>]) -> Vec<FreezeRow> {
    let mut totals: BTreeMap<(u32, &'static str), (Currency, Total)> = BTreeMap::new();
    for trace in traces {
        let victim = trace.hops.first().map_or("", |hop| hop.from);
        for endpoint in &trace.endpoints {
            let held = endpoint.held.unwrap_or(endpoint.amount);
            let (_, total) = totals
                .entry((endpoint.account_id, held.currency().code()))
                .or_insert_with(|| (held.currency(), Total::default()));
            total.minor = total.minor.saturating_add(held.minor());
            total.victims.insert(victim);
            total.payments.insert(trace.source_tx);
            let reason = endpoint.reason.as_str();
            if !total.reasons.contains(&reason) {
                total.reasons.push(reason);
            }
        }
    }
    let mut rows: Vec<(i64, FreezeRow)> = totals
        .into_iter()
        .map(|((account, code), (currency, mut total))| {
            total.reasons.sort_unstable();
            (
                total.minor,
                FreezeRow {
                    account: ledger.account_name(account).to_owned(),
                    kind: ledger.kind(account),
                    country: ledger.country(account).map(str::to_owned),
                    currency: code,
                    amount: Money::new(total.minor, currency).decimal(),
                    victims: total.victims.len(),
                    payments: total.payments.len(),
                    reasons: total.reasons.join(";"),
                },
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.account.cmp(&b.1.account)));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// Writes the freeze list as CSV with a header.
pub fn write_csv<W: std::io::Write>(rows: &[FreezeRow], output: W) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(output);
    for row in rows {
        writer.serialize(row)?;
    }
    if rows.is_empty() {
        writer.write_record(["account", "kind", "country", "currency", "amount", "victims", "payments", "reasons"])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::tests::ledger;
    use crate::trace::{Rule, TraceOptions, trace};

    #[test]
    fn aggregates_victims_per_endpoint() {
        let ledger = ledger(
            "v1,2024-01-01T00:00:00Z,V1,M,100,USD,wire\n\
             v2,2024-01-01T01:00:00Z,V2,M,50.5,USD,wire\n\
             m1,2024-01-02T00:00:00Z,M,EX,120,USD,wire\n\
             m2,2024-01-02T00:00:00Z,M,ATM,30.5,USD,cash\n",
            &[("EX", AccountKind::Exchange), ("ATM", AccountKind::Cash)],
        );
        let options = TraceOptions::new(Rule::Fifo);
        let traces: Vec<Trace> = ["v1", "v2"].iter().map(|id| trace(&ledger, id, &options).expect("known")).collect();
        let rows = freeze_list(&ledger, &traces);
        let summary: Vec<_> =
            rows.iter().map(|r| (r.account.as_str(), r.amount.as_str(), r.victims, r.reasons.as_str())).collect();
        assert_eq!(summary, [("EX", "120.00", 2, "exchange"), ("ATM", "30.50", 1, "cash")]);
        let mut csv = Vec::new();
        write_csv(&rows, &mut csv).expect("in memory");
        let text = String::from_utf8(csv).expect("utf-8");
        assert_eq!(
            text,
            "account,kind,country,currency,amount,victims,payments,reasons\n\
             EX,exchange,,USD,120.00,2,2,exchange\n\
             ATM,cash,,USD,30.50,1,1,cash\n"
        );
    }
}
