//! Temporal and length-constrained cycles exactly as snapml's
//! `GraphFeaturePreprocessor` counts them (its `ParallelCycleEnumerator`
//! run on the whole edge list as one batch, searching backwards from each
//! edge, `invEdges`).
//!
//! Every edge `e = u->v` at time `T` (not a self-loop) closes the cycles it
//! is the last edge of, found by walking in-edges backwards from `u` to `v`
//! along simple vertex sequences. snapml reports one *bundle* per vertex
//! sequence: the sequence and, per hop, the parallel edges that take part.
//! Every edge of a bundle gets one count in the bin of the sequence's vertex
//! count; `e` is the only edge of the first hop (a parallel edge of the same
//! pair closes its own bundles).
//! * Temporal cycles: hop times strictly decrease backwards from `T`, all
//!   `>= T - tw`, no length limit. A hop counts the edges that lie on at
//!   least one such time-respecting path of the sequence (snapml's
//!   `recordBundledCycle`): the earliest hop those in `[T - tw, h)`, where
//!   `h` is the latest usable time of the next hop, and each later hop those
//!   after the earliest counted time of the hop before it.
//! * Length-constrained cycles: at most `len` vertices, every hop with an edge
//!   in `[T - tw, T]`, all of those counted. An edge at exactly `T` counts
//!   only when `v`'s vertex index is not below the hop's target's (snapml's
//!   `getTimeInterval` tie rule); indices are in order of first appearance.
//!
//! snapml prunes with Johnson-style closing times and barriers; here an
//! earliest-arrival (temporal) or hop-distance (length) search from `v`
//! prunes instead. Both only skip branches without a cycle, so the bundles
//! are the same. Closing edges are independent: threads take them in chunks
//! and add into shared atomic counters.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use super::{Edges, PatternConfig};

/// Closing edges a thread takes at a time.
const CHUNK: usize = 64;

/// Edges grouped by vertex and neighbour (self-loops left out), each group
/// in time order: snapml's compressed adjacency.
pub(super) struct Grouped {
    /// Per vertex, its groups: `vertex_start[v]..vertex_start[v + 1]`.
    vertex_start: Vec<u32>,
    neighbour: Vec<u32>,
    /// Per group, its edges: `group_start[g]..group_start[g + 1]`.
    group_start: Vec<u32>,
    times: Vec<i64>,
    ids: Vec<u32>,
}

impl Grouped {
    /// Groups by `key` (the vertex) and `other` (the neighbour).
    pub(super) fn new(key: &[u32], other: &[u32], time: &[i64], vertices: usize) -> Grouped {
        let mut order: Vec<u32> = (0..key.len() as u32).filter(|&e| key[e as usize] != other[e as usize]).collect();
        order.sort_unstable_by_key(|&e| (key[e as usize], other[e as usize], time[e as usize], e));
        let mut vertex_start = vec![0u32; vertices + 1];
        let mut neighbour = Vec::new();
        let mut group_start = Vec::new();
        let mut previous: Option<(u32, u32)> = None;
        for (position, &edge) in order.iter().enumerate() {
            let pair = (key[edge as usize], other[edge as usize]);
            if previous != Some(pair) {
                vertex_start[pair.0 as usize + 1] += 1;
                neighbour.push(pair.1);
                group_start.push(position as u32);
                previous = Some(pair);
            }
        }
        group_start.push(order.len() as u32);
        for vertex in 0..vertices {
            vertex_start[vertex + 1] += vertex_start[vertex];
        }
        let times = order.iter().map(|&e| time[e as usize]).collect();
        Grouped { vertex_start, neighbour, group_start, times, ids: order }
    }

    fn groups(&self, vertex: u32) -> std::ops::Range<usize> {
        self.vertex_start[vertex as usize] as usize..self.vertex_start[vertex as usize + 1] as usize
    }

    fn times(&self, group: usize) -> &[i64] {
        &self.times[self.group_start[group] as usize..self.group_start[group + 1] as usize]
    }

    fn ids(&self, group: usize) -> &[u32] {
        &self.ids[self.group_start[group] as usize..self.group_start[group + 1] as usize]
    }
}

/// Which cycles to count.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Temporal,
    /// At most this many vertices.
    Length(usize),
}

/// The two adjacencies and the vertex indices the searches use.
pub(super) struct CycleGraph<'a> {
    pub(super) edges: &'a Edges<'a>,
    pub(super) incoming: Grouped,
    pub(super) outgoing: Grouped,
    /// snapml's vertex index: order of first appearance (source before target).
    pub(super) rank: Vec<u32>,
}

impl<'a> CycleGraph<'a> {
    pub(super) fn new(edges: &'a Edges<'a>, vertices: usize) -> CycleGraph<'a> {
        let mut rank = vec![u32::MAX; vertices];
        let mut next = 0u32;
        for (&source, &target) in edges.source.iter().zip(edges.target) {
            for vertex in [source, target] {
                if rank[vertex as usize] == u32::MAX {
                    rank[vertex as usize] = next;
                    next += 1;
                }
            }
        }
        CycleGraph {
            edges,
            incoming: Grouped::new(edges.target, edges.source, edges.time, vertices),
            outgoing: Grouped::new(edges.source, edges.target, edges.time, vertices),
            rank,
        }
    }
}

