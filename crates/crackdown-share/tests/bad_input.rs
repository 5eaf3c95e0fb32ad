//! Hostile and malformed partner input: each is refused whole, with an
//! error naming the object (index and id) and the reason; unknown types are
//! skipped and counted.

mod common;

use crackdown_model::Tlp;
use crackdown_share::{Limits, Provenance, ReadOptions, ShareError, read_ftm, read_misp, read_stix};

fn options() -> ReadOptions {
    ReadOptions::new(Provenance { partner: "Partner".into(), feed: "test".into(), received_at: common::at(21, 0) })
}

const BUNDLE: &str = "bundle--6ba7b810-9dad-41d1-80b4-00c04fd430c8";
const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const TLP1_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";

fn bundle(objects: &[String]) -> String {
    format!(r#"{{"type": "bundle", "id": "{BUNDLE}", "objects": [{}]}}"#, objects.join(","))
}

fn url(uuid: &str, value: &str, markings: &[&str]) -> String {
    format!(
        r#"{{"type": "url", "spec_version": "2.1", "id": "url--{uuid}", "value": "{value}", "object_marking_refs": {}}}"#,
        serde_json::to_string(markings).expect("json")
    )
}

fn stix_error(text: &str) -> String {
    match read_stix(text.as_bytes(), &options()) {
        Ok(imported) => panic!("accepted: {imported:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn stix_errors_name_the_object_and_the_reason() {
    let good = url("6ba7b810-9dad-51d1-80b4-00c04fd430c8", "http://a.example", &[CLEAR]);
    let invalid_id = r#"{"type": "url", "id": "url--nope", "value": "x"}"#.to_owned();
    let message = stix_error(&bundle(&[good.clone(), invalid_id]));
    assert!(message.contains("objects[1]") && message.contains("url--nope") && message.contains("UUID"), "{message}");

    let mismatched = r#"{"type": "domain-name", "id": "url--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "value": "x"}"#;
    assert!(stix_error(&bundle(&[mismatched.to_owned()])).contains("names type \"url\""));

    let dangling = r#"{"type": "report", "spec_version": "2.1", "id": "report--6ba7b810-9dad-41d1-80b4-00c04fd430c9", "name": "r", "published": "2026-01-01T00:00:00Z", "object_refs": ["url--00000000-0000-4000-8000-000000000000"]}"#;
    let message = stix_error(&bundle(&[good.clone(), dangling.to_owned()]));
    assert!(message.contains("objects[1]") && message.contains("not in the bundle"), "{message}");

    let duplicate = url("6ba7b810-9dad-51d1-80b4-00c04fd430c8", "http://b.example", &[CLEAR]);
    let message = stix_error(&bundle(&[good.clone(), duplicate]));
    assert!(message.contains("objects[1]") && message.contains("different content"), "{message}");

    let conflicting = url("6ba7b810-9dad-51d1-80b4-00c04fd430c1", "http://c.example", &[CLEAR, RED]);
    assert!(stix_error(&bundle(&[conflicting])).contains("two different TLP levels"));

    // Redefining RED's official id as CLEAR is an attempt to lower a marking.
    let forged = format!(
        r#"{{"type": "marking-definition", "spec_version": "2.1", "id": "{RED}", "created": "2022-10-01T00:00:00.000Z", "name": "TLP:CLEAR", "extensions": {{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {{"extension_type": "property-extension", "tlp_2_0": "clear"}}}}}}"#
    );
    assert!(stix_error(&bundle(&[forged])).contains("redefines the official TLP:RED"));

    let unknown_marking = url(
        "6ba7b810-9dad-51d1-80b4-00c04fd430c2",
        "http://d.example",
        &["marking-definition--00000000-0000-4000-8000-000000000000"],
    );
    assert!(stix_error(&bundle(&[unknown_marking])).contains("not in the bundle"));

    assert!(stix_error(r#"{"type": "report", "objects": []}"#).contains("not \"bundle\""));
    assert!(stix_error(&format!("{} trailing", bundle(&[]))).contains("after the bundle"));
}

#[test]
fn stix_limits_hold_without_panicking() {
    let deep = format!(
        r#"{{"type": "bundle", "id": "{BUNDLE}", "objects": [{}1{}]}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(stix_error(&deep).contains("nested deeper"));
    let mut small = options();
    small.limits = Limits { max_object_bytes: 1024, ..Limits::default() };
    let huge = url("6ba7b810-9dad-51d1-80b4-00c04fd430c8", &"a".repeat(4096), &[]);
    let error = read_stix(bundle(&[huge]).as_bytes(), &small).expect_err("too large");
    assert!(matches!(error, ShareError::Syntax { .. }) && error.to_string().contains("larger than 1024"), "{error}");
    small.limits = Limits { max_objects: 1, ..Limits::default() };
    let two = [
        url("6ba7b810-9dad-51d1-80b4-00c04fd430c8", "http://a", &[]),
        url("6ba7b810-9dad-51d1-80b4-00c04fd430c9", "http://b", &[]),
    ];
    assert!(read_stix(bundle(&two).as_bytes(), &small).is_err());
    for cut in [10, 50, 120] {
        let text = bundle(&two);
        assert!(read_stix(&text.as_bytes()[..cut], &options()).is_err());
    }
}

#[test]
fn stix_skips_unknown_types_reads_tlp_1_and_the_stricter_marking_wins() {
    let unknown = r#"{"type": "x-acme-widget", "id": "x-acme-widget--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "spec_version": "2.1"}"#;
    let malware = r#"{"type": "malware", "id": "malware--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "spec_version": "2.1", "name": "m", "is_family": false}"#;
    let green_old = url("6ba7b810-9dad-51d1-80b4-00c04fd430c8", "http://a.example", &[TLP1_GREEN]);
    // The same URL named by an indicator marked RED: the stricter wins.
    let indicator = format!(
        r#"{{"type": "indicator", "spec_version": "2.1", "id": "indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "pattern": "[url:value = 'http://a.example']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": ["{RED}"]}}"#
    );
    // The widely used platform's custom observables.
    let phone = r#"{"type": "phone-number", "spec_version": "2.1", "id": "phone-number--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "value": "+66812345678"}"#;
    let account = r#"{"type": "bank-account", "spec_version": "2.1", "id": "bank-account--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "iban": "GB82WEST12345698765432"}"#;
    let wallet = r#"{"type": "cryptocurrency-wallet", "spec_version": "2.1", "id": "cryptocurrency-wallet--6ba7b810-9dad-51d1-80b4-00c04fd430c8", "value": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF"}"#;
    let text =
        bundle(&[unknown.into(), malware.into(), green_old, indicator, phone.into(), account.into(), wallet.into()]);
    let imported = read_stix(text.as_bytes(), &options()).expect("valid");
    assert_eq!(imported.skipped.get("x-acme-widget"), Some(&1));
    assert_eq!(imported.skipped.get("malware"), Some(&1));
    assert_eq!(imported.indicators.len(), 4);
    let url = imported.indicators.iter().find(|i| i.key.value == "http://a.example").expect("url");
    assert_eq!(url.tlp, Tlp::Red);
    assert_eq!(url.source_ids.len(), 2);
    let unmarked = imported.indicators.iter().find(|i| i.key.value == "+66812345678").expect("phone");
    assert_eq!(unmarked.tlp, Tlp::Amber, "unmarked input takes the default, never CLEAR");
    let wallet = imported.indicators.iter().find(|i| i.key.value.starts_with("TXk8")).expect("wallet");
    assert!(matches!(&wallet.key.kind, crackdown_share::IndicatorKind::CryptoWallet { chain, .. } if chain == "tron"));
}

#[test]
fn misp_reads_every_shape_and_refuses_bad_events() {
    let event = r#"{"uuid": "6ba7b810-9dad-41d1-80b4-00c04fd430c8", "info": "x", "Tag": [{"name": "tlp:green"}],
        "Attribute": [{"uuid": "6ba7b810-9dad-41d1-80b4-00c04fd430c9", "type": "domain", "value": "a.example", "Tag": [{"name": "tlp:amber"}]},
                      {"uuid": "6ba7b810-9dad-41d1-80b4-00c04fd430ca", "type": "ip-dst", "value": "198.51.100.1"},
                      {"uuid": "6ba7b810-9dad-41d1-80b4-00c04fd430cb", "type": "sha256", "value": "ab"}]}"#;
    for text in [
        format!(r#"{{"response": [{{"Event": {event}}}]}}"#),
        format!(r#"[{{"Event": {event}}}]"#),
        format!(r#"{{"Event": {event}}}"#),
        event.to_owned(),
    ] {
        let imported = read_misp(text.as_bytes(), &options()).unwrap_or_else(|error| panic!("{error}: {text}"));
        assert_eq!(imported.indicators.len(), 2, "{text}");
        assert_eq!(imported.indicators[0].tlp, Tlp::Amber);
        assert_eq!(imported.indicators[1].tlp, Tlp::Green);
        assert_eq!(imported.skipped.get("MISP attribute sha256"), Some(&1));
        assert_eq!(imported.campaigns.len(), 1);
    }
    let conflicting =
        event.replace(r#""Tag": [{"name": "tlp:amber"}]"#, r#""Tag": [{"name": "tlp:amber"}, {"name": "tlp:clear"}]"#);
    let message = read_misp(conflicting.as_bytes(), &options()).expect_err("conflict").to_string();
    assert!(message.contains("event 0, Attribute 0") && message.contains("two different TLP"), "{message}");
    let bad_uuid = event.replace("6ba7b810-9dad-41d1-80b4-00c04fd430ca", "not-a-uuid");
    assert!(read_misp(bad_uuid.as_bytes(), &options()).expect_err("uuid").to_string().contains("Attribute 1"));
    let dangling = r#"[{"Event": {"uuid": "6ba7b810-9dad-41d1-80b4-00c04fd430c8", "info": "x", "Object": [{"uuid": "6ba7b810-9dad-41d1-80b4-00c04fd430cc", "name": "report", "Attribute": [], "ObjectReference": [{"referenced_uuid": "6ba7b810-9dad-41d1-80b4-00c04fd43000", "relationship_type": "mentions"}]}]}}]"#;
    assert!(read_misp(dangling.as_bytes(), &options()).expect_err("dangling").to_string().contains("not in the input"));
    let twice = format!(r#"[{{"Event": {event}}}, {{"Event": {}}}]"#, event.replace("a.example", "b.example"));
    assert!(read_misp(twice.as_bytes(), &options()).expect_err("duplicate").to_string().contains("different content"));
    let deep = format!("[{}]", "[".repeat(10_000) + &"]".repeat(10_000));
    assert!(read_misp(deep.as_bytes(), &options()).is_err());
}

#[test]
fn ftm_refuses_dangling_payments_and_duplicates() {
    let payment =
        r#"{"id": "p1", "schema": "Payment", "properties": {"payer": ["nobody"], "beneficiary": ["nobody"]}}"#;
    let message = read_ftm(payment.as_bytes(), &options()).expect_err("dangling").to_string();
    assert!(message.contains("line 1") && message.contains("p1") && message.contains("nobody"), "{message}");
    let twice = "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"A\"]}}\n{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\"]}}\n";
    assert!(read_ftm(twice.as_bytes(), &options()).expect_err("duplicate").to_string().contains("line 2"));
    assert!(
        read_ftm(&b"{\"schema\": \"Person\"}\n"[..], &options()).expect_err("no id").to_string().contains("line 1")
    );
}
