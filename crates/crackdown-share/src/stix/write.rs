//! One STIX 2.1 bundle, streamed: each input item becomes its objects as it
//! arrives, so memory does not grow with the export.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::io::{BufWriter, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use crackdown_model::Tlp;
use serde_json::{Map, Value, json};

use super::sco::{NEW_SCOS, pattern, sco_id_of, sco_object};
use crate::error::ShareError;
use crate::ids::stable_id;
use crate::markings::{marking_definition, marking_id};
use crate::model::{Campaign, ExportItem, ExportOptions, ExportSummary, Indicator, Persona, PersonaKind, Report};
use crate::out::ArrayOut;

/// Where the extension schemas are published.
pub const SCHEMA_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/crates/crackdown-share/schemas/");

/// When our extension definitions were published (fixed: they are shared objects).
const EXTENSIONS_CREATED: &str = "2026-01-01T00:00:00.000Z";

/// The `source_name` of external references carrying crackdown's own ids.
pub const SOURCE_NAME: &str = "crackdown";

/// STIX timestamps: UTC, milliseconds, `Z`.
pub fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The identity of the crackdown project, author of the extension definitions.
pub fn project_identity_id() -> String {
    stable_id("identity", &["crackdown project"])
}

/// The STIX id of a campaign, from its stable store id.
pub fn campaign_id(id: &str) -> String {
    stable_id("campaign", &[id])
}

/// The STIX id of a report, from its store id.
pub fn report_id(id: &str) -> String {
    stable_id("report", &[id])
}

/// The STIX `indicator` id of an indicator: one per observable.
pub fn indicator_id(sco_id: &str) -> String {
    stable_id("indicator", &[sco_id])
}

struct CurrentCampaign {
    id: String,
    tlp: Tlp,
}

struct StixWriter<W: Write> {
    out: BufWriter<W>,
    objects: ArrayOut,
    options: ExportOptions,
    producer_id: String,
    created: String,
    campaign: Option<CurrentCampaign>,
    /// The observables already written (a hash of the object type and the
    /// UUID), so an indicator that comes once per campaign is one object:
    /// 24 bytes (plus the set's slack) per distinct indicator, the only
    /// state that grows with the export. The UUID alone does not name an
    /// object: SCO UUIDs hash only the id-contributing properties, so the
    /// url `'` and the phone number `'` share one.
    written_observables: HashSet<(u64, u128), BuildHasherDefault<FoldHasher>>,
    /// The relationships of the current campaign already written: an
    /// indicator named twice in one campaign (at two markings) is one
    /// `indicates` relationship, as an id stands for one object. Its ids name
    /// the campaign, so the set starts empty with each campaign.
    written_relationships: HashSet<String, BuildHasherDefault<FoldHasher>>,
    summary: ExportSummary,
}

/// The set's keys are SHA-1 based UUIDs, already uniformly spread: folding
/// them is hash enough.
#[derive(Default)]
struct FoldHasher(u64);

impl std::hash::Hasher for FoldHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }
    fn write_u128(&mut self, value: u128) {
        self.0 = (value as u64) ^ ((value >> 64) as u64);
    }
}

/// Writes `items` as one STIX 2.1 bundle to `out`, leaving out everything
/// marked above `options.tlp_max` and every reference to it.
///
/// Payments are not written: STIX has no money-transfer object, and the money
/// trail goes to partners as FollowTheMoney (`write_ftm`).
pub fn write_stix<W: Write>(
    items: impl IntoIterator<Item = ExportItem>,
    options: &ExportOptions,
    out: W,
) -> Result<ExportSummary, ShareError> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let created = timestamp(options.created);
    let bundle_id = stable_id("bundle", &[&options.producer, &created]);
    let objects = ArrayOut::open(&mut out, &format!("{{\"type\":\"bundle\",\"id\":\"{bundle_id}\",\"objects\":["))?;
    let mut writer = StixWriter {
        out,
        objects,
        producer_id: stable_id("identity", &[&options.producer]),
        options: options.clone(),
        created,
        campaign: None,
        written_observables: HashSet::default(),
        written_relationships: HashSet::default(),
        summary: ExportSummary::default(),
    };
    writer.preamble()?;
    for item in items {
        writer.item(item)?;
    }
    let StixWriter { mut out, objects, summary, .. } = writer;
    objects.close(&mut out, "]}\n")?;
    out.flush()?;
    Ok(summary)
}

impl<W: Write> StixWriter<W> {
    fn push(&mut self, object: &Value) -> Result<(), ShareError> {
        self.objects.push(&mut self.out, object)?;
        self.summary.written += 1;
        Ok(())
    }

    fn allowed(&self, tlp: Tlp) -> bool {
        tlp <= self.options.tlp_max
    }

