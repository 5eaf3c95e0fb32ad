//! Reading MISP events as MISP's REST search returns them
//! (`{"response": [{"Event": …}]}`), as an array of `{"Event": …}`, or as
//! one event, bare or wrapped. Events are cut from the input one at a time
//! (bounded size and depth); the whole input imports or nothing does.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use crackdown_model::Tlp;
use serde_json::Value;

use super::write::{CAMPAIGN_TAG, UNGROUPED_TAG};
use crate::error::{Format, ShareError};
use crate::imported::{Imported, ImportedCampaign, ImportedPersona, ImportedReport, IndicatorSet, ReadOptions};
use crate::markings::misp_tag_level;
use crate::model::{IndicatorKey, IndicatorKind, PersonaKind};
use crate::split::Scanner;
use crate::stix::sco::guess_chain;

/// Reads MISP event JSON.
pub fn read_misp<R: BufRead>(input: R, options: &ReadOptions) -> Result<Imported, ShareError> {
    let mut scan = Scanner::new(input, Format::Misp, options.limits);
    let mut reader = Reader::default_for(options);
    match scan.peek()? {
        Some(b'[') => {
            scan.expect(b'[')?;
            reader.array(&mut scan, 1)?;
        }
        Some(b'{') => {
            scan.expect(b'{')?;
            if scan.peek()? == Some(b'}') {
                return Err(scan.error("an empty object holds no event"));
            }
            let key = scan.key()?;
            if key == "response" {
                match scan.peek()? {
                    Some(b'[') => {
                        scan.expect(b'[')?;
                        reader.array(&mut scan, 2)?;
                    }
                    _ => {
                        let raw = scan.value(1)?;
                        reader.event_bytes(&raw, scan.offset())?;
                    }
                }
                while scan.next_or_close(b'}')? {
                    scan.key()?;
                    scan.value(1)?;
                }
            } else {
                let prefix = format!("{{{}:", serde_json::Value::from(key));
                let raw = scan.rest_of_object(0, prefix.into_bytes())?;
                reader.event_bytes(&raw, scan.offset())?;
            }
        }
        _ => return Err(scan.error("MISP input must be a JSON array or object")),
    }
    if !scan.at_end()? {
        return Err(scan.error("data after the events"));
    }
    reader.finish()
}

struct Pending {
    place: String,
    uuid: String,
    referenced: String,
}

struct Reader<'a> {
    options: &'a ReadOptions,
    imported: Imported,
    indicators: IndicatorSet,
    events: usize,
    /// uuid → digest of its content, for duplicates.
    uuids: HashMap<String, u64>,
    references: Vec<Pending>,
    /// report object uuid → index in `imported.reports`
    reports: HashMap<String, usize>,
    /// indicator object uuid → its keys
    object_keys: HashMap<String, Vec<IndicatorKey>>,
    annotations: Vec<(String, Vec<String>)>,
    mentions: Vec<(String, String)>,
}

