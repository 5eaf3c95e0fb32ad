//! A JSON array of MISP events `{"Event": {...}}`, streamed: one event per
//! campaign section (and one for items outside any campaign), indicators as
//! MISP objects after the MISP object templates, every event, object and
//! attribute tagged with its `tlp:` level.

use std::collections::HashSet;
use std::io::{BufWriter, Write};

use crackdown_model::Tlp;
use serde_json::{Value, json};

use super::templates::{Template, object_of};
use crate::error::ShareError;
use crate::ids::stable_uuid;
use crate::markings::misp_tag;
use crate::model::{Campaign, ExportItem, ExportOptions, ExportSummary, Indicator, Persona, PersonaKind, Report};
use crate::out::ArrayOut;
use crate::stix::sco::sco_id_of;

/// The tag carrying crackdown's campaign id on its event.
pub const CAMPAIGN_TAG: &str = "crackdown:campaign-id";
/// The tag of an event holding items that belong to no shared campaign.
pub const UNGROUPED_TAG: &str = "crackdown:ungrouped";

/// MISP distribution levels for a marking: who MISP itself will sync to.
fn distribution(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "3",
        Tlp::Green => "2",
        Tlp::Amber => "1",
        Tlp::AmberStrict | Tlp::Red => "0",
    }
}

fn tags(tlp: Tlp) -> Value {
    json!([{"name": misp_tag(tlp)}])
}

struct OpenEvent {
    uuid: String,
    objects: ArrayOut,
    /// Indicator object uuids written in this event, so a report refers
    /// only to objects the event holds.
    written: HashSet<String>,
    /// Whether it holds items outside any campaign (and can take more).
    ungrouped: bool,
}

struct MispWriter<W: Write> {
    out: BufWriter<W>,
    events: ArrayOut,
    options: ExportOptions,
    timestamp: String,
    event: Option<OpenEvent>,
    sequence: u64,
    summary: ExportSummary,
}

/// Writes `items` as a JSON array of MISP events, leaving out everything
/// marked above `options.tlp_max` and every reference to it. Payments are
/// left to FollowTheMoney.
pub fn write_misp<W: Write>(
    items: impl IntoIterator<Item = ExportItem>,
    options: &ExportOptions,
    out: W,
) -> Result<ExportSummary, ShareError> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let events = ArrayOut::open(&mut out, "[")?;
    let mut writer = MispWriter {
        out,
        events,
        timestamp: options.created.timestamp().to_string(),
        options: options.clone(),
        event: None,
        sequence: 0,
        summary: ExportSummary::default(),
    };
    for item in items {
        writer.item(item)?;
    }
    writer.close_event()?;
    let MispWriter { mut out, events, summary, .. } = writer;
    events.close(&mut out, "]\n")?;
    out.flush()?;
    Ok(summary)
}

impl<W: Write> MispWriter<W> {
    fn allowed(&self, tlp: Tlp) -> bool {
        tlp <= self.options.tlp_max
    }

    fn close_event(&mut self) -> Result<(), ShareError> {
        if let Some(event) = self.event.take() {
            event.objects.close(&mut self.out, "]}}")?;
            self.summary.written += 1;
        }
        Ok(())
    }

    /// Starts an event; `campaign` is `None` for the items outside any
    /// shared campaign, whose event says nothing and is marked CLEAR.
    fn open_event(&mut self, campaign: Option<&Campaign>) -> Result<(), ShareError> {
        if campaign.is_none() && self.event.as_ref().is_some_and(|event| event.ungrouped) {
            return Ok(());
        }
        self.close_event()?;
        self.sequence += 1;
        let sequence = self.sequence.to_string();
        let (uuid, info, tlp, date, extra_tag) = match campaign {
            Some(campaign) => (
                stable_uuid(&["misp-event", &campaign.id]).to_string(),
                campaign.name.clone(),
                campaign.tlp,
                campaign.first_seen.date_naive().to_string(),
                json!({"name": format!("{CAMPAIGN_TAG}=\"{}\"", campaign.id)}),
            ),
            None => (
                stable_uuid(&["misp-event", &self.options.producer, &self.timestamp, &sequence]).to_string(),
                format!("Scam indicators shared by {}", self.options.producer),
                Tlp::Clear,
                self.options.created.date_naive().to_string(),
                json!({"name": UNGROUPED_TAG}),
            ),
        };
        let header = json!({
            "uuid": uuid, "info": info, "date": date, "threat_level_id": "2", "analysis": "2",
            "distribution": distribution(tlp), "published": false, "timestamp": self.timestamp,
            "Orgc": {"name": self.options.producer}, "Tag": [{"name": misp_tag(tlp)}, extra_tag], "Attribute": [],
        });
        let header = serde_json::to_string(&header).map_err(std::io::Error::other)?;
        // The header without its closing brace, then the objects array.
        let prefix = format!("{{\"Event\":{},\"Object\":[", &header[..header.len() - 1]);
        self.events.push_raw(&mut self.out, &prefix)?;
        let objects = ArrayOut::nested();
        self.event = Some(OpenEvent { uuid, objects, written: HashSet::new(), ungrouped: campaign.is_none() });
        Ok(())
    }

    fn event(&mut self) -> Result<&mut OpenEvent, ShareError> {
        if self.event.is_none() {
            self.open_event(None)?;
        }
        self.event.as_mut().ok_or_else(|| std::io::Error::other("no open event").into())
    }

