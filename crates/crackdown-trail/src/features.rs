//! Per-transaction graph-pattern features, compatible with Snap ML's
//! `GraphFeaturePreprocessor.transform` on a fresh preprocessor with the
//! whole edge list in one call (edges sorted by time).
//!
//! Definitions (established by probing snapml 1.17 and checked by
//! `tests/snapml/compare.py` on 100,000+ random edges). Edges are inserted in
//! order; the window of an edge arriving at time `t` is `(t - tw, t]` over the
//! edges inserted so far and those of the same time. Self-loops are in no
//! pattern, but their arrival still evaluates their vertex's fan and degree.
//! A pattern of size `S` adds one to one bin of every edge in it: the last
//! bin when `S >= bins[last]`, otherwise the first `i` with `S <= bins[i]`
//! (snapml's `binCounts`; its Python docstring's `bins[i] <= S < bins[i+1]`
//! is not what it computes). Patterns of size 1 are not counted.
//! * fan-in/out: on each arrival, the edges into the target (out of the
//!   source) in the window form a pattern whose size is the number of distinct
//!   neighbours; degree-in/out the same with the number of edges.
//! * scatter-gather: evaluated from both ends of every edge over its window
//!   `[t - tw, t]`, void when a pair involved has a later edge (see
//!   `scatter_gather`); size = number of intermediates. Definitions follow
//!   snapml's published C++ source (`computeScatterGatherBatchAPI`).
//! * temporal and length-constrained cycles: each edge closes the cycles it
//!   is the last edge of; one pattern per vertex sequence with every
//!   parallel edge that takes part (see `cycles`).
//!
//! Vertex statistics follow in `VertexStats`, over the timestamp column only.
//! Counts are dense `u32`: 4 bytes × columns × edges; statistics are kept
//! per vertex and expanded per edge on output.

use rustc_hash::FxHashMap;

mod cycles;
mod vertex_stats;

pub use vertex_stats::VertexStats;

/// Window (in the timestamps' unit, seconds for ledgers) and histogram bins of one pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternConfig {
    pub window: i64,
    pub bins: Vec<u32>,
}

impl PatternConfig {
    /// snapml's bin of a pattern of `size`: the last bin from its value on,
    /// otherwise the first bin whose value is at least `size` (so with
    /// bins 2, 4, 8 a size of 3 or 4 counts in the bin of 4, not of 2, and
    /// sizes below the first value in the first bin).
    fn bin(&self, size: usize) -> Option<usize> {
        if size < 2 {
            return None;
        }
        let size = u32::try_from(size).unwrap_or(u32::MAX);
        let last = self.bins.len().checked_sub(1)?;
        if size >= self.bins[last] {
            return Some(last);
        }
        Some(self.bins.partition_point(|&bin| bin < size))
    }
}

/// Which patterns to compute; `None` leaves a pattern out, as snapml's `<pattern>: False`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureConfig {
    pub fan: Option<PatternConfig>,
    pub degree: Option<PatternConfig>,
    pub scatter_gather: Option<PatternConfig>,
    pub temporal_cycle: Option<PatternConfig>,
    pub length_cycle: Option<(PatternConfig, usize)>,
    /// snapml's `vertex_stats` with its default columns and statistics (see `VertexStats`).
    pub vertex_stats: bool,
}

fn bins_2_to_30() -> Vec<u32> {
    (2..=30).collect()
}

impl Default for FeatureConfig {
    /// snapml's defaults (fan 12 h, scatter-gather 120 h, temporal cycles
    /// 480 h, length-constrained cycles 240 h with length 10), with all five
    /// patterns switched on and timestamps in seconds.
    fn default() -> Self {
        FeatureConfig {
            fan: Some(PatternConfig { window: 12 * 3600, bins: bins_2_to_30() }),
            degree: Some(PatternConfig { window: 12 * 3600, bins: bins_2_to_30() }),
            scatter_gather: Some(PatternConfig { window: 120 * 3600, bins: bins_2_to_30() }),
            temporal_cycle: Some(PatternConfig { window: 480 * 3600, bins: bins_2_to_30() }),
            length_cycle: Some((PatternConfig { window: 240 * 3600, bins: (2..=10).collect() }, 10)),
            vertex_stats: true,
        }
    }
}

