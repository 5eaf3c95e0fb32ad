//! Campaign membership, the link index and the public lookup index.
//!
//! Linking is installation-wide: the partition stored in `campaign_members`
//! is computed over every report, so the functions that maintain it
//! ([`Store::link_inputs`], [`Store::linking`], [`Store::replace_links`])
//! take no viewer and return nothing a person reads. Everything a person
//! reads goes through the report's `visibility()`: [`Store::visible_campaigns`]
//! and [`Store::visible_link_inputs`] hand out only readable members, which
//! the caller re-partitions, so an unreadable report never joins two
//! readable ones. The lookup index holds only publishable reports (CLEAR, or
//! consent with GREEN or AMBER) and no text, name or contact.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crackdown_model::{Role, Tlp, Viewer};

use crate::db::{Conn, Row, Value};
use crate::reports::{Query, insert_rows, visibility};
use crate::{Store, StoreError, from_ms, to_ms};

/// What linking needs of one stored report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkInput {
    pub id: i64,
    pub external_id: Option<String>,
    /// (kind, normalized) of each indicator the analysis found.
    pub indicators: Vec<(String, String)>,
    pub text: String,
    pub language: Option<String>,
    pub received_at: DateTime<Utc>,
    /// Loss in minor units and its currency code.
    pub loss: Option<(i64, String)>,
    pub scam_type: Option<String>,
    pub tlp: Tlp,
    pub consent_publish: bool,
}

/// One report's place in the link index, as the linker decided it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkRecord {
    pub report_id: i64,
    /// (kind, value) link features.
    pub features: Vec<(String, String)>,
    /// MinHash signature (hex) and band keys, when the text is long enough.
    pub signature: Option<String>,
    pub bands: Vec<i64>,
    /// (kind, value) lookup keys when the report is publishable.
    pub lookup_keys: Vec<(String, String)>,
    /// Hash of the normalized text: resubmissions share it.
    pub text_key: i64,
    pub received_at: DateTime<Utc>,
    pub scam_type: Option<String>,
}

/// A feature's holders so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureHolders {
    pub reports: i64,
    /// Campaigns of (some of) its holders.
    pub campaigns: Vec<i64>,
}

/// A report sharing an LSH band with a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BandCandidate {
    pub report_id: i64,
    pub signature: String,
    pub campaign_id: i64,
}

/// The publishable reports naming a looked-up value, added up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LookupTally {
    /// Distinct reports, an exact resubmission counted once.
    pub reports: i64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// The lowest rank of the keys a counted report matched.
    pub best_rank: Option<i64>,
    pub scam_types: Vec<(String, i64)>,
}

/// A report the checking organisation may read that names a beneficiary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRow {
    pub report_id: i64,
    pub received_at: DateTime<Utc>,
    pub scam_type: Option<String>,
    pub loss: Option<(i64, String)>,
}

const INPUT_COLUMNS: &str = "r.id, r.external_id, r.text, r.language, COALESCE(r.reported_at, r.received_at), r.loss_minor, r.loss_currency, \
     a.scam_type, r.tlp, r.consent_publish";

fn read_inputs(conn: &mut dyn Conn, rows: Vec<Row>) -> Result<Vec<LinkInput>, StoreError> {
    let mut inputs = Vec::with_capacity(rows.len());
    for row in &rows {
        let tlp = row.text(8)?;
        inputs.push(LinkInput {
            id: row.int(0)?,
            external_id: row.opt_text(1)?,
            indicators: Vec::new(),
            text: row.text(2)?,
            language: row.opt_text(3)?,
            received_at: from_ms(row.int(4)?)?,
            loss: match (row.opt_int(5)?, row.opt_text(6)?) {
                (Some(minor), Some(code)) => Some((minor, code)),
                _ => None,
            },
            scam_type: row.opt_text(7)?,
            tlp: crackdown_model::Keyword::parse_keyword(&tlp)
                .ok_or_else(|| StoreError::Schema(format!("unknown TLP {tlp:?}")))?,
            consent_publish: row.bool(9)?,
        });
    }
    let (Some(first), Some(last)) = (inputs.first().map(|i| i.id), inputs.iter().map(|i| i.id).max()) else {
        return Ok(inputs);
    };
    let first = inputs.iter().map(|i| i.id).min().unwrap_or(first);
    let position: std::collections::HashMap<i64, usize> =
        inputs.iter().enumerate().map(|(at, input)| (input.id, at)).collect();
    for row in conn.query(
        "SELECT report_id, kind, normalized FROM report_indicators WHERE report_id BETWEEN $1 AND $2 \
         ORDER BY report_id, span_start",
        &[first.into(), last.into()],
    )? {
        if let Some(&at) = position.get(&row.int(0)?) {
            inputs[at].indicators.push((row.text(1)?, row.text(2)?));
        }
    }
    Ok(inputs)
}

/// `(k = $1 AND v = $2) OR ...` over (kind, value) pairs, with the column
/// names given: an OR of equalities uses the index on both backends.
pub(crate) fn pairs_condition(
    query: &mut Query,
    kind_column: &str,
    value_column: &str,
    pairs: &[(String, String)],
) -> String {
    let terms: Vec<String> = pairs
        .iter()
        .map(|(kind, value)| {
            let kind = query.param(kind.as_str());
            let value = query.param(value.as_str());
            format!("({kind_column} = {kind} AND {value_column} = {value})")
        })
        .collect();
    format!("({})", terms.join(" OR "))
}

