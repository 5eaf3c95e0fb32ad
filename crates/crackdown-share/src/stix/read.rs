//! Reading a partner's STIX 2.1 bundle, whole or not at all.
//!
//! Each object is cut from the input on its own (bounded size and depth),
//! checked, and reduced at once to the little this crate keeps, so a bundle
//! of hundreds of megabytes never sits in memory as JSON. References are
//! checked once everything is read; any error names the object by its
//! index in `objects` and its id.

use std::collections::HashMap;
use std::io::BufRead;

use chrono::{DateTime, Utc};
use crackdown_model::Tlp;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::pattern::pattern_keys;
use super::sco::key_from_properties;
use super::write::SOURCE_NAME;
use crate::error::{Format, ShareError};
use crate::ids::check_stix_id;
use crate::imported::{Imported, ImportedCampaign, ImportedPersona, ImportedReport, IndicatorSet, ReadOptions};
use crate::markings::{claimed_level, well_known_marking};
use crate::model::{IndicatorKey, PersonaKind};
use crate::split::Scanner;

/// What an object is reduced to.
enum Kind {
    Marking(Option<Tlp>),
    Campaign {
        name: String,
        first_seen: Option<DateTime<Utc>>,
        last_seen: Option<DateTime<Utc>>,
        labels: Vec<String>,
        crackdown_id: Option<String>,
    },
    Report {
        text: Option<String>,
        labels: Vec<String>,
        published: Option<DateTime<Utc>>,
        refs: Vec<String>,
        crackdown_id: Option<String>,
    },
    Note {
        content: String,
        refs: Vec<String>,
    },
    Indicator {
        keys: Option<Vec<IndicatorKey>>,
        valid_from: Option<DateTime<Utc>>,
    },
    Observable(IndicatorKey),
    Relationship {
        kind: String,
        source: String,
        target: String,
    },
    ThreatActor {
        name: String,
        kind: PersonaKind,
    },
    /// Read for its id only (identities, extension definitions) or skipped.
    Other {
        skipped: bool,
    },
}

struct Record {
    index: usize,
    id: String,
    object_type: String,
    markings: Vec<String>,
    kind: Kind,
}

struct Seen {
    record: usize,
    modified: Option<String>,
    digest: [u8; 32],
}

fn place(index: usize) -> String {
    format!("objects[{index}]")
}

/// Reads a STIX 2.1 bundle.
pub fn read_stix<R: BufRead>(input: R, options: &ReadOptions) -> Result<Imported, ShareError> {
    let mut scan = Scanner::new(input, Format::Stix, options.limits);
    let mut records: Vec<Record> = Vec::new();
    let mut seen: HashMap<String, Seen> = HashMap::new();
    let mut is_bundle = false;
    let mut count = 0usize;
    scan.expect(b'{')?;
    if scan.peek()? == Some(b'}') {
        return Err(scan.error("an empty object is not a bundle"));
    }
    loop {
        let key = scan.key()?;
        if key == "objects" {
            scan.expect(b'[')?;
            if scan.peek()? == Some(b']') {
                scan.expect(b']')?;
            } else {
                loop {
                    let raw = scan.value(2)?;
                    count += 1;
                    if count > options.limits.max_objects {
                        return Err(scan.error(format!("more than {} objects", options.limits.max_objects)));
                    }
                    take_object(count - 1, &raw, &mut records, &mut seen)?;
                    if !scan.next_or_close(b']')? {
                        break;
                    }
                }
            }
        } else {
            let raw = scan.value(1)?;
            let value: Value = serde_json::from_slice(&raw).map_err(|error| scan.error(format!("{key}: {error}")))?;
            match key.as_str() {
                "type" if value == "bundle" => is_bundle = true,
                "type" => return Err(scan.error(format!("type is {value}, not \"bundle\""))),
                "id" => {
                    let id = value.as_str().unwrap_or_default();
                    if check_stix_id(id) != Ok("bundle") {
                        return Err(scan.error(format!("bundle id {value} is not bundle--UUID")));
                    }
                }
                _ => {}
            }
        }
        if !scan.next_or_close(b'}')? {
            break;
        }
    }
    if !scan.at_end()? {
        return Err(scan.error("data after the bundle"));
    }
    if !is_bundle {
        return Err(scan.error("the top-level object has no \"type\": \"bundle\""));
    }
    assemble(records, &seen, options, count as u64)
}

