//! Statements into one ledger: both sides of a transfer merge, money is
//! conserved, every row points back to its file.

use std::collections::HashMap;
use std::path::Path;

use crackdown_statements::{
    BalanceCheck, FileStatements, Format, OPENING_BALANCE_CHANNEL, Reconciler, read_bytes, read_file, reconcile,
    write_ledger_csv,
};
use proptest::prelude::*;

fn data(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path)
}

#[test]
fn both_banks_views_of_one_transfer_become_one_row() {
    let payer = read_file(&data("two-sided/selfmade/payer-commerzbank.sta"), None, None).expect("reads");
    let payee = read_file(&data("two-sided/selfmade/payee-abnamro.xml"), None, None).expect("reads");
    assert_eq!(payer.file.format, Format::Mt940);
    assert_eq!(payee.file.format, Format::Camt053);
    let ledger = reconcile(vec![payer, payee]);
    assert_eq!(ledger.merged.len(), 1, "{:#?}", ledger.merged);
    let merge = &ledger.merged[0];
    assert_eq!((merge.by, merge.days_apart), ("end_to_end", 1));
    assert_eq!((merge.from.as_str(), merge.to.as_str()), ("DE89370400440532013000", "NL91ABNA0417164300"));
    let row = ledger.rows.iter().find(|row| row.tx_id == merge.kept).expect("kept row");
    assert_eq!(row.sources.len(), 2);
    let files: Vec<&str> = row.sources.iter().map(|source| source.file.as_str()).collect();
    assert_eq!(files, ["payer-commerzbank.sta", "payee-abnamro.xml"]);
    assert_eq!(row.timestamp.to_rfc3339(), "2024-01-03T00:00:00+00:00", "the earlier booking");
    assert_eq!(row.reference.as_deref(), Some("INV-2024-1-E2E"));
    assert!(ledger.rows.iter().all(|row| row.tx_id != merge.merged));
    // 2 openings + 2 payer entries + 2 payee entries - 1 merged.
    assert_eq!(ledger.rows.len(), 5);
    assert!(ledger.statements.iter().all(|statement| statement.balanced == Some(true)));
    let opening: Vec<&str> =
        ledger.rows.iter().filter(|row| row.channel == OPENING_BALANCE_CHANNEL).map(|row| row.from.as_str()).collect();
    assert_eq!(opening.len(), 2);
    assert!(opening.iter().all(|from| from.starts_with("OPENING:")));
}

#[test]
fn different_end_to_end_ids_never_merge() {
    let payer = read_file(&data("two-sided/selfmade/payer-commerzbank.sta"), None, None).expect("reads");
    let text = std::fs::read_to_string(data("two-sided/selfmade/payee-abnamro.xml")).expect("reads");
    let other = text.replace("INV-2024-1-E2E", "SOMETHING-ELSE");
    let payee = read_bytes("payee.xml", other.as_bytes(), None, None).expect("reads");
    let ledger = reconcile(vec![payer, payee]);
    assert!(ledger.merged.is_empty(), "{:#?}", ledger.merged);
}

#[test]
fn the_same_file_twice_is_read_once() {
    let first = read_file(&data("two-sided/selfmade/payer-commerzbank.sta"), None, None).expect("reads");
    let mut second = first.clone();
    second.file.name = "copy.sta".into();
    let ledger = reconcile(vec![first, second]);
    assert_eq!(ledger.rows.len(), 3);
    assert!(ledger.errors.iter().any(|error| error.file == "copy.sta" && error.reason.contains("same content")));
}

#[test]
fn unnamed_counterparties_are_booked_to_the_banks_unknown_account() {
    let file = read_file(&data("mt940/abnamro/abnamro.sta"), None, None).expect("reads");
    let entries: usize = file.statements.iter().map(|statement| statement.entries.len()).sum();
    let ledger = reconcile(vec![file]);
    let transfers: Vec<_> = ledger.rows.iter().filter(|row| row.channel == "mt940").collect();
    assert_eq!(transfers.len(), entries, "never silently dropped");
    assert!(transfers.iter().all(|row| row.to == "UNKNOWN:517852257" && row.from == "517852257"));
    assert!(transfers.iter().all(|row| row.flagged), "both statements are unbalanced");
}

