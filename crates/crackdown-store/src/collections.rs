//! Which reports a sharing feed (the TAXII collections of `crackdown serve`)
//! holds: the caller's organisation's own, or what membership of one
//! community grants. Always within what the caller may read, by the same
//! [`visibility`] condition as every other read.

use chrono::{DateTime, Utc};
use crackdown_model::{Keyword, Tlp, Viewer};

use crate::reports::{Query, visibility};
use crate::{Store, StoreError, from_ms};

/// The reports one feed is drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeedScope {
    /// The caller's organisation's reports.
    OwnOrg,
    /// The reports the members of this community (by its store id) share
    /// in it: CLEAR and GREEN reports of its member organisations, and
    /// their AMBER reports shared with this community. Empty unless the
    /// caller's organisation is a member.
    Community(i64),
}

impl Store {
    /// The reports of `scope` that `viewer` may read, marked at most
    /// `tlp_max`, ascending by id: (id, received at).
    pub fn feed_reports(
        &self,
        viewer: &Viewer,
        scope: FeedScope,
        tlp_max: Tlp,
    ) -> Result<Vec<(i64, DateTime<Utc>)>, StoreError> {
        let mut query = Query::new("SELECT r.id, r.received_at FROM reports r WHERE ");
        let visible = visibility(&mut query, viewer);
        query.push(&visible);
        match scope {
            FeedScope::OwnOrg => {
                let org = query.param(viewer.org_id);
                query.push(&format!(" AND r.org_id = {org}"));
            }
            FeedScope::Community(community) => {
                let member = query.param(viewer.org_id);
                let community = query.param(community);
                query.push(&format!(
                    " AND EXISTS (SELECT 1 FROM community_members me WHERE me.community_id = {community} \
                       AND me.org_id = {member}) \
                     AND r.org_id IN (SELECT m.org_id FROM community_members m WHERE m.community_id = {community}) \
                     AND (r.tlp IN ('clear', 'green') OR (r.tlp = 'amber' AND EXISTS (SELECT 1 FROM report_shares s \
                       WHERE s.report_id = r.id AND s.community_id = {community})))"
                ));
            }
        }
        let allowed: Vec<String> =
            Tlp::ALL.iter().filter(|tlp| **tlp <= tlp_max).map(|tlp| query.param(tlp.as_str())).collect();
        query.push(&format!(" AND r.tlp IN ({}) ORDER BY r.id", allowed.join(", ")));
        let rows = self.pool.with(|conn| conn.query(&query.sql, &query.params))?;
        rows.iter().map(|row| Ok((row.int(0)?, from_ms(row.int(1)?)?))).collect()
    }
}
