//! `crackdown analyze`, `crackdown train` and `crackdown eval lure`: the lure
//! analysis on files, without a store. The work is `crackdown-lure`'s (and,
//! for `--eml`, `crackdown-evidence`'s MIME parser and authentication); this
//! module opens files, picks the model, joins the two for e-mail and sets
//! exit codes.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use crackdown_engine::mail::{Flag, judge};
use crackdown_evidence::ParsedMail;
use crackdown_evidence::auth::{AuthResults, Authenticator, envelope_from_received};
use crackdown_evidence::mail::MailLimits;
use crackdown_evidence::mail::source::mail_sources;
use crackdown_lure::{
    Analysis, Analyzer, Counts, EvalOptions, Label, Mode, Model, TrainOptions, evaluate, load_case, load_messages,
    process_jsonl, train_on_dirs,
};
use serde::Serialize;

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
    if args.eml {
        return analyze_eml(args, &analyzer);
    }
    let name = args.file.display().to_string();
    let input: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(BufReader::with_capacity(1 << 20, std::io::stdin().lock()))
    } else {
        let file = File::open(&args.file).with_context(|| format!("cannot open {name}"))?;
        Box::new(BufReader::with_capacity(1 << 20, file))
    };
    let output = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mode = if args.indicators_only { Mode::IndicatorsOnly } else { Mode::Full };
    let summary = process_jsonl(input, output, &analyzer, mode).with_context(|| format!("analysing {name}"))?;
    if mode == Mode::IndicatorsOnly {
        if std::io::stderr().is_terminal() || summary.errors > 0 || summary.lossy_lines > 0 {
            eprintln!(
                "{name}: {} lines, bad lines {}, not UTF-8 (decoded lossily) {}",
                summary.lines, summary.errors, summary.lossy_lines
            );
        }
    } else if std::io::stderr().is_terminal() || summary.errors > 0 || summary.lossy_lines > 0 {
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

pub fn eval(
    dir: &Path,
    folds: usize,
    own_set_only: bool,
    train_case: Option<&Path>,
    predictions: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(folds >= 2, "--folds {folds}: cross-validation needs at least 2 folds");
    let extra_training = match train_case {
        None => Vec::new(),
        Some(case) => load_case(case)?.with_context(|| {
            format!("{}: not a generated case (reports.jsonl, truth/campaigns.csv)", case.display())
        })?,
    };
    let options = EvalOptions { folds, own_set_only, extra_training, predictions, ..EvalOptions::default() };
    let mut out = std::io::stdout().lock();
    let scores = evaluate(dir, &options, &mut out)?;
    anyhow::ensure!(!scores.is_empty(), "{}: no data set found (folders with messages.jsonl)", dir.display());
    eval_emails(dir, &mut out)?;
    Ok(ExitCode::SUCCESS)
}

/// Scores the shipped analyzer through the e-mail path on every set under
/// `dir` that keeps its messages as `.eml` files (`email/`) labelled in its
/// `messages.jsonl` (`id` = file name): headers, bodies, links and sender
/// flags count, as in `analyze --eml`. DNS is not queried (an empty
/// fixture: authentication reads "none"), so the figures do not depend on
/// the network or on when they are taken.
fn eval_emails(dir: &Path, out: &mut impl Write) -> anyhow::Result<()> {
    let mut sets: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|set| set.join("email").is_dir() && set.join("messages.jsonl").is_file())
        .collect();
    if sets.is_empty() {
        return Ok(());
    }
    sets.sort();
    let analyzer = Analyzer::default();
    let authenticator = Authenticator::offline(crackdown_evidence::auth::DnsFixture::default())?;
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the DNS runtime")?;
    let check = EmailCheck { analyzer: &analyzer, authenticator: &authenticator, runtime: &runtime, protected: &[] };
    let limits = MailLimits::default();
    for set in sets {
        let (messages, _) = load_messages(&set.join("messages.jsonl"))?;
        let labels: std::collections::HashMap<String, Label> =
            messages.into_iter().map(|message| (message.id, message.label)).collect();
        let (mut counts, mut files, mut unreadable, mut unlabelled) = (Counts::default(), 0, 0, 0);
        for source in mail_sources(&set.join("email"), &limits) {
            files += 1;
            let Ok(raw) = source else {
                unreadable += 1;
                continue;
            };
            let Ok(mail) = crackdown_evidence::parse_mail_with(&raw.bytes, &limits) else {
                unreadable += 1;
                continue;
            };
            let name = Path::new(&raw.origin).file_name().map(|name| name.to_string_lossy().into_owned());
            match name.and_then(|name| labels.get(&name).copied()) {
                Some(truth) => counts.add(truth, check.analyze(&raw.bytes, &mail).0.label),
                None => unlabelled += 1,
            }
        }
        let name = set.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        writeln!(
            out,
            "{name}: e-mail path ({files} files under email/: headers, bodies, links, sender flags; DNS not \
             queried), shipped model\n  {}; {unreadable} not readable as e-mail, {unlabelled} not labelled in \
             messages.jsonl",
            counts.summary()
        )?;
    }
    Ok(())
}