impl<'a> Reader<'a> {
    fn default_for(options: &'a ReadOptions) -> Reader<'a> {
        Reader {
            options,
            imported: Imported::new(Format::Misp, options.provenance.clone()),
            indicators: IndicatorSet::default(),
            events: 0,
            uuids: HashMap::new(),
            references: Vec::new(),
            reports: HashMap::new(),
            object_keys: HashMap::new(),
            annotations: Vec::new(),
            mentions: Vec::new(),
        }
    }

    fn array<R: BufRead>(&mut self, scan: &mut Scanner<R>, depth: usize) -> Result<(), ShareError> {
        if scan.peek()? == Some(b']') {
            return scan.expect(b']');
        }
        loop {
            let raw = scan.value(depth)?;
            self.event_bytes(&raw, scan.offset())?;
            if !scan.next_or_close(b']')? {
                return Ok(());
            }
        }
    }

    fn event_bytes(&mut self, raw: &[u8], offset: u64) -> Result<(), ShareError> {
        let index = self.events;
        self.events += 1;
        if self.events > self.options.limits.max_objects {
            return Err(ShareError::Syntax { format: Format::Misp, offset, reason: "too many events".into() });
        }
        let value: Value = serde_json::from_slice(raw).map_err(|error| {
            ShareError::object(Format::Misp, format!("event {index}"), None, format!("not JSON: {error}"))
        })?;
        let event = value.get("Event").unwrap_or(&value);
        self.event(index, event)
    }

    fn event(&mut self, index: usize, event: &Value) -> Result<(), ShareError> {
        let place = format!("event {index}");
        let fail = |id: Option<&str>, reason: &str| ShareError::object(Format::Misp, place.clone(), id, reason);
        if !event.is_object() {
            return Err(fail(None, "an event is not a JSON object"));
        }
        let uuid = uuid_of(event).map_err(|reason| fail(None, &reason))?;
        self.claim(&uuid, event).map_err(|reason| fail(Some(&uuid), &reason))?;
        let event_tlp =
            tag_level(event).map_err(|reason| fail(Some(&uuid), &reason))?.unwrap_or(self.options.default_tlp);
        let tag_names = tag_names(event);
        let ungrouped = tag_names.iter().any(|tag| tag == UNGROUPED_TAG);
        let crackdown_id = tag_names.iter().find_map(|tag| {
            tag.strip_prefix(CAMPAIGN_TAG)
                .and_then(|rest| rest.strip_prefix('='))
                .map(|id| id.trim_matches('"').to_owned())
        });
        if !ungrouped {
            let first_seen =
                event.get("date").and_then(Value::as_str).and_then(|date| date.parse::<chrono::NaiveDate>().ok());
            self.imported.campaigns.push(ImportedCampaign {
                source_id: uuid.clone(),
                crackdown_id,
                name: event.get("info").and_then(Value::as_str).unwrap_or_default().to_owned(),
                first_seen: first_seen.and_then(|date| date.and_hms_opt(0, 0, 0)).map(|time| time.and_utc()),
                last_seen: None,
                scam_types: Vec::new(),
                tlp: event_tlp,
            });
        }
        let campaign = (!ungrouped).then_some(uuid.as_str());
        for (number, attribute) in
            list(event, "Attribute").map_err(|reason| fail(Some(&uuid), &reason))?.iter().enumerate()
        {
            let place = format!("{place}, Attribute {number}");
            self.imported.objects += 1;
            let key = self.attribute(&place, attribute, &[], event_tlp)?;
            if let Some((key, tlp, id)) = key {
                self.indicators.add(key.clone(), tlp, None, &id);
                if let Some(campaign) = campaign {
                    self.indicators.link_campaign(&key, campaign);
                }
            }
        }
        for (number, object) in list(event, "Object").map_err(|reason| fail(Some(&uuid), &reason))?.iter().enumerate() {
            self.imported.objects += 1;
            self.object(&format!("{place}, Object {number}"), object, event_tlp, campaign)?;
        }
        Ok(())
    }

    /// Records a uuid, refusing a second object under it with other content.
    fn claim(&mut self, uuid: &str, content: &Value) -> Result<(), String> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        content.to_string().hash(&mut hasher);
        let digest = hasher.finish();
        match self.uuids.insert(uuid.to_owned(), digest) {
            Some(previous) if previous != digest => Err("a second object with this uuid and different content".into()),
            _ => Ok(()),
        }
    }