/// The link index inside one transaction, for linking a few new reports
/// against everything stored.
pub struct LinkTx<'a> {
    conn: &'a mut dyn Conn,
    now: DateTime<Utc>,
}

impl LinkTx<'_> {
    /// Reports already in a campaign.
    pub fn linked_reports(&mut self) -> Result<i64, StoreError> {
        self.conn.query_one("SELECT COUNT(*) FROM campaign_members", &[])?.map_or(Ok(0), |row| row.int(0))
    }

    /// How many linked reports hold each of `values` ((kind, value) pairs),
    /// and the campaigns of their holders: every campaign for a value held
    /// by at most `whole_up_to` reports, at most two for a more common one
    /// (whether one campaign holds them all is all intake asks of those).
    /// Read in a few statements per kind instead of two per value.
    pub fn holders_of(
        &mut self,
        values: &[(String, String)],
        whole_up_to: i64,
    ) -> Result<HashMap<(String, String), FeatureHolders>, StoreError> {
        let mut by_kind: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
        for (kind, value) in values {
            by_kind.entry(kind).or_default().push(value);
        }
        let mut found: HashMap<(String, String), FeatureHolders> =
            values.iter().map(|pair| (pair.clone(), FeatureHolders { reports: 0, campaigns: Vec::new() })).collect();
        let mut common = Vec::new();
        for (kind, mut kind_values) in by_kind {
            kind_values.sort_unstable();
            kind_values.dedup();
            for chunk in kind_values.chunks(500) {
                let in_values = |select: &str, join: &str, tail: &str| {
                    let mut query =
                        Query::new(&format!("SELECT f.value, {select} FROM link_features f {join} WHERE f.kind = "));
                    let kind = query.param(kind);
                    let params: Vec<String> = chunk.iter().map(|&value| query.param(value)).collect();
                    query.push(&format!("{kind} AND f.value IN ({}){tail}", params.join(", ")));
                    query
                };
                let query = in_values("COUNT(*)", "", " GROUP BY f.value");
                let mut whole = Vec::new();
                for row in self.conn.query(&query.sql, &query.params)? {
                    let (value, reports) = (row.text(0)?, row.int(1)?);
                    if reports <= whole_up_to {
                        whole.push(value.clone());
                    } else {
                        common.push((kind.to_owned(), value.clone()));
                    }
                    if let Some(holders) = found.get_mut(&(kind.to_owned(), value)) {
                        holders.reports = reports;
                    }
                }
                if whole.is_empty() {
                    continue;
                }
                let query = in_values(
                    "m.campaign_id",
                    "JOIN campaign_members m ON m.report_id = f.report_id",
                    " GROUP BY f.value, m.campaign_id",
                );
                for row in self.conn.query(&query.sql, &query.params)? {
                    let (value, campaign) = (row.text(0)?, row.int(1)?);
                    if let Some(holders) = found.get_mut(&(kind.to_owned(), value))
                        && holders.reports <= whole_up_to
                    {
                        holders.campaigns.push(campaign);
                    }
                }
            }
        }
        for (kind, value) in common {
            let campaigns = self
                .conn
                .query(
                    "SELECT DISTINCT m.campaign_id FROM link_features f JOIN campaign_members m ON m.report_id = f.report_id \
                     WHERE f.kind = $1 AND f.value = $2 LIMIT 2",
                    &[kind.as_str().into(), value.as_str().into()],
                )?
                .iter()
                .map(|row| row.int(0))
                .collect::<Result<Vec<i64>, StoreError>>()?;
            if let Some(holders) = found.get_mut(&(kind, value)) {
                holders.campaigns = campaigns;
            }
        }
        Ok(found)
    }

    /// Reports sharing any of these LSH band keys, with their signatures.
    pub fn band_candidates(&mut self, bands: &[i64]) -> Result<Vec<BandCandidate>, StoreError> {
        if bands.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = Query::new(
            "SELECT DISTINCT t.report_id, t.signature, m.campaign_id FROM link_bands b \
             JOIN link_texts t ON t.report_id = b.report_id JOIN campaign_members m ON m.report_id = b.report_id \
             WHERE b.band_key IN (",
        );
        let keys: Vec<String> = bands.iter().map(|&key| query.param(key)).collect();
        query.push(&keys.join(", "));
        // The newest few per call suffice to connect a report to its
        // near-duplicates (as in crackdown-link's own index).
        query.push(") ORDER BY t.report_id DESC LIMIT 256");
        self.conn
            .query(&query.sql, &query.params)?
            .iter()
            .map(|row| Ok(BandCandidate { report_id: row.int(0)?, signature: row.text(1)?, campaign_id: row.int(2)? }))
            .collect()
    }

    /// Records a new report in campaign `campaign`, first merging the
    /// campaigns in `merged` into it.
    pub fn record(&mut self, record: &LinkRecord, campaign: i64, merged: &[i64]) -> Result<(), StoreError> {
        let now = to_ms(self.now);
        for &old in merged.iter().filter(|&&old| old != campaign) {
            self.conn.execute(
                "UPDATE campaign_members SET campaign_id = $1, linked_at = $2 WHERE campaign_id = $3",
                &[campaign.into(), now.into(), old.into()],
            )?;
        }
        write_records(self.conn, std::slice::from_ref(record), &[(record.report_id, campaign)], self.now)?;
        index_for_lookup(self.conn, record)
    }

    /// Moves reports to other campaigns (a campaign that fell apart): one
    /// statement per new campaign and few hundred reports, not one per
    /// report, so a transaction relabelling thousands holds its locks for
    /// few round trips.
    pub fn reassign(&mut self, members: &[(i64, i64)]) -> Result<(), StoreError> {
        let now = to_ms(self.now);
        let mut by_campaign: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
        for &(report, campaign) in members {
            by_campaign.entry(campaign).or_default().push(report);
        }
        for (campaign, mut reports) in by_campaign {
            reports.sort_unstable();
            for chunk in reports.chunks(crate::reports::ROWS_PER_STATEMENT) {
                let mut query = Query::new("UPDATE campaign_members SET campaign_id = ");
                let campaign = query.param(campaign);
                let at = query.param(now);
                let ids: Vec<String> = chunk.iter().map(|&report| query.param(report)).collect();
                query.push(&format!("{campaign}, linked_at = {at} WHERE report_id IN ({})", ids.join(", ")));
                self.conn.execute(&query.sql, &query.params)?;
            }
        }
        Ok(())
    }

    /// Values of a stored campaign's reports held by more than `limit`
    /// reports of the whole case.
    pub fn common_features(&mut self, campaign: i64, limit: i64) -> Result<Vec<CommonFeature>, StoreError> {
        common_features(self.conn, campaign, limit)
    }

    /// Which of `ids` are in no campaign yet (another intake may have
    /// linked some meanwhile).
    pub fn unlinked(&mut self, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut linked = std::collections::HashSet::new();
        for chunk in ids.chunks(500) {
            let mut query = Query::new("SELECT report_id FROM campaign_members WHERE report_id IN (");
            let params: Vec<String> = chunk.iter().map(|&id| query.param(id)).collect();
            query.push(&params.join(", "));
            query.push(")");
            for row in self.conn.query(&query.sql, &query.params)? {
                linked.insert(row.int(0)?);
            }
        }
        Ok(ids.iter().copied().filter(|id| !linked.contains(id)).collect())
    }

    /// How many reports each of `campaigns` holds (absent: none).
    pub fn campaign_sizes(&mut self, campaigns: &[i64]) -> Result<HashMap<i64, usize>, StoreError> {
        campaign_sizes(self.conn, campaigns)
    }

    /// The link index rows of every member of `campaigns`: what a
    /// re-partition of them needs, read in three statements instead of
    /// reading and re-deriving every member's text (the rows never change
    /// once a report is linked).
    pub fn indexed_members(&mut self, campaigns: &[i64]) -> Result<IndexedMembers, StoreError> {
        let mut indexed = IndexedMembers::default();
        for chunk in campaigns.chunks(500) {
            let members = |select: &str, join: &str| {
                let mut query = Query::new(&format!(
                    "SELECT m.report_id, {select} FROM campaign_members m {join} WHERE m.campaign_id IN ("
                ));
                let params: Vec<String> = chunk.iter().map(|&id| query.param(id)).collect();
                query.push(&params.join(", "));
                query.push(")");
                query
            };
            let query = members(
                "m.campaign_id, COALESCE(r.reported_at, r.received_at)",
                "JOIN reports r ON r.id = m.report_id",
            );
            for row in self.conn.query(&query.sql, &query.params)? {
                indexed.members.push(IndexedMember {
                    report: row.int(0)?,
                    campaign: row.int(1)?,
                    at: from_ms(row.int(2)?)?,
                });
            }
            let query = members("f.kind, f.value", "JOIN link_features f ON f.report_id = m.report_id");
            for row in self.conn.query(&query.sql, &query.params)? {
                indexed.features.push((row.int(0)?, row.text(1)?, row.text(2)?));
            }
            let query = members("t.signature", "JOIN link_texts t ON t.report_id = m.report_id");
            for row in self.conn.query(&query.sql, &query.params)? {
                indexed.signatures.push((row.int(0)?, row.text(1)?));
            }
        }
        Ok(indexed)
    }
}