/// snapml's names of the patterns, in its column order.
pub const PATTERN_NAMES: [&str; 6] = ["fan", "degree", "scatter-gather", "temp-cycle", "lc-cycle", "vertex-stats"];

impl FeatureConfig {
    /// snapml's defaults restricted to the patterns named (snapml's names,
    /// see `PATTERN_NAMES`), and length-constrained cycles of at most
    /// `cycle_length` vertices. Errs naming the first unknown pattern.
    pub fn with_patterns<'p>(
        patterns: impl IntoIterator<Item = &'p str>,
        cycle_length: usize,
    ) -> Result<FeatureConfig, String> {
        let mut chosen: Vec<&str> = Vec::new();
        for name in patterns {
            let name = name.trim();
            if !PATTERN_NAMES.contains(&name) {
                return Err(format!("unknown pattern {name:?}: expected some of {}", PATTERN_NAMES.join(", ")));
            }
            chosen.push(name);
        }
        let wanted = |name: &str| chosen.contains(&name);
        let defaults = FeatureConfig::default();
        let length_cycle = defaults.length_cycle.filter(|_| wanted("lc-cycle")).map(|(mut pattern, _)| {
            pattern.bins = (2..=u32::try_from(cycle_length).unwrap_or(u32::MAX).max(2)).collect();
            (pattern, cycle_length)
        });
        Ok(FeatureConfig {
            fan: defaults.fan.filter(|_| wanted("fan")),
            degree: defaults.degree.filter(|_| wanted("degree")),
            scatter_gather: defaults.scatter_gather.filter(|_| wanted("scatter-gather")),
            temporal_cycle: defaults.temporal_cycle.filter(|_| wanted("temp-cycle")),
            length_cycle,
            vertex_stats: wanted("vertex-stats"),
        })
    }
}

/// Edges in processing order (sorted by time, ties by row).
pub struct Edges<'a> {
    pub source: &'a [u32],
    pub target: &'a [u32],
    pub time: &'a [i64],
}

/// Feature counts, one row of `columns.len()` per edge, and the vertex
/// statistics the edges' rows continue with (snapml's column order).
pub struct FeatureMatrix {
    pub columns: Vec<String>,
    pub counts: Vec<u32>,
    pub vertex_stats: Option<VertexStats>,
}

impl FeatureMatrix {
    pub fn row(&self, edge: usize) -> &[u32] {
        let width = self.columns.len();
        &self.counts[edge * width..(edge + 1) * width]
    }
}

/// One block of columns: a pattern's histogram.
struct Block<'c> {
    name: &'static str,
    config: &'c PatternConfig,
    offset: usize,
}

