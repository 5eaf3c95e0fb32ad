//! Mule scoring: a score per account (higher = more likely a mule) with the
//! evidence behind it.
//!
//! Unsupervised, the score combines what distinguishes a money mule from a
//! person living a normal financial life: money leaves soon after it arrives
//! (`fast_forward`), in and out balance (`flow_balance`), little stays behind
//! (`low_residual`), outflows go to cash or exchanges (`cash_out`), money
//! comes from several unrelated senders (`sender_spread`), and typology hits
//! (pass-through, peel chains, scatter-gather, cycles, structuring). Busy
//! legitimate accounts are held down two ways: institutional kinds
//! (merchant, employer, utility, exchange, cash, business) are discounted,
//! and so are accounts of any kind with many recurring counterparties (how
//! payroll, merchants and utilities look when their kind is unknown; a mule's
//! senders are one-off victims).
//!
//! With labels, [`MuleModel::learn`] fits a logistic regression on the same
//! signals (plain gradient descent, deterministic) and scores with it.
//! Scores are `f64` ratios; no money is ever a float here.

use rustc_hash::FxHashMap;

use crate::ledger::Ledger;
use crate::typology::{Hit, TypologyKind, balance_after};

/// Names of the signals, in feature-vector order.
pub const SIGNALS: [&str; 8] = [
    "fast_forward",
    "flow_balance",
    "low_residual",
    "cash_out",
    "sender_spread",
    "typology_hits",
    "institutional",
    "broad_base",
];

const FAST_WINDOW_MICROS: i64 = 2 * 24 * 3600 * 1_000_000;

/// One line of evidence for an account.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub signal: String,
    pub value: f64,
    pub detail: String,
    pub tx_ids: Vec<String>,
}

/// Per-account signals and the model that turns them into scores.
pub struct MuleModel {
    signals: Vec<[f64; 8]>,
    details: Vec<[String; 8]>,
    hits: FxHashMap<u32, Vec<usize>>,
    all_hits: Vec<Hit>,
    weights: Option<[f64; 9]>,
}

fn ratio(part: i128, whole: i128) -> f64 {
    if whole <= 0 { 0.0 } else { (part as f64 / whole as f64).clamp(0.0, 1.0) }
}

impl MuleModel {
    /// Computes the signals of every account of the ledger (accounts of the
    /// accounts file without transfers included).
    pub fn new(ledger: &Ledger, hits: Vec<Hit>) -> MuleModel {
        let count = ledger.account_count();
        let mut by_account: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (index, hit) in hits.iter().enumerate() {
            for &position in &hit.positions {
                for account in [ledger.from(position as usize), ledger.to(position as usize)] {
                    let list = by_account.entry(account).or_default();
                    if list.last() != Some(&index) {
                        list.push(index);
                    }
                }
            }
        }
        let mut signals = Vec::with_capacity(count);
        let mut details = Vec::with_capacity(count);
        for account in 0..count as u32 {
            let (values, texts) =
                account_signals(ledger, account, by_account.get(&account).map_or(&[][..], Vec::as_slice), &hits);
            signals.push(values);
            details.push(texts);
        }
        MuleModel { signals, details, hits: by_account, all_hits: hits, weights: None }
    }

    fn unsupervised(values: &[f64; 8]) -> f64 {
        let [fast, flow, residual, cash, spread, typology, institutional, broad] = *values;
        let core = 0.25 * fast + 0.15 * flow + 0.15 * residual + 0.2 * cash + 0.1 * spread + 0.15 * typology;
        let gate = if flow == 0.0 { 0.2 } else { 1.0 };
        core * gate * (1.0 - 0.8 * institutional) * (1.0 - 0.7 * broad)
    }

    /// The score of one account by id.
    pub fn score(&self, account: u32) -> f64 {
        let values = &self.signals[account as usize];
        match &self.weights {
            Some(weights) => {
                let z = weights[8] + values.iter().zip(weights).map(|(x, w)| x * w).sum::<f64>();
                1.0 / (1.0 + (-z).exp())
            }
            None => Self::unsupervised(values),
        }
    }

    /// Every account with its score, highest first (ties by name).
    pub fn ranking(&self, ledger: &Ledger) -> Vec<(String, f64)> {
        let mut rows: Vec<(String, f64)> = (0..self.signals.len() as u32)
            .map(|account| (ledger.account_name(account).to_owned(), self.score(account)))
            .collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        rows
    }

