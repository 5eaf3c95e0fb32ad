//! What `mules --labels` learns from besides the signals: per-account sums
//! of the graph-pattern features (`crate::features`, the same columns as
//! Snap ML's GraphFeaturePreprocessor) and the groups of accounts that
//! cross-validation keeps together.

use crate::features::{Edges, FeatureConfig, graph_features};
use crate::ledger::Ledger;
use crate::typology::Hit;

/// The patterns of the graph features, in the crate's column prefixes, with
/// what each means in plain words (for `--explain`).
/// Cycles are left out: on a 400,000-transfer book with opening balances the
/// length-constrained cycle search ran for over ten minutes, and loops
/// already reach the model through the `typology` signal (the crate's own
/// bounded cycle detection).
pub const PATTERNS: [(&str, &str); 5] = [
    ("fan_in", "money from several senders within 12 hours"),
    ("fan_out", "money to several recipients within 12 hours"),
    ("degree_in", "several incoming transfers within 12 hours"),
    ("degree_out", "several outgoing transfers within 12 hours"),
    ("scatter_gather", "money split over intermediaries and gathered again within 5 days"),
];

/// Columns per pattern: transfers in it (incoming, outgoing) and the sum of
/// its pattern counts on them (incoming, outgoing).
const PER_PATTERN: usize = 4;
/// Graph columns per account: the patterns' and the in and out transfer counts.
pub const GRAPH_COLUMNS: usize = PATTERNS.len() * PER_PATTERN + 2;

/// Per account, [`GRAPH_COLUMNS`] numbers: for each pattern, how many of its
/// incoming and outgoing transfers take part in one and the summed pattern
/// counts on them; then its incoming and outgoing transfer counts. Sums, not
/// means: a mule's few transfers and a shop's many differ in both.
pub fn graph_columns(ledger: &Ledger) -> Vec<[f64; GRAPH_COLUMNS]> {
    let config =
        FeatureConfig { temporal_cycle: None, length_cycle: None, vertex_stats: false, ..FeatureConfig::default() };
    let time: Vec<i64> = ledger.timestamps.iter().map(|micros| micros.div_euclid(1_000_000)).collect();
    let matrix = graph_features(&Edges { source: &ledger.from, target: &ledger.to, time: &time }, &config, 2);
    // Which pattern each column belongs to (columns are "<pattern>_<bin>").
    let pattern_of: Vec<Option<usize>> = matrix
        .columns
        .iter()
        .map(|column| {
            let prefix = column.rsplit_once('_').map_or(column.as_str(), |(prefix, _)| prefix);
            PATTERNS.iter().position(|(name, _)| *name == prefix)
        })
        .collect();
    let mut columns = vec![[0.0f64; GRAPH_COLUMNS]; ledger.account_count()];
    let mut per_pattern = [0u64; PATTERNS.len()];
    for edge in 0..ledger.len() {
        per_pattern.fill(0);
        for (count, pattern) in matrix.row(edge).iter().zip(&pattern_of) {
            if let Some(pattern) = pattern {
                per_pattern[*pattern] += u64::from(*count);
            }
        }
        let (from, to) = (ledger.from[edge] as usize, ledger.to[edge] as usize);
        for (pattern, &sum) in per_pattern.iter().enumerate() {
            if sum > 0 {
                let base = pattern * PER_PATTERN;
                columns[to][base] += 1.0;
                columns[from][base + 1] += 1.0;
                columns[to][base + 2] += sum as f64;
                columns[from][base + 3] += sum as f64;
            }
        }
        columns[to][GRAPH_COLUMNS - 2] += 1.0;
        columns[from][GRAPH_COLUMNS - 1] += 1.0;
    }
    columns
}

/// Name of a graph column (for `--explain`'s signal field).
pub fn graph_column_name(index: usize) -> String {
    if index >= PATTERNS.len() * PER_PATTERN {
        return if index == GRAPH_COLUMNS - 2 { "transfers_in".into() } else { "transfers_out".into() };
    }
    let (pattern, _) = PATTERNS[index / PER_PATTERN];
    let side = ["in_transfers", "out_transfers", "in_count", "out_count"][index % PER_PATTERN];
    format!("{pattern}_{side}")
}

/// A graph column's value in plain words.
pub fn graph_column_words(index: usize, value: f64) -> String {
    if index >= PATTERNS.len() * PER_PATTERN {
        let side = if index == GRAPH_COLUMNS - 2 { "received" } else { "sent" };
        return format!("{value:.0} transfers {side}");
    }
    let (_, words) = PATTERNS[index / PER_PATTERN];
    match index % PER_PATTERN {
        0 => format!("{value:.0} incoming transfers are part of {words}"),
        1 => format!("{value:.0} outgoing transfers are part of {words}"),
        2 => format!("incoming transfers count {value:.0} times in {words}"),
        _ => format!("outgoing transfers count {value:.0} times in {words}"),
    }
}

/// Groups of accounts for cross-validation: accounts that one typology hit
/// joins, and accounts tied by transfers, are merged (union-find) as long
/// as a group stays below a twentieth of the accounts (at least 50).
/// Without the cap, banks, shops and cash join nearly every account into
/// one component and there would be nothing to split; with it, rings and
/// chains stay whole, so a labelled ring cannot vouch for its own members.
/// Transfers are merged in ledger order, hits first: deterministic.
pub fn account_groups(ledger: &Ledger, hits: &[Hit]) -> Vec<u64> {
    let count = ledger.account_count();
    let cap = (count / 20).max(50);
    let mut parent: Vec<u32> = (0..count as u32).collect();
    let mut size = vec![1usize; count];
    fn root(parent: &mut [u32], mut node: u32) -> u32 {
        while parent[node as usize] != node {
            let up = parent[parent[node as usize] as usize];
            parent[node as usize] = up;
            node = up;
        }
        node
    }
    let mut join = |a: u32, b: u32| {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb && size[ra as usize] + size[rb as usize] <= cap {
            let (big, small) = if size[ra as usize] >= size[rb as usize] { (ra, rb) } else { (rb, ra) };
            parent[small as usize] = big;
            size[big as usize] += size[small as usize];
        }
    };
    for hit in hits {
        for member in hit.accounts.iter().filter_map(|name| ledger.account_id(name)) {
            join(hit.account_id, member);
        }
    }
    for edge in 0..ledger.len() {
        let (from, to) = (ledger.from[edge], ledger.to[edge]);
        if !ledger.kind(from).is_terminal() && !ledger.kind(to).is_terminal() {
            join(from, to);
        }
    }
    (0..count as u32).map(|account| u64::from(root(&mut parent, account))).collect()
}
