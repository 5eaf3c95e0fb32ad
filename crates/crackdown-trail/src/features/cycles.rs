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
//! are the same. In a connected economy everything `v` pays reaches much
//! of the window's graph, so that search alone would cost the window's size
//! per closing edge: a second search runs backwards from `u` (latest
//! departure towards `u`, or hops to `u`) in lockstep with it, and whichever
//! finishes first bounds the other — no cycle when it never met the other
//! end, else the forward search is redone inside the backward one's region
//! (every vertex of a cycle is in both, so the pruning stays exact). Both
//! searches read each vertex's edges in time order, so a busy account costs
//! what its window holds, not its whole history. Closing edges are
//! independent: threads take them in chunks and add into shared atomic
//! counters.

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

/// Each vertex's edges (self-loops left out) in time order: the times and
/// the neighbour at the other end.
struct ByTime {
    start: Vec<u32>,
    times: Vec<i64>,
    neighbour: Vec<u32>,
}

impl ByTime {
    /// Lists the edges by `key`, `other` being the neighbour; edges are in time order already.
    fn new(key: &[u32], other: &[u32], time: &[i64], vertices: usize) -> ByTime {
        let mut start = vec![0u32; vertices + 1];
        for (&vertex, &neighbour) in key.iter().zip(other) {
            if vertex != neighbour {
                start[vertex as usize + 1] += 1;
            }
        }
        for vertex in 0..vertices {
            start[vertex + 1] += start[vertex];
        }
        let total = start[vertices] as usize;
        let (mut times, mut neighbours) = (vec![0i64; total], vec![0u32; total]);
        let mut cursor = start.clone();
        for ((&vertex, &neighbour), &at) in key.iter().zip(other).zip(time) {
            if vertex != neighbour {
                let slot = cursor[vertex as usize] as usize;
                (times[slot], neighbours[slot]) = (at, neighbour);
                cursor[vertex as usize] += 1;
            }
        }
        ByTime { start, times, neighbour: neighbours }
    }

    /// The edges of `vertex` with a time in `[low, high]`, as (times, neighbours).
    fn between(&self, vertex: u32, low: i64, high: i64) -> (&[i64], &[u32]) {
        let range = self.start[vertex as usize] as usize..self.start[vertex as usize + 1] as usize;
        let times = &self.times[range.clone()];
        let first = times.partition_point(|&t| t < low);
        let last = first + times[first..].partition_point(|&t| t <= high);
        (&times[first..last], &self.neighbour[range.start + first..range.start + last])
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
    /// Out-edges (by source) and in-edges (by target) in time order, for the reach searches.
    forward: ByTime,
    backward: ByTime,
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
            forward: ByTime::new(edges.source, edges.target, edges.time, vertices),
            backward: ByTime::new(edges.target, edges.source, edges.time, vertices),
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

/// A value per vertex, forgotten all at once by bumping a generation
/// instead of clearing the arrays.
struct Marks {
    generation: u32,
    seen: Vec<u32>,
    value: Vec<i64>,
}

impl Marks {
    fn new(vertices: usize) -> Marks {
        Marks { generation: 1, seen: vec![0; vertices], value: vec![0; vertices] }
    }

    fn get(&self, vertex: u32) -> Option<i64> {
        (self.seen[vertex as usize] == self.generation).then(|| self.value[vertex as usize])
    }

    fn set(&mut self, vertex: u32, value: i64) {
        self.seen[vertex as usize] = self.generation;
        self.value[vertex as usize] = value;
    }

    fn clear(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.fill(0);
            self.generation = 1;
        }
    }
}

/// Per-thread scratch space; arrays over vertices are reset by generation.
struct Search<'g> {
    graph: &'g CycleGraph<'g>,
    config: &'g PatternConfig,
    out: &'g [AtomicU32],
    /// Temporal: earliest arrival from `v`; length: hops from `v`.
    reach: Marks,
    /// The backward search's: temporal, latest departure towards `u`;
    /// length, hops to `u`.
    back: Marks,
    on_path: Vec<bool>,
    stack: Vec<Frame>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(i64, u32)>>,
    back_heap: std::collections::BinaryHeap<(i64, u32)>,
    queue: std::collections::VecDeque<u32>,
    back_queue: std::collections::VecDeque<u32>,
}

