//! Chat exports: auto-detection, then each platform's parser forced, with
//! and without an owner.
#![no_main]

use crackdown_evidence::chat::{ChatOptions, Platform, parse_chat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_chat(data, &ChatOptions::default());
    for platform in [Platform::Whatsapp, Platform::Telegram, Platform::Line] {
        let options = ChatOptions {
            platform: Some(platform),
            owner: Some("Nok".to_owned()),
            file_name: Some("WhatsApp Chat with Mentor Lisa.txt".to_owned()),
            ..ChatOptions::default()
        };
        if let Ok(conversation) = parse_chat(data, &options) {
            let _ = conversation.text_for_analysis();
        }
    }
});
