//! SPF, DKIM, DMARC and ARC against a DNS fixture, with messages signed
//! here by mail-auth itself: real passes and real failures, no network.

use base64::Engine;
use crackdown_evidence::auth::{Authenticator, DnsFixture, Verdict, envelope_from_received};
use crackdown_evidence::parse_mail;
use mail_auth::arc::ArcSealer;
use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;
use mail_auth::{AuthenticatedMessage, AuthenticationResults, MessageAuthenticator};

const MESSAGE: &str = "From: Bank <alerts@bank.example>\r\n\
To: victim@victim.example\r\n\
Subject: Your statement\r\n\
Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\
Message-ID: <1@bank.example>\r\n\
\r\n\
Your statement is ready.\r\n";

struct Keys {
    bank: Ed25519Key,
    bank_public: String,
    forwarder: Ed25519Key,
    forwarder_public: String,
}

fn keys() -> Keys {
    let make = || {
        let der = Ed25519Key::generate_pkcs8().expect("key generation");
        let key = Ed25519Key::from_pkcs8_der(&der).expect("generated key loads");
        let public = base64::engine::general_purpose::STANDARD.encode(key.public_key());
        (key, public)
    };
    let (bank, bank_public) = make();
    let (forwarder, forwarder_public) = make();
    Keys { bank, bank_public, forwarder, forwarder_public }
}

fn fixture(keys: &Keys) -> DnsFixture {
    let text = format!(
        "bank.example TXT \"v=spf1 ip4:203.0.113.0/24 -all\"\n\
         _dmarc.bank.example TXT \"v=DMARC1; p=reject\"\n\
         s1._domainkey.bank.example TXT \"v=DKIM1; k=ed25519; \" \"p={}\"\n\
         arc._domainkey.forwarder.example TXT \"v=DKIM1; k=ed25519; p={}\"\n",
        keys.bank_public, keys.forwarder_public
    );
    let (fixture, errors) = DnsFixture::parse(&text);
    assert_eq!(errors, vec![]);
    fixture
}

fn sign(key: Ed25519Key, message: &str) -> String {
    let signature = DkimSigner::from_key(key)
        .domain("bank.example")
        .selector("s1")
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(message.as_bytes())
        .expect("signing works");
    format!("{}{message}", signature.to_header())
}

fn received(ip: &str) -> String {
    format!(
        "Received: from mail.bank.example (mail.bank.example [{ip}])\r\n\tby mx.victim.example with ESMTPS id 1; Mon, 1 Jan 2024 10:00:01 +0000\r\n\
         Received: from internal (internal [10.0.0.5]) by relay.victim.example; Mon, 1 Jan 2024 10:00:02 +0000\r\n"
    )
}

async fn verdicts(authenticator: &Authenticator, raw: &str) -> (Verdict, Verdict, Verdict, Verdict) {
    let mail = parse_mail(raw.as_bytes()).expect("test message parses");
    let envelope = envelope_from_received(&mail);
    let report = authenticator.authenticate(raw.as_bytes(), envelope.as_ref()).await;
    let r = report.results;
    (r.spf, r.dkim, r.dmarc, r.arc)
}

#[tokio::test(flavor = "current_thread")]
async fn signed_from_the_right_ip_passes() {
    let keys = keys();
    let authenticator = Authenticator::offline(fixture(&keys)).expect("offline resolver");
    let raw = format!("{}{}", received("203.0.113.7"), sign(keys.bank, MESSAGE));
    assert_eq!(verdicts(&authenticator, &raw).await, (Verdict::Pass, Verdict::Pass, Verdict::Pass, Verdict::None));
}

#[tokio::test(flavor = "current_thread")]
async fn tampered_body_and_wrong_ip_fail() {
    let keys = keys();
    let authenticator = Authenticator::offline(fixture(&keys)).expect("offline resolver");
    let signed = sign(keys.bank, MESSAGE).replace("is ready", "is overdue, pay now");
    let raw = format!("{}{signed}", received("198.51.100.9"));
    // mail-auth reports a body-hash mismatch as neutral (RFC 6376 §6.3
    // leaves it to the verifier); it is never a pass, and DMARC fails.
    assert_eq!(verdicts(&authenticator, &raw).await, (Verdict::Fail, Verdict::Neutral, Verdict::Fail, Verdict::None));
}

#[tokio::test(flavor = "current_thread")]
async fn right_ip_rescues_dmarc_without_signature() {
    let keys = keys();
    let authenticator = Authenticator::offline(fixture(&keys)).expect("offline resolver");
    let raw = format!("{}{MESSAGE}", received("203.0.113.7"));
    assert_eq!(verdicts(&authenticator, &raw).await, (Verdict::Pass, Verdict::None, Verdict::Pass, Verdict::None));
}

#[tokio::test(flavor = "current_thread")]
async fn unknown_domain_and_missing_key() {
    let keys = keys();
    let authenticator = Authenticator::offline(fixture(&keys)).expect("offline resolver");
    let raw = sign(keys.bank, &MESSAGE.replace("bank.example>", "other.example>"));
    let raw = format!("{}{}", received("203.0.113.7"), raw.replace("d=bank.example", "d=other.example"));
    let (spf, dkim, dmarc, arc) = verdicts(&authenticator, &raw).await;
    assert_eq!((spf, dmarc, arc), (Verdict::None, Verdict::None, Verdict::None));
    assert!(matches!(dkim, Verdict::PermError | Verdict::Fail), "{dkim:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn no_public_received_header_means_no_spf() {
    let keys = keys();
    let authenticator = Authenticator::offline(fixture(&keys)).expect("offline resolver");
    let raw = format!(
        "Received: from a (a [192.168.1.2]) by b; Mon, 1 Jan 2024 10:00:00 +0000\r\n{}",
        sign(keys.bank, MESSAGE)
    );
    let mail = parse_mail(raw.as_bytes()).expect("parses");
    assert_eq!(envelope_from_received(&mail), None);
    assert_eq!(verdicts(&authenticator, &raw).await, (Verdict::None, Verdict::Pass, Verdict::Pass, Verdict::None));
}

#[tokio::test(flavor = "current_thread")]
async fn arc_sealed_forward_passes_and_broken_seal_fails() {
    let keys = keys();
    let fixture = fixture(&keys);
    let authenticator = Authenticator::offline(fixture).expect("offline resolver");
    let signed = format!("{}{}", received("203.0.113.7"), sign(keys.bank, MESSAGE));

    // The forwarder starts a new ARC chain (no earlier sets) and seals.
    let message = AuthenticatedMessage::parse(signed.as_bytes()).expect("parses");
    let plain = MessageAuthenticator::new(
        mail_auth::hickory_resolver::config::ResolverConfig::from_parts(None, vec![], vec![]),
        Default::default(),
    )
    .expect("resolver");
    let arc_output = plain.verify_arc(&message).await;
    let results = AuthenticationResults::new("forwarder.example");
    let set = ArcSealer::from_key(keys.forwarder)
        .domain("forwarder.example")
        .selector("arc")
        .headers(["From", "To", "Subject", "DKIM-Signature"])
        .seal(&message, &results, &arc_output)
        .expect("sealing works");
    let sealed = format!("{}{signed}", set.to_header());
    let (_, dkim, _, arc) = verdicts(&authenticator, &sealed).await;
    assert_eq!((dkim, arc), (Verdict::Pass, Verdict::Pass));

    let broken = sealed.replace("Subject: Your statement", "Subject: Urgent");
    let (_, dkim, _, arc) = verdicts(&authenticator, &broken).await;
    assert_eq!((dkim, arc), (Verdict::Fail, Verdict::Fail));
}
