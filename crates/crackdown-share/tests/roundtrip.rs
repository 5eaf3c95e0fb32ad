//! Export → read gives back the same indicators with the same markings,
//! for generated inputs in every format; and nothing above `tlp_max`
//! (nor any id of it) is in the export.

mod common;

use std::collections::BTreeMap;

use crackdown_model::{Keyword, Tlp};
use crackdown_share::{
    ExportItem, Imported, IndicatorKey, IndicatorKind, Provenance, ReadOptions, read_ftm, read_misp, read_stix,
    write_ftm, write_misp, write_stix,
};
use proptest::prelude::*;

fn read_options() -> ReadOptions {
    ReadOptions::new(Provenance { partner: "Partner".into(), feed: "test".into(), received_at: common::at(21, 0) })
}

fn markings(imported: &Imported) -> BTreeMap<IndicatorKey, Tlp> {
    imported.indicators.iter().map(|indicator| (indicator.key.clone(), indicator.tlp)).collect()
}

/// What a reader should give back: every indicator up to `tlp_max`, with
/// its marking; for MISP raised to its campaign's (the event's) marking, as
/// the event tag covers what it holds; for FtM only accounts and handles.
fn expected(items: &[ExportItem], tlp_max: Tlp, misp: bool, ftm_only: bool) -> BTreeMap<IndicatorKey, Tlp> {
    let mut campaign: Option<Tlp> = None;
    let mut out = BTreeMap::new();
    // MISP writes an indicator once per event, as it first comes: the keys
    // of the open event, whether it holds items of no campaign, and whether
    // one is open (as the writer opens and continues them).
    let mut in_event: std::collections::HashSet<IndicatorKey> = std::collections::HashSet::new();
    let (mut ungrouped, mut open) = (false, false);
    let mut in_bundle: std::collections::HashSet<IndicatorKey> = std::collections::HashSet::new();
    for item in items {
        match item {
            ExportItem::Campaign(c) => {
                campaign = (c.tlp <= tlp_max).then_some(c.tlp);
                if campaign.is_some() || !(open && ungrouped) {
                    in_event.clear();
                    (ungrouped, open) = (campaign.is_none(), true);
                }
            }
            ExportItem::EndCampaign => (campaign, open) = (None, false),
            ExportItem::Indicator(indicator) if indicator.tlp <= tlp_max => {
                if !open {
                    in_event.clear();
                    (ungrouped, open) = (true, true);
                }
                if misp && !in_event.insert(indicator.key.clone()) {
                    continue;
                }
                // A bundle holds one object per observable, as it first comes.
                if !misp && !ftm_only && !in_bundle.insert(indicator.key.clone()) {
                    continue;
                }
                let account = matches!(
                    indicator.key.kind,
                    IndicatorKind::Iban
                        | IndicatorKind::BankAccount { .. }
                        | IndicatorKind::CryptoWallet { .. }
                        | IndicatorKind::MessengerHandle { .. }
                );
                if ftm_only && !account {
                    continue;
                }
                let tlp = if misp { indicator.tlp.max(campaign.unwrap_or(Tlp::Clear)) } else { indicator.tlp };
                let entry = out.entry(indicator.key.clone()).or_insert(tlp);
                *entry = (*entry).max(tlp);
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_sample_round_trips_at_every_maximum() {
    for &tlp_max in Tlp::ALL {
        let items = common::sample();
        let mut stix = Vec::new();
        write_stix(items.clone(), &common::options(tlp_max), &mut stix).expect("write");
        let read = read_stix(stix.as_slice(), &read_options()).expect("read back");
        assert_eq!(markings(&read), expected(&items, tlp_max, false, false), "STIX at {tlp_max}");
        let campaigns: Vec<_> = read.campaigns.iter().filter_map(|c| c.crackdown_id.clone()).collect();
        let want: Vec<String> = items
            .iter()
            .filter_map(|item| match item {
                ExportItem::Campaign(c) if c.tlp <= tlp_max => Some(c.id.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(campaigns, want);
        for report in &read.reports {
            assert!(report.tlp <= tlp_max);
        }
        let text = String::from_utf8(stix).expect("utf-8");
        for item in &items {
            if let ExportItem::Indicator(indicator) = item
                && indicator.tlp > tlp_max
            {
                let id = crackdown_share::stix::sco::sco_id_of(&indicator.key);
                assert!(!text.contains(&id), "{id} above {tlp_max} named in the export");
                assert!(!text.contains(&indicator.key.value), "{} above {tlp_max} in the export", indicator.key.value);
            }
        }

        let mut misp = Vec::new();
        write_misp(items.clone(), &common::options(tlp_max), &mut misp).expect("write");
        let read = read_misp(misp.as_slice(), &read_options()).expect("read back");
        assert_eq!(markings(&read), expected(&items, tlp_max, true, false), "MISP at {tlp_max}");

        let mut ftm = Vec::new();
        write_ftm(items.clone(), &common::options(tlp_max), &mut ftm).expect("write");
        let read = read_ftm(ftm.as_slice(), &read_options()).expect("read back");
        assert_eq!(markings(&read), expected(&items, tlp_max, false, true), "FtM at {tlp_max}");
    }
}

#[test]
fn reports_keep_text_reasons_and_indicators_through_stix_and_misp() {
    let mut stix = Vec::new();
    write_stix(common::sample(), &common::options(Tlp::Green), &mut stix).expect("write");
    let read = read_stix(stix.as_slice(), &read_options()).expect("read");
    let report = read.reports.iter().find(|r| r.crackdown_id.as_deref() == Some("rpt_0001")).expect("report");
    assert_eq!(report.reasons, ["guaranteed returns", "crypto deposit request"]);
    assert_eq!(report.indicators.len(), 4);
    assert!(report.text.as_deref().is_some_and(|text| text.contains("Mentor Lisa")));
    assert_eq!(read.personas.len(), 2);

    let mut misp = Vec::new();
    write_misp(common::sample(), &common::options(Tlp::Green), &mut misp).expect("write");
    let read = read_misp(misp.as_slice(), &read_options()).expect("read");
    let report = read.reports.iter().find(|r| r.crackdown_id.as_deref() == Some("rpt_0001")).expect("report");
    assert_eq!(report.reasons, ["guaranteed returns", "crypto deposit request"]);
    assert_eq!(report.indicators.len(), 4);
}

fn kind() -> impl Strategy<Value = IndicatorKind> {
    prop_oneof![
        Just(IndicatorKind::Phone),
        Just(IndicatorKind::Url),
        Just(IndicatorKind::Domain),
        Just(IndicatorKind::Email),
        Just(IndicatorKind::Ipv4),
        Just(IndicatorKind::Ipv6),
        Just(IndicatorKind::Iban),
        prop_oneof![Just(None), Just(Some("KASITHBK".to_owned())), Just(Some("004".to_owned()))]
            .prop_map(|bank| IndicatorKind::BankAccount { bank }),
        (prop_oneof![Just("bitcoin"), Just("tron"), Just("ethereum")], prop_oneof![Just(None), Just(Some("USDT"))])
            .prop_map(|(chain, currency)| IndicatorKind::CryptoWallet {
                chain: chain.into(),
                currency: currency.map(str::to_owned)
            }),
        prop_oneof![Just("telegram"), Just("line"), Just("whatsapp")]
            .prop_map(|service| IndicatorKind::MessengerHandle { service: service.into() }),
    ]
}

fn tlp() -> impl Strategy<Value = Tlp> {
    prop::sample::select(Tlp::ALL.to_vec())
}

fn items() -> impl Strategy<Value = Vec<ExportItem>> {
    let indicator = (kind(), "[a-zA-Z0-9 '\\\\:/.+é漢-]{1,24}", tlp(), 0u8..255).prop_map(|(kind, value, tlp, n)| {
        // MISP tells IP versions apart by the value, as any real address does.
        let value = match kind {
            IndicatorKind::Ipv4 => format!("198.51.100.{n}"),
            IndicatorKind::Ipv6 => format!("2001:db8::{n:x}"),
            _ => value.trim().to_owned(),
        };
        ExportItem::Indicator(common::indicator(kind, &value, tlp))
    });
    let campaign = (tlp(), 0u32..1000).prop_map(|(tlp, n)| {
        ExportItem::Campaign(crackdown_share::Campaign {
            id: format!("cmp_{n}"),
            name: format!("campaign {n}"),
            first_seen: common::at(1, 0),
            last_seen: common::at(2, 0),
            scam_types: vec![],
            tlp,
        })
    });
    prop::collection::vec(prop_oneof![4 => indicator, 1 => campaign, 1 => Just(ExportItem::EndCampaign)], 0..40)
        .prop_map(|items| {
            // A campaign is in the stream once: number them in order.
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| match item {
                    ExportItem::Campaign(campaign) => {
                        ExportItem::Campaign(crackdown_share::Campaign { id: format!("cmp_{index}"), ..campaign })
                    }
                    other => other,
                })
                .filter(|item| !matches!(item, ExportItem::Indicator(i) if i.key.value.is_empty()))
                .collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn export_then_read_gives_back_the_indicators_and_markings(items in items(), tlp_max in tlp()) {
        let mut stix = Vec::new();
        write_stix(items.clone(), &common::options(tlp_max), &mut stix).expect("write");
        let read = read_stix(stix.as_slice(), &read_options()).expect("STIX read back");
        prop_assert_eq!(markings(&read), expected(&items, tlp_max, false, false));

        let mut misp = Vec::new();
        write_misp(items.clone(), &common::options(tlp_max), &mut misp).expect("write");
        let read = read_misp(misp.as_slice(), &read_options()).expect("MISP read back");
        prop_assert_eq!(markings(&read), expected(&items, tlp_max, true, false));

        let mut ftm = Vec::new();
        write_ftm(items.clone(), &common::options(tlp_max), &mut ftm).expect("write");
        let read = read_ftm(ftm.as_slice(), &read_options()).expect("FtM read back");
        prop_assert_eq!(markings(&read), expected(&items, tlp_max, false, true));
    }
}
