//! Gradient-boosted decision trees for `mules --labels`: small and
//! deterministic, so a fraud team's labels give the same model on every run.
//!
//! Why trees rather than the linear model before: mule evidence interacts
//! (pass-through matters only when the money is not the account's own; a
//! fan-in is suspect without recurring income and harmless with it), and
//! trees learn such conjunctions from labels without hand-made products.
//!
//! Recipe: logistic loss, second-order (Newton) leaf values with an L2
//! penalty, depth-limited trees grown level by level on histograms (each
//! feature cut into at most [`MAX_BINS`] quantile bins of the training
//! rows), shrinkage on every tree, class-balanced row weights (mules are
//! rare; AP only needs the ranking). No sampling, ties broken by feature
//! order: the same rows give the same trees. How many trees is chosen by
//! grouped cross-validation ([`fit_with_grouped_cv`]): rows of one group
//! (accounts tied by money) are all on one side of every split, so a ring
//! whose members are labelled does not vouch for itself.

/// Most bins per feature.
const MAX_BINS: usize = 32;
/// Levels of splits per tree.
const DEPTH: usize = 4;
/// Each tree's contribution is scaled down by this much.
const SHRINKAGE: f64 = 0.1;
/// L2 penalty on leaf values (in units of summed row weight).
const LAMBDA: f64 = 1.0;
/// A split must leave at least this much hessian on each side (less for a
/// handful of labels: see [`boost`]).
const MIN_CHILD_HESSIAN: f64 = 1.0;
/// The most trees cross-validation may choose (300 was the choice on the
/// independent generator's development seed, so the cap was raised).
const MAX_TREES: usize = 600;
/// Trees are counted in steps of this many when cross-validating.
const TREE_STEP: usize = 10;
/// Folds of the grouped cross-validation.
const FOLDS: usize = 4;

#[derive(Clone, Debug)]
enum Node {
    Split { feature: usize, threshold: f64, left: usize, right: usize },
    Leaf(f64),
}

/// One tree: node 0 is the root; a row goes left when its feature is at
/// most the threshold.
#[derive(Clone, Debug)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn value(&self, row: &[f64]) -> f64 {
        let mut node = 0;
        loop {
            match self.nodes[node] {
                Node::Leaf(value) => return value,
                Node::Split { feature, threshold, left, right } => {
                    node = if row[feature] <= threshold { left } else { right };
                }
            }
        }
    }
}

/// A fitted ensemble: log-odds = `base` + sum of tree values.
#[derive(Clone, Debug)]
pub struct Booster {
    base: f64,
    trees: Vec<Tree>,
}

impl Booster {
    /// The chance the row is a mule (class-balanced, so a ranking, not a calibrated probability).
    pub fn probability(&self, row: &[f64]) -> f64 {
        let margin = self.base + self.trees.iter().map(|tree| tree.value(row)).sum::<f64>();
        1.0 / (1.0 + (-margin).exp())
    }

    pub fn tree_count(&self) -> usize {
        self.trees.len()
    }
}

/// Bin edges of every feature from the training rows: upper bounds of bins
/// at quantiles of the distinct values, so a bin's threshold is a value seen in training.
fn bin_edges(rows: &[Vec<f64>], width: usize) -> Vec<Vec<f64>> {
    (0..width)
        .map(|feature| {
            let mut values: Vec<f64> = rows.iter().map(|row| row[feature]).filter(|v| v.is_finite()).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            if values.len() <= MAX_BINS {
                return values;
            }
            let mut edges: Vec<f64> =
                (1..=MAX_BINS).map(|bin| values[(bin * values.len() / MAX_BINS).saturating_sub(1)]).collect();
            edges.dedup();
            edges
        })
        .collect()
}

fn bin_of(edges: &[f64], value: f64) -> usize {
    edges.partition_point(|&edge| edge < value).min(edges.len().saturating_sub(1))
}

