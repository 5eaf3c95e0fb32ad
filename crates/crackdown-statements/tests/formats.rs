//! Recognition, streaming and the reader details the golden files do not
//! spell out.

use std::path::Path;

use crackdown_statements::{
    BalanceCheck, Event, Format, Mark, PartySource, Profile, detect, read_bytes, read_file, scan_folder, stream_file,
};

fn data(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path)
}

#[test]
fn formats_are_recognised_from_content() {
    assert_eq!(detect("x.txt", b"{1:F01BANKBEBBAXXX}{2:O940}{4:\r\n:20:A\r\n:25:B\r\n"), Some(Format::Mt940));
    assert_eq!(detect("x.txt", b":20:A\n:25:B\n:34F:EUR0,\n:13D:2401011200+0100\n"), Some(Format::Mt942));
    assert_eq!(
        detect(
            "statement",
            "\u{feff}<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\">"
                .as_bytes()
        ),
        Some(Format::Camt054)
    );
    assert_eq!(detect("a.xml", b"<Document><BkToCstmrAcctRpt>"), Some(Format::Camt052));
    assert_eq!(detect("a.xml", b"<Document><pain.001/>"), None);
    assert_eq!(
        detect(
            "export.csv",
            b"\"Txhash\",\"Blockno\",\"UnixTimestamp\",\"DateTime (UTC)\",\"From\",\"To\",\"TokenValue\""
        ),
        Some(Format::Etherscan)
    );
    assert_eq!(detect("bank.csv", b"Date;Amount;Text\n"), Some(Format::Csv));
    assert_eq!(detect("book.xlsx", b"PK\x03\x04rest"), Some(Format::Xlsx));
    assert_eq!(detect("notes.txt", b"hello"), None);
    assert_eq!("camt.053".parse::<Format>(), Ok(Format::Camt053));
    assert!("pdf".parse::<Format>().is_err());
}

#[test]
fn streaming_hands_entries_before_their_statement_and_hashes_the_file() {
    let path = data("mt940/betterplace/sepa_mt9401.sta");
    let mut order = Vec::new();
    let summary = stream_file(&path, None, None, &mut |event| match event {
        Event::Entry(entry) => order.push(format!("e{}", entry.statement)),
        Event::Statement(statement) => {
            assert!(statement.entries.is_empty(), "streamed statements carry no entries");
            order.push(format!("S{}", statement.index));
        }
        Event::Error(error) => panic!("{error}"),
    })
    .expect("reads");
    let expected: Vec<String> = ["e1"; 7]
        .into_iter()
        .chain(["S1"])
        .chain(["e2"; 2])
        .chain(["S2"])
        .chain(["e3"; 5])
        .chain(["S3"])
        .map(String::from)
        .collect();
    assert_eq!(order, expected);
    let bytes = std::fs::read(&path).expect("reads");
    assert_eq!(summary.bytes, bytes.len() as u64);
    let again = read_bytes("x", &bytes, None, None).expect("reads");
    assert_eq!(summary.sha256, again.file.sha256);
}

#[test]
fn mt940_details_become_counterparties() {
    let file = read_file(&data("mt940/betterplace/sepa_mt9401.sta"), None, None).expect("reads");
    let credit = &file.statements[1].entries[0];
    assert_eq!(credit.counterparty.account.as_deref(), Some("DE42100100100043921105"));
    assert_eq!(credit.counterparty.source, PartySource::Structured);
    assert_eq!(credit.counterparty.bic.as_deref(), Some("PBNKDEFF100"));
    assert_eq!(credit.end_to_end.as_deref(), Some("EndToEndIdTFNR2000400001"));
    let reversal = &file.statements[0].entries[5];
    assert_eq!(reversal.mark, Mark::ReversalOfCredit);
    assert_eq!(reversal.signed_minor(), -20_488);
    let envelope = read_file(&data("two-sided/selfmade/payer-commerzbank.sta"), None, None).expect("reads");
    assert!(envelope.errors.is_empty(), "{:?}", envelope.errors);
    assert_eq!(envelope.statements[0].check, BalanceCheck::Balanced);
}

