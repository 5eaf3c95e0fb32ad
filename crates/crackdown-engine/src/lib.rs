//! crackdown's use cases, shared by the CLI and the API so both do exactly
//! the same thing: reports are stored together with their lure analysis
//! (label, scam type, stage, confidence, reasons, indicators) through one
//! intake path (`intake`), and stored reports can be analysed again.
//!
//! Analysis is pure CPU work and runs on rayon's pool before the store's
//! transaction opens, so a bulk import analyses one batch while the store
//! commits the previous one.

mod allowlist;
pub mod campaign_ids;
pub mod campaigns;
pub mod export;
pub mod feeds;
pub mod intake;
pub mod mail;
pub mod screening;
pub mod search;
pub mod share_import;
mod statement_import;
pub mod taxii_pull;
pub mod trail;
mod watch;

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use crackdown_lure::{Analysis, Analyzer, Context};
use crackdown_model::Viewer;
use crackdown_store::{ReportAnalysis, ReportIndicator, Store, StoreError};
use rayon::prelude::*;

pub use allowlist::{add_to_allowlist, allowlist_key, remove_from_allowlist};
pub use watch::{WatchRequest, WatchedReport, add_watch_entry, watch_reports};

static SHIPPED: LazyLock<Analyzer> = LazyLock::new(Analyzer::default);

/// The analyzer with the shipped model and lexicon, loaded once per process.
pub fn shipped_analyzer() -> &'static Analyzer {
    &SHIPPED
}

/// What the analyzer knows of a report's origin: national phone numbers
/// are read in its country when given, else in its language's main country.
fn context(country: Option<&str>, language: Option<&str>) -> Context {
    Context { country: country.map(str::to_owned), language: language.map(str::to_owned) }
}

/// The store's form of an analysis.
pub(crate) fn to_stored(analysis: Analysis) -> ReportAnalysis {
    ReportAnalysis {
        label: analysis.label.to_string(),
        scam_type: analysis.scam_type.map(|scam_type| scam_type.to_string()),
        stage: analysis.stage.map(|stage| stage.to_string()),
        confidence: analysis.confidence,
        reasons: analysis.reasons,
        indicators: analysis
            .indicators
            .into_iter()
            .map(|indicator| ReportIndicator {
                kind: indicator.kind.to_string(),
                value: indicator.value,
                normalized: indicator.normalized,
                valid: indicator.valid,
                start: i64::try_from(indicator.start).unwrap_or(i64::MAX),
                end: i64::try_from(indicator.end).unwrap_or(i64::MAX),
            })
            .collect(),
    }
}

/// Analyses one text as the store keeps it.
pub fn analyze_text(analyzer: &Analyzer, text: &str, country: Option<&str>, language: Option<&str>) -> ReportAnalysis {
    to_stored(analyzer.analyze(text, &context(country, language)))
}

/// The country a claimed loss is counted under on the dashboard: the
/// victim's country when the report gives it, else the country of a
/// national currency (THB → TH; not USD, EUR or the X… codes, which many
/// countries use), else the main country of the report's language (th → TH,
/// my → MM, km → KH, …), else `unknown`.
pub fn loss_country(currency: &str, country: Option<&str>, language: Option<&str>) -> String {
    if let Some(country) = country {
        return country.to_owned();
    }
    let code = currency.trim().to_ascii_uppercase();
    let national = crackdown_model::Currency::from_code(&code)
        .is_some_and(|currency| currency.kind() == crackdown_model::CurrencyKind::Fiat)
        && !matches!(code.as_str(), "USD" | "EUR")
        && !code.starts_with('X');
    if national && let Some(country) = code.get(..2) {
        return country.to_owned();
    }
    context(None, language).phone_region().map_or_else(|| "unknown".to_owned(), |region| region.as_ref().to_owned())
}

/// Reports analysed per transaction by [`reanalyze`].
const REANALYZE_PAGE: usize = 2000;