/// Grows one tree on gradients and hessians of the rows in `members`.
fn grow(
    binned: &[Vec<u8>],
    edges: &[Vec<f64>],
    (grad, hess): (&[f64], &[f64]),
    min_child: f64,
    members: Vec<usize>,
) -> Tree {
    let mut nodes = Vec::new();
    // (node index, rows, depth)
    let mut open = vec![(0usize, members, 0usize)];
    nodes.push(Node::Leaf(0.0));
    while let Some((node, rows, depth)) = open.pop() {
        let g: f64 = rows.iter().map(|&r| grad[r]).sum();
        let h: f64 = rows.iter().map(|&r| hess[r]).sum();
        let leaf = -g / (h + LAMBDA);
        nodes[node] = Node::Leaf(leaf);
        if depth >= DEPTH || h < 2.0 * min_child {
            continue;
        }
        let parent_gain = g * g / (h + LAMBDA);
        let mut best: Option<(f64, usize, usize)> = None;
        for (feature, feature_edges) in edges.iter().enumerate() {
            if feature_edges.len() < 2 {
                continue;
            }
            let mut histogram = vec![(0.0f64, 0.0f64); feature_edges.len()];
            for &r in &rows {
                let cell = &mut histogram[binned[r][feature] as usize];
                cell.0 += grad[r];
                cell.1 += hess[r];
            }
            let (mut left_g, mut left_h) = (0.0, 0.0);
            for (bin, &(bin_g, bin_h)) in histogram.iter().enumerate().take(feature_edges.len() - 1) {
                left_g += bin_g;
                left_h += bin_h;
                let (right_g, right_h) = (g - left_g, h - left_h);
                if left_h < min_child || right_h < min_child {
                    continue;
                }
                let gain = left_g * left_g / (left_h + LAMBDA) + right_g * right_g / (right_h + LAMBDA) - parent_gain;
                if gain > 1e-9 && best.is_none_or(|(best_gain, _, _)| gain > best_gain) {
                    best = Some((gain, feature, bin));
                }
            }
        }
        let Some((_, feature, bin)) = best else { continue };
        let (left_rows, right_rows): (Vec<usize>, Vec<usize>) =
            rows.iter().partition(|&&r| binned[r][feature] as usize <= bin);
        let (left, right) = (nodes.len(), nodes.len() + 1);
        nodes.push(Node::Leaf(0.0));
        nodes.push(Node::Leaf(0.0));
        nodes[node] = Node::Split { feature, threshold: edges[feature][bin], left, right };
        open.push((right, right_rows, depth + 1));
        open.push((left, left_rows, depth + 1));
    }
    Tree { nodes }
}

/// Boosts `trees` trees on the rows in `train`, calling `after` with the
/// booster so far after every [`TREE_STEP`] trees.
fn boost(
    rows: &[Vec<f64>],
    labels: &[bool],
    train: &[usize],
    trees: usize,
    mut after: impl FnMut(&Booster),
) -> Booster {
    let width = rows.first().map_or(0, Vec::len);
    let train_rows: Vec<Vec<f64>> = train.iter().map(|&r| rows[r].clone()).collect();
    let edges = bin_edges(&train_rows, width);
    let binned: Vec<Vec<u8>> = rows
        .iter()
        .map(|row| edges.iter().zip(row).map(|(feature_edges, &value)| bin_of(feature_edges, value) as u8).collect())
        .collect();
    let positives = train.iter().filter(|&&r| labels[r]).count();
    let negatives = train.len() - positives;
    // Each class carries half of the total weight (the row count).
    let weight_of = |label: bool| {
        let n = train.len() as f64;
        if label { 0.5 * n / positives.max(1) as f64 } else { 0.5 * n / negatives.max(1) as f64 }
    };
    // Row weights sum to the row count and a hessian is at most a quarter of
    // its weight: with a handful of labels the usual minimum would forbid
    // every split, so it shrinks to a tenth of the most the root can hold.
    let min_child = MIN_CHILD_HESSIAN.min(0.025 * train.len() as f64);
    let mut booster = Booster { base: 0.0, trees: Vec::new() };
    let mut margin = vec![0.0f64; rows.len()];
    let mut grad = vec![0.0f64; rows.len()];
    let mut hess = vec![0.0f64; rows.len()];
    for round in 0..trees {
        for &r in train {
            let p = 1.0 / (1.0 + (-margin[r]).exp());
            let w = weight_of(labels[r]);
            grad[r] = w * (p - if labels[r] { 1.0 } else { 0.0 });
            hess[r] = w * (p * (1.0 - p)).max(1e-6);
        }
        let mut tree = grow(&binned, &edges, (&grad, &hess), min_child, train.to_vec());
        for node in &mut tree.nodes {
            if let Node::Leaf(value) = node {
                *value *= SHRINKAGE;
            }
        }
        for &r in train {
            margin[r] += tree.value(&rows[r]);
        }
        booster.trees.push(tree);
        if (round + 1) % TREE_STEP == 0 {
            after(&booster);
        }
    }
    booster
}

/// Average precision of `scores` against `labels` over the given rows (ties by row order).
fn average_precision(scores: &[(f64, bool)]) -> f64 {
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total = sorted.iter().filter(|(_, label)| *label).count();
    let (mut found, mut sum) = (0usize, 0.0);
    for (rank, (_, label)) in sorted.iter().enumerate() {
        if *label {
            found += 1;
            sum += found as f64 / (rank + 1) as f64;
        }
    }
    if total == 0 { 0.0 } else { sum / total as f64 }
}