#[test]
fn mt942_checks_its_declared_sums() {
    let file = read_file(&data("mt942/mbank/mt942.sta"), None, None).expect("reads");
    assert_eq!(file.file.format, Format::Mt942);
    assert_eq!(file.statements[0].check, BalanceCheck::Balanced);
    let text = std::fs::read_to_string(data("mt942/mbank/mt942.sta"))
        .expect("reads")
        .replace(":90C:3PLN0,03", ":90C:3PLN0,04");
    let wrong = read_bytes("wrong.sta", text.as_bytes(), None, None).expect("reads");
    assert_eq!(wrong.statements[0].check, BalanceCheck::Mismatch { difference: 1 });
}

#[test]
fn camt_batches_split_when_their_amounts_add_up() {
    let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>B</Id>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>2024-05-01T10:00:00+02:00</DtTm></BookgDt>
<NtryDtls>
<TxDtls><Amt Ccy="EUR">10.00</Amt><RltdPties><Cdtr><Nm>One</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></RltdPties></TxDtls>
<TxDtls><Amt Ccy="EUR">20.00</Amt><RltdPties><Cdtr><Nm>Two</Nm></Cdtr><CdtrAcct><Id><Othr><Id>ACC-2</Id></Othr></Id></CdtrAcct><UltmtCdtr><Nm>Boss</Nm></UltmtCdtr></RltdPties></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#;
    let file = read_bytes("batch.xml", xml.as_bytes(), None, None).expect("reads");
    let entries = &file.statements[0].entries;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].part, Some((2, 2)));
    assert_eq!(entries[1].amount.minor(), 2000);
    assert_eq!(entries[1].counterparty.account.as_deref(), Some("ACC-2"));
    assert_eq!(entries[1].counterparty.ultimate.as_deref(), Some("Boss"));
    assert_eq!(entries[0].time.map(|time| time.to_rfc3339()), Some("2024-05-01T08:00:00+00:00".to_owned()));
    assert!(
        entries[1].location.path.as_deref().is_some_and(|path| path.ends_with("Stmt[1]/Ntry[1]/NtryDtls/TxDtls[2]"))
    );
}

#[test]
fn spreadsheets_need_and_follow_a_mapping() {
    let profile = Profile::load(&data("xlsx/selfmade/exchange.profile.toml")).expect("profile");
    let file = read_file(&data("xlsx/selfmade/exchange.xlsx"), None, Some(&profile)).expect("reads");
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let entries = &file.statements[0].entries;
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].mark, Mark::Credit);
    assert_eq!(entries[1].amount.minor(), 39_900);
    assert_eq!(
        entries[1].counterparty.account.as_deref(),
        Some("ES9121000418450200051332"),
        "IBAN found in the details"
    );
    assert_eq!(entries[1].counterparty.source, PartySource::Text);
    assert_eq!(entries[0].time.map(|time| time.to_rfc3339()), Some("2024-01-05T09:30:00+00:00".to_owned()));
    assert_eq!(entries[0].location.line, 5);
    assert!(
        read_file(&data("xlsx/selfmade/exchange.xlsx"), None, None)
            .is_err_and(|error| error.to_string().contains("mapping"))
    );

    let inline = Profile::parse(
        "Datum=timestamp,Betrag=amount,Gegenkonto=counterparty,@currency=EUR,@account=DE89370400440532013000",
    )
    .expect("mapping");
    let csv = "Datum;Betrag;Gegenkonto\n31.01.2024;-12,50;NL91ABNA0417164300\n01.02.2024;1.000,00;\n13.02.2024;abc;\n";
    let file = read_bytes("inline.csv", csv.as_bytes(), None, Some(&inline)).expect("reads");
    let entries = &file.statements[0].entries;
    assert_eq!(entries.iter().map(|entry| entry.signed_minor()).collect::<Vec<_>>(), [-1250, 100_000]);
    assert!(file.errors.iter().any(|error| error.location.line == 4 && error.field == "amount"), "{:?}", file.errors);
}

#[test]
fn a_folder_is_scanned_by_content() {
    let scan = scan_folder(&data("two-sided")).expect("scans");
    let formats: Vec<Format> = scan.recognised.iter().map(|(_, format)| *format).collect();
    assert_eq!(formats, [Format::Camt053, Format::Mt940]);
    assert_eq!(scan.unknown.len(), 2, "the golden JSON files are not statements: {:?}", scan.unknown);
}