/// Counts one pattern's cycles into `bins` columns per edge, on `threads` threads.
pub(super) fn count(graph: &CycleGraph<'_>, config: &PatternConfig, kind: Kind, threads: usize) -> Vec<u32> {
    let bins = config.bins.len();
    let count = graph.edges.source.len();
    let out: Vec<AtomicU32> = (0..count * bins).map(|_| AtomicU32::new(0)).collect();
    let next = AtomicUsize::new(0);
    let vertices = graph.rank.len();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                let mut search = Search::new(graph, config, &out, vertices);
                loop {
                    let first = next.fetch_add(CHUNK, Ordering::Relaxed);
                    if first >= count {
                        break;
                    }
                    for closing in first..(first + CHUNK).min(count) {
                        match kind {
                            Kind::Temporal => search.temporal(closing as u32),
                            Kind::Length(limit) => search.length(closing as u32, limit),
                        }
                    }
                }
            });
        }
    });
    out.into_iter().map(AtomicU32::into_inner).collect()
}

/// One hop of the backward walk: the vertex reached, the group it was
/// reached through and the end of that group's usable edges.
#[derive(Clone, Copy)]
struct Frame {
    vertex: u32,
    /// Next group of `vertex` to try.
    cursor: usize,
    /// The group from this vertex's predecessor into the previous frame (none for `u`).
    group: usize,
    /// Usable edges of `group`: `begin..end`.
    begin: usize,
    end: usize,
}

/// Per-thread scratch space; arrays over vertices are reset by generation.
struct Search<'g> {
    graph: &'g CycleGraph<'g>,
    config: &'g PatternConfig,
    out: &'g [AtomicU32],
    generation: u32,
    seen: Vec<u32>,
    /// Temporal: earliest arrival from `v`; length: hops from `v`.
    reach: Vec<i64>,
    on_path: Vec<bool>,
    stack: Vec<Frame>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(i64, u32)>>,
    queue: std::collections::VecDeque<u32>,
}

impl<'g> Search<'g> {
    fn new(graph: &'g CycleGraph<'g>, config: &'g PatternConfig, out: &'g [AtomicU32], vertices: usize) -> Self {
        Search {
            graph,
            config,
            out,
            generation: 0,
            seen: vec![0; vertices],
            reach: vec![0; vertices],
            on_path: vec![false; vertices],
            stack: Vec::new(),
            heap: std::collections::BinaryHeap::new(),
            queue: std::collections::VecDeque::new(),
        }
    }

    fn reach(&self, vertex: u32) -> Option<i64> {
        (self.seen[vertex as usize] == self.generation).then(|| self.reach[vertex as usize])
    }

    fn set_reach(&mut self, vertex: u32, value: i64) {
        self.seen[vertex as usize] = self.generation;
        self.reach[vertex as usize] = value;
    }

    fn add(&self, edges: &[u32], bin: usize) {
        let bins = self.config.bins.len();
        for &edge in edges {
            self.out[edge as usize * bins + bin].fetch_add(1, Ordering::Relaxed);
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.fill(0);
            self.generation = 1;
        }
    }

    /// Temporal cycles closed by `closing`.
    fn temporal(&mut self, closing: u32) {
        let graph = self.graph;
        let edges = graph.edges;
        let (u, v, time) =
            (edges.source[closing as usize], edges.target[closing as usize], edges.time[closing as usize]);
        if u == v {
            return;
        }
        let earliest = time.saturating_sub(self.config.window);
        // Earliest arrival at each vertex on a time-increasing path from `v`
        // leaving at `earliest` or later and arriving before `time`.
        self.next_generation();
        self.set_reach(v, earliest - 1);
        self.heap.clear();
        self.heap.push(std::cmp::Reverse((earliest - 1, v)));
        while let Some(std::cmp::Reverse((arrival, vertex))) = self.heap.pop() {
            if self.reach(vertex) != Some(arrival) {
                continue;
            }
            for group in graph.outgoing.groups(vertex) {
                let next = graph.outgoing.neighbour[group];
                if next == v {
                    continue;
                }
                let times = graph.outgoing.times(group);
                let Some(&departure) = times.get(times.partition_point(|&t| t <= arrival)) else { continue };
                if departure >= time || self.reach(next).is_some_and(|known| known <= departure) {
                    continue;
                }
                self.set_reach(next, departure);
                self.heap.push(std::cmp::Reverse((departure, next)));
            }
        }
        if self.reach(u).is_none() {
            return;
        }
        // Backward walk from `u`: each frame's latest usable time bounds the next hop.
        self.stack.clear();
        self.stack.push(Frame { vertex: u, cursor: graph.incoming.groups(u).start, group: 0, begin: 0, end: 0 });
        self.on_path[u as usize] = true;
        while let Some(top) = self.stack.last_mut() {
            let vertex = top.vertex;
            if top.cursor == graph.incoming.groups(vertex).end {
                self.on_path[vertex as usize] = false;
                self.stack.pop();
                continue;
            }
            let group = top.cursor;
            top.cursor += 1;
            let bound = if self.stack.len() == 1 {
                time
            } else {
                let frame = self.stack[self.stack.len() - 1];
                graph.incoming.times(frame.group)[frame.end - 1]
            };
            let times = graph.incoming.times(group);
            let end = times.partition_point(|&t| t < bound);
            if end == 0 || times[end - 1] < earliest {
                continue;
            }
            let previous = graph.incoming.neighbour[group];
            if previous == v {
                self.record_temporal(closing, group, times.partition_point(|&t| t < earliest), end);
            } else if !self.on_path[previous as usize]
                && self.reach(previous).is_some_and(|arrival| arrival < times[end - 1])
            {
                self.on_path[previous as usize] = true;
                let cursor = graph.incoming.groups(previous).start;
                self.stack.push(Frame { vertex: previous, cursor, group, begin: 0, end });
            }
        }
    }