/// Parses and reduces one object, handling a second object with the same id.
fn take_object(
    index: usize,
    raw: &[u8],
    records: &mut Vec<Record>,
    seen: &mut HashMap<String, Seen>,
) -> Result<(), ShareError> {
    let fail = |id: Option<&str>, reason: String| ShareError::object(Format::Stix, place(index), id, reason);
    let value: Value = serde_json::from_slice(raw).map_err(|error| fail(None, format!("not JSON: {error}")))?;
    let Value::Object(object) = &value else { return Err(fail(None, "not a JSON object".into())) };
    let id = object.get("id").and_then(Value::as_str).ok_or_else(|| fail(None, "no \"id\" string".into()))?;
    let object_type =
        object.get("type").and_then(Value::as_str).ok_or_else(|| fail(Some(id), "no \"type\" string".into()))?;
    let id_type = check_stix_id(id).map_err(|reason| fail(Some(id), reason))?;
    if id_type != object_type {
        return Err(fail(Some(id), format!("the id names type {id_type:?} but the object is a {object_type:?}")));
    }
    let modified = object.get("modified").and_then(Value::as_str).map(str::to_owned);
    let digest: [u8; 32] =
        Sha256::digest(serde_json::to_vec(&value).map_err(|error| fail(Some(id), error.to_string()))?).into();
    if let Some(previous) = seen.get(id) {
        if previous.digest == digest {
            return Ok(());
        }
        match (&previous.modified, &modified) {
            (Some(old), Some(new)) if old != new => {
                // Two versions of one object: the later one stands (§3.6).
                if parse_time(new) <= parse_time(old) {
                    return Ok(());
                }
            }
            _ => return Err(fail(Some(id), "a second object with this id and different content".into())),
        }
    }
    let kind = reduce(object_type, &value).map_err(|reason| fail(Some(id), reason))?;
    let markings = string_list(&value, "object_marking_refs").map_err(|reason| fail(Some(id), reason))?;
    let record = Record { index, id: id.to_owned(), object_type: object_type.to_owned(), markings, kind };
    match seen.get_mut(id) {
        Some(previous) => {
            records[previous.record] = record;
            previous.modified = modified;
            previous.digest = digest;
        }
        None => {
            seen.insert(id.to_owned(), Seen { record: records.len(), modified, digest });
            records.push(record);
        }
    }
    Ok(())
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|time| time.with_timezone(&Utc))
}

fn time(value: &Value, name: &str) -> Result<Option<DateTime<Utc>>, String> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => {
            parse_time(text).map(Some).ok_or_else(|| format!("{name} {text:?} is not a timestamp"))
        }
        Some(_) => Err(format!("{name} is not a string")),
    }
}

fn text(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn string_list(value: &Value, name: &str) -> Result<Vec<String>, String> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(|| format!("{name} holds a non-string")))
            .collect(),
        Some(_) => Err(format!("{name} is not a list")),
    }
}

fn crackdown_id(value: &Value) -> Option<String> {
    value.get("external_references")?.as_array()?.iter().find_map(|reference| {
        (reference.get("source_name")?.as_str()? == SOURCE_NAME).then(|| text(reference, "external_id")).flatten()
    })
}

fn reduce(object_type: &str, value: &Value) -> Result<Kind, String> {
    Ok(match object_type {
        "marking-definition" => Kind::Marking(claimed_level(value).transpose()?),
        "campaign" => Kind::Campaign {
            name: text(value, "name").ok_or("a campaign without a name")?,
            first_seen: time(value, "first_seen")?,
            last_seen: time(value, "last_seen")?,
            labels: string_list(value, "labels")?,
            crackdown_id: crackdown_id(value),
        },
        "report" => Kind::Report {
            text: text(value, "description"),
            labels: string_list(value, "labels")?,
            published: time(value, "published")?,
            refs: string_list(value, "object_refs")?,
            crackdown_id: crackdown_id(value),
        },
        "note" => {
            Kind::Note { content: text(value, "content").unwrap_or_default(), refs: string_list(value, "object_refs")? }
        }
        "indicator" => {
            let stix = value.get("pattern_type").and_then(Value::as_str).is_none_or(|kind| kind == "stix");
            let keys = text(value, "pattern").filter(|_| stix).and_then(|pattern| pattern_keys(&pattern));
            Kind::Indicator { keys, valid_from: time(value, "valid_from")? }
        }
        "relationship" => Kind::Relationship {
            kind: text(value, "relationship_type").ok_or("a relationship without relationship_type")?,
            source: text(value, "source_ref").ok_or("a relationship without source_ref")?,
            target: text(value, "target_ref").ok_or("a relationship without target_ref")?,
        },
        "threat-actor" => {
            let labels = string_list(value, "labels")?;
            let organisation = labels.iter().any(|label| label == "persona:organization");
            Kind::ThreatActor {
                name: text(value, "name").ok_or("a threat-actor without a name")?,
                kind: if organisation { PersonaKind::Organization } else { PersonaKind::Person },
            }
        }
        "identity" | "extension-definition" => Kind::Other { skipped: false },
        _ => {
            let get = |name: &str| text(value, name);
            match key_from_properties(object_type, &get) {
                Some(key) => Kind::Observable(key),
                None => Kind::Other { skipped: true },
            }
        }
    })
}

