//! Identifiers that come out the same on every export.
//!
//! STIX 2.1 (§2.9) makes a Cyber-observable's id a UUIDv5 in the namespace
//! `00abedb4-aa42-466c-9c01-fed23315a9b7` over the RFC 8785 canonical JSON of
//! its id-contributing properties, so the same phone number exported by two
//! organisations is one object at the partner. Domain objects (campaign,
//! report, indicator…) must carry UUIDv4 ids; ours are version-4-shaped
//! hashes of the opaque store id, so re-exporting a campaign updates the
//! partner's copy instead of creating a second one.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The STIX 2.1 namespace for Cyber-observable ids.
pub const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

/// `type--uuidv5` over the canonical JSON of the id-contributing properties.
/// Properties whose value is `None` are left out, as the spec says.
pub fn sco_id(object_type: &str, contributing: &[(&str, Option<&str>)]) -> String {
    let name = canonical_object(contributing);
    format!("{object_type}--{}", Uuid::new_v5(&STIX_SCO_NAMESPACE, name.as_bytes()))
}

/// RFC 8785 (JCS) canonical form of a flat object of string properties:
/// keys sorted, no whitespace, strings escaped as ECMAScript does (which is
/// what serde_json writes: short escapes, lower-case `\u00xx`, the rest
/// literal). Keys here are ASCII, so byte order is UTF-16 order.
pub fn canonical_object(properties: &[(&str, Option<&str>)]) -> String {
    let mut present: Vec<(&str, &str)> =
        properties.iter().filter_map(|(key, value)| value.map(|value| (*key, value))).collect();
    present.sort_unstable_by(|left, right| left.0.cmp(right.0));
    let mut out = String::from("{");
    for (index, (key, value)) in present.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&json_string(key));
        out.push(':');
        out.push_str(&json_string(value));
    }
    out.push('}');
    out
}

/// A JSON string literal.
pub fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// A version-4-shaped UUID that is a hash of `parts`: stable across exports,
/// indistinguishable from a random one, and never equal for different parts
/// (each part is length-prefixed).
pub fn stable_uuid(parts: &[&str]) -> Uuid {
    let mut hasher = Sha256::new();
    hasher.update(b"crackdown-share/1");
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// `type--` and a [`stable_uuid`] of the type and `parts`.
pub fn stable_id(object_type: &str, parts: &[&str]) -> String {
    let mut all = Vec::with_capacity(parts.len() + 1);
    all.push(object_type);
    all.extend_from_slice(parts);
    format!("{object_type}--{}", stable_uuid(&all))
}

/// Splits `type--uuid` and checks both halves as STIX 2.1 requires: a type
/// of lower-case ASCII letters, digits and hyphens (3–250 characters), and an
/// RFC 4122 UUID. Returns the type.
pub fn check_stix_id(id: &str) -> Result<&str, String> {
    let Some((object_type, uuid)) = id.split_once("--") else {
        return Err(format!("id {id:?} is not TYPE--UUID"));
    };
    if !valid_type_name(object_type) {
        return Err(format!("id {id:?} has an invalid type part"));
    }
    match Uuid::try_parse(uuid) {
        Ok(parsed) if uuid.len() == 36 && parsed.get_variant() == uuid::Variant::RFC4122 => Ok(object_type),
        _ => Err(format!("id {id:?} does not end in an RFC 4122 UUID")),
    }
}

/// A STIX type name: 3–250 of `a-z`, `0-9`, `-`, not starting or ending in `-`.
pub fn valid_type_name(name: &str) -> bool {
    (3..=250).contains(&name.len())
        && name.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sco_ids_follow_the_spec_example() {
        // The same as Python's `uuid.uuid5(NAMESPACE, '{"value":"198.51.100.3"}')`.
        assert_eq!(
            sco_id("ipv4-addr", &[("value", Some("198.51.100.3"))]),
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
        );
    }

    #[test]
    fn canonical_form_sorts_keys_and_skips_absent_values() {
        assert_eq!(
            canonical_object(&[("user_id", Some("lisa")), ("account_type", Some("telegram")), ("x", None)]),
            r#"{"account_type":"telegram","user_id":"lisa"}"#
        );
        assert_eq!(canonical_object(&[("value", Some("a\"b\u{1}é"))]), "{\"value\":\"a\\\"b\\u0001é\"}");
    }

    #[test]
    fn stable_ids_are_version_4_and_separate_their_parts() {
        let id = stable_uuid(&["campaign", "cmp_7kq3m9x2ab"]);
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(id, stable_uuid(&["campaign", "cmp_7kq3m9x2ab"]));
        assert_ne!(stable_uuid(&["ab", "c"]), stable_uuid(&["a", "bc"]));
    }

    #[test]
    fn checks_ids() {
        assert_eq!(check_stix_id("campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), Ok("campaign"));
        assert!(check_stix_id("campaign-8e2e2d2b").is_err());
        assert!(check_stix_id("Campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f").is_err());
        assert!(check_stix_id("campaign--8e2e2d2b17d44cbf938f98ee46b3cd3f").is_err());
        assert!(check_stix_id("campaign--not-a-uuid").is_err());
    }
}