/// A linked report as a re-partition reads it: its campaign and its time
/// (when it was made, else when it arrived).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedMember {
    pub report: i64,
    pub campaign: i64,
    pub at: DateTime<Utc>,
}

/// The link index rows of some campaigns' members
/// ([`LinkTx::indexed_members`]): (report, kind, value) features and
/// (report, hex MinHash signature) texts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedMembers {
    pub members: Vec<IndexedMember>,
    pub features: Vec<(i64, String, String)>,
    pub signatures: Vec<(i64, String)>,
}

/// How many reports each of `campaigns` holds.
fn campaign_sizes(conn: &mut dyn Conn, campaigns: &[i64]) -> Result<HashMap<i64, usize>, StoreError> {
    let mut sizes = HashMap::new();
    for chunk in campaigns.chunks(500) {
        let mut query = Query::new("SELECT campaign_id, COUNT(*) FROM campaign_members WHERE campaign_id IN (");
        let params: Vec<String> = chunk.iter().map(|&id| query.param(id)).collect();
        query.push(&params.join(", "));
        query.push(") GROUP BY campaign_id");
        for row in conn.query(&query.sql, &query.params)? {
            sizes.insert(row.int(0)?, usize::try_from(row.int(1)?).unwrap_or(usize::MAX));
        }
    }
    Ok(sizes)
}