/// Checks references and markings across the bundle and builds the result.
fn assemble(
    records: Vec<Record>,
    seen: &HashMap<String, Seen>,
    options: &ReadOptions,
    objects: u64,
) -> Result<Imported, ShareError> {
    let by_id = |id: &str| seen.get(id).map(|entry| &records[entry.record]);
    let fail = |record: &Record, reason: String| {
        ShareError::object(Format::Stix, place(record.index), Some(&record.id), reason)
    };
    let mut levels: Vec<Tlp> = Vec::with_capacity(records.len());
    for record in &records {
        if let (Kind::Marking(claimed), Some(official)) = (&record.kind, well_known_marking(&record.id))
            && claimed.is_some_and(|claimed| claimed != official)
        {
            return Err(fail(record, format!("redefines the official {} marking", official.label())));
        }
        let refs: Vec<&String> = match &record.kind {
            Kind::Report { refs, .. } | Kind::Note { refs, .. } => refs.iter().collect(),
            Kind::Relationship { source, target, .. } => vec![source, target],
            _ => Vec::new(),
        };
        for reference in refs {
            if by_id(reference).is_none() {
                return Err(fail(record, format!("refers to {reference}, which is not in the bundle")));
            }
        }
        let mut level: Option<Tlp> = None;
        for marking in &record.markings {
            let marked = match (well_known_marking(marking), by_id(marking)) {
                (Some(official), _) => Some(official),
                (None, Some(Record { kind: Kind::Marking(claimed), .. })) => *claimed,
                (None, Some(_)) => return Err(fail(record, format!("marking {marking} is not a marking-definition"))),
                (None, None) => return Err(fail(record, format!("marking {marking} is not in the bundle"))),
            };
            if let Some(marked) = marked {
                if level.is_some_and(|level| level != marked) {
                    return Err(fail(record, "marked with two different TLP levels".into()));
                }
                level = Some(marked);
            }
        }
        levels.push(level.unwrap_or(options.default_tlp));
    }

    let mut imported = Imported::new(Format::Stix, options.provenance.clone());
    imported.objects = objects;
    let mut indicators = IndicatorSet::default();
    for (record, &tlp) in records.iter().zip(&levels) {
        match &record.kind {
            Kind::Observable(key) => indicators.add(key.clone(), tlp, None, &record.id),
            Kind::Indicator { keys: Some(keys), valid_from } => {
                for key in keys {
                    indicators.add(key.clone(), tlp, *valid_from, &record.id);
                }
            }
            Kind::Indicator { keys: None, .. } => imported.skip("indicator (pattern names no single value)"),
            Kind::Other { skipped: true } => imported.skip(&record.object_type),
            _ => {}
        }
    }
    let keys_of = |id: &str| -> Vec<IndicatorKey> {
        match by_id(id).map(|record| &record.kind) {
            Some(Kind::Observable(key)) => vec![key.clone()],
            Some(Kind::Indicator { keys: Some(keys), .. }) => keys.clone(),
            _ => Vec::new(),
        }
    };
    let mut reasons: HashMap<&str, Vec<String>> = HashMap::new();
    for record in &records {
        match &record.kind {
            Kind::Relationship { kind, source, target } if kind == "indicates" && target.starts_with("campaign--") => {
                for key in keys_of(source) {
                    indicators.link_campaign(&key, target);
                }
            }
            Kind::Note { content, refs } => {
                for reference in refs.iter().filter(|reference| reference.starts_with("report--")) {
                    reasons.entry(reference).or_default().extend(content.lines().map(str::to_owned));
                }
            }
            _ => {}
        }
    }
    for (record, &tlp) in records.iter().zip(&levels) {
        match &record.kind {
            Kind::Campaign { name, first_seen, last_seen, labels, crackdown_id } => {
                imported.campaigns.push(ImportedCampaign {
                    source_id: record.id.clone(),
                    crackdown_id: crackdown_id.clone(),
                    name: name.clone(),
                    first_seen: *first_seen,
                    last_seen: *last_seen,
                    scam_types: labels.clone(),
                    tlp,
                })
            }
            Kind::Report { text, labels, published, refs, crackdown_id } => {
                let mut keys: Vec<IndicatorKey> = Vec::new();
                for key in refs.iter().flat_map(|reference| keys_of(reference)) {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                imported.reports.push(ImportedReport {
                    source_id: record.id.clone(),
                    crackdown_id: crackdown_id.clone(),
                    tlp,
                    published: *published,
                    text: text.clone(),
                    scam_type: labels.first().cloned(),
                    reasons: reasons.remove(record.id.as_str()).unwrap_or_default(),
                    indicators: keys,
                    campaigns: refs.iter().filter(|reference| reference.starts_with("campaign--")).cloned().collect(),
                });
            }
            Kind::ThreatActor { name, kind } => imported.personas.push(ImportedPersona {
                source_id: record.id.clone(),
                name: name.clone(),
                kind: *kind,
                tlp,
            }),
            _ => {}
        }
    }
    imported.indicators = indicators.into_vec();
    Ok(imported)
}