/// What cross-validation found: the tree count chosen and its mean fold AP.
#[derive(Clone, Debug, PartialEq)]
pub struct CrossValidation {
    pub trees: usize,
    pub fold_ap: f64,
}

/// Fits on every row, with the number of trees that gave the best mean AP
/// over [`FOLDS`] folds of whole groups (`groups[r]` is row r's group; a
/// group's fold is a hash of its id, so the folds do not depend on row order).
pub fn fit_with_grouped_cv(rows: &[Vec<f64>], labels: &[bool], groups: &[u64]) -> (Booster, CrossValidation) {
    let fold_of = |group: u64| {
        // SplitMix64 finaliser: groups are small consecutive ids.
        let mut z = group.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % FOLDS as u64) as usize
    };
    let steps = MAX_TREES / TREE_STEP;
    let mut ap_sum = vec![0.0f64; steps];
    let mut folds_used = 0usize;
    for fold in 0..FOLDS {
        let (held, train): (Vec<usize>, Vec<usize>) = (0..rows.len()).partition(|&r| fold_of(groups[r]) == fold);
        let held_positives = held.iter().filter(|&&r| labels[r]).count();
        let train_positives = train.iter().filter(|&&r| labels[r]).count();
        if held_positives == 0 || train_positives == 0 || held_positives == held.len() {
            continue;
        }
        folds_used += 1;
        let mut step = 0;
        boost(rows, labels, &train, MAX_TREES, |booster| {
            let scores: Vec<(f64, bool)> = held.iter().map(|&r| (booster.probability(&rows[r]), labels[r])).collect();
            ap_sum[step] += average_precision(&scores);
            step += 1;
        });
    }
    let (best_step, best_sum) = ap_sum.iter().enumerate().fold((steps / 3, f64::NEG_INFINITY), |best, (step, &sum)| {
        // Strictly better only: among equals the smaller model.
        if sum > best.1 + 1e-12 { (step, sum) } else { best }
    });
    let (trees, fold_ap) = if folds_used == 0 {
        // Too few labels to validate: a modest default.
        (MAX_TREES / 3, f64::NAN)
    } else {
        ((best_step + 1) * TREE_STEP, best_sum / folds_used as f64)
    };
    let all: Vec<usize> = (0..rows.len()).collect();
    let booster = boost(rows, labels, &all, trees, |_| {});
    (booster, CrossValidation { trees, fold_ap })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows where the label is an interaction (x0 high AND x1 low) that no
    /// single feature or linear score separates, plus a noise feature.
    fn xor_like(count: usize) -> (Vec<Vec<f64>>, Vec<bool>, Vec<u64>) {
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for _ in 0..count {
            let row = vec![next(), next(), next()];
            labels.push((row[0] > 0.7 && row[1] < 0.3) || (row[0] < 0.3 && row[1] > 0.7));
            rows.push(row);
        }
        let groups = (0..count as u64).map(|r| r / 3).collect();
        (rows, labels, groups)
    }

    #[test]
    fn learns_an_interaction_and_generalises_to_new_rows() {
        let (rows, labels, groups) = xor_like(1500);
        let (booster, cv) = fit_with_grouped_cv(&rows, &labels, &groups);
        assert!(cv.fold_ap > 0.8, "{cv:?}");
        let (test_rows, test_labels, _) = {
            let (r, l, g) = xor_like(3000);
            (r[1500..].to_vec(), l[1500..].to_vec(), g)
        };
        let scores: Vec<(f64, bool)> =
            test_rows.iter().zip(&test_labels).map(|(row, &label)| (booster.probability(row), label)).collect();
        let ap = average_precision(&scores);
        let share = test_labels.iter().filter(|&&l| l).count() as f64 / test_labels.len() as f64;
        assert!(ap > 0.85, "AP {ap:.3} against a base rate of {share:.3}");
    }

    #[test]
    fn the_same_rows_give_the_same_model() {
        let (rows, labels, groups) = xor_like(400);
        let (first, first_cv) = fit_with_grouped_cv(&rows, &labels, &groups);
        let (second, second_cv) = fit_with_grouped_cv(&rows, &labels, &groups);
        assert_eq!(first_cv, second_cv);
        for row in &rows {
            assert_eq!(first.probability(row).to_bits(), second.probability(row).to_bits());
        }
    }

    #[test]
    fn one_class_only_still_fits() {
        let rows = vec![vec![1.0], vec![2.0], vec![3.0]];
        let (booster, cv) = fit_with_grouped_cv(&rows, &[false, false, false], &[0, 1, 2]);
        assert!(cv.fold_ap.is_nan());
        assert!(booster.probability(&[2.0]) < 0.5);
    }
}