#[test]
fn explorer_exports_of_two_wallets_merge_on_the_hash() {
    let one = read_file(&data("tronscan/selfmade/transfers.csv"), None, None).expect("reads");
    let text = std::fs::read_to_string(data("tronscan/selfmade/transfers.csv")).expect("reads");
    // The exchange's own export: the same second transfer, another file.
    let lines: Vec<&str> = text.lines().collect();
    let other_text = format!("{}\n{}\n", lines[0], lines[2]);
    let other = read_bytes("exchange.csv", other_text.as_bytes(), None, None).expect("reads");
    assert_eq!(other.file.format, Format::Tronscan);
    let ledger = reconcile(vec![one, other]);
    assert_eq!(ledger.merged.len(), 1);
    assert_eq!(ledger.merged[0].by, "reference");
    assert_eq!(ledger.rows.len(), 2);
}

#[test]
fn ledger_csv_is_the_trail_native_format_with_provenance() {
    let payer = read_file(&data("two-sided/selfmade/payer-commerzbank.sta"), None, None).expect("reads");
    let payee = read_file(&data("two-sided/selfmade/payee-abnamro.xml"), None, None).expect("reads");
    let ledger = reconcile(vec![payer, payee]);
    let mut out = Vec::new();
    write_ledger_csv(&ledger.rows, &mut out).expect("writes");
    let text = String::from_utf8(out).expect("utf8");
    let mut lines = text.lines();
    assert!(
        lines.next().is_some_and(
            |header| header.starts_with("tx_id,timestamp,from_account,to_account,amount,currency,channel,")
        )
    );
    let merged = text.lines().find(|line| line.contains("INV-2024-1-E2E")).expect("merged row");
    assert!(merged.contains("payer-commerzbank.sta | payee-abnamro.xml"), "{merged}");
    assert!(merged.contains(",1500.00,EUR,mt940,"), "{merged}");
}

/// A generated set of accounts at different banks paying each other, each
/// account's statement written in MT940 or camt.053.
#[derive(Debug, Clone)]
struct Transfer {
    from: usize,
    to: usize,
    cents: i64,
    day: u32,
}

const ACCOUNTS: [&str; 4] =
    ["NL91ABNA0417164300", "DE89370400440532013000", "GB29NWBK60161331926819", "CH9300762011623852957"];

fn statement(account: usize, transfers: &[Transfer], camt: bool) -> Vec<u8> {
    let iban = ACCOUNTS[account];
    let opening: i64 = 1_000_000;
    let mut balance = opening;
    let mut lines = Vec::new();
    for (index, transfer) in transfers.iter().enumerate() {
        let (sign, other) = if transfer.from == account {
            (-1, transfer.to)
        } else if transfer.to == account {
            (1, transfer.from)
        } else {
            continue;
        };
        balance += sign * transfer.cents;
        lines.push((sign, ACCOUNTS[other], transfer.cents, transfer.day, format!("E2E-{index}")));
    }
    let decimal = |cents: i64| format!("{}.{:02}", cents.abs() / 100, cents.abs() % 100);
    if camt {
        let mut xml = format!(
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt><Id>S-{account}</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>\
             <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\
             <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>2024-03-28</Dt></Dt></Bal>",
            decimal(opening),
            decimal(balance),
            if balance < 0 { "DBIT" } else { "CRDT" }
        );
        for (sign, other, cents, day, e2e) in &lines {
            let (indicator, party) = if *sign < 0 { ("DBIT", "Cdtr") } else { ("CRDT", "Dbtr") };
            xml += &format!(
                "<Ntry><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-03-{:02}</Dt></BookgDt>\
                 <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs><RltdPties><{party}Acct><Id><IBAN>{other}</IBAN></Id></{party}Acct></RltdPties></TxDtls></NtryDtls></Ntry>",
                decimal(*cents),
                day + 1
            );
        }
        xml += "</Stmt></BkToCstmrStmt></Document>";
        xml.into_bytes()
    } else {
        let swift = |cents: i64| decimal(cents).replace('.', ",");
        let mut text = format!(":20:S-{account}\n:25:{iban}\n:28C:1/1\n:60F:C240229EUR{}\n", swift(opening));
        for (sign, other, cents, day, e2e) in &lines {
            text += &format!(
                ":61:2403{day:02}{}{}NTRFNONREF\n:86:/EREF/{e2e}/IBAN/{other}/REMI/payment\n",
                if *sign < 0 { "D" } else { "C" },
                swift(*cents)
            );
        }
        text += &format!(":62F:{}240328EUR{}\n-\n", if balance < 0 { "D" } else { "C" }, swift(balance));
        text.into_bytes()
    }
}