    /// An attribute's indicator, if it is one; `siblings` are the other
    /// attributes of its object (for a bank, a chain, a service).
    fn attribute(
        &mut self,
        place: &str,
        attribute: &Value,
        siblings: &[Value],
        outer: Tlp,
    ) -> Result<Option<(IndicatorKey, Tlp, String)>, ShareError> {
        let fail = |id: Option<&str>, reason: &str| ShareError::object(Format::Misp, place, id, reason);
        let uuid = uuid_of(attribute).map_err(|reason| fail(None, &reason))?;
        self.claim(&uuid, attribute).map_err(|reason| fail(Some(&uuid), &reason))?;
        let kind =
            attribute.get("type").and_then(Value::as_str).ok_or_else(|| fail(Some(&uuid), "no \"type\" string"))?;
        let value =
            attribute.get("value").and_then(Value::as_str).ok_or_else(|| fail(Some(&uuid), "no \"value\" string"))?;
        let tlp =
            tag_level(attribute).map_err(|reason| fail(Some(&uuid), &reason))?.map_or(outer, |tlp| tlp.max(outer));
        let relation = attribute.get("object_relation").and_then(Value::as_str).unwrap_or_default();
        let sibling = |name: &str| {
            siblings
                .iter()
                .find(|other| other.get("object_relation").and_then(Value::as_str) == Some(name))
                .and_then(|other| other.get("value").and_then(Value::as_str))
                .map(str::to_owned)
        };
        let value = value.trim().to_owned();
        let kind = match (kind, relation) {
            ("phone-number", _) => IndicatorKind::Phone,
            ("url", _) => IndicatorKind::Url,
            ("domain" | "hostname", _) => IndicatorKind::Domain,
            ("ip-dst" | "ip-src", _) if value.contains(':') => IndicatorKind::Ipv6,
            ("ip-dst" | "ip-src", _) => IndicatorKind::Ipv4,
            ("email-src" | "email-dst" | "email" | "email-reply-to", _) => IndicatorKind::Email,
            ("iban", _) => IndicatorKind::Iban,
            ("bank-account-nr", _) => {
                IndicatorKind::BankAccount { bank: sibling("swift").or_else(|| sibling("institution-code")) }
            }
            ("btc", _) | ("text", "address-crypto") | ("xmr", _) => {
                let chain = sibling("text").and_then(|text| text.strip_prefix("chain:").map(str::to_owned));
                let chain =
                    chain.unwrap_or_else(|| if kind == "xmr" { "monero".into() } else { guess_chain(&value).into() });
                IndicatorKind::CryptoWallet { chain, currency: sibling("symbol") }
            }
            ("text", "username") => {
                let service = sibling("account-type").unwrap_or_else(|| "telegram".into());
                IndicatorKind::MessengerHandle { service }
            }
            _ => {
                self.imported.skip(&format!("MISP attribute {kind}"));
                return Ok(None);
            }
        };
        if value.is_empty() {
            return Err(fail(Some(&uuid), "an empty value"));
        }
        Ok(Some((IndicatorKey::new(kind, value), tlp, uuid)))
    }

