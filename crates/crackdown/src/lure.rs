//! `crackdown analyze`, `crackdown train` and `crackdown eval lure`: the lure
//! analysis on files, without a store. The work is `crackdown-lure`'s; this
//! module opens files, picks the model and sets exit codes.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use crackdown_lure::{Analyzer, EvalOptions, Model, TrainOptions, analyze_jsonl, evaluate, train_on_dirs};

use crate::cli::{AnalyzeArgs, TrainArgs};

/// The shipped analyzer, or one with the model in `path`.
fn analyzer(path: Option<&Path>) -> anyhow::Result<Analyzer> {
    match path {
        None => Ok(Analyzer::default()),
        Some(path) => {
            let mut file =
                BufReader::new(File::open(path).with_context(|| format!("cannot open model {}", path.display()))?);
            let model = Model::load(&mut file).with_context(|| format!("reading model {}", path.display()))?;
            Ok(Analyzer::new(model))
        }
    }
}

/// Exit 0 when every line was analysed, 1 when some lines were bad (they
/// are in the output as `{"id"?, "error"}`), 2 on an I/O error.
pub fn analyze(args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let analyzer = analyzer(args.model.as_deref())?;
    let name = args.file.display().to_string();
    let input: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(BufReader::with_capacity(1 << 20, std::io::stdin().lock()))
    } else {
        let file = File::open(&args.file).with_context(|| format!("cannot open {name}"))?;
        Box::new(BufReader::with_capacity(1 << 20, file))
    };
    let output = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let summary = analyze_jsonl(input, output, &analyzer).with_context(|| format!("analysing {name}"))?;
    if std::io::stderr().is_terminal() || summary.errors > 0 || summary.lossy_lines > 0 {
        eprintln!(
            "{name}: {} lines: scam {}, spam {}, ham {}, bad lines {}, not UTF-8 (decoded lossily) {}",
            summary.lines, summary.scam, summary.spam, summary.ham, summary.errors, summary.lossy_lines
        );
    }
    Ok(if summary.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn train(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    let note = args.note.clone().unwrap_or_else(|| {
        let names: Vec<String> = args.dirs.iter().map(|dir| dir.display().to_string()).collect();
        format!("trained by crackdown train on {}", names.join(", "))
    });
    let options = TrainOptions { note, ..TrainOptions::default() };
    let model = train_on_dirs(&args.dirs, &options)?;
    let mut out =
        BufWriter::new(File::create(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?);
    model.save(&mut out).with_context(|| format!("writing {}", args.out.display()))?;
    out.flush().with_context(|| format!("writing {}", args.out.display()))?;
    println!("wrote {} ({})", args.out.display(), model.note());
    Ok(ExitCode::SUCCESS)
}

pub fn eval(dir: &Path, folds: usize) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(folds >= 2, "--folds {folds}: cross-validation needs at least 2 folds");
    let options = EvalOptions { folds, ..EvalOptions::default() };
    let scores = evaluate(dir, &options, &mut std::io::stdout().lock())?;
    anyhow::ensure!(!scores.is_empty(), "{}: no data set found (folders with messages.jsonl)", dir.display());
    Ok(ExitCode::SUCCESS)
}