/// Computes the features on `threads` threads.
pub fn graph_features(edges: &Edges<'_>, config: &FeatureConfig, threads: usize) -> FeatureMatrix {
    let mut blocks = Vec::new();
    let mut columns = Vec::new();
    let mut add = |name: &'static str, pattern: &Option<PatternConfig>| -> Option<usize> {
        let pattern = pattern.as_ref()?;
        let offset = columns.len();
        for &bin in &pattern.bins {
            columns.push(format!("{name}_{bin}"));
        }
        Some(offset)
    };
    let fan_in = add("fan_in", &config.fan);
    let fan_out = add("fan_out", &config.fan);
    let degree_in = add("degree_in", &config.degree);
    let degree_out = add("degree_out", &config.degree);
    let scatter = add("scatter_gather", &config.scatter_gather);
    let temporal = add("temporal_cycle", &config.temporal_cycle);
    let length_pattern = config.length_cycle.as_ref().map(|(pattern, _)| pattern.clone());
    let length = add("lc_cycle", &length_pattern);
    for (name, offset, pattern) in [
        ("fan_in", fan_in, &config.fan),
        ("fan_out", fan_out, &config.fan),
        ("degree_in", degree_in, &config.degree),
        ("degree_out", degree_out, &config.degree),
    ] {
        if let (Some(offset), Some(pattern)) = (offset, pattern) {
            blocks.push(Block { name, config: pattern, offset });
        }
    }
    let width = columns.len();
    let count = edges.source.len();
    let mut counts = vec![0u32; count * width];
    let graph = Graph::new(edges);
    let threads = threads.max(1);
    // Star patterns are independent per vertex; the other three are independent
    // of each other. Each task writes a private matrix slice, merged below.
    let tasks: Vec<Task> = blocks.iter().map(Task::Star).chain(scatter.map(Task::ScatterGather)).collect();
    let mut results: Vec<Vec<(usize, Vec<u32>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|thread| {
                let tasks = &tasks;
                let graph = &graph;
                scope.spawn(move || {
                    tasks
                        .iter()
                        .enumerate()
                        .filter(|(index, _)| index % threads == thread)
                        .map(|(_, task)| task.run(graph, config))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap_or_default()).collect()
    });
    // Cycle searches dominate; each spreads its closing edges over all threads.
    if temporal.is_some() || length.is_some() {
        let cycle_graph = cycles::CycleGraph::new(edges, graph.vertices());
        if let (Some(offset), Some(pattern)) = (temporal, &config.temporal_cycle) {
            results.push(vec![(offset, cycles::count(&cycle_graph, pattern, cycles::Kind::Temporal, threads))]);
        }
        if let (Some(offset), Some((pattern, limit))) = (length, &config.length_cycle) {
            let counts = cycles::count(&cycle_graph, pattern, cycles::Kind::Length(*limit), threads);
            results.push(vec![(offset, counts)]);
        }
    }
    for (offset, block) in results.into_iter().flatten() {
        let bins = block.len() / count.max(1);
        for edge in 0..count {
            let row = &mut counts[edge * width + offset..edge * width + offset + bins];
            row.copy_from_slice(&block[edge * bins..(edge + 1) * bins]);
        }
    }
    let vertex_stats = config.vertex_stats.then(|| VertexStats::new(edges, graph.vertices()));
    FeatureMatrix { columns, counts, vertex_stats }
}

enum Task<'c> {
    Star(&'c Block<'c>),
    ScatterGather(usize),
}

impl Task<'_> {
    /// Returns the block's offset and its counts, `bins` per edge.
    fn run(&self, graph: &Graph<'_>, config: &FeatureConfig) -> (usize, Vec<u32>) {
        match self {
            Task::Star(block) => (block.offset, stars(graph, block)),
            Task::ScatterGather(offset) => (
                *offset,
                scatter_gather(graph, config.scatter_gather.as_ref().expect("task exists only when configured")),
            ),
        }
    }
}

/// Adjacency by vertex, each list in edge order, self-loops included: a
/// self-loop is never part of a fan or degree pattern, but its arrival still
/// makes snapml evaluate its vertex's window.
struct Graph<'a> {
    edges: &'a Edges<'a>,
    out_start: Vec<usize>,
    out_edges: Vec<u32>,
    in_start: Vec<usize>,
    in_edges: Vec<u32>,
}

impl<'a> Graph<'a> {
    fn new(edges: &'a Edges<'a>) -> Graph<'a> {
        let vertices = edges.source.iter().chain(edges.target).max().map_or(0, |&max| max as usize + 1);
        let csr = |keys: &[u32]| {
            let mut start = vec![0usize; vertices + 1];
            for &key in keys {
                start[key as usize + 1] += 1;
            }
            for vertex in 0..vertices {
                start[vertex + 1] += start[vertex];
            }
            let mut cursor = start.clone();
            let mut list = vec![0u32; start[vertices]];
            for (edge, &key) in keys.iter().enumerate() {
                list[cursor[key as usize]] = edge as u32;
                cursor[key as usize] += 1;
            }
            (start, list)
        };
        let (out_start, out_edges) = csr(edges.source);
        let (in_start, in_edges) = csr(edges.target);
        Graph { edges, out_start, out_edges, in_start, in_edges }
    }

    fn vertices(&self) -> usize {
        self.out_start.len() - 1
    }

    fn outgoing(&self, vertex: u32) -> &[u32] {
        &self.out_edges[self.out_start[vertex as usize]..self.out_start[vertex as usize + 1]]
    }

    fn incoming(&self, vertex: u32) -> &[u32] {
        &self.in_edges[self.in_start[vertex as usize]..self.in_start[vertex as usize + 1]]
    }
}