    fn object(
        &mut self,
        place: &str,
        object: &Value,
        event_tlp: Tlp,
        campaign: Option<&str>,
    ) -> Result<(), ShareError> {
        let fail = |id: Option<&str>, reason: &str| ShareError::object(Format::Misp, place, id, reason);
        let uuid = uuid_of(object).map_err(|reason| fail(None, &reason))?;
        self.claim(&uuid, object).map_err(|reason| fail(Some(&uuid), &reason))?;
        let name = object.get("name").and_then(Value::as_str).ok_or_else(|| fail(Some(&uuid), "no \"name\" string"))?;
        let attributes = list(object, "Attribute").map_err(|reason| fail(Some(&uuid), &reason))?;
        let object_tlp =
            tag_level(object).map_err(|reason| fail(Some(&uuid), &reason))?.map_or(event_tlp, |tlp| tlp.max(event_tlp));
        let mut tlp = object_tlp;
        for attribute in attributes {
            if let Ok(Some(level)) = tag_level(attribute) {
                tlp = tlp.max(level);
            }
        }
        let text = |relation: &str| {
            attributes
                .iter()
                .find(|a| a.get("object_relation").and_then(Value::as_str) == Some(relation))
                .and_then(|a| a.get("value").and_then(Value::as_str))
                .map(str::to_owned)
        };
        for (number, reference) in
            list(object, "ObjectReference").map_err(|reason| fail(Some(&uuid), &reason))?.iter().enumerate()
        {
            let referenced = reference
                .get("referenced_uuid")
                .and_then(Value::as_str)
                .ok_or_else(|| fail(Some(&uuid), &format!("ObjectReference {number} has no referenced_uuid")))?;
            self.references.push(Pending {
                place: place.to_owned(),
                uuid: uuid.clone(),
                referenced: referenced.to_owned(),
            });
            if name == "report" {
                self.mentions.push((uuid.clone(), referenced.to_owned()));
            }
            if name == "annotation" {
                let lines = text("text").map(|text| text.lines().map(str::to_owned).collect()).unwrap_or_default();
                self.annotations.push((referenced.to_owned(), lines));
            }
        }
        match name {
            "report" => {
                for attribute in attributes {
                    let attribute_uuid = uuid_of(attribute).map_err(|reason| fail(Some(&uuid), &reason))?;
                    self.claim(&attribute_uuid, attribute).map_err(|reason| fail(Some(&attribute_uuid), &reason))?;
                }
                self.reports.insert(uuid.clone(), self.imported.reports.len());
                self.imported.reports.push(ImportedReport {
                    source_id: uuid.clone(),
                    crackdown_id: text("case-number"),
                    tlp,
                    published: None,
                    text: text("summary"),
                    scam_type: text("type"),
                    reasons: Vec::new(),
                    indicators: Vec::new(),
                    campaigns: campaign.map(str::to_owned).into_iter().collect(),
                });
            }
            "person" | "organization" => {
                let relation = if name == "person" { "full-name" } else { "name" };
                if let Some(persona) = text(relation) {
                    let kind = if name == "person" { PersonaKind::Person } else { PersonaKind::Organization };
                    self.imported.personas.push(ImportedPersona { source_id: uuid.clone(), name: persona, kind, tlp });
                }
            }
            "annotation" => {}
            _ => {
                let mut keys = Vec::new();
                for (number, attribute) in attributes.iter().enumerate() {
                    let place = format!("{place}, Attribute {number}");
                    if let Some((key, attribute_tlp, _)) = self.attribute(&place, attribute, attributes, object_tlp)? {
                        self.indicators.add(key.clone(), attribute_tlp.max(object_tlp), None, &uuid);
                        if let Some(campaign) = campaign {
                            self.indicators.link_campaign(&key, campaign);
                        }
                        keys.push(key);
                    }
                }
                self.object_keys.insert(uuid.clone(), keys);
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Imported, ShareError> {
        let known: HashSet<&String> = self.uuids.keys().collect();
        for pending in &self.references {
            if !known.contains(&pending.referenced) {
                return Err(ShareError::object(
                    Format::Misp,
                    pending.place.clone(),
                    Some(&pending.uuid),
                    format!("refers to {}, which is not in the input", pending.referenced),
                ));
            }
        }
        for (report, referenced) in &self.mentions {
            if let (Some(&at), Some(keys)) = (self.reports.get(report), self.object_keys.get(referenced)) {
                for key in keys {
                    if !self.imported.reports[at].indicators.contains(key) {
                        self.imported.reports[at].indicators.push(key.clone());
                    }
                }
            }
        }
        for (referenced, lines) in std::mem::take(&mut self.annotations) {
            if let Some(&at) = self.reports.get(&referenced) {
                self.imported.reports[at].reasons.extend(lines);
            }
        }
        self.imported.indicators = self.indicators.into_vec();
        Ok(self.imported)
    }
}

fn uuid_of(value: &Value) -> Result<String, String> {
    let text = value.get("uuid").and_then(Value::as_str).ok_or("no \"uuid\" string")?;
    uuid::Uuid::try_parse(text).map(|uuid| uuid.to_string()).map_err(|_| format!("uuid {text:?} is not a UUID"))
}

fn list<'v>(value: &'v Value, name: &str) -> Result<&'v [Value], String> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{name} is not a list")),
    }
}

fn tag_names(value: &Value) -> Vec<String> {
    let tags = value.get("Tag").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    tags.iter().filter_map(|tag| tag.get("name").and_then(Value::as_str).map(str::to_owned)).collect()
}

/// The TLP level of an event, object or attribute's tags; two different
/// levels on one thing are an error (which one did the sender mean?).
fn tag_level(value: &Value) -> Result<Option<Tlp>, String> {
    let mut level: Option<Tlp> = None;
    for tag in tag_names(value) {
        if let Some(tlp) = misp_tag_level(&tag) {
            if level.is_some_and(|level| level != tlp) {
                return Err("tagged with two different TLP levels".into());
            }
            level = Some(tlp);
        }
    }
    Ok(level)
}
