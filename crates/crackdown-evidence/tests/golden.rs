//! Golden tests: every fixture under tests/data is parsed and its JSON
//! compared with the `.golden.json` beside it. Run with UPDATE_GOLDEN=1 to
//! rewrite the golden files after an intended change, then review the diff.

use std::path::{Path, PathBuf};

use crackdown_evidence::auth::{envelope_from_received, sender_flags};
use crackdown_evidence::chat::{ChatOptions, parse_chat};
use crackdown_evidence::mail::MailLimits;
use crackdown_evidence::mail::source::mail_sources;
use crackdown_evidence::parse_mail;
use serde_json::{Value, json};

const PROTECTED: &[&str] = &["paypal.com", "kasikornbank.com"];

fn data(path: &str) -> PathBuf {
    Path::new("tests/data").join(path)
}

fn compare(name: &str, actual: &Value) {
    let golden = data(&format!("{name}.golden.json"));
    let rendered = serde_json::to_string_pretty(actual).expect("JSON values serialise") + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &rendered).expect("golden file is writable");
        return;
    }
    let expected = std::fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_GOLDEN=1 to create it", golden.display()));
    assert!(expected == rendered, "{} differs from the parse:\n{rendered}", golden.display());
}

fn mail_json(raw: &[u8]) -> Value {
    match parse_mail(raw) {
        Ok(mail) => {
            let protected: Vec<String> = PROTECTED.iter().map(|p| (*p).to_owned()).collect();
            json!({
                "mail": mail,
                "text_for_analysis": mail.text_for_analysis(),
                "envelope": envelope_from_received(&mail),
                "flags": sender_flags(&mail, &protected),
            })
        }
        Err(error) => json!({ "error": error.to_string() }),
    }
}

#[test]
fn eml_files() {
    for name in ["phishing", "bad_charset_truncated", "header_injection"] {
        let raw = std::fs::read(data(&format!("mail/{name}.eml"))).expect("fixture exists");
        compare(&format!("mail/{name}"), &mail_json(&raw));
    }
}

#[test]
fn mbox_and_directory_walk() {
    let items: Vec<Value> = mail_sources(&data("mail/reports.mbox"), &MailLimits::default())
        .map(|item| match item {
            Ok(raw) => json!({ "origin": raw.origin, "parsed": mail_json(&raw.bytes) }),
            Err(error) => json!({ "error": error.to_string() }),
        })
        .collect();
    compare("mail/reports.mbox", &Value::Array(items));

    let origins: Vec<String> = mail_sources(&data("mail"), &MailLimits::default())
        .map(|item| match item {
            Ok(raw) => raw.origin,
            Err(error) => format!("error: {error}"),
        })
        .collect();
    compare("mail/directory_walk", &json!(origins));
}

#[test]
fn chat_exports() {
    let cases: &[(&str, Option<&str>)] = &[
        ("WhatsApp Chat with Mentor Lisa.txt", None),
        ("_chat.txt", Some("+66 81 234 5678")),
        ("result.json", None),
        ("line_en.txt", None),
        ("line_ja.txt", Some("Nok")),
    ];
    for (file, owner) in cases {
        let bytes = std::fs::read(data(&format!("chat/{file}"))).expect("fixture exists");
        let options = ChatOptions {
            owner: owner.map(str::to_owned),
            file_name: Some((*file).to_owned()),
            ..ChatOptions::default()
        };
        let value = match parse_chat(&bytes, &options) {
            Ok(conversation) => json!({
                "conversation": conversation,
                "text_for_analysis": conversation.text_for_analysis(),
            }),
            Err(error) => json!({ "error": error.to_string() }),
        };
        let stem = file.rsplit_once('.').map_or(*file, |(stem, _)| stem).replace(' ', "_");
        compare(&format!("chat/{stem}"), &value);
    }
}