fn stars(graph: &Graph<'_>, block: &Block<'_>) -> Vec<u32> {
    let bins = block.config.bins.len();
    let count = graph.edges.source.len();
    let mut out = vec![0u32; count * bins];
    let incoming = block.name.ends_with("_in");
    let distinct = block.name.starts_with("fan");
    let window = block.config.window;
    let mut neighbours: FxHashMap<u32, u32> = FxHashMap::default();
    let mut difference: Vec<i64> = Vec::new();
    for vertex in 0..graph.vertices() as u32 {
        let list = if incoming { graph.incoming(vertex) } else { graph.outgoing(vertex) };
        let looped = |edge: u32| graph.edges.source[edge as usize] == graph.edges.target[edge as usize];
        if list.len() < 2 {
            continue;
        }
        neighbours.clear();
        difference.clear();
        difference.resize((list.len() + 1) * bins, 0);
        let neighbour = |edge: u32| {
            if incoming { graph.edges.source[edge as usize] } else { graph.edges.target[edge as usize] }
        };
        let mut low = 0;
        let mut members = 0usize;
        let mut current = 0;
        // Edges of equal time arrive together: each sees all of them.
        while current < list.len() {
            let time = graph.edges.time[list[current] as usize];
            let mut high = current;
            while high + 1 < list.len() && graph.edges.time[list[high + 1] as usize] == time {
                high += 1;
            }
            while graph.edges.time[list[low] as usize] <= time - window {
                if !looped(list[low]) {
                    members -= 1;
                }
                if distinct && !looped(list[low]) {
                    let key = neighbour(list[low]);
                    if let Some(seen) = neighbours.get_mut(&key) {
                        *seen -= 1;
                        if *seen == 0 {
                            neighbours.remove(&key);
                        }
                    }
                }
                low += 1;
            }
            for &edge in &list[current..=high] {
                if !looped(edge) {
                    members += 1;
                    if distinct {
                        *neighbours.entry(neighbour(edge)).or_insert(0) += 1;
                    }
                }
            }
            let size = if distinct { neighbours.len() } else { members };
            if let Some(bin) = block.config.bin(size) {
                let triggers = (high + 1 - current) as i64;
                difference[low * bins + bin] += triggers;
                difference[(high + 1) * bins + bin] -= triggers;
            }
            current = high + 1;
        }
        let mut running = vec![0i64; bins];
        for (position, &edge) in list.iter().enumerate() {
            let member = !looped(edge);
            for bin in 0..bins {
                running[bin] += difference[position * bins + bin];
                if member {
                    out[edge as usize * bins + bin] = running[bin] as u32;
                }
            }
        }
    }
    out
}

/// Every edge between one ordered pair of vertices, in time order.
struct Pair {
    times: Vec<i64>,
    edges: Vec<u32>,
}

impl Pair {
    fn latest(&self) -> i64 {
        self.times.last().copied().unwrap_or(i64::MIN)
    }

    /// The pair's edges at or after `earliest` (none of them later than the evaluation).
    fn since(&self, earliest: i64) -> &[u32] {
        &self.edges[self.times.partition_point(|&time| time < earliest)..]
    }
}

/// A vertex's pair with one neighbour: `(latest edge time, neighbour, pair)`.
type Leg = (i64, u32, u32);

/// The graph grouped by vertex pair. Each vertex's pairs are sorted by their
/// latest edge, so the legs alive in a window are a slice found by binary
/// search rather than a scan of every counterparty of a busy account.
struct Pairs {
    pairs: Vec<Pair>,
    index: FxHashMap<(u32, u32), u32>,
    outgoing: Vec<Vec<Leg>>,
    incoming: Vec<Vec<Leg>>,
}