    fn item(&mut self, item: ExportItem) -> Result<(), ShareError> {
        match item {
            ExportItem::Campaign(campaign) if self.allowed(campaign.tlp) => self.open_event(Some(&campaign)),
            ExportItem::Campaign(_) => {
                // Its items may still be shared, but not as a campaign.
                self.summary.left_out += 1;
                self.open_event(None)
            }
            // Items after it open an event of their own when there are any.
            ExportItem::EndCampaign => self.close_event(),
            ExportItem::Indicator(indicator) => self.indicator(&indicator),
            ExportItem::Report(report) => self.report(&report),
            ExportItem::Persona(persona) => self.persona(&persona),
            ExportItem::Payment(_) => Ok(()),
        }
    }

    /// A MISP object after `template`, its attributes tagged like it.
    fn object(
        &mut self,
        template: &Template,
        uuid: &str,
        attributes: &[(&str, String)],
        tlp: Tlp,
        references: Vec<Value>,
        comment: &str,
    ) -> Result<(), ShareError> {
        let timestamp = self.timestamp.clone();
        self.event()?;
        let attributes: Vec<Value> = attributes
            .iter()
            .map(|(relation, value)| {
                let (kind, category, to_ids) = template.attribute(relation);
                json!({
                    "uuid": stable_uuid(&[uuid, relation, value]).to_string(), "object_relation": relation,
                    "type": kind, "category": category, "to_ids": to_ids, "value": value,
                    "distribution": "5", "timestamp": timestamp, "Tag": tags(tlp),
                })
            })
            .collect();
        let mut object = json!({
            "uuid": uuid, "name": template.name, "meta-category": template.meta_category,
            "description": template.description, "template_uuid": template.uuid,
            "template_version": template.version, "distribution": "5", "comment": comment,
            "timestamp": timestamp, "Attribute": attributes,
        });
        if !references.is_empty() {
            object["ObjectReference"] = Value::Array(references);
        }
        if let Some(event) = self.event.as_mut() {
            event.objects.push(&mut self.out, &object)?;
        }
        Ok(())
    }

    fn indicator(&mut self, indicator: &Indicator) -> Result<(), ShareError> {
        if !self.allowed(indicator.tlp) {
            self.summary.left_out += 1;
            return Ok(());
        }
        let event_uuid = self.event()?.uuid.clone();
        let uuid = stable_uuid(&[&event_uuid, &sco_id_of(&indicator.key)]).to_string();
        if !self.event()?.written.insert(uuid.clone()) {
            return Ok(());
        }
        let (template, attributes) = object_of(&indicator.key);
        let comment = format!("first seen {}", indicator.first_seen.date_naive());
        self.object(template, &uuid, &attributes, indicator.tlp, Vec::new(), &comment)
    }

    fn report(&mut self, report: &Report) -> Result<(), ShareError> {
        if !self.allowed(report.tlp) {
            self.summary.left_out += 1;
            return Ok(());
        }
        let event = self.event()?;
        let event_uuid = event.uuid.clone();
        let mut references = Vec::new();
        for reference in report.indicators.iter().filter(|reference| reference.tlp <= self.options.tlp_max) {
            let uuid = stable_uuid(&[&event_uuid, &sco_id_of(&reference.key)]).to_string();
            if self.event.as_ref().is_some_and(|event| event.written.contains(&uuid)) {
                references.push(json!({"referenced_uuid": uuid, "relationship_type": "mentions"}));
            }
        }
        let uuid = stable_uuid(&[&event_uuid, "report", &report.id]).to_string();
        let mut attributes = vec![("title", format!("Scam report {}", report.id)), ("case-number", report.id.clone())];
        if let Some(text) = &report.text {
            attributes.push(("summary", text.clone()));
        }
        if let Some(scam_type) = &report.scam_type {
            attributes.push(("type", scam_type.clone()));
        }
        let received = format!("received {}", report.received_at.to_rfc3339());
        self.object(&super::templates::REPORT, &uuid, &attributes, report.tlp, references, &received)?;
        if !report.reasons.is_empty() {
            let note_uuid = stable_uuid(&[&event_uuid, "reasons", &report.id]).to_string();
            let attributes = [("text", report.reasons.join("\n")), ("type", "analysis".to_owned())];
            let references = vec![json!({"referenced_uuid": uuid, "relationship_type": "annotates"})];
            let comment = "Why the analysis judged this report a scam";
            self.object(&super::templates::ANNOTATION, &note_uuid, &attributes, report.tlp, references, comment)?;
        }
        Ok(())
    }

    fn persona(&mut self, persona: &Persona) -> Result<(), ShareError> {
        if !self.allowed(persona.tlp) {
            self.summary.left_out += 1;
            return Ok(());
        }
        let event_uuid = self.event()?.uuid.clone();
        let (template, relation) = match persona.kind {
            PersonaKind::Person => (&super::templates::PERSON, "full-name"),
            PersonaKind::Organization => (&super::templates::ORGANIZATION, "name"),
        };
        let uuid = stable_uuid(&[&event_uuid, "persona", template.name, &persona.name]).to_string();
        let comment = "A persona the scammers use";
        self.object(template, &uuid, &[(relation, persona.name.clone())], persona.tlp, Vec::new(), comment)
    }
}
