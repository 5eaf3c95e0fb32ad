//! Vertex statistics as snapml's `GraphFeaturePreprocessor` computes them
//! with its default `vertex_stats_feats` (fan, degree, ratio, average, sum,
//! variance, skew, kurtosis) over the timestamp column (`vertex_stats_cols`
//! `[3]`), for one `transform` of the whole edge list on a fresh preprocessor.
//!
//! Within one call snapml removes nothing (its `vertex_stats_tw` applies
//! between calls), so every edge gets the final statistics of its source and
//! target, each over the vertex's outgoing and its incoming edges, self-loops
//! included. The moments follow snapml's `IncrementalVertexStatistics`:
//! Welford-style updates in insertion order, its relative `zeroThresh` of
//! 1e-5 on the second moment, and its replacement of infinities and NaN.
//! The same float operations in the same order give the same bits.

use super::Edges;

/// snapml's `zeroThresh`: relative size below which the second moment is zero.
const ZERO_THRESHOLD: f64 = 1e-5;

/// Statistics per vertex and direction, in snapml's column order.
pub const STATISTICS: [&str; 8] = ["fan", "degree", "ratio", "avg", "sum", "var", "skew", "kurtosis"];

/// Column groups of an edge, in snapml's order.
pub const GROUPS: [&str; 4] = ["source_out", "source_in", "target_out", "target_in"];

/// snapml's `removeInf`: infinities become the extreme finite values (negative
/// infinity the negative of the smallest positive normal), NaN zero.
fn finite(value: f64) -> f64 {
    if value == f64::NEG_INFINITY {
        -f64::MIN_POSITIVE
    } else if value == f64::INFINITY {
        f64::MAX
    } else if value.is_nan() {
        0.0
    } else {
        value
    }
}

/// One vertex's running moments of one direction (snapml's `VertexStat`).
#[derive(Clone, Copy, Default)]
struct Moments {
    n: u32,
    sum: f64,
    avg: f64,
    m2: f64,
    m3: f64,
    m4: f64,
}

impl Moments {
    /// snapml's `insertEdge` update, operation for operation.
    fn insert(&mut self, value: f64) {
        self.n += 1;
        let n = f64::from(self.n);
        self.sum = finite(self.sum + value);
        let previous_avg = self.avg;
        let diff = value - previous_avg;
        self.avg = finite(previous_avg + diff / n);
        let previous_m2 = self.m2;
        self.m2 = finite(self.m2 + (value - self.avg) * diff);
        if (self.m2 / previous_m2).abs() < ZERO_THRESHOLD {
            self.m2 = 0.0;
        }
        let previous_m3 = self.m3;
        self.m3 = finite(self.m3 + diff / n * (-3.0 * previous_m2 + (n - 1.0) * (n - 2.0) * diff * diff / n));
        self.m4 = finite(
            self.m4
                + diff / n
                    * (-4.0 * previous_m3
                        + diff / n * (6.0 * previous_m2 + (n - 1.0) * (n * n - 3.0 * n + 3.0) * diff * diff / n)),
        );
    }

    /// Average, sum, variance, skew and kurtosis as snapml reports them.
    fn report(&self) -> [f64; 5] {
        let n = f64::from(self.n);
        let zero = self.n == 0 || (self.m2 / (n * self.avg * self.avg)).abs() < ZERO_THRESHOLD;
        let (var, skew, kurtosis) = if zero {
            (0.0, 0.0, 0.0)
        } else {
            (self.m2 / n, finite(n.sqrt() * self.m3 / self.m2.powf(1.5)), finite(n * self.m4 / (self.m2 * self.m2)))
        };
        [self.avg, self.sum, var, skew, kurtosis]
    }
}

/// Final statistics of every vertex, outgoing and incoming.
pub struct VertexStats {
    /// Per vertex: outgoing then incoming, `STATISTICS.len()` values each.
    values: Vec<[f64; 16]>,
}

impl VertexStats {
    pub(super) fn new(edges: &Edges<'_>, vertices: usize) -> VertexStats {
        let mut moments = vec![[Moments::default(); 2]; vertices];
        let mut neighbours: Vec<[Vec<u32>; 2]> = vec![[Vec::new(), Vec::new()]; vertices];
        for ((&source, &target), &time) in edges.source.iter().zip(edges.target).zip(edges.time) {
            // snapml reads every column as a double.
            let value = time as f64;
            moments[source as usize][0].insert(value);
            moments[target as usize][1].insert(value);
            neighbours[source as usize][0].push(target);
            neighbours[target as usize][1].push(source);
        }
        let values = moments
            .iter()
            .zip(&mut neighbours)
            .map(|(moments, neighbours)| {
                let mut row = [0.0; 16];
                for direction in 0..2 {
                    let list = &mut neighbours[direction];
                    let degree = list.len();
                    list.sort_unstable();
                    list.dedup();
                    let fan = list.len();
                    let ratio = if degree == 0 { 0.0 } else { degree as f64 / fan as f64 };
                    let [avg, sum, var, skew, kurtosis] = moments[direction].report();
                    row[direction * 8..direction * 8 + 8].copy_from_slice(&[
                        fan as f64,
                        degree as f64,
                        ratio,
                        avg,
                        sum,
                        var,
                        skew,
                        kurtosis,
                    ]);
                }
                row
            })
            .collect();
        VertexStats { values }
    }

    /// Column names, `GROUPS` × `STATISTICS`.
    pub fn columns() -> Vec<String> {
        GROUPS.iter().flat_map(|group| STATISTICS.iter().map(move |name| format!("{group}_{name}"))).collect()
    }

    /// An edge's 32 values: its source's then its target's statistics.
    pub fn row(&self, source: u32, target: u32) -> [f64; 32] {
        let mut row = [0.0; 32];
        row[..16].copy_from_slice(&self.values[source as usize]);
        row[16..].copy_from_slice(&self.values[target as usize]);
        row
    }
}