    /// The producer and project identities, our extension definitions and
    /// the TLP marking definitions an export up to `tlp_max` can use.
    fn preamble(&mut self) -> Result<(), ShareError> {
        let project = project_identity_id();
        let producer = json!({
            "type": "identity", "spec_version": "2.1", "id": self.producer_id,
            "created": self.created, "modified": self.created,
            "name": self.options.producer, "identity_class": "organization",
        });
        self.push(&producer)?;
        if project != self.producer_id {
            let project_identity = json!({
                "type": "identity", "spec_version": "2.1", "id": project,
                "created": EXTENSIONS_CREATED, "modified": EXTENSIONS_CREATED,
                "name": "crackdown project", "identity_class": "organization",
                "description": "Publisher of the crackdown STIX extensions for scam indicators.",
            });
            self.push(&project_identity)?;
        }
        for sco in &NEW_SCOS {
            let definition = json!({
                "type": "extension-definition", "spec_version": "2.1", "id": sco.extension_id,
                "created": EXTENSIONS_CREATED, "modified": EXTENSIONS_CREATED, "created_by_ref": project,
                "name": sco.object_type, "description": sco.description,
                "schema": format!("{SCHEMA_BASE}{}", sco.schema_file),
                "version": "1.0.0", "extension_types": ["new-sco"],
            });
            self.push(&definition)?;
        }
        for &tlp in <Tlp as crackdown_model::Keyword>::ALL {
            if self.allowed(tlp) {
                self.push(&marking_definition(tlp))?;
            }
        }
        Ok(())
    }

    fn item(&mut self, item: ExportItem) -> Result<(), ShareError> {
        match item {
            ExportItem::Campaign(campaign) => self.campaign(&campaign),
            ExportItem::EndCampaign => {
                self.campaign = None;
                Ok(())
            }
            ExportItem::Indicator(indicator) => self.indicator(&indicator),
            ExportItem::Report(report) => self.report(&report),
            ExportItem::Persona(persona) => self.persona(&persona),
            ExportItem::Payment(_) => Ok(()),
        }
    }

    /// Common properties of a domain object.
    fn sdo(&self, object_type: &str, id: &str, created: &str, modified: &str, tlp: Tlp) -> Map<String, Value> {
        let mut object = Map::new();
        object.insert("type".into(), object_type.into());
        object.insert("spec_version".into(), "2.1".into());
        object.insert("id".into(), id.into());
        object.insert("created".into(), created.into());
        object.insert("modified".into(), modified.into());
        object.insert("created_by_ref".into(), self.producer_id.clone().into());
        object.insert("object_marking_refs".into(), json!([marking_id(tlp)]));
        object
    }

    fn external_id(id: &str) -> Value {
        json!([{"source_name": SOURCE_NAME, "external_id": id}])
    }

    fn campaign(&mut self, campaign: &Campaign) -> Result<(), ShareError> {
        if !self.allowed(campaign.tlp) {
            self.summary.left_out += 1;
            self.campaign = None;
            return Ok(());
        }
        let id = campaign_id(&campaign.id);
        let first = timestamp(campaign.first_seen);
        let last = timestamp(campaign.last_seen.max(campaign.first_seen));
        let mut object = self.sdo("campaign", &id, &first, &last, campaign.tlp);
        object.insert("name".into(), campaign.name.clone().into());
        if !campaign.scam_types.is_empty() {
            object.insert("description".into(), format!("Scam types: {}.", campaign.scam_types.join(", ")).into());
            object.insert("labels".into(), json!(campaign.scam_types));
        }
        object.insert("first_seen".into(), first.into());
        object.insert("last_seen".into(), last.into());
        object.insert("external_references".into(), Self::external_id(&campaign.id));
        self.push(&Value::Object(object))?;
        self.campaign = Some(CurrentCampaign { id, tlp: campaign.tlp });
        self.written_relationships.clear();
        Ok(())
    }

    fn indicator(&mut self, indicator: &Indicator) -> Result<(), ShareError> {
        if !self.allowed(indicator.tlp) {
            self.summary.left_out += 1;
            return Ok(());
        }
        let sco_id = sco_id_of(&indicator.key);
        let id = indicator_id(&sco_id);
        let written = sco_id.split_once("--").and_then(|(object_type, uuid)| {
            let uuid = uuid::Uuid::try_parse(uuid).ok()?;
            Some((BuildHasherDefault::<FoldHasher>::default().hash_one(object_type), uuid.as_u128()))
        });
        if written.is_none_or(|written| self.written_observables.insert(written)) {
            self.observable(indicator, &id)?;
        }
        if let Some(campaign) = &self.campaign {
            let (campaign_id, tlp) = (campaign.id.clone(), campaign.tlp.max(indicator.tlp));
            self.relationship(&id, "indicates", &campaign_id, tlp)?;
        }
        Ok(())
    }