/// A value of a campaign that more than the limit's reports of the case
/// name, and whether all of them are in that one campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommonFeature {
    pub kind: String,
    pub value: String,
    pub in_one_campaign: bool,
}

/// Whether more than `limit` reports hold a value is asked by looking for
/// its holder number `limit + 1` in the index, and whether one campaign
/// holds them all by looking for one holder elsewhere, never by counting:
/// a hub (a webmail domain, a courier's brand) has thousands of holders and
/// is in nearly every campaign, so counting made every re-partition at
/// intake read all of them.
fn common_features(conn: &mut dyn Conn, campaign: i64, limit: i64) -> Result<Vec<CommonFeature>, StoreError> {
    conn.query(
        "SELECT g.kind, g.value, CASE WHEN EXISTS (SELECT 1 FROM link_features f \
         JOIN campaign_members o ON o.report_id = f.report_id \
         WHERE f.kind = g.kind AND f.value = g.value AND o.campaign_id <> $1) THEN 2 ELSE 1 END \
         FROM campaign_members m JOIN link_features g ON g.report_id = m.report_id \
         WHERE m.campaign_id = $1 GROUP BY g.kind, g.value \
         HAVING EXISTS (SELECT 1 FROM link_features f WHERE f.kind = g.kind AND f.value = g.value \
         LIMIT 1 OFFSET $2)",
        &[campaign.into(), limit.into()],
    )?
    .iter()
    .map(|row| Ok(CommonFeature { kind: row.text(0)?, value: row.text(1)?, in_one_campaign: row.int(2)? <= 1 }))
    .collect()
}

fn inputs_by_id(conn: &mut dyn Conn, ids: &[i64]) -> Result<Vec<LinkInput>, StoreError> {
    let mut inputs = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut query = Query::new(&format!(
            "SELECT {INPUT_COLUMNS} FROM reports r LEFT JOIN report_analyses a ON a.report_id = r.id WHERE r.id IN ("
        ));
        let params: Vec<String> = chunk.iter().map(|&id| query.param(id)).collect();
        query.push(&params.join(", "));
        query.push(") ORDER BY r.id");
        let rows = conn.query(&query.sql, &query.params)?;
        inputs.extend(read_inputs(conn, rows)?);
    }
    Ok(inputs)
}

