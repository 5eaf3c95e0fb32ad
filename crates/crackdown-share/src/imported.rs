//! The one form every reader produces: what a partner shared, with its
//! markings resolved and where it came from, ready for the intake path.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::{Money, Tlp};

use crate::error::Format;
use crate::model::{IndicatorKey, PersonaKind};
use crate::split::Limits;

/// Who sent the input, through which feed, when: kept with every import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    pub partner: String,
    pub feed: String,
    pub received_at: DateTime<Utc>,
}

/// Settings every reader takes.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub provenance: Provenance,
    /// The marking of what arrives unmarked. AMBER unless the sharing
    /// agreement says otherwise: never assume something may be published.
    pub default_tlp: Tlp,
    pub limits: Limits,
}

impl ReadOptions {
    pub fn new(provenance: Provenance) -> ReadOptions {
        ReadOptions { provenance, default_tlp: Tlp::Amber, limits: Limits::default() }
    }
}

/// An indicator as read, with the strictest marking any object gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedIndicator {
    pub key: IndicatorKey,
    pub tlp: Tlp,
    pub first_seen: Option<DateTime<Utc>>,
    /// The ids the input used for it (STIX ids, MISP attribute uuids, FtM ids).
    pub source_ids: Vec<String>,
    /// The `source_id`s of the campaigns it belongs to.
    pub campaigns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedCampaign {
    /// The id in the input (STIX id, MISP event uuid).
    pub source_id: String,
    /// crackdown's own campaign id, when the input came from a crackdown.
    pub crackdown_id: Option<String>,
    pub name: String,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub scam_types: Vec<String>,
    pub tlp: Tlp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedReport {
    pub source_id: String,
    pub crackdown_id: Option<String>,
    pub tlp: Tlp,
    pub published: Option<DateTime<Utc>>,
    pub text: Option<String>,
    pub scam_type: Option<String>,
    pub reasons: Vec<String>,
    pub indicators: Vec<IndicatorKey>,
    pub campaigns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedPersona {
    pub source_id: String,
    pub name: String,
    pub kind: PersonaKind,
    pub tlp: Tlp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedPayment {
    pub source_id: String,
    pub from: Option<IndicatorKey>,
    pub to: Option<IndicatorKey>,
    pub amount: Option<Money>,
    pub date: Option<NaiveDate>,
    pub transaction_id: Option<String>,
    pub tlp: Tlp,
}

/// Everything one input held, checked whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub format: Format,
    pub provenance: Provenance,
    pub campaigns: Vec<ImportedCampaign>,
    pub reports: Vec<ImportedReport>,
    pub indicators: Vec<ImportedIndicator>,
    pub personas: Vec<ImportedPersona>,
    pub payments: Vec<ImportedPayment>,
    /// Objects left aside, by type: types this reader does not use (the spec
    /// lets consumers ignore them) and patterns that name no single value.
    pub skipped: BTreeMap<String, u64>,
    /// How many objects (STIX objects, MISP attributes and objects, FtM
    /// entities) the input held.
    pub objects: u64,
}

impl Imported {
    pub fn new(format: Format, provenance: Provenance) -> Imported {
        Imported {
            format,
            provenance,
            campaigns: Vec::new(),
            reports: Vec::new(),
            indicators: Vec::new(),
            personas: Vec::new(),
            payments: Vec::new(),
            skipped: BTreeMap::new(),
            objects: 0,
        }
    }

    pub fn skip(&mut self, what: &str) {
        *self.skipped.entry(what.to_owned()).or_default() += 1;
    }
}

/// Indicators by key, merged as they are read: the stricter marking wins,
/// the earliest first sighting stays, ids and campaigns accumulate.
#[derive(Default)]
pub struct IndicatorSet {
    index: HashMap<IndicatorKey, usize>,
    list: Vec<ImportedIndicator>,
}

impl IndicatorSet {
    pub fn add(&mut self, key: IndicatorKey, tlp: Tlp, first_seen: Option<DateTime<Utc>>, source_id: &str) {
        let at = *self.index.entry(key.clone()).or_insert_with(|| {
            self.list.push(ImportedIndicator { key, tlp, first_seen, source_ids: Vec::new(), campaigns: Vec::new() });
            self.list.len() - 1
        });
        let entry = &mut self.list[at];
        entry.tlp = entry.tlp.max(tlp);
        entry.first_seen = match (entry.first_seen, first_seen) {
            (Some(old), Some(new)) => Some(old.min(new)),
            (old, new) => old.or(new),
        };
        if !entry.source_ids.iter().any(|id| id == source_id) {
            entry.source_ids.push(source_id.to_owned());
        }
    }

    /// Files the indicator under a campaign (only if it was added).
    pub fn link_campaign(&mut self, key: &IndicatorKey, campaign: &str) {
        if let Some(&at) = self.index.get(key) {
            let campaigns = &mut self.list[at].campaigns;
            if !campaigns.iter().any(|known| known == campaign) {
                campaigns.push(campaign.to_owned());
            }
        }
    }

    pub fn into_vec(self) -> Vec<ImportedIndicator> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorKind;

    #[test]
    fn the_stricter_marking_wins_and_ids_accumulate() {
        let key = IndicatorKey::new(IndicatorKind::Phone, "+6681");
        let mut set = IndicatorSet::default();
        set.add(key.clone(), Tlp::Green, None, "a");
        set.add(key.clone(), Tlp::Red, None, "b");
        set.add(key.clone(), Tlp::Clear, None, "a");
        set.link_campaign(&key, "c1");
        set.link_campaign(&key, "c1");
        let list = set.into_vec();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].tlp, Tlp::Red);
        assert_eq!(list[0].source_ids, ["a", "b"]);
        assert_eq!(list[0].campaigns, ["c1"]);
    }
}
