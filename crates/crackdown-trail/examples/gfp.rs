//! Computes snapml-compatible graph features for an edge list, for the
//! comparison in `tests/snapml/compare.py`.
//!
//! Usage: `gfp EDGES.csv OUT.csv [THREADS] [PATTERNS]`; EDGES.csv has the
//! header `edge_id,source,target,timestamp` (integers, sorted by timestamp);
//! PATTERNS is a comma list of fan, degree, scatter-gather, temp-cycle,
//! lc-cycle, vertex-stats (default: all). OUT.csv gets `edge_id` and the
//! feature columns of `FeatureConfig::default()` restricted to those.

use std::io::{BufWriter, Write};
use std::time::Instant;

use crackdown_trail::features::{Edges, FeatureConfig, PATTERN_NAMES, VertexStats, graph_features};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        return Err("usage: gfp EDGES.csv OUT.csv [THREADS]".into());
    };
    let threads = args.get(3).map_or(Ok(2), |text| text.parse())?;
    let patterns: Vec<&str> = args.get(4).map_or_else(|| PATTERN_NAMES.to_vec(), |list| list.split(',').collect());
    let config = FeatureConfig::with_patterns(patterns, 10)?;
    let mut reader = csv::Reader::from_path(input)?;
    let (mut ids, mut source, mut target, mut time) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record?;
        let field = |index: usize| record.get(index).unwrap_or("");
        ids.push(field(0).parse::<i64>()?);
        source.push(field(1).parse::<u32>()?);
        target.push(field(2).parse::<u32>()?);
        time.push(field(3).parse::<i64>()?);
    }
    let started = Instant::now();
    let edges = Edges { source: &source, target: &target, time: &time };
    let matrix = graph_features(&edges, &config, threads);
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("features: {} edges in {seconds:.3} s = {:.0} edges/s", ids.len(), ids.len() as f64 / seconds);
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    let mut columns = matrix.columns.clone();
    if matrix.vertex_stats.is_some() {
        columns.extend(VertexStats::columns());
    }
    writeln!(out, "edge_id,{}", columns.join(","))?;
    for (index, id) in ids.iter().enumerate() {
        write!(out, "{id}")?;
        for value in matrix.row(index) {
            write!(out, ",{value}")?;
        }
        if let Some(stats) = &matrix.vertex_stats {
            for value in stats.row(source[index], target[index]) {
                write!(out, ",{value:?}")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