    /// Why an account scored as it did: each signal, then each typology hit.
    pub fn explain(&self, ledger: &Ledger, account: &str) -> Option<Vec<Evidence>> {
        let id = ledger.account_id(account)?;
        let mut evidence: Vec<Evidence> = SIGNALS
            .iter()
            .zip(self.signals[id as usize].iter().zip(&self.details[id as usize]))
            .map(|(signal, (value, detail))| Evidence {
                signal: (*signal).to_owned(),
                value: *value,
                detail: detail.clone(),
                tx_ids: Vec::new(),
            })
            .collect();
        for &index in self.hits.get(&id).map_or(&[][..], Vec::as_slice) {
            let hit = &self.all_hits[index];
            evidence.push(Evidence {
                signal: hit.kind.as_str().to_owned(),
                value: 1.0,
                detail: format!("{} centred on {}", hit.kind.as_str(), hit.account),
                tx_ids: hit.tx_ids.clone(),
            });
        }
        Some(evidence)
    }

    /// Fits a logistic regression on labelled accounts (name, is_mule);
    /// unknown names are returned so the caller can report them.
    pub fn learn(&mut self, ledger: &Ledger, labels: &[(String, bool)]) -> Vec<String> {
        let mut unknown = Vec::new();
        let mut rows = Vec::new();
        for (name, label) in labels {
            match ledger.account_id(name) {
                Some(id) => rows.push((self.signals[id as usize], if *label { 1.0 } else { 0.0 })),
                None => unknown.push(name.clone()),
            }
        }
        if rows.is_empty() {
            return unknown;
        }
        let positives = rows.iter().filter(|(_, y)| *y > 0.5).count().max(1) as f64;
        let negatives = (rows.len() as f64 - positives).max(1.0);
        let mut weights = [0.0f64; 9];
        for _ in 0..500 {
            let mut gradient = [0.0f64; 9];
            for (x, y) in &rows {
                let z = weights[8] + x.iter().zip(&weights).map(|(a, w)| a * w).sum::<f64>();
                let error = 1.0 / (1.0 + (-z).exp()) - y;
                // Balance the classes: mules are rare.
                let weight = if *y > 0.5 { 0.5 / positives } else { 0.5 / negatives };
                for (g, a) in gradient.iter_mut().zip(x) {
                    *g += weight * error * a;
                }
                gradient[8] += weight * error;
            }
            for (w, g) in weights.iter_mut().zip(gradient) {
                *w -= 2.0 * (g + 1e-3 * *w);
            }
        }
        self.weights = Some(weights);
        unknown
    }
}

