//! A small export that uses every kind of item, indicator and marking.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use crackdown_model::{Currency, Money, Tlp};
use crackdown_share::{
    Campaign, ExportItem, ExportOptions, Indicator, IndicatorKey, IndicatorKind, Payment, Persona, PersonaKind, Report,
};

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).single().expect("valid date")
}

pub fn options(tlp_max: Tlp) -> ExportOptions {
    ExportOptions { tlp_max, producer: "Thai Police CCIB".into(), created: at(20, 12) }
}

pub fn key(kind: IndicatorKind, value: &str) -> IndicatorKey {
    IndicatorKey::new(kind, value)
}

pub fn indicator(kind: IndicatorKind, value: &str, tlp: Tlp) -> Indicator {
    Indicator { key: key(kind, value), tlp, first_seen: at(2, 9) }
}

/// Two campaigns (GREEN and AMBER+STRICT) and ungrouped items, with every
/// indicator kind and every TLP level.
pub fn sample() -> Vec<ExportItem> {
    let phone = indicator(IndicatorKind::Phone, "+66812345678", Tlp::Clear);
    let site = indicator(IndicatorKind::Url, "https://golden-harvest.example/login?ref=a'b", Tlp::Green);
    let domain = indicator(IndicatorKind::Domain, "golden-harvest.example", Tlp::Green);
    let iban = indicator(IndicatorKind::Iban, "GB82WEST12345698765432", Tlp::Amber);
    let account = indicator(IndicatorKind::BankAccount { bank: Some("KASITHBK".into()) }, "0123456789", Tlp::Amber);
    let wallet = indicator(
        IndicatorKind::CryptoWallet { chain: "tron".into(), currency: Some("USDT".into()) },
        "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF",
        Tlp::Green,
    );
    let handle = indicator(IndicatorKind::MessengerHandle { service: "telegram".into() }, "mentor_lisa88", Tlp::Clear);
    let email = indicator(IndicatorKind::Email, "support@golden-harvest.example", Tlp::Green);
    let ipv4 = indicator(IndicatorKind::Ipv4, "203.0.113.7", Tlp::AmberStrict);
    let ipv6 = indicator(IndicatorKind::Ipv6, "2001:db8::7", Tlp::Red);
    let secret_phone = indicator(IndicatorKind::Phone, "+85512345678", Tlp::AmberStrict);
    let mule = indicator(IndicatorKind::BankAccount { bank: Some("004".into()) }, "9876543210", Tlp::Amber);
    vec![
        ExportItem::Campaign(Campaign {
            id: "cmp_7kq3m9x2ab".into(),
            name: "Golden Harvest investment lure".into(),
            first_seen: at(1, 8),
            last_seen: at(19, 22),
            scam_types: vec!["investment".into(), "romance".into()],
            tlp: Tlp::Green,
        }),
        ExportItem::Indicator(phone.clone()),
        ExportItem::Indicator(site.clone()),
        ExportItem::Indicator(domain.clone()),
        ExportItem::Indicator(wallet.clone()),
        ExportItem::Indicator(handle.clone()),
        ExportItem::Indicator(iban.clone()),
        ExportItem::Indicator(account.clone()),
        ExportItem::Indicator(email.clone()),
        ExportItem::Persona(Persona { name: "Mentor Lisa".into(), kind: PersonaKind::Person, tlp: Tlp::Green }),
        ExportItem::Persona(Persona {
            name: "Golden Harvest Trading Ltd".into(),
            kind: PersonaKind::Organization,
            tlp: Tlp::Green,
        }),
        ExportItem::Report(Report {
            id: "rpt_0001".into(),
            tlp: Tlp::Green,
            received_at: at(3, 10),
            scam_type: Some("investment".into()),
            text: Some("Mentor Lisa on Telegram told me to deposit USDT at golden-harvest.example.".into()),
            reasons: vec!["guaranteed returns".into(), "crypto deposit request".into()],
            indicators: vec![
                phone.reference(),
                site.reference(),
                wallet.reference(),
                handle.reference(),
                ipv4.reference(),
            ],
        }),
        ExportItem::Report(Report {
            id: "rpt_0002".into(),
            tlp: Tlp::Amber,
            received_at: at(4, 11),
            scam_type: Some("investment".into()),
            text: None,
            reasons: vec![],
            indicators: vec![iban.reference(), account.reference()],
        }),
        ExportItem::Payment(Payment {
            from: account.reference(),
            to: wallet.reference(),
            amount: Money::new(15_000_000, Currency::from_code("THB").expect("THB")),
            date: NaiveDate::from_ymd_opt(2026, 3, 5).expect("date"),
            transaction_id: Some("TX-20260305-0001".into()),
            tlp: Tlp::Amber,
        }),
        ExportItem::Payment(Payment {
            from: iban.reference(),
            to: mule.reference(),
            amount: Money::new(250_000, Currency::from_code("EUR").expect("EUR")),
            date: NaiveDate::from_ymd_opt(2026, 3, 6).expect("date"),
            transaction_id: None,
            tlp: Tlp::Amber,
        }),
        ExportItem::Indicator(mule.clone()),
        ExportItem::Campaign(Campaign {
            id: "cmp_redacted01".into(),
            name: "Compound ledger accounts".into(),
            first_seen: at(6, 8),
            last_seen: at(7, 8),
            scam_types: vec!["investment".into()],
            tlp: Tlp::AmberStrict,
        }),
        ExportItem::Indicator(ipv4.clone()),
        ExportItem::Indicator(secret_phone.clone()),
        ExportItem::Report(Report {
            id: "rpt_0003".into(),
            tlp: Tlp::AmberStrict,
            received_at: at(7, 9),
            scam_type: None,
            text: Some("Seized ledger line".into()),
            reasons: vec!["ledger".into()],
            indicators: vec![ipv4.reference(), secret_phone.reference()],
        }),
        ExportItem::EndCampaign,
        ExportItem::Indicator(ipv6),
        ExportItem::Indicator(phone),
    ]
}