    /// Counts one temporal bundle: the stack's hops plus the closing hop
    /// `group[begin..end]` out of `v`.
    fn record_temporal(&self, closing: u32, group: usize, begin: usize, end: usize) {
        let Some(bin) = self.config.bin(self.stack.len() + 1) else { return };
        let incoming = &self.graph.incoming;
        self.add(&incoming.ids(group)[begin..end], bin);
        let mut previous_min = incoming.times(group)[begin];
        for frame in self.stack[1..].iter().rev() {
            let times = &incoming.times(frame.group)[..frame.end];
            let first = times.partition_point(|&t| t <= previous_min);
            self.add(&incoming.ids(frame.group)[first..frame.end], bin);
            previous_min = times[first];
        }
        self.add(&[closing], bin);
    }

    /// Usable edges of `group` (into `target`) for a length-constrained
    /// search closing at `time` into `start`.
    fn interval(&self, times: &[i64], target: u32, start: u32, time: i64) -> (usize, usize) {
        let begin = times.partition_point(|&t| t < time.saturating_sub(self.config.window));
        let end = if self.graph.rank[start as usize] >= self.graph.rank[target as usize] {
            times.partition_point(|&t| t <= time)
        } else {
            times.partition_point(|&t| t < time)
        };
        (begin, end)
    }

    /// Length-constrained cycles of at most `limit` vertices closed by `closing`.
    fn length(&mut self, closing: u32, limit: usize) {
        let graph = self.graph;
        let edges = graph.edges;
        let (u, v, time) =
            (edges.source[closing as usize], edges.target[closing as usize], edges.time[closing as usize]);
        if u == v || limit < 2 {
            return;
        }
        // Hops from `v` forwards, far enough for the walk's pruning.
        self.next_generation();
        self.set_reach(v, 0);
        self.queue.clear();
        self.queue.push_back(v);
        while let Some(vertex) = self.queue.pop_front() {
            let hops = self.reach(vertex).unwrap_or(0);
            if hops as usize >= limit - 2 {
                continue;
            }
            for group in graph.outgoing.groups(vertex) {
                let next = graph.outgoing.neighbour[group];
                if self.reach(next).is_some() {
                    continue;
                }
                let (begin, end) = self.interval(graph.outgoing.times(group), next, v, time);
                if begin < end {
                    self.set_reach(next, hops + 1);
                    self.queue.push_back(next);
                }
            }
        }
        // `u` itself may be `limit - 1` hops away, beyond the search: its
        // predecessors decide.
        self.stack.clear();
        self.stack.push(Frame { vertex: u, cursor: graph.incoming.groups(u).start, group: 0, begin: 0, end: 0 });
        self.on_path[u as usize] = true;
        while let Some(top) = self.stack.last_mut() {
            let vertex = top.vertex;
            if top.cursor == graph.incoming.groups(vertex).end {
                self.on_path[vertex as usize] = false;
                self.stack.pop();
                continue;
            }
            let group = top.cursor;
            top.cursor += 1;
            // Vertices on the path, `v` included.
            let size = self.stack.len() + 1;
            let (begin, end) = self.interval(graph.incoming.times(group), vertex, v, time);
            if begin >= end {
                continue;
            }
            let previous = graph.incoming.neighbour[group];
            if previous == v {
                if let Some(bin) = self.config.bin(size) {
                    self.add(&graph.incoming.ids(group)[begin..end], bin);
                    for frame in &self.stack[1..] {
                        self.add(&graph.incoming.ids(frame.group)[frame.begin..frame.end], bin);
                    }
                    self.add(&[closing], bin);
                }
            } else if !self.on_path[previous as usize]
                && self.reach(previous).is_some_and(|hops| size + hops as usize <= limit)
            {
                self.on_path[previous as usize] = true;
                let cursor = graph.incoming.groups(previous).start;
                self.stack.push(Frame { vertex: previous, cursor, group, begin, end });
            }
        }
    }
}
