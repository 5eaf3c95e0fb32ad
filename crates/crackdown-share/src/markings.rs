//! TLP in each format: the official STIX marking-definition objects of the
//! TLP 2.0 extension (and the TLP 1.0 ones partners still send), and MISP's
//! `tlp:` tags.

use crackdown_model::{Keyword, Tlp};
use serde_json::{Value, json};

/// The TLP 2.0 extension-definition every official TLP 2.0 marking names.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The official TLP 2.0 marking-definition ids, from CLEAR to RED.
const TLP2_IDS: [(Tlp, &str); 5] = [
    (Tlp::Clear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"),
    (Tlp::Green, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"),
    (Tlp::Amber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"),
    (Tlp::AmberStrict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"),
    (Tlp::Red, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"),
];

/// The STIX 2.1 specification's TLP 1.0 marking-definition ids (WHITE is
/// read as CLEAR; 1.0 has no AMBER+STRICT).
const TLP1_IDS: [(Tlp, &str); 4] = [
    (Tlp::Clear, "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
    (Tlp::Green, "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"),
    (Tlp::Amber, "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
    (Tlp::Red, "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
];

/// The TLP 2.0 marking-definition id of `tlp`.
pub fn marking_id(tlp: Tlp) -> &'static str {
    TLP2_IDS.iter().find(|(level, _)| *level == tlp).map_or(TLP2_IDS[4].1, |(_, id)| id)
}

/// The level an official TLP 2.0 or 1.0 marking-definition id stands for.
pub fn well_known_marking(id: &str) -> Option<Tlp> {
    TLP2_IDS.iter().chain(TLP1_IDS.iter()).find(|(_, known)| *known == id).map(|(tlp, _)| *tlp)
}

/// The official TLP 2.0 marking-definition object of `tlp`, as published
/// with the extension (created 2022-10-01).
pub fn marking_definition(tlp: Tlp) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id(tlp),
        "created": "2022-10-01T00:00:00.000Z",
        "name": tlp.label(),
        "extensions": {
            TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.as_str()}
        }
    })
}

/// The level a marking-definition object claims, if it is a TLP marking in
/// any of the shapes in use: the 2.0 extension, the 1.0 `definition_type`
/// `tlp` with `definition.tlp`, or only a `TLP:…` name.
pub fn claimed_level(object: &Value) -> Option<Result<Tlp, String>> {
    let parse = |text: &str| Tlp::parse(text).ok_or_else(|| format!("{text:?} is not a TLP level"));
    if let Some(level) = object.pointer(&format!("/extensions/{TLP2_EXTENSION}/tlp_2_0")) {
        return Some(level.as_str().ok_or_else(|| "tlp_2_0 is not a string".to_owned()).and_then(parse));
    }
    if object.get("definition_type").and_then(Value::as_str) == Some("tlp") {
        let level = object.pointer("/definition/tlp").and_then(Value::as_str);
        return Some(level.ok_or_else(|| "a tlp definition without definition.tlp".to_owned()).and_then(parse));
    }
    let name = object.get("name").and_then(Value::as_str)?;
    name.get(..4).filter(|prefix| prefix.eq_ignore_ascii_case("tlp:")).map(|_| parse(name))
}

/// MISP's tag for `tlp`: `tlp:clear`, `tlp:amber+strict`…
pub fn misp_tag(tlp: Tlp) -> String {
    format!("tlp:{}", tlp.as_str())
}

/// The level a MISP tag names, if it is a TLP tag (`tlp:white` is CLEAR;
/// `tlp:ex:chr` and other taxonomy extras are not levels).
pub fn misp_tag_level(tag: &str) -> Option<Tlp> {
    let tag = tag.trim();
    if !tag.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case("tlp:")) {
        return None;
    }
    Tlp::parse(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_through_its_marking() {
        for tlp in Tlp::ALL {
            assert_eq!(well_known_marking(marking_id(*tlp)), Some(*tlp));
            assert_eq!(claimed_level(&marking_definition(*tlp)), Some(Ok(*tlp)));
            assert_eq!(misp_tag_level(&misp_tag(*tlp)), Some(*tlp));
        }
    }

    #[test]
    fn reads_tlp_1_0() {
        assert_eq!(well_known_marking("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"), Some(Tlp::Clear));
        let old = json!({"definition_type": "tlp", "definition": {"tlp": "white"}});
        assert_eq!(claimed_level(&old), Some(Ok(Tlp::Clear)));
        assert_eq!(misp_tag_level("tlp:white"), Some(Tlp::Clear));
        assert_eq!(misp_tag_level("tlp:ex:chr"), None);
        assert_eq!(misp_tag_level("admiralty-scale:source-reliability=\"a\""), None);
        let statement = json!({"definition_type": "statement", "definition": {"statement": "x"}});
        assert_eq!(claimed_level(&statement), None);
    }
}