fn transfers() -> impl Strategy<Value = Vec<Transfer>> {
    proptest::collection::vec(
        (0usize..4, 1usize..4, 1i64..500_000, 1u32..27).prop_map(|(from, offset, cents, day)| Transfer {
            from,
            to: (from + offset) % 4,
            cents,
            day,
        }),
        0..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every transfer appears exactly once after merging, each account's net
    /// flow in the ledger equals what its statement booked, and every
    /// statement balances.
    #[test]
    fn merged_ledger_conserves_amounts(transfers in transfers(), formats in proptest::collection::vec(any::<bool>(), 4)) {
        let files: Vec<FileStatements> = (0..4)
            .map(|account| {
                let bytes = statement(account, &transfers, formats[account]);
                read_bytes(&format!("bank-{account}"), &bytes, None, None).expect("generated statement reads")
            })
            .collect();
        for file in &files {
            prop_assert!(file.errors.is_empty(), "{:?}", file.errors);
            prop_assert_eq!(&file.statements[0].check, &BalanceCheck::Balanced);
        }
        let ledger = reconcile(files);
        let rows: Vec<_> = ledger.rows.iter().filter(|row| row.channel != OPENING_BALANCE_CHANNEL).collect();
        prop_assert_eq!(rows.len(), transfers.len());
        prop_assert_eq!(ledger.merged.len(), transfers.len());
        let total: i64 = rows.iter().map(|row| row.amount.minor()).sum();
        prop_assert_eq!(total, transfers.iter().map(|transfer| transfer.cents).sum::<i64>());
        let mut net: HashMap<&str, i64> = HashMap::new();
        for row in &rows {
            prop_assert_eq!(row.sources.len(), 2);
            *net.entry(row.from.as_str()).or_default() -= row.amount.minor();
            *net.entry(row.to.as_str()).or_default() += row.amount.minor();
        }
        for (index, iban) in ACCOUNTS.iter().enumerate() {
            let expected: i64 = transfers
                .iter()
                .map(|transfer| if transfer.to == index { transfer.cents } else if transfer.from == index { -transfer.cents } else { 0 })
                .sum();
            prop_assert_eq!(net.get(iban).copied().unwrap_or(0), expected, "{}", iban);
        }
    }
}

#[test]
fn streaming_through_a_spill_file_gives_the_ledger_of_reading_whole() {
    let paths = [
        data("two-sided/selfmade/payer-commerzbank.sta"),
        data("two-sided/selfmade/payee-abnamro.xml"),
        data("two-sided/selfmade/payer-commerzbank.sta"),
        data("csv/selfmade/kontoauszug.csv"),
    ];
    let whole = reconcile(paths.iter().take(3).map(|path| read_file(path, None, None).expect("reads")).collect());
    let mut reconciler = Reconciler::spilling(tempfile::tempfile().expect("spill"));
    for path in &paths[..3] {
        reconciler.read_file(path, None, None).expect("reads");
    }
    let unreadable = reconciler.read_file(&paths[3], None, None).expect_err("a spreadsheet needs a mapping");
    assert!(unreadable.to_string().contains("mapping"), "{unreadable}");
    let mut rows = Vec::new();
    let summary = reconciler
        .finish(|row| {
            rows.push(row);
            Ok::<(), std::io::Error>(())
        })
        .expect("finishes");
    assert_eq!(summary.rows, rows.len() as u64);
    assert_eq!(summary.merged, whole.merged);
    assert_eq!(summary.statements, whole.statements);
    assert_eq!(summary.errors, whole.errors);
    assert!(rows.iter().take_while(|row| row.channel == OPENING_BALANCE_CHANNEL).count() == 2, "openings first");
    rows.sort_by(|a, b| a.tx_id.cmp(&b.tx_id));
    let mut expected = whole.rows.clone();
    expected.sort_by(|a, b| a.tx_id.cmp(&b.tx_id));
    assert_eq!(rows, expected);
    assert_eq!(whole.merged.len(), 1, "the two-sided transfer merged");
}