    /// The SCO and the `indicator` of an indicator not written yet.
    fn observable(&mut self, indicator: &Indicator, id: &str) -> Result<(), ShareError> {
        let mut sco = sco_object(&indicator.key);
        sco.insert("object_marking_refs".into(), json!([marking_id(indicator.tlp)]));
        self.push(&Value::Object(sco))?;
        let seen = timestamp(indicator.first_seen);
        let mut object = self.sdo("indicator", id, &seen, &seen, indicator.tlp);
        let word = indicator.key.kind.word();
        object.insert("name".into(), format!("{word} {}", indicator.key.value).into());
        object.insert(
            "description".into(),
            format!("A {} seen in scam reports received by {}.", word.replace('_', " "), self.options.producer).into(),
        );
        object.insert("indicator_types".into(), json!(["malicious-activity"]));
        object.insert("pattern".into(), pattern(&indicator.key).into());
        object.insert("pattern_type".into(), "stix".into());
        object.insert("valid_from".into(), seen.into());
        self.push(&Value::Object(object))
    }

    fn relationship(&mut self, source: &str, kind: &str, target: &str, tlp: Tlp) -> Result<(), ShareError> {
        let id = stable_id("relationship", &[source, kind, target]);
        if !self.written_relationships.insert(id.clone()) {
            return Ok(());
        }
        let created = self.created.clone();
        let mut object = self.sdo("relationship", &id, &created, &created, tlp);
        object.insert("relationship_type".into(), kind.into());
        object.insert("source_ref".into(), source.into());
        object.insert("target_ref".into(), target.into());
        self.push(&Value::Object(object))
    }

    fn report(&mut self, report: &Report) -> Result<(), ShareError> {
        if !self.allowed(report.tlp) {
            self.summary.left_out += 1;
            return Ok(());
        }
        let mut refs: Vec<String> = Vec::new();
        if let Some(campaign) = &self.campaign {
            refs.push(campaign.id.clone());
        }
        for reference in report.indicators.iter().filter(|reference| self.allowed(reference.tlp)) {
            let sco_id = sco_id_of(&reference.key);
            let indicator = indicator_id(&sco_id);
            if !refs.contains(&sco_id) {
                refs.push(sco_id);
                refs.push(indicator);
            }
        }
        if refs.is_empty() {
            // `object_refs` must name at least one object; a report none of
            // whose objects may leave would say nothing a partner can use.
            self.summary.left_out += 1;
            return Ok(());
        }
        let id = report_id(&report.id);
        let received = timestamp(report.received_at);
        let mut object = self.sdo("report", &id, &received, &received, report.tlp);
        object.insert("name".into(), format!("Scam report {}", report.id).into());
        if let Some(text) = &report.text {
            object.insert("description".into(), text.clone().into());
        }
        if let Some(scam_type) = &report.scam_type {
            object.insert("labels".into(), json!([scam_type]));
        }
        object.insert("report_types".into(), json!(["threat-report"]));
        object.insert("published".into(), received.clone().into());
        object.insert("object_refs".into(), json!(refs));
        object.insert("external_references".into(), Self::external_id(&report.id));
        self.push(&Value::Object(object))?;
        if !report.reasons.is_empty() {
            let note_id = stable_id("note", &[&report.id, "reasons"]);
            let mut note = self.sdo("note", &note_id, &received, &received, report.tlp);
            note.insert("abstract".into(), "Why the analysis judged this report a scam".into());
            note.insert("content".into(), report.reasons.join("\n").into());
            note.insert("object_refs".into(), json!([id]));
            self.push(&Value::Object(note))?;
        }
        Ok(())
    }

    fn persona(&mut self, persona: &Persona) -> Result<(), ShareError> {
        if !self.allowed(persona.tlp) {
            self.summary.left_out += 1;
            return Ok(());
        }
        let kind = match persona.kind {
            PersonaKind::Person => "person",
            PersonaKind::Organization => "organization",
        };
        let id = stable_id("threat-actor", &[kind, &persona.name]);
        let created = self.created.clone();
        let mut object = self.sdo("threat-actor", &id, &created, &created, persona.tlp);
        object.insert("name".into(), persona.name.clone().into());
        object
            .insert("description".into(), format!("A {kind} the scammers pose as, as named in victim reports.").into());
        object.insert("threat_actor_types".into(), json!(["crime-syndicate"]));
        object.insert("roles".into(), json!(["agent"]));
        object.insert("labels".into(), json!([format!("persona:{kind}")]));
        self.push(&Value::Object(object))?;
        if let Some(campaign) = &self.campaign {
            let (campaign_id, tlp) = (campaign.id.clone(), campaign.tlp.max(persona.tlp));
            self.relationship(&campaign_id, "attributed-to", &id, tlp)?;
        }
        Ok(())
    }
}
