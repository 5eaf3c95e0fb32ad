//! Hostile and broken inputs: huge attachments, deep nesting, missing
//! boundaries, long lines, archives posing as mail or chat, random bytes.
//! Each must give a result or a clear error quickly, never a panic.

use std::time::{Duration, Instant};

use crackdown_evidence::chat::{ChatOptions, parse_chat};
use crackdown_evidence::mail::mbox::MboxReader;
use crackdown_evidence::mail::{MailError, sha256_hex};
use crackdown_evidence::parse_mail;

/// Debug builds are slow; this still catches quadratic blow-ups.
const BUDGET: Duration = Duration::from_secs(20);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = f();
    let elapsed = start.elapsed();
    eprintln!("{what}: {elapsed:?}");
    assert!(elapsed < BUDGET, "{what} took {elapsed:?}");
    result
}

fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push_str("\r\n");
    }
    out
}

#[test]
fn attachment_of_25_mb() {
    let payload = vec![0x41u8; 25 << 20];
    let raw = format!(
        "From: a@example.org\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n{}--b--\r\n",
        base64_lines(&payload)
    );
    let mail = timed("25 MB attachment", || parse_mail(raw.as_bytes())).expect("parses");
    assert_eq!(mail.text, "see attached");
    assert_eq!(mail.attachments.len(), 1);
    assert_eq!(mail.attachments[0].size, 25 << 20);
    assert_eq!(mail.attachments[0].sha256, sha256_hex(&payload));
}

#[test]
fn hundred_nested_multiparts() {
    let depth = 100;
    let mut raw = String::from("From: a@example.org\r\nSubject: deep\r\n");
    for level in 0..depth {
        raw.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n"));
    }
    raw.push_str("Content-Type: text/plain\r\n\r\ninnermost text\r\n");
    for level in (0..depth).rev() {
        raw.push_str(&format!("--b{level}--\r\n"));
    }
    let mail = timed("100 nested multiparts", || parse_mail(raw.as_bytes())).expect("parses");
    assert!(mail.text.contains("innermost text"), "{:?}", mail.text);
    assert!(mail.warnings.iter().any(|w| w.contains("nested")), "{:?}", mail.warnings);
}

#[test]
fn missing_and_wrong_boundaries() {
    let no_param = "From: a@example.org\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n";
    let mail = parse_mail(no_param.as_bytes()).expect("parses");
    assert!(mail.text.contains("hello") || mail.attachments.len() == 1, "{mail:?}");

    let never_closed = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\ncut off here";
    let mail = parse_mail(never_closed.as_bytes()).expect("parses");
    assert!(mail.text.contains("cut off here"), "{mail:?}");

    let bad_base64 = "From: a@example.org\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n";
    parse_mail(bad_base64.as_bytes()).expect("parses");
}

#[test]
fn ten_thousand_parts_and_long_lines() {
    let mut raw = String::from("From: a@example.org\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n");
    for i in 0..10_000 {
        raw.push_str(&format!("--p\r\nContent-Type: application/x-thing; name=f{i}.bin\r\n\r\nx\r\n"));
    }
    raw.push_str("--p--\r\n");
    let mail = timed("10,000 parts", || parse_mail(raw.as_bytes())).expect("parses");
    assert_eq!(mail.attachments.len(), 1_000);
    assert!(mail.warnings.iter().any(|w| w.contains("9000 attachments beyond")), "{:?}", mail.warnings);

    let long = format!("From: a@example.org\r\nContent-Type: text/html\r\n\r\n<p>{}</p>", "<a href=x>".repeat(1 << 20));
    let mail = timed("10 MB of unclosed links", || parse_mail(long.as_bytes())).expect("parses");
    assert_eq!(mail.links.len(), 10_000);
}

#[test]
fn archives_and_garbage_are_not_mail_or_chat() {
    assert!(matches!(parse_mail(b"PK\x03\x04\x14\x00rest"), Err(MailError::NotAnEmail(_))));
    assert!(matches!(parse_mail(b"\x00\x01binary"), Err(MailError::NotAnEmail(_))));
    assert!(matches!(parse_mail(b"just some words"), Err(MailError::NotAnEmail(_))));
    assert_eq!(parse_mail(b""), Err(MailError::Empty));
    assert!(parse_chat(b"PK\x03\x04", &ChatOptions::default()).is_err());
    let empty_export = crackdown_evidence::chat::parse_telegram_reader(
        &br#"{"name": "x", "messages": []}"#[..],
        &ChatOptions::default(),
    );
    assert_eq!(empty_export, Err(crackdown_evidence::chat::ChatError::Empty));
}

#[test]
fn huge_chat_line_and_many_messages() {
    let mut text = String::from("12/31/23, 9:41 PM - A: ");
    text.push_str(&"x".repeat(10 << 20));
    text.push('\n');
    for i in 0..50_000 {
        text.push_str(&format!("1/1/24, 9:{:02} AM - B: message {i}\n", i % 60));
    }
    let conversation =
        timed("WhatsApp 10 MB line + 50k messages", || parse_chat(text.as_bytes(), &ChatOptions::default()))
            .expect("parses");
    assert_eq!(conversation.messages.len(), 50_001);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let _ = parse_mail(&bytes);
        let _ = parse_chat(&bytes, &ChatOptions::default());
        for message in MboxReader::new(&bytes[..], 512) {
            let _ = message;
        }
    }

    #[test]
    fn mail_shaped_text_never_panics(headers in "([A-Za-z-]{1,12}: [ -~]{0,40}\r\n){1,6}", body in "[ -~\r\n]{0,400}") {
        let raw = format!("{headers}\r\n{body}");
        if let Ok(mail) = parse_mail(raw.as_bytes()) {
            let _ = mail.text_for_analysis();
        }
    }

    #[test]
    fn chat_shaped_text_never_panics(lines in proptest::collection::vec("(\\[?[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{1,4}, [0-9]{1,2}:[0-9]{2}( PM)?(\\]| -) [A-Za-z ]{0,8}: .{0,20}|[0-9]{1,2}:[0-9]{2}\t.{0,10}\t.{0,10}|.{0,20})", 0..30)) {
        let text = lines.join("\n");
        let _ = parse_chat(text.as_bytes(), &ChatOptions::default());
    }
}

/// The probe of issue 20: a 1 MiB message nesting 20,000 multiparts, none
/// closed, cost mail-parser seconds (one scan to the end per level); it is
/// refused by a linear pre-check before the parser sees it.
#[test]
fn a_mime_bomb_of_twenty_thousand_nested_parts_is_refused_quickly() {
    let mut raw = String::from("From: a@example.org\r\nTo: v@example.org\r\nSubject: bomb\r\n");
    for level in 0..20_000 {
        raw.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n"));
    }
    let error = timed("20,000 nested multiparts", || parse_mail(raw.as_bytes())).expect_err("refused");
    assert!(matches!(error, MailError::TooComplex(_)), "{error}");
    let started = Instant::now();
    let _ = parse_mail(raw.as_bytes());
    assert!(started.elapsed() < Duration::from_secs(1), "the refusal took {:?}", started.elapsed());
}