impl Pairs {
    fn new(edges: &Edges<'_>, vertices: usize) -> Pairs {
        let mut index: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        let mut pairs: Vec<Pair> = Vec::new();
        for edge in 0..edges.source.len() {
            let (from, to) = (edges.source[edge], edges.target[edge]);
            let id = *index.entry((from, to)).or_insert_with(|| {
                pairs.push(Pair { times: Vec::new(), edges: Vec::new() });
                (pairs.len() - 1) as u32
            });
            pairs[id as usize].times.push(edges.time[edge]);
            pairs[id as usize].edges.push(edge as u32);
        }
        let mut outgoing: Vec<Vec<Leg>> = vec![Vec::new(); vertices];
        let mut incoming: Vec<Vec<Leg>> = vec![Vec::new(); vertices];
        for (&(from, to), &id) in &index {
            let latest = pairs[id as usize].latest();
            outgoing[from as usize].push((latest, to, id));
            incoming[to as usize].push((latest, from, id));
        }
        for legs in outgoing.iter_mut().chain(incoming.iter_mut()) {
            legs.sort_unstable();
        }
        Pairs { pairs, index, outgoing, incoming }
    }

    fn pair(&self, from: u32, to: u32) -> Option<(i64, u32)> {
        let &id = self.index.get(&(from, to))?;
        Some((self.pairs[id as usize].latest(), id))
    }
}

/// The legs whose latest edge lies in `[earliest, upper]`.
fn legs_between(legs: &[Leg], earliest: i64, upper: i64) -> &[Leg] {
    let low = legs.partition_point(|leg| leg.0 < earliest);
    let high = low + legs[low..].partition_point(|leg| leg.0 <= upper);
    &legs[low..high]
}