fn account_signals(ledger: &Ledger, account: u32, hit_indexes: &[usize], hits: &[Hit]) -> ([f64; 8], [String; 8]) {
    let events = ledger.events(account);
    let (mut inflow, mut outflow, mut fast, mut to_terminal) = (0i128, 0i128, 0i128, 0i128);
    let mut senders: FxHashMap<u32, u32> = FxHashMap::default();
    let mut receivers: FxHashMap<u32, u32> = FxHashMap::default();
    let mut last_inflow: Option<i64> = None;
    for &position in events {
        let position = position as usize;
        let (from, to) = (ledger.from(position), ledger.to(position));
        if from == to {
            continue;
        }
        let time = ledger.timestamp_micros(position);
        if to == account {
            inflow += i128::from(ledger.received[position]);
            *senders.entry(from).or_insert(0) += 1;
            last_inflow = Some(time);
        } else {
            let amount = i128::from(ledger.amount[position]);
            outflow += amount;
            *receivers.entry(to).or_insert(0) += 1;
            if last_inflow.is_some_and(|arrived| time - arrived <= FAST_WINDOW_MICROS) {
                fast += amount;
            }
            if ledger.kind(to).is_terminal() {
                to_terminal += amount;
            }
        }
    }
    let final_balance = events.last().map_or(0, |&last| i128::from(balance_after(ledger, account, last as usize)));
    let fast_forward = ratio(fast, outflow);
    let flow_balance = ratio(inflow.min(outflow), inflow.max(outflow));
    let low_residual = if inflow > 0 { 1.0 - ratio(final_balance, inflow) } else { 0.0 };
    let cash_out = ratio(to_terminal, outflow);
    let one_off_senders = senders.values().filter(|&&count| count == 1).count();
    let sender_spread = (one_off_senders as f64 / 4.0).min(1.0);
    let laundering_hits = hit_indexes
        .iter()
        .filter(|&&index| {
            !matches!(hits[index].kind, TypologyKind::FanIn | TypologyKind::FanOut | TypologyKind::GatherScatter)
        })
        .count();
    let typology = 1.0 - (-(laundering_hits as f64) / 2.0).exp();
    let institutional = if ledger.kind(account).is_institutional() { 1.0 } else { 0.0 };
    // Hundreds of distinct, recurring counterparties is how payroll,
    // merchants and utilities look; mules burn out long before.
    let recurring = senders
        .iter()
        .chain(receivers.iter())
        .filter(|&(&other, &count)| count >= 2 && !ledger.kind(other).is_terminal())
        .count();
    let counterparties = senders.len() + receivers.len();
    let broad_base = (recurring as f64 / 50.0).min(1.0);
    let values =
        [fast_forward, flow_balance, low_residual, cash_out, sender_spread, typology, institutional, broad_base];
    let texts = [
        format!("{:.0}% of outflow left within 48 h of an inflow", fast_forward * 100.0),
        format!("outflow/inflow balance {:.2}", flow_balance),
        format!("{:.0}% of all inflow has left", low_residual * 100.0),
        format!("{:.0}% of outflow went to cash or exchanges", cash_out * 100.0),
        format!("{one_off_senders} one-off senders"),
        format!("{laundering_hits} laundering typology hits"),
        format!("kind {}", ledger.kind(account)),
        format!("{counterparties} counterparties, {recurring} recurring"),
    ];
    (values, texts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountKind;
    use crate::ledger::tests::ledger;
    use crate::typology::{TypologyConfig, detect};

    /// A mule forwarding victims' money to cash, a person with salary and
    /// spending, a merchant, and an account that only appears in accounts.csv.
    fn scene() -> Ledger {
        let mut rows = String::new();
        for (i, victim) in ["V1", "V2", "V3", "V4", "V5"].iter().enumerate() {
            rows.push_str(&format!("v{i},2024-01-0{}T00:00:00Z,{victim},MULE,1000,USD,wire\n", i + 1));
            rows.push_str(&format!("c{i},2024-01-0{}T06:00:00Z,MULE,ATM,990,USD,cash\n", i + 1));
        }
        for month in 1..=5 {
            rows.push_str(&format!("s{month},2024-0{month}-01T00:00:00Z,EMP,P,3000,USD,ach\n"));
            rows.push_str(&format!("b{month},2024-0{month}-10T00:00:00Z,P,SHOP,200,USD,card\n"));
            rows.push_str(&format!("r{month},2024-0{month}-12T00:00:00Z,P,SHOP,150,USD,card\n"));
        }
        ledger(
            &rows,
            &[
                ("ATM", AccountKind::Cash),
                ("SHOP", AccountKind::Merchant),
                ("EMP", AccountKind::Employer),
                ("QUIET", AccountKind::Person),
            ],
        )
    }

    #[test]
    fn the_mule_tops_the_list_and_every_account_is_scored() {
        let ledger = scene();
        let model = MuleModel::new(&ledger, detect(&ledger, &TypologyConfig::default()));
        let ranking = model.ranking(&ledger);
        assert_eq!(ranking[0].0, "MULE", "{ranking:?}");
        assert_eq!(ranking.len(), ledger.account_count());
        assert!(ranking.iter().any(|(name, _)| name == "QUIET"));
        let score = |name: &str| ranking.iter().find(|(n, _)| n == name).map(|(_, s)| *s).expect("scored");
        assert!(score("MULE") > 2.0 * score("P"), "{ranking:?}");
        assert!(score("MULE") > 2.0 * score("SHOP"), "{ranking:?}");
        let evidence = model.explain(&ledger, "MULE").expect("known account");
        assert!(evidence.iter().any(|e| e.signal == "rapid_pass_through" && e.tx_ids == ["v0", "c0"]), "{evidence:?}");
        assert!(model.explain(&ledger, "nobody").is_none());
    }

    #[test]
    fn labels_train_a_model_that_ranks_the_labelled_mule_first() {
        let ledger = scene();
        let mut model = MuleModel::new(&ledger, detect(&ledger, &TypologyConfig::default()));
        let labels: Vec<(String, bool)> =
            [("MULE", true), ("P", false), ("SHOP", false), ("V1", false), ("ghost", true)]
                .iter()
                .map(|(n, l)| (n.to_string(), *l))
                .collect();
        let unknown = model.learn(&ledger, &labels);
        assert_eq!(unknown, ["ghost"]);
        assert_eq!(model.ranking(&ledger)[0].0, "MULE");
    }
}
