//! One message through the whole e-mail path: MIME parsing, HTML reduction,
//! link analysis, analysis text, SPF envelope and sender flags.
#![no_main]

use crackdown_evidence::auth::{envelope_from_received, sender_flags};
use crackdown_evidence::parse_mail;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mail) = parse_mail(data) {
        let _ = mail.text_for_analysis();
        let _ = envelope_from_received(&mail);
        let _ = sender_flags(&mail, &["paypal.com".to_owned(), "kasikornbank.com".to_owned()]);
    }
});
