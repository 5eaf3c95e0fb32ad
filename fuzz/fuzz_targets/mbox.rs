//! mbox splitting with a small size cap, then each message parsed; plus the
//! HTML reducer and DNS-fixture parser on the same bytes as text.
#![no_main]

use crackdown_evidence::auth::DnsFixture;
use crackdown_evidence::mail::html::html_to_text;
use crackdown_evidence::mail::mbox::MboxReader;
use crackdown_evidence::parse_mail;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for message in MboxReader::new(data, 4096).flatten() {
        let _ = parse_mail(&message.bytes);
    }
    let text = String::from_utf8_lossy(data);
    let _ = html_to_text(&text, 50);
    let _ = DnsFixture::parse(&text);
});