/// Writes the link index rows of reports and their campaign membership.
fn write_records(
    conn: &mut dyn Conn,
    records: &[LinkRecord],
    members: &[(i64, i64)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = to_ms(now);
    let mut members = members.to_vec();
    members.sort_unstable();
    let members: Vec<Vec<Value>> =
        members.into_iter().map(|(report, campaign)| vec![report.into(), campaign.into(), now.into()]).collect();
    insert_rows(
        conn,
        "campaign_members (report_id, campaign_id, linked_at)",
        3,
        " ON CONFLICT (report_id) DO UPDATE SET campaign_id = excluded.campaign_id, linked_at = excluded.linked_at",
        members,
    )?;
    // Rows go in in primary-key order: a rebuild writes millions, and
    // appending to a B-tree is far cheaper than inserting at random places.
    let mut features: Vec<(&str, &str, i64)> = records
        .iter()
        .flat_map(|record| {
            record.features.iter().map(|(kind, value)| (kind.as_str(), value.as_str(), record.report_id))
        })
        .collect();
    features.sort_unstable();
    let features =
        features.into_iter().map(|(kind, value, report)| vec![kind.into(), value.into(), report.into()]).collect();
    insert_rows(conn, "link_features (kind, value, report_id)", 3, " ON CONFLICT DO NOTHING", features)?;
    let texts = records
        .iter()
        .filter_map(|record| {
            record.signature.as_ref().map(|signature| vec![record.report_id.into(), signature.as_str().into()])
        })
        .collect();
    insert_rows(conn, "link_texts (report_id, signature)", 2, " ON CONFLICT DO NOTHING", texts)?;
    let mut bands: Vec<(i64, i64)> =
        records.iter().flat_map(|record| record.bands.iter().map(|&key| (key, record.report_id))).collect();
    bands.sort_unstable();
    let bands = bands.into_iter().map(|(key, report)| vec![key.into(), report.into()]).collect();
    insert_rows(conn, "link_bands (band_key, report_id)", 2, " ON CONFLICT DO NOTHING", bands)?;
    Ok(())
}

/// Writes the lookup index of many reports at once (a rebuild) and every
/// key's answer, added up here from the records rather than by grouping
/// the whole index in SQL.
fn index_all_for_lookup(conn: &mut dyn Conn, records: &[LinkRecord]) -> Result<(), StoreError> {
    let lookup = records
        .iter()
        .flat_map(|record| {
            record.lookup_keys.iter().map(|(kind, value)| {
                vec![
                    kind.as_str().into(),
                    value.as_str().into(),
                    record.report_id.into(),
                    record.text_key.into(),
                    to_ms(record.received_at).into(),
                    record.scam_type.clone().into(),
                ]
            })
        })
        .collect();
    insert_rows(conn, LOOKUP_INDEX_COLUMNS, 6, " ON CONFLICT DO NOTHING", lookup)?;
    // Every publishable report naming a key counts: two victims pasting the
    // same lure are two reports (a reporter's exact resubmission is a
    // duplicate the store never keeps).
    let mut answers: HashMap<(&str, &str), (i64, i64, i64)> = HashMap::new();
    let mut types: HashMap<(&str, &str, &str), i64> = HashMap::new();
    for record in records {
        let at = to_ms(record.received_at);
        let mut keys: Vec<&(String, String)> = record.lookup_keys.iter().collect();
        keys.sort_unstable();
        keys.dedup();
        for (kind, value) in keys {
            let answer = answers.entry((kind.as_str(), value.as_str())).or_insert((0, at, at));
            *answer = (answer.0 + 1, answer.1.min(at), answer.2.max(at));
            if let Some(scam_type) = &record.scam_type {
                *types.entry((kind.as_str(), value.as_str(), scam_type.as_str())).or_default() += 1;
            }
        }
    }
    let summary = answers
        .into_iter()
        .map(|((kind, value), (reports, first, last))| {
            vec![kind.into(), value.into(), reports.into(), first.into(), last.into()]
        })
        .collect();
    insert_rows(conn, "lookup_summary (kind, value, reports, first_seen, last_seen)", 5, "", summary)?;
    let types = types
        .into_iter()
        .map(|((kind, value, scam_type), reports)| vec![kind.into(), value.into(), scam_type.into(), reports.into()])
        .collect();
    insert_rows(conn, "lookup_summary_types (kind, value, scam_type, reports)", 4, "", types)?;
    Ok(())
}

const LOOKUP_INDEX_COLUMNS: &str = "lookup_index (kind, value, report_id, text_key, received_at, scam_type)";

/// Adds one report to the lookup index and, for each key it newly names,
/// to that key's answer: two upserts per key, so the answer never has to be
/// counted at lookup time.
fn index_for_lookup(conn: &mut dyn Conn, record: &LinkRecord) -> Result<(), StoreError> {
    let at = to_ms(record.received_at);
    for (kind, value) in &record.lookup_keys {
        let key = [Value::from(kind.as_str()), Value::from(value.as_str())];
        let added = conn.execute(
            &format!("INSERT INTO {LOOKUP_INDEX_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"),
            &[
                key[0].clone(),
                key[1].clone(),
                record.report_id.into(),
                record.text_key.into(),
                at.into(),
                record.scam_type.clone().into(),
            ],
        )?;
        if added == 0 {
            continue;
        }
        conn.execute(
            "INSERT INTO lookup_summary (kind, value, reports, first_seen, last_seen) VALUES ($1, $2, 1, $3, $3) \
             ON CONFLICT (kind, value) DO UPDATE SET reports = lookup_summary.reports + 1, \
             first_seen = CASE WHEN excluded.first_seen < lookup_summary.first_seen \
                 THEN excluded.first_seen ELSE lookup_summary.first_seen END, \
             last_seen = CASE WHEN excluded.last_seen > lookup_summary.last_seen \
                 THEN excluded.last_seen ELSE lookup_summary.last_seen END",
            &[key[0].clone(), key[1].clone(), at.into()],
        )?;
        if let Some(scam_type) = &record.scam_type {
            conn.execute(
                "INSERT INTO lookup_summary_types (kind, value, scam_type, reports) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (kind, value, scam_type) DO UPDATE SET reports = lookup_summary_types.reports + 1",
                &[key[0].clone(), key[1].clone(), scam_type.as_str().into()],
            )?;
        }
    }
    Ok(())
}

impl Store {
    /// The stored campaign of each of `ids` that has one, for matching
    /// watchlist entries on campaigns. Not filtered by a viewer: callers
    /// decide visibility per report (alerts are only raised on reports the
    /// watching organisation may read).
    pub fn campaigns_of(&self, ids: &[i64]) -> Result<HashMap<i64, i64>, StoreError> {
        let mut found = HashMap::new();
        self.pool.with(|conn| {
            for chunk in ids.chunks(500) {
                let mut query = Query::new("SELECT report_id, campaign_id FROM campaign_members WHERE report_id IN (");
                let params: Vec<String> = chunk.iter().map(|id| query.param(*id)).collect();
                query.push(&params.join(", "));
                query.push(")");
                for row in conn.query(&query.sql, &query.params)? {
                    found.insert(row.int(0)?, row.int(1)?);
                }
            }
            Ok(found)
        })
    }

    /// How many reports each of `campaigns` holds, readable or not: a
    /// viewer's campaign is the whole stored one only when they read all.
    pub fn campaign_sizes(&self, campaigns: &[i64]) -> Result<HashMap<i64, usize>, StoreError> {
        self.pool.with(|conn| campaign_sizes(conn, campaigns))
    }

    /// Reports in some campaign.
    pub fn linked_reports(&self) -> Result<i64, StoreError> {
        self.pool
            .with(|conn| conn.query_one("SELECT COUNT(*) FROM campaign_members", &[])?.map_or(Ok(0), |row| row.int(0)))
    }

    /// Values of a stored campaign's reports held by more than `limit`
    /// reports of the whole case (hubs of the case).
    pub fn common_features(&self, campaign: i64, limit: i64) -> Result<Vec<CommonFeature>, StoreError> {
        self.pool.with(|conn| common_features(conn, campaign, limit))
    }

    /// Link inputs of reports by id (installation-wide; see the module docs).
    pub fn link_inputs(&self, ids: &[i64]) -> Result<Vec<LinkInput>, StoreError> {
        self.pool.with(|conn| inputs_by_id(conn, ids))
    }

    /// Up to `limit` reports with an id above `after_id`, in id order, for a
    /// rebuild of the whole partition.
    pub fn link_inputs_page(&self, after_id: i64, limit: usize) -> Result<Vec<LinkInput>, StoreError> {
        self.pool.with(|conn| {
            let rows = conn.query(
                &format!(
                    "SELECT {INPUT_COLUMNS} FROM reports r LEFT JOIN report_analyses a ON a.report_id = r.id \
                     WHERE r.id > $1 ORDER BY r.id LIMIT $2"
                ),
                &[after_id.into(), (limit.clamp(1, 1_000_000) as i64).into()],
            )?;
            read_inputs(conn, rows)
        })
    }

    /// Runs `work` on the link index in one transaction.
    pub fn linking<T>(
        &self,
        now: DateTime<Utc>,
        mut work: impl FnMut(&mut LinkTx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                if conn.dialect() == crate::db::Dialect::Postgres {
                    // One linker at a time: merges read what others write.
                    conn.batch("SELECT pg_advisory_xact_lock(7265637)")?;
                }
                work(&mut LinkTx { conn, now })
            })
        })
    }

    /// Hands every linked report and its campaign to `visit`, by report id:
    /// the reports whose index rows [`Store::read_link_features`] and
    /// [`Store::read_link_texts`] read. Those rows never change once a
    /// report is linked (only a rebuild with `reindex` replaces them), so
    /// they may be read afterwards, from other snapshots and connections.
    pub fn read_link_members(&self, visit: &mut dyn FnMut(i64, i64)) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.query_each("SELECT report_id, campaign_id FROM campaign_members ORDER BY report_id", &[], &mut |row| {
                visit(row.int(0)?, row.int(1)?);
                Ok(())
            })
        })
    }

    /// Hands the (kind, value, report) link feature rows of the kinds
    /// from `from` up to (not including) `below` to `visit`, grouped by
    /// kind and value (the primary key's order: a walk of its index on
    /// both backends). Two ranges of kinds may be read side by side.
    pub fn read_link_features(
        &self,
        from: &str,
        below: Option<&str>,
        visit: &mut dyn FnMut(&str, &str, i64),
    ) -> Result<(), StoreError> {
        let (sql, params): (&str, Vec<Value>) = match below {
            Some(below) => (
                "SELECT kind, value, report_id FROM link_features WHERE kind >= $1 AND kind < $2 \
                 ORDER BY kind, value, report_id",
                vec![from.into(), below.into()],
            ),
            None => (
                "SELECT kind, value, report_id FROM link_features WHERE kind >= $1 ORDER BY kind, value, report_id",
                vec![from.into()],
            ),
        };
        self.pool.with(|conn| {
            conn.query_each(sql, &params, &mut |row| {
                visit(row.text(0)?, row.text(1)?, row.int(2)?);
                Ok(())
            })
        })
    }

    /// Hands every report's stored MinHash signature (hex) to `visit`.
    pub fn read_link_texts(
        &self,
        visit: &mut dyn FnMut(i64, &str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.query_each("SELECT report_id, signature FROM link_texts", &[], &mut |row| {
                visit(row.int(0)?, row.text(1)?)
            })
        })
    }

    /// Hands every linked report's time (when it was made, else when it
    /// arrived: what linking reads as its time) to `visit`, in report
    /// order: the linker tells an operation's phases, which follow one
    /// another, from crews working side by side.
    pub fn read_link_times(
        &self,
        visit: &mut dyn FnMut(i64, DateTime<Utc>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.query_each(
                "SELECT r.id, COALESCE(r.reported_at, r.received_at) FROM campaign_members m \
                 JOIN reports r ON r.id = m.report_id ORDER BY r.id",
                &[],
                &mut |row| visit(row.int(0)?, from_ms(row.int(1)?)?),
            )
        })
    }

    /// How many stored reports are in no campaign: counted from the two
    /// tables' smallest indexes, without reading the reports.
    pub fn unlinked_count(&self) -> Result<i64, StoreError> {
        self.pool.with(|conn| {
            conn.query_one("SELECT (SELECT COUNT(*) FROM reports) - (SELECT COUNT(*) FROM campaign_members)", &[])?
                .map_or(Ok(0), |row| row.int(0))
        })
    }

    /// Up to `limit` reports in no campaign with an id above `after`, in id
    /// order: those the link index does not hold yet (imported by an older
    /// version, or while linking failed).
    pub fn unlinked_reports(&self, after: i64, limit: usize) -> Result<Vec<i64>, StoreError> {
        self.pool.with(|conn| {
            conn.query(
                "SELECT r.id FROM reports r WHERE r.id > $1 \
                 AND NOT EXISTS (SELECT 1 FROM campaign_members m WHERE m.report_id = r.id) ORDER BY r.id LIMIT $2",
                &[after.into(), (limit.clamp(1, 1_000_000) as i64).into()],
            )?
            .iter()
            .map(|row| row.int(0))
            .collect()
        })
    }

    /// Writes what a rebuild decided, in one transaction: `members` are the
    /// reports whose campaign changed or that had none, `records` the index
    /// rows of reports the index did not hold. With `reindex` the whole
    /// index is replaced by `records` (every report's): on SQLite the link
    /// tables' secondary indexes are then dropped while the rows go in and
    /// built again from the full tables, which is faster than keeping them
    /// current row by row.
    pub fn write_rebuild(
        &self,
        records: &[LinkRecord],
        members: &[(i64, i64)],
        reindex: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                if conn.dialect() == crate::db::Dialect::Postgres {
                    // One linker at a time, as in [`Store::linking`].
                    conn.batch("SELECT pg_advisory_xact_lock(7265637)")?;
                }
                if reindex {
                    conn.batch(
                        "DELETE FROM campaign_members; DELETE FROM link_features; DELETE FROM link_bands; \
                         DELETE FROM link_texts; DELETE FROM lookup_index; DELETE FROM lookup_summary; \
                         DELETE FROM lookup_summary_types",
                    )?;
                }
                // On PostgreSQL dropping an index would lock readers of the
                // table out until the rebuild commits; SQLite readers keep
                // their snapshot.
                let drop_indexes = reindex && conn.dialect() == crate::db::Dialect::Sqlite;
                if drop_indexes {
                    conn.batch("DROP INDEX campaign_members_campaign; DROP INDEX link_features_report")?;
                }
                // Answers are added up from the records when the lookup
                // index is empty, else kept per key as at intake.
                let empty = conn.query_one("SELECT 1 FROM lookup_index LIMIT 1", &[])?.is_none();
                write_records(conn, records, members, now)?;
                if empty {
                    index_all_for_lookup(conn, records)?;
                } else {
                    for record in records {
                        index_for_lookup(conn, record)?;
                    }
                }
                if drop_indexes {
                    conn.batch(
                        "CREATE INDEX campaign_members_campaign ON campaign_members(campaign_id, report_id); \
                         CREATE INDEX link_features_report ON link_features(report_id)",
                    )?;
                }
                Ok(())
            })
        })
    }

    /// The reports `viewer` may read in each stored campaign with at least
    /// `min_members` readable members, by campaign key.
    pub fn visible_campaigns(&self, viewer: &Viewer, min_members: usize) -> Result<Vec<(i64, Vec<i64>)>, StoreError> {
        let mut query = Query::new(
            "SELECT m.campaign_id, m.report_id FROM campaign_members m JOIN reports r ON r.id = m.report_id WHERE ",
        );
        let visible = visibility(&mut query, viewer);
        query.push(&visible);
        query.push(" ORDER BY m.campaign_id, m.report_id");
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        let mut campaigns: Vec<(i64, Vec<i64>)> = Vec::new();
        for row in &rows {
            let (campaign, report) = (row.int(0)?, row.int(1)?);
            match campaigns.last_mut() {
                Some((id, members)) if *id == campaign => members.push(report),
                _ => campaigns.push((campaign, vec![report])),
            }
        }
        campaigns.retain(|(_, members)| members.len() >= min_members.max(1));
        Ok(campaigns)
    }

    /// The members of stored campaign `campaign` that `viewer` may read
    /// (none: no such campaign, or none readable).
    pub fn visible_campaign(&self, viewer: &Viewer, campaign: i64) -> Result<Vec<i64>, StoreError> {
        let mut query =
            Query::new("SELECT m.report_id FROM campaign_members m JOIN reports r ON r.id = m.report_id WHERE ");
        let visible = visibility(&mut query, viewer);
        let p = query.param(campaign);
        query.push(&format!("m.campaign_id = {p} AND {visible} ORDER BY m.report_id"));
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        rows.iter().map(|row| row.int(0)).collect()
    }

    /// The stored campaign of a report `viewer` may read, with the readable
    /// members of it; `NotFound` for a report they may not read.
    pub fn visible_campaign_of(&self, viewer: &Viewer, report: i64) -> Result<(i64, Vec<i64>), StoreError> {
        let mut query = Query::new(
            "SELECT m2.campaign_id, m2.report_id FROM campaign_members m1 \
             JOIN campaign_members m2 ON m2.campaign_id = m1.campaign_id JOIN reports r ON r.id = m2.report_id WHERE ",
        );
        let visible = visibility(&mut query, viewer);
        let p = query.param(report);
        query.push(&format!("m1.report_id = {p} AND {visible} ORDER BY m2.report_id"));
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        let members: Vec<i64> = rows.iter().map(|row| row.int(1)).collect::<Result<_, _>>()?;
        // The report itself must be readable, not only its campaign mates.
        match rows.first() {
            Some(row) if members.contains(&report) => Ok((row.int(0)?, members)),
            _ => Err(StoreError::NotFound(format!("campaign of report {report}"))),
        }
    }

    /// Link inputs of the reports among `ids` that `viewer` may read.
    pub fn visible_link_inputs(&self, viewer: &Viewer, ids: &[i64]) -> Result<Vec<LinkInput>, StoreError> {
        self.pool.with(|conn| {
            let mut inputs = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                let mut query = Query::new(&format!(
                    "SELECT {INPUT_COLUMNS} FROM reports r LEFT JOIN report_analyses a ON a.report_id = r.id WHERE "
                ));
                let visible = visibility(&mut query, viewer);
                let params: Vec<String> = chunk.iter().map(|&id| query.param(id)).collect();
                query.push(&format!("{visible} AND r.id IN ({}) ORDER BY r.id", params.join(", ")));
                let rows = conn.query(&query.sql, &query.params)?;
                inputs.extend(read_inputs(conn, rows)?);
            }
            Ok(inputs)
        })
    }

    /// What the publishable reports naming any of `keys` add up to: each
    /// report once (two victims pasting one lure are two), their dates and scam types, and
    /// the lowest rank (the caller's match level) at which one matched.
    /// `keys` are (kind, value, rank) of one query, which nest (a link within
    /// its host within its registrable domain, a WhatsApp number within the
    /// phone), so their union is the broadest key: the one with the most
    /// reports. Read from the per-key answers kept as reports arrive, so a
    /// value named by thousands of reports is one row.
    pub fn lookup_tally(&self, keys: &[(String, String, i64)]) -> Result<LookupTally, StoreError> {
        let mut tally = LookupTally::default();
        if keys.is_empty() {
            return Ok(tally);
        }
        let pairs: Vec<(String, String)> = keys.iter().map(|(kind, value, _)| (kind.clone(), value.clone())).collect();
        let mut query = Query::new("SELECT kind, value, reports, first_seen, last_seen FROM lookup_summary WHERE ");
        let condition = pairs_condition(&mut query, "kind", "value", &pairs);
        query.push(&condition);
        self.pool.with(|conn| {
            let mut broadest: Option<(String, String)> = None;
            for row in conn.query(&query.sql, &query.params)? {
                let (kind, value, reports) = (row.text(0)?, row.text(1)?, row.int(2)?);
                let rank = keys.iter().find(|(k, v, _)| *k == kind && *v == value).map(|(_, _, rank)| *rank);
                tally.best_rank = match (tally.best_rank, rank) {
                    (Some(best), Some(rank)) => Some(best.min(rank)),
                    (best, rank) => best.or(rank),
                };
                if reports > tally.reports {
                    tally.reports = reports;
                    tally.first_seen = Some(from_ms(row.int(3)?)?);
                    tally.last_seen = Some(from_ms(row.int(4)?)?);
                    broadest = Some((kind, value));
                }
            }
            if let Some((kind, value)) = broadest {
                let types = conn.query(
                    "SELECT scam_type, reports FROM lookup_summary_types WHERE kind = $1 AND value = $2 \
                     ORDER BY scam_type",
                    &[kind.into(), value.into()],
                )?;
                for row in types {
                    tally.scam_types.push((row.text(0)?, row.int(1)?));
                }
            }
            Ok(tally)
        })
    }

    /// Reports `viewer` may read naming any of `keys` (kind, normalized),
    /// with their campaign: what a pre-payment check may use.
    pub fn check_rows(&self, viewer: &Viewer, keys: &[(String, String)]) -> Result<Vec<CheckRow>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        if viewer.role == Role::Reporter {
            return Err(StoreError::Forbidden(format!(
                "{} is a reporter and cannot check beneficiaries",
                viewer.user_name
            )));
        }
        let mut query = Query::new(
            "SELECT DISTINCT r.id, r.received_at, a.scam_type, r.loss_minor, r.loss_currency \
             FROM report_indicators i JOIN reports r ON r.id = i.report_id \
             LEFT JOIN report_analyses a ON a.report_id = r.id WHERE ",
        );
        let visible = visibility(&mut query, viewer);
        let pairs = pairs_condition(&mut query, "i.kind", "i.normalized", keys);
        query.push(&format!("{visible} AND {pairs} ORDER BY r.id LIMIT 10000"));
        self.pool.with(|conn| {
            conn.query(&query.sql, &query.params)?
                .iter()
                .map(|row| {
                    Ok(CheckRow {
                        report_id: row.int(0)?,
                        received_at: from_ms(row.int(1)?)?,
                        scam_type: row.opt_text(2)?,
                        loss: match (row.opt_int(3)?, row.opt_text(4)?) {
                            (Some(minor), Some(code)) => Some((minor, code)),
                            _ => None,
                        },
                    })
                })
                .collect()
        })
    }
}
