//! Which stored report a record of a batch repeats, if any.
//!
//! A duplicate is recognised only against reports the submitter may read
//! (security issue 20, item 4): otherwise a reporter re-submitting a text
//! or an external id that a colleague reported under RED would lose their
//! own report and learn that the colleague's exists. So before a batch is
//! inserted, its records are looked up among the organisation's reports
//! under the submitter's own [`visibility`] — the one place access rules
//! live, so dedup can never recognise more than the reader sees. Records
//! with a readable original are duplicates of it (the oldest, when several
//! copies are readable); the rest are inserted.
//!
//! The table's unique indexes hold per submitter (organisation, fingerprint
//! or external id, user): a submitter's own reports are always readable to
//! them, so the look-up finds those first, and the indexes only settle what
//! the look-up cannot see: a record repeated inside the batch, or the same
//! person's concurrent submission on PostgreSQL. Two *different* submitters
//! racing with the same text on PostgreSQL may both be stored; that errs
//! towards keeping a report, never towards hiding one.
//!
//! The look-up is one statement per few hundred records (an index probe per
//! record), not a round trip per record, so bulk import keeps its pace.

use std::collections::HashMap;

use crackdown_model::{NewReport, Viewer};

use crate::StoreError;
use crate::db::Conn;
use crate::reports::{Query, ROWS_PER_STATEMENT, visibility};

/// Who submits a batch, which decides what its records may repeat.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Submitter<'a> {
    /// A signed-in user of their organisation: a record repeats only a
    /// report of that organisation that they may read.
    User(&'a Viewer),
    /// The public form filing under `org_id`, with no account. Anonymous
    /// reporters read nothing back, so their records repeat only earlier
    /// public reports of the organisation (all anonymous submitters are one
    /// submitter here), and the answer is a fresh receipt either way: it
    /// reveals nothing of what was stored before.
    Public { org_id: i64 },
}

impl Submitter<'_> {
    pub(crate) fn org_id(self) -> i64 {
        match self {
            Submitter::User(viewer) => viewer.org_id,
            Submitter::Public { org_id } => org_id,
        }
    }

    /// The `reports.user_id` this submitter writes: `None` for the public.
    pub(crate) fn user_id(self) -> Option<i64> {
        match self {
            Submitter::User(viewer) => Some(viewer.user_id),
            Submitter::Public { .. } => None,
        }
    }

    /// The submitter as the unique indexes key it: `COALESCE(user_id, 0)`
    /// (user ids start at 1).
    fn index_key(self) -> i64 {
        self.user_id().unwrap_or(0)
    }
}

/// A record of a batch as duplicates are looked up: the report and its
/// fingerprint ([`NewReport::fingerprint`]).
pub(crate) type Record<'a> = (&'a NewReport, &'a str);

/// Stored reports found for some records, by external id and by fingerprint,
/// the smallest id (the first stored) when several match.
#[derive(Default)]
struct Found {
    by_external: HashMap<String, i64>,
    by_fingerprint: HashMap<String, i64>,
}

impl Found {
    fn add(&mut self, id: i64, external: Option<String>, fingerprint: String) {
        let keep_first = |slot: &mut i64| *slot = (*slot).min(id);
        if let Some(external) = external {
            self.by_external.entry(external).and_modify(keep_first).or_insert(id);
        }
        self.by_fingerprint.entry(fingerprint).and_modify(keep_first).or_insert(id);
    }

    /// The report `record` repeats: by external id when it has one that
    /// was found, else by fingerprint.
    fn original(&self, (report, fingerprint): Record<'_>) -> Option<i64> {
        report
            .external_id
            .as_ref()
            .and_then(|external| self.by_external.get(external))
            .or_else(|| self.by_fingerprint.get(fingerprint))
            .copied()
    }
}

/// `(conditions) AND r.fingerprint IN (...)` and, when some records have
/// one, `... AND r.external_id IN (...)`, as two SELECTs joined by UNION
/// ALL so each side probes its own index on both backends. `conditions`
/// adds the same filter (organisation and who may match) to each side.
fn lookup(
    conn: &mut dyn Conn,
    records: &[Record<'_>],
    mut conditions: impl FnMut(&mut Query) -> String,
) -> Result<Found, StoreError> {
    let mut found = Found::default();
    for chunk in records.chunks(ROWS_PER_STATEMENT) {
        let mut query = Query::new("SELECT r.id, r.external_id, r.fingerprint FROM reports r WHERE ");
        let filter = conditions(&mut query);
        let fingerprints: Vec<String> = chunk.iter().map(|(_, fingerprint)| query.param(*fingerprint)).collect();
        query.push(&format!("{filter} AND r.fingerprint IN ({})", fingerprints.join(", ")));
        let externals: Vec<&String> = chunk.iter().filter_map(|(report, _)| report.external_id.as_ref()).collect();
        if !externals.is_empty() {
            query.push(" UNION ALL SELECT r.id, r.external_id, r.fingerprint FROM reports r WHERE ");
            let filter = conditions(&mut query);
            let externals: Vec<String> = externals.into_iter().map(|id| query.param(id.as_str())).collect();
            query.push(&format!("{filter} AND r.external_id IN ({})", externals.join(", ")));
        }
        for row in conn.query(&query.sql, &query.params)? {
            found.add(row.int(0)?, row.opt_text(1)?, row.text(2)?);
        }
    }
    Ok(found)
}

/// For each record, the report of `viewer`'s organisation that it repeats
/// and that `viewer` may read, if any.
pub(crate) fn readable_originals(
    conn: &mut dyn Conn,
    viewer: &Viewer,
    records: &[Record<'_>],
) -> Result<Vec<Option<i64>>, StoreError> {
    let found = lookup(conn, records, |query| {
        let org = query.param(viewer.org_id);
        let visible = visibility(query, viewer);
        format!("r.org_id = {org} AND {visible}")
    })?;
    Ok(records.iter().map(|record| found.original(*record)).collect())
}

/// For each record the insert skipped (it collided with a unique index),
/// the submitter's own report it collided with: stored earlier in the same
/// batch, or concurrently by the same submitter.
pub(crate) fn own_originals(
    conn: &mut dyn Conn,
    submitter: Submitter<'_>,
    records: &[Record<'_>],
) -> Result<Vec<i64>, StoreError> {
    let found = lookup(conn, records, |query| {
        let (org, user) = (query.param(submitter.org_id()), query.param(submitter.index_key()));
        format!("r.org_id = {org} AND COALESCE(r.user_id, 0) = {user}")
    })?;
    records
        .iter()
        .map(|record| {
            found
                .original(*record)
                .ok_or_else(|| StoreError::Schema("a conflicting report vanished mid-transaction".into()))
        })
        .collect()
}