/// Scatter-gather as snapml evaluates it, on the whole edge list at once.
/// Each edge `u->v` at time `t` evaluates, over `[t - tw, t]`:
/// * forward (`u` scatters, `v` an intermediate): for every `w` that `v`
///   pays (pair latest `>= t - tw`, `w` not `u` or `v`), the intermediates
///   `m` with pairs `u->m` (`m != u`, latest `>= t - tw`) and `m->w`;
/// * backward (`v` gathers, `u` an intermediate): for every `w` paying `u`
///   (`w` not `u` or `v`), the intermediates `m` with `m->v` (`m != v`) and `w->m`.
///
/// A pair whose latest edge is later than `t` voids the evaluation of that
/// `w` (the pattern is counted at its last edge instead); a second leg whose
/// latest edge is before `t - tw` does not count. With at least two
/// intermediates, every edge of both legs inside the window gets one
/// pattern of that size. Pair latests count over the whole list, later
/// edges included, as snapml inserts the batch before evaluating it.
///
/// Two consequences keep busy accounts from making this quadratic: the
/// edge's own pair is a leg of every `w` (so an edge that is not its pair's
/// latest evaluates nothing, and a `w` whose leg through the edge's own
/// intermediate is later than `t` is void), and the intermediates of one `w`
/// are found from whichever side has fewer pairs.
fn scatter_gather(graph: &Graph<'_>, config: &PatternConfig) -> Vec<u32> {
    let bins = config.bins.len();
    let edges = graph.edges;
    let count = edges.source.len();
    let mut out = vec![0u32; count * bins];
    let pairs = Pairs::new(edges, graph.vertices());
    let mut pattern: Vec<u32> = Vec::new();
    for edge in 0..count {
        let (from, to, time) = (edges.source[edge], edges.target[edge], edges.time[edge]);
        let looped = from == to;
        if !looped && pairs.pair(from, to).is_some_and(|(latest, _)| latest > time) {
            continue;
        }
        let earliest = time.saturating_sub(config.window);
        // A self-loop is not its own intermediate, so its later second legs need not void.
        let upper = if looped { i64::MAX } else { time };
        for forward in [true, false] {
            // Forward: the first legs leave `from` (the scatterer) and the second legs
            // leave each middle towards `w`, one of `to`'s payees. Backward: the first
            // legs enter `to` (the gatherer) and the second legs run from `w`, one of
            // `from`'s payers, to each middle.
            let (anchor, first_legs, ends) = if forward {
                (from, legs_between(&pairs.outgoing[from as usize], earliest, i64::MAX), &pairs.outgoing[to as usize])
            } else {
                (to, legs_between(&pairs.incoming[to as usize], earliest, i64::MAX), &pairs.incoming[from as usize])
            };
            for &(_, w, _) in legs_between(ends, earliest, upper) {
                if w == to || w == from {
                    continue;
                }
                // The second legs of `w`: into it (forward) or out of it (backward).
                let second_side = if forward { &pairs.incoming[w as usize] } else { &pairs.outgoing[w as usize] };
                let mut middles = 0usize;
                let mut void = false;
                pattern.clear();
                let mut meet = |first: (i64, u32), second: (i64, u32)| -> bool {
                    if first.0 > time || second.0 > time {
                        void = true;
                        return false;
                    }
                    if second.0 >= earliest {
                        middles += 1;
                        pattern.extend_from_slice(pairs.pairs[second.1 as usize].since(earliest));
                        pattern.extend_from_slice(pairs.pairs[first.1 as usize].since(earliest));
                    }
                    true
                };
                if first_legs.len() <= second_side.len() {
                    for &(first_latest, middle, first) in first_legs {
                        if middle == anchor {
                            continue;
                        }
                        let second = if forward { pairs.pair(middle, w) } else { pairs.pair(w, middle) };
                        if let Some(second) = second
                            && !meet((first_latest, first), second)
                        {
                            break;
                        }
                    }
                } else {
                    for &(second_latest, middle, second) in second_side {
                        if middle == anchor {
                            continue;
                        }
                        let first = if forward { pairs.pair(from, middle) } else { pairs.pair(middle, to) };
                        if let Some(first) = first.filter(|first| first.0 >= earliest)
                            && !meet(first, (second_latest, second))
                        {
                            break;
                        }
                    }
                }
                if void || middles < 2 {
                    continue;
                }
                if let Some(bin) = config.bin(middles) {
                    for &member in &pattern {
                        out[member as usize * bins + bin] += 1;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scatter-gather counts of bin 2 and 3 per edge for `(source, target, time)` edges,
    /// window 100 and bins [2, 3, 4, 5]; the expectations were read off snapml 1.17.
    fn scatter_gather_counts(list: &[(u32, u32, i64)], window: i64) -> Vec<[u32; 2]> {
        let source: Vec<u32> = list.iter().map(|e| e.0).collect();
        let target: Vec<u32> = list.iter().map(|e| e.1).collect();
        let time: Vec<i64> = list.iter().map(|e| e.2).collect();
        let config = FeatureConfig {
            fan: None,
            degree: None,
            scatter_gather: Some(PatternConfig { window, bins: vec![2, 3, 4, 5] }),
            temporal_cycle: None,
            length_cycle: None,
            vertex_stats: false,
        };
        let matrix = graph_features(&Edges { source: &source, target: &target, time: &time }, &config, 1);
        (0..list.len()).map(|edge| [matrix.row(edge)[0], matrix.row(edge)[1]]).collect()
    }

    /// Per edge, the temporal (`temporal`) or length-constrained cycle counts
    /// at snapml's default windows and bins, for `(source, target, time)` edges.
    fn cycle_counts(list: &[(u32, u32, i64)], temporal: bool) -> Vec<Vec<u32>> {
        let source: Vec<u32> = list.iter().map(|e| e.0).collect();
        let target: Vec<u32> = list.iter().map(|e| e.1).collect();
        let time: Vec<i64> = list.iter().map(|e| e.2).collect();
        let defaults = FeatureConfig::default();
        let config = FeatureConfig {
            fan: None,
            degree: None,
            scatter_gather: None,
            temporal_cycle: if temporal { defaults.temporal_cycle } else { None },
            length_cycle: if temporal { None } else { defaults.length_cycle },
            vertex_stats: false,
        };
        let matrix = graph_features(&Edges { source: &source, target: &target, time: &time }, &config, 2);
        (0..list.len()).map(|edge| matrix.row(edge).to_vec()).collect()
    }

    /// Column `bin` of every row.
    fn column(rows: &[Vec<u32>], bin: usize) -> Vec<u32> {
        rows.iter().map(|row| row[bin]).collect()
    }

    #[test]
    fn cycles_follow_snapml() {
        // Expectations read off snapml 1.17. Parallel edges bundle: each
        // closing edge at 40 counts the 3-cycles 0->1->2->0 through the hop
        // edges that keep times increasing (1->2 at 15 only after 0->1 at 10).
        let bundle = [(0, 1, 10), (0, 1, 20), (1, 2, 15), (1, 2, 30), (2, 0, 40), (2, 0, 40), (1, 0, 50)];
        for temporal in [true, false] {
            let rows = cycle_counts(&bundle, temporal);
            assert_eq!(column(&rows, 0), [1, 1, 0, 0, 0, 0, 1], "2-cycles, temporal {temporal}");
            assert_eq!(column(&rows, 1), [2, 2, 2, 2, 1, 1, 0], "3-cycles, temporal {temporal}");
        }
        // Length-constrained hops take edges at the closing edge's own time only
        // when its target's vertex index (order of first appearance) is not above
        // the cycle's start; temporal hops never do.
        let tied = [(5, 3, 100), (3, 5, 100), (3, 7, 100), (7, 5, 100)];
        let rows = cycle_counts(&tied, false);
        assert_eq!((column(&rows, 0), column(&rows, 1)), (vec![1, 1, 0, 0], vec![1, 0, 1, 1]));
        assert!(cycle_counts(&tied, true).iter().flatten().all(|&count| count == 0));
        // A 10-cycle whose closing edge's source is 9 hops from its target, in any time order.
        let ring = [
            (121, 986, 510_732),
            (1341, 121, 519_785),
            (1615, 2, 556_936),
            (381, 1341, 611_769),
            (986, 1114, 660_089),
            (231, 1615, 694_219),
            (1998, 381, 697_971),
            (1142, 231, 734_211),
            (2, 1998, 754_262),
            (1114, 1142, 828_336),
        ];
        let rows = cycle_counts(&ring, false);
        assert!(rows.iter().all(|row| row[..8].iter().all(|&count| count == 0) && row[8] == 1), "{rows:?}");
    }

    #[test]
    fn a_cycle_is_found_whichever_reach_search_finishes_first() {
        // `0` pays twenty accounts that all pay `30`: the search forwards from `0`
        // is the big one, the one backwards from `21` (paid only by `5`) ends first.
        let mut list: Vec<(u32, u32, i64)> = (1..=20).map(|i| (0, i, i64::from(i))).collect();
        list.extend((1..=20).map(|i| (i, 30, 30 + i64::from(i))));
        list.extend([(5, 21, 55), (21, 0, 60)]);
        // And the other way round: `40` pays only `41`, which a crowd pays, and `41` pays `42`.
        list.extend((50..70).map(|i| (i, 41, 60 + i64::from(i))));
        list.extend([(40, 41, 61), (41, 42, 140), (42, 40, 150)]);
        list.sort_by_key(|&(_, _, time)| time);
        let on_cycle = |&(from, to, _): &(u32, u32, i64)| {
            matches!((from, to), (0, 5) | (5, 21) | (21, 0) | (40, 41) | (41, 42) | (42, 40))
        };
        for temporal in [true, false] {
            let rows = cycle_counts(&list, temporal);
            let expected: Vec<u32> = list.iter().map(|edge| u32::from(on_cycle(edge))).collect();
            assert_eq!(column(&rows, 1), expected, "3-cycles, temporal {temporal}");
            assert!(rows.iter().all(|row| row.iter().sum::<u32>() == row[1]), "only 3-cycles");
        }
    }

    #[test]
    fn vertex_statistics_follow_snapml() {
        // Read off snapml 1.17 (timestamps column, default statistics): every
        // edge gets its vertices' statistics over the whole list.
        let (source, target, time) = ([1, 1, 1], [2, 3, 2], [0, 10, 30]);
        let config = FeatureConfig {
            fan: None,
            degree: None,
            scatter_gather: None,
            temporal_cycle: None,
            length_cycle: None,
            vertex_stats: true,
        };
        let matrix = graph_features(&Edges { source: &source, target: &target, time: &time }, &config, 1);
        let stats = matrix.vertex_stats.expect("configured");
        let first = stats.row(1, 2);
        assert_eq!(first[..6], [2.0, 3.0, 1.5, 40.0 / 3.0, 40.0, 1400.0 / 9.0]);
        assert!(first[8..16].iter().all(|&value| value == 0.0), "vertex 1 receives nothing");
        assert_eq!(first[24..30], [1.0, 2.0, 2.0, 15.0, 30.0, 225.0]);
        assert_eq!(stats.row(1, 3)[24..30], [1.0, 1.0, 1.0, 10.0, 10.0, 0.0]);
    }

    #[test]
    fn patterns_are_chosen_by_snapml_name() {
        let all = FeatureConfig::with_patterns(PATTERN_NAMES, 10).expect("known names");
        assert_eq!(all, FeatureConfig::default());
        let some = FeatureConfig::with_patterns(["fan", " lc-cycle"], 4).expect("known names");
        assert!(some.fan.is_some() && some.degree.is_none() && some.temporal_cycle.is_none() && !some.vertex_stats);
        let (pattern, limit) = some.length_cycle.expect("chosen");
        assert_eq!((pattern.bins, limit), (vec![2, 3, 4], 4));
        let error = FeatureConfig::with_patterns(["fan", "cycles"], 10).expect_err("unknown name");
        assert!(error.contains("\"cycles\"") && error.contains("temp-cycle"), "{error}");
    }

    #[test]
    fn bins_follow_snapml_bin_counts() {
        // Read off snapml 1.17 with fan bins [1, 4, 8]: fans of 2 to 4 count in
        // the bin of 4, fans of 5 and more in the last.
        let pattern = PatternConfig { window: 100, bins: vec![1, 4, 8] };
        let bins: Vec<Option<usize>> = (1..=9).map(|size| pattern.bin(size)).collect();
        assert_eq!(bins, [None, Some(1), Some(1), Some(1), Some(2), Some(2), Some(2), Some(2), Some(2)]);
        let consecutive = PatternConfig { window: 100, bins: vec![3, 4, 5] };
        assert_eq!(consecutive.bin(2), Some(0), "sizes below the first bin count in it");
    }

    #[test]
    fn scatter_gather_follows_snapml() {
        // One pattern per pair, at its final size, whatever the order of the legs.
        let three = scatter_gather_counts(&[(0, 1, 1), (0, 2, 2), (1, 9, 3), (2, 9, 4), (0, 3, 5), (3, 9, 6)], 100);
        assert_eq!(three, vec![[0, 1]; 6]);
        assert_eq!(scatter_gather_counts(&[(1, 9, 1), (2, 9, 2), (0, 1, 3), (0, 2, 4)], 100), vec![[1, 0]; 4]);
        // A source's self-loop makes it its own intermediate; a target's does not.
        assert_eq!(scatter_gather_counts(&[(0, 0, 1), (0, 9, 2), (0, 1, 3), (1, 9, 4)], 100), vec![[1, 0]; 4]);
        assert_eq!(scatter_gather_counts(&[(0, 9, 1), (9, 9, 2), (0, 1, 3), (1, 9, 4)], 100), vec![[0, 0]; 4]);
        // ... but not when the pair's last trigger is the source's scatter edge.
        assert_eq!(scatter_gather_counts(&[(0, 9, 1), (0, 0, 2), (1, 9, 3), (0, 1, 4)], 100), vec![[0, 0]; 4]);
        // A later trigger whose other leg left the window voids the pair.
        let base = [(6, 4, 103), (3, 0, 122), (4, 0, 143), (6, 3, 154)];
        let mut voided = vec![(7, 0, 60)];
        voided.extend(base);
        voided.push((6, 7, 193));
        assert_eq!(scatter_gather_counts(&voided, 120), vec![[0, 0]; 6]);
        let mut grown = vec![(7, 0, 80)];
        grown.extend(base);
        grown.push((6, 7, 193));
        assert_eq!(scatter_gather_counts(&grown, 120), vec![[0, 1]; 6]);
        // Triggers of one time all count.
        let tied = scatter_gather_counts(&[(1, 2, 38), (4, 5, 84), (2, 5, 133), (1, 4, 133)], 120);
        assert_eq!(tied, vec![[2, 0]; 4]);
    }
}