/// Analyses the stored reports `viewer` may analyse that have no analysis
/// yet (or all of them with `all`), page by page, each page in one
/// transaction. `progress` hears the running count. Returns the count.
pub fn reanalyze(
    store: &Store,
    analyzer: &Analyzer,
    viewer: &Viewer,
    all: bool,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> Result<usize, StoreError> {
    let mut done = 0;
    let mut after_id = 0;
    loop {
        let page = store.reports_to_analyze(viewer, all, after_id, REANALYZE_PAGE)?;
        let Some(last) = page.last() else {
            return Ok(done);
        };
        after_id = last.id;
        let analyses: Vec<(i64, ReportAnalysis)> = page
            .par_iter()
            .map(|report| {
                (report.id, analyze_text(analyzer, &report.text, report.country.as_deref(), report.language.as_deref()))
            })
            .collect();
        done += store.replace_analyses(viewer, &analyses, now)?;
        progress(done);
    }
}

#[cfg(test)]
mod tests {
    use crackdown_model::{Channel, NewReport, Tlp};

    use super::*;

    fn report(text: &str) -> NewReport {
        NewReport::from_text(text, Channel::Bulk, Tlp::Amber)
    }

    #[test]
    fn losses_count_under_the_victims_then_the_currency_then_the_language_country() {
        assert_eq!(loss_country("USD", Some("PH"), Some("th")), "PH");
        assert_eq!(loss_country("THB", None, Some("en")), "TH");
        assert_eq!(loss_country("mmk", None, None), "MM");
        assert_eq!(loss_country("USD", None, Some("km")), "KH");
        assert_eq!(loss_country("USDT", None, Some("my")), "MM");
        assert_eq!(loss_country("USD", None, Some("en")), "unknown");
        assert_eq!(loss_country("BTC", None, None), "unknown");
    }

    #[test]
    fn intake_stores_the_analysis_and_reanalysis_fills_the_gaps() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_sqlite(dir.path()).expect("store");
        let operator = store.operator(Utc::now()).expect("operator");
        let scam = "Deposit USDT to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t, our trading platform pays 20% daily profit";
        let mut intake = intake::Intake::begin(&store, operator.clone(), crackdown_store::ShareOptions::default());
        let batch =
            intake::AnalyzedBatch::new(shipped_analyzer(), vec![report(scam), report("see you at lunch tomorrow")]);
        let outcome = intake.push(&batch, Utc::now()).expect("submit");
        intake.finish(Utc::now()).expect("settle");
        let ids: Vec<i64> = outcome
            .reports
            .iter()
            .filter_map(|inserted| match inserted {
                crackdown_store::InsertedReport::Created { id } => Some(*id),
                crackdown_store::InsertedReport::Duplicate { .. } => None,
            })
            .collect();
        assert_eq!(ids.len(), 2);
        let stored = store.analysis(&operator, ids[0]).expect("read").expect("analysed");
        assert_eq!(stored.analysis.label, "scam");
        assert_eq!(stored.analysis.scam_type.as_deref(), Some("investment"));
        assert_eq!(stored.analysis.indicators[0].kind, "tron");
        assert_eq!(stored.analysis.indicators[0].normalized, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
        assert_eq!(store.analysis(&operator, ids[1]).expect("read").expect("analysed").analysis.label, "ham");

        // A report stored without analysis (an older path) is picked up once.
        store
            .insert_reports(
                &operator,
                &[report("WINNER! claim your cash prize now")],
                &crackdown_store::ShareOptions::default(),
                Utc::now(),
            )
            .expect("insert");
        assert_eq!(reanalyze(&store, shipped_analyzer(), &operator, false, Utc::now(), |_| {}).expect("reanalyze"), 1);
        assert_eq!(reanalyze(&store, shipped_analyzer(), &operator, false, Utc::now(), |_| {}).expect("reanalyze"), 0);
        assert_eq!(reanalyze(&store, shipped_analyzer(), &operator, true, Utc::now(), |_| {}).expect("reanalyze"), 3);
        let again = store.analysis(&operator, ids[0]).expect("read").expect("analysed");
        assert_eq!(again.analysis, stored.analysis);
    }
}
