//! Evidence artefacts that victims forward, parsed for intake and analysis:
//! e-mails ([`mail`]: MIME, mbox, directories), their authentication
//! ([`auth`]: SPF, DKIM, DMARC, ARC and sender look-alike flags) and chat
//! exports ([`chat`]: WhatsApp, Telegram, LINE).
//!
//! A pure library: no storage, no HTTP. Parsers take bytes, never panic,
//! bound their memory, and report every problem as a per-file or per-line
//! warning while the rest parses.

pub mod auth;
pub mod chat;
pub mod domain;
pub mod mail;
pub mod report;

pub use mail::{ParsedMail, parse_mail, parse_mail_with};