/// An attachment as listed (never opened).
#[derive(Serialize)]
struct AttachmentLine<'a> {
    name: Option<&'a str>,
    content_type: &'a str,
    size: u64,
    sha256: &'a str,
}

/// One message of `analyze --eml`: the JSONL contract plus auth, flags and attachments.
#[derive(Serialize)]
struct EmlLine<'a> {
    id: &'a str,
    /// SHA-256 of the message file as read: the evidence hash.
    sha256: &'a str,
    #[serde(flatten)]
    analysis: &'a Analysis,
    auth: AuthResults,
    flags: Vec<Flag>,
    attachments: Vec<AttachmentLine<'a>>,
}

/// Brand domains, one a line; blank lines and `#` comments skipped.
fn read_protected(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim().to_ascii_lowercase())
        .filter(|line| !line.is_empty())
        .collect())
}

/// What judging one e-mail needs: the analyzer, authentication (live DNS
/// or a fixture), its runtime and the organisation's protected domains.
struct EmailCheck<'a> {
    analyzer: &'a Analyzer,
    authenticator: &'a Authenticator,
    runtime: &'a tokio::runtime::Runtime,
    protected: &'a [String],
}

impl EmailCheck<'_> {
    /// Authenticates one parsed message, then judges it as every intake
    /// does (`crackdown_engine::mail::judge`).
    fn analyze(&self, raw: &[u8], mail: &ParsedMail) -> (Analysis, AuthResults, Vec<Flag>) {
        let envelope = envelope_from_received(mail);
        let report = self.runtime.block_on(self.authenticator.authenticate(raw, envelope.as_ref()));
        let verdict = judge(self.analyzer, mail, &report.results, &report.details, self.protected);
        (verdict.analysis, report.results, verdict.flags)
    }
}

/// `analyze --eml`: every message under the path, one JSON object a line.
/// Exit 1 when some file was not an e-mail (its line holds `{"id","error"}`).
fn analyze_eml(args: &AnalyzeArgs, analyzer: &Analyzer) -> anyhow::Result<ExitCode> {
    let authenticator = match &args.dns_fixture {
        Some(path) => {
            let (authenticator, problems) = Authenticator::from_fixture_file(path)?;
            for problem in problems {
                eprintln!("{}: {problem}", path.display());
            }
            authenticator
        }
        None => Authenticator::system()?,
    };
    let protected = match &args.protected_domains {
        Some(path) => read_protected(path)?,
        None => Vec::new(),
    };
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the DNS runtime")?;
    let limits = MailLimits::default();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let (mut messages, mut errors) = (0usize, 0usize);
    for source in mail_sources(&args.file, &limits) {
        messages += 1;
        let line = match source {
            Err(error) => {
                errors += 1;
                serde_json::json!({"id": error.origin, "error": error.reason}).to_string()
            }
            Ok(raw) => match crackdown_evidence::parse_mail_with(&raw.bytes, &limits) {
                Err(error) => {
                    errors += 1;
                    serde_json::json!({"id": raw.origin, "error": error.to_string()}).to_string()
                }
                Ok(mail) => {
                    let checked = EmailCheck {
                        analyzer,
                        authenticator: &authenticator,
                        runtime: &runtime,
                        protected: &protected,
                    };
                    let (analysis, auth, flags) = checked.analyze(&raw.bytes, &mail);
                    let attachments = mail
                        .attachments
                        .iter()
                        .map(|a| AttachmentLine {
                            name: a.name.as_deref(),
                            content_type: &a.content_type,
                            size: a.size,
                            sha256: &a.sha256,
                        })
                        .collect();
                    let line = EmlLine {
                        id: &raw.origin,
                        sha256: &mail.sha256,
                        analysis: &analysis,
                        auth,
                        flags,
                        attachments,
                    };
                    serde_json::to_string(&line).with_context(|| format!("{}: cannot write", raw.origin))?
                }
            },
        };
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if errors > 0 || std::io::stderr().is_terminal() {
        eprintln!("{}: {messages} messages, {errors} not readable as e-mail", args.file.display());
    }
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