impl<'g> Search<'g> {
    fn new(graph: &'g CycleGraph<'g>, config: &'g PatternConfig, out: &'g [AtomicU32], vertices: usize) -> Self {
        Search {
            graph,
            config,
            out,
            reach: Marks::new(vertices),
            back: Marks::new(vertices),
            on_path: vec![false; vertices],
            stack: Vec::new(),
            heap: std::collections::BinaryHeap::new(),
            back_heap: std::collections::BinaryHeap::new(),
            queue: std::collections::VecDeque::new(),
            back_queue: std::collections::VecDeque::new(),
        }
    }

    fn add(&self, edges: &[u32], bin: usize) {
        let bins = self.config.bins.len();
        for &edge in edges {
            self.out[edge as usize * bins + bin].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Forgets both searches.
    fn next_generation(&mut self) {
        self.reach.clear();
        self.back.clear();
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
        if !self.temporal_reach(u, v, time, earliest) {
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
            // Most neighbours of a busy account are outside the forward search: skip them first.
            let previous = graph.incoming.neighbour[group];
            if previous != v && (self.on_path[previous as usize] || self.reach.get(previous).is_none()) {
                continue;
            }
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
            if previous == v {
                self.record_temporal(closing, group, times.partition_point(|&t| t < earliest), end);
            } else if self.reach.get(previous).is_some_and(|arrival| arrival < times[end - 1]) {
                self.on_path[previous as usize] = true;
                let cursor = graph.incoming.groups(previous).start;
                self.stack.push(Frame { vertex: previous, cursor, group, begin: 0, end });
            }
        }
    }

    /// Leaves in `reach` each vertex's earliest arrival on a time-increasing
    /// path from `v` leaving at `earliest` or later and arriving before
    /// `time` — at least for every vertex on such a path that goes on to `u`
    /// — and tells whether `u` is reached (see the module docs).
    fn temporal_reach(&mut self, u: u32, v: u32, time: i64, earliest: i64) -> bool {
        self.next_generation();
        self.heap.clear();
        self.back_heap.clear();
        self.reach.set(v, earliest - 1);
        self.heap.push(std::cmp::Reverse((earliest - 1, v)));
        self.back.set(u, time);
        self.back_heap.push((time, u));
        loop {
            if !self.temporal_forward_step(v, time, false) {
                return self.reach.get(u).is_some();
            }
            if !self.temporal_backward_step(v, earliest) {
                if self.back.get(v).is_none() {
                    return false;
                }
                // Redo the forward search inside the backward search's region.
                self.reach.clear();
                self.heap.clear();
                self.reach.set(v, earliest - 1);
                self.heap.push(std::cmp::Reverse((earliest - 1, v)));
                while self.temporal_forward_step(v, time, true) {}
                return self.reach.get(u).is_some();
            }
        }
    }

    /// One vertex of the earliest-arrival search; false when it is done.
    /// `inside` keeps it to vertices the backward search found, reached in time to go on.
    fn temporal_forward_step(&mut self, v: u32, time: i64, inside: bool) -> bool {
        let Some(std::cmp::Reverse((arrival, vertex))) = self.heap.pop() else { return false };
        if self.reach.get(vertex) != Some(arrival) {
            return true;
        }
        let (times, neighbours) = self.graph.forward.between(vertex, arrival + 1, time - 1);
        for (&departure, &next) in times.iter().zip(neighbours) {
            if next == v
                || self.reach.get(next).is_some_and(|known| known <= departure)
                || inside && self.back.get(next).is_none_or(|latest| departure >= latest)
            {
                continue;
            }
            self.reach.set(next, departure);
            self.heap.push(std::cmp::Reverse((departure, next)));
        }
        true
    }

    /// One vertex of the latest-departure search backwards from `u`; false when it is done.
    fn temporal_backward_step(&mut self, v: u32, earliest: i64) -> bool {
        let Some((latest, vertex)) = self.back_heap.pop() else { return false };
        if self.back.get(vertex) != Some(latest) {
            return true;
        }
        let (times, neighbours) = self.graph.backward.between(vertex, earliest, latest - 1);
        for (&departure, &previous) in times.iter().zip(neighbours).rev() {
            if self.back.get(previous).is_some_and(|known| known >= departure) {
                continue;
            }
            self.back.set(previous, departure);
            if previous != v {
                self.back_heap.push((departure, previous));
            }
        }
        true
    }

    /// Whether an edge at `at` into `target` is usable by a length-constrained
    /// search closing at `time` into `start` (see `interval`).
    fn usable(&self, at: i64, target: u32, start: u32, time: i64) -> bool {
        at < time || self.graph.rank[start as usize] >= self.graph.rank[target as usize]
    }

    /// Leaves in `reach` the hops from `v` (at most `limit - 2`) of every
    /// vertex that may lie on a cycle of at most `limit` vertices closed by
    /// `u -> v` at `time`, and tells whether one may exist (see the module docs).
    fn length_reach(&mut self, u: u32, v: u32, time: i64, limit: usize) -> bool {
        self.next_generation();
        self.queue.clear();
        self.back_queue.clear();
        self.reach.set(v, 0);
        self.queue.push_back(v);
        self.back.set(u, 0);
        self.back_queue.push_back(u);
        let earliest = time.saturating_sub(self.config.window);
        loop {
            if !self.length_forward_step(v, time, earliest, limit, false) {
                // `u` may be `limit - 1` hops away, beyond the search: the walk's pruning decides.
                return true;
            }
            if !self.length_backward_step(v, time, earliest, limit) {
                if self.back.get(v).is_none() {
                    return false;
                }
                self.reach.clear();
                self.queue.clear();
                self.reach.set(v, 0);
                self.queue.push_back(v);
                while self.length_forward_step(v, time, earliest, limit, true) {}
                return true;
            }
        }
    }

    /// One vertex of the breadth-first search from `v`; false when it is done.
    /// `inside` keeps it to vertices close enough to `u` for a cycle within `limit`.
    fn length_forward_step(&mut self, v: u32, time: i64, earliest: i64, limit: usize, inside: bool) -> bool {
        let Some(vertex) = self.queue.pop_front() else { return false };
        let hops = self.reach.get(vertex).unwrap_or(0);
        if hops as usize >= limit - 2 {
            return true;
        }
        let (times, neighbours) = self.graph.forward.between(vertex, earliest, time);
        for (&at, &next) in times.iter().zip(neighbours) {
            if self.reach.get(next).is_some()
                || !self.usable(at, next, v, time)
                || inside && self.back.get(next).is_none_or(|to_u| (hops + 2 + to_u) as usize > limit)
            {
                continue;
            }
            self.reach.set(next, hops + 1);
            self.queue.push_back(next);
        }
        true
    }

    /// One vertex of the breadth-first search backwards from `u`, as far as
    /// `v` may be (`limit - 1` hops); false when it is done.
    fn length_backward_step(&mut self, v: u32, time: i64, earliest: i64, limit: usize) -> bool {
        let Some(vertex) = self.back_queue.pop_front() else { return false };
        let hops = self.back.get(vertex).unwrap_or(0);
        if hops as usize >= limit - 1 {
            return true;
        }
        let (times, neighbours) = self.graph.backward.between(vertex, earliest, time);
        for (&at, &previous) in times.iter().zip(neighbours) {
            if self.back.get(previous).is_some() || !self.usable(at, vertex, v, time) {
                continue;
            }
            self.back.set(previous, hops + 1);
            if previous != v {
                self.back_queue.push_back(previous);
            }
        }
        true
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
        if !self.length_reach(u, v, time, limit) {
            return;
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
            // Most neighbours of a busy account are outside the forward search: skip them first.
            let previous = graph.incoming.neighbour[group];
            if previous != v && (self.on_path[previous as usize] || self.reach.get(previous).is_none()) {
                continue;
            }
            // Vertices on the path, `v` included.
            let size = self.stack.len() + 1;
            let (begin, end) = self.interval(graph.incoming.times(group), vertex, v, time);
            if begin >= end {
                continue;
            }
            if previous == v {
                if let Some(bin) = self.config.bin(size) {
                    self.add(&graph.incoming.ids(group)[begin..end], bin);
                    for frame in &self.stack[1..] {
                        self.add(&graph.incoming.ids(frame.group)[frame.begin..frame.end], bin);
                    }
                    self.add(&[closing], bin);
                }
            } else if self.reach.get(previous).is_some_and(|hops| size + hops as usize <= limit) {
                self.on_path[previous as usize] = true;
                let cursor = graph.incoming.groups(previous).start;
                self.stack.push(Frame { vertex: previous, cursor, group, begin, end });
            }
        }
    }
}
