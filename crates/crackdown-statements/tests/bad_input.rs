//! Hostile and broken files: each gives errors naming file, line or XML path
//! and reason; the good statements in them still come out; nothing panics.

use crackdown_statements::{BalanceCheck, FileStatements, Format, Severity, read_bytes};
use proptest::prelude::*;

fn read(name: &str, bytes: &[u8], format: Option<Format>) -> FileStatements {
    read_bytes(name, bytes, format, None).expect("the file is recognised")
}

fn errors(file: &FileStatements) -> Vec<String> {
    file.errors.iter().filter(|error| error.severity == Severity::Error).map(ToString::to_string).collect()
}

const GOOD_MT940: &str = ":20:GOOD\n:25:NL91ABNA0417164300\n:28C:1/1\n:60F:C240101EUR100,00\n:61:2401020102D10,00NTRFNONREF\n:86:/IBAN/DE89370400440532013000/NAME/X/REMI/rent\n:62F:C240102EUR90,00\n-\n";

#[test]
fn truncated_mt940_keeps_the_good_statement_and_flags_the_cut_one() {
    let text = format!(
        "{GOOD_MT940}:20:CUT\n:25:NL91ABNA0417164300\n:60F:C240102EUR90,00\n:61:2401030103D5,00NTRFNONREF\n:86:/REMI/half"
    );
    let file = read("cut.sta", text.as_bytes(), None);
    assert_eq!(file.statements.len(), 2);
    assert_eq!(file.statements[0].check, BalanceCheck::Balanced);
    assert_eq!(file.statements[1].entries.len(), 1, "the entry before the cut is kept");
    assert!(file.statements[1].closing.is_none());
    let messages = errors(&file);
    assert!(
        messages.iter().any(|message| message.starts_with("cut.sta: line 9")
            && message.contains("no closing balance")
            && message.contains("truncated")),
        "{messages:?}"
    );
}

#[test]
fn unbalanced_statement_is_imported_and_reported_with_its_number_and_difference() {
    let text = GOOD_MT940.replace(":62F:C240102EUR90,00", ":62F:C240102EUR95,00");
    let file = read("bank.sta", text.as_bytes(), None);
    assert_eq!(file.statements[0].check, BalanceCheck::Mismatch { difference: 500 });
    assert_eq!(file.statements[0].entries.len(), 1);
    let messages = errors(&file);
    assert!(
        messages.iter().any(|message| message.contains("bank.sta: line 1")
            && message.contains("number 1/1")
            && message.contains("5.00 EUR")),
        "{messages:?}"
    );
}

#[test]
fn unknown_tags_and_bad_lines_are_named_and_skipped() {
    let text = GOOD_MT940.replace(":28C:1/1\n", ":28C:1/1\n:99Z:whatever\n").replace(
        ":61:2401020102D10,00NTRFNONREF\n",
        ":61:2401020102X10,00NTRFNONREF\n:61:2401020102D10,00NTRFNONREF\n",
    );
    let file = read("odd.sta", text.as_bytes(), None);
    assert_eq!(file.statements[0].entries.len(), 1);
    assert_eq!(file.statements[0].check, BalanceCheck::Balanced);
    let all: Vec<String> = file.errors.iter().map(ToString::to_string).collect();
    assert!(
        all.iter()
            .any(|message| message.contains("line 4") && message.contains(":99Z:") && message.contains("unknown tag")),
        "{all:?}"
    );
    assert!(
        all.iter().any(|message| message.contains("line 6")
            && message.contains(":61:")
            && message.contains("no debit/credit mark")),
        "{all:?}"
    );
}

#[test]
fn wrong_encoding_and_binary_bytes_are_read_not_fatal() {
    let mut bytes = GOOD_MT940.replace("/REMI/rent", "/REMI/Miete f\u{fc}r M\u{e4}rz").into_bytes();
    // Latin-1 instead of UTF-8, and a stray control byte.
    let utf8 = String::from_utf8(bytes.clone()).expect("utf8");
    bytes = utf8.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    bytes.insert(30, 0x1a);
    let file = read("latin1.sta", &bytes, Some(Format::Mt940));
    assert_eq!(file.statements.len(), 1);
    assert_eq!(file.statements[0].entries[0].remittance.as_deref(), Some("Miete für März"));
    assert!(file.errors.iter().any(|error| error.field == "encoding" && error.severity == Severity::Warning));
}

#[test]
fn huge_mt940_field_is_cut() {
    let long = "x".repeat(70_000);
    let text = GOOD_MT940.replace(
        "/REMI/rent",
        &format!(
            "/REMI/rent\n{}",
            long.as_bytes()
                .chunks(65)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    );
    let file = read("long.sta", text.as_bytes(), None);
    assert_eq!(file.statements[0].check, BalanceCheck::Balanced);
    assert!(file.errors.iter().any(|error| error.reason.contains("longer than")), "{:?}", file.errors);
    assert!(file.statements[0].entries[0].remittance.as_ref().is_some_and(|text| text.len() <= 70_000));
}

const GOOD_CAMT: &str = r#"<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>S1</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">90.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-02</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-01-02</Dt></BookgDt>
<NtryDtls><TxDtls><RltdPties><Cdtr><Nm>X</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></RltdPties></TxDtls></NtryDtls></Ntry>
</Stmt>
"#;

#[test]
fn truncated_camt_keeps_finished_statements_and_names_the_path() {
    let text = format!(
        "{GOOD_CAMT}<Stmt><Id>S2</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">5"
    );
    let file = read("cut.xml", text.as_bytes(), None);
    assert_eq!(file.statements.len(), 2);
    assert_eq!(file.statements[0].check, BalanceCheck::Balanced);
    assert_eq!(file.statements[0].entries.len(), 1);
    assert!(matches!(&file.statements[1].check, BalanceCheck::NotChecked { reason } if reason.contains("cut short")));
    let messages = errors(&file);
    assert!(
        messages
            .iter()
            .any(|message| message.contains("/Document/BkToCstmrStmt/Stmt[2]/Ntry[1]/Amt")
                && message.contains("truncated")),
        "{messages:?}"
    );
}

#[test]
fn xml_bombs_are_refused() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol2;</Id></Stmt></BkToCstmrStmt></Document>"#;
    let file = read("bomb.xml", billion_laughs.as_bytes(), Some(Format::Camt053));
    assert!(file.statements.is_empty());
    assert!(
        errors(&file).iter().any(|message| message.contains("document type declaration refused")),
        "{:?}",
        file.errors
    );

    let undefined = GOOD_CAMT.replace("<Nm>X</Nm>", "<Nm>&evil;</Nm>") + "</BkToCstmrStmt></Document>";
    let file = read("entity.xml", undefined.as_bytes(), None);
    assert_eq!(file.statements.len(), 1, "an undefined entity costs its field, not the file");
    assert!(errors(&file).iter().any(|message| message.contains("undefined entity &evil;")), "{:?}", file.errors);

    let deep = format!("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">{}", "<a>".repeat(100_000));
    let file = read("deep.xml", deep.as_bytes(), Some(Format::Camt053));
    assert!(errors(&file).iter().any(|message| message.contains("nested deeper than 64")), "{:?}", file.errors);
}

#[test]
fn huge_single_xml_field_is_refused_without_buffering_it() {
    let huge =
        GOOD_CAMT.replace("<Id>S1</Id>", &format!("<Id>{}</Id>", "A".repeat(3 << 20))) + "</BkToCstmrStmt></Document>";
    let file = read("huge.xml", huge.as_bytes(), None);
    assert!(errors(&file).iter().any(|message| message.contains("longer than 1048576 bytes")), "{:?}", file.errors);
}

#[test]
fn wrong_namespace_is_reported_and_the_statement_still_read() {
    let text = GOOD_CAMT.replace("urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", "urn:example:not-camt")
        + "</BkToCstmrStmt></Document>";
    let file = read("ns.xml", text.as_bytes(), Some(Format::Camt053));
    assert_eq!(file.statements.len(), 1);
    assert!(
        errors(&file).iter().any(|message| message.contains("xmlns") && message.contains("urn:example:not-camt")),
        "{:?}",
        file.errors
    );
}

#[test]
fn camt_bad_amounts_and_indicators_skip_the_entry() {
    let text = GOOD_CAMT.replace("<Amt Ccy=\"EUR\">10.00</Amt>", "<Amt Ccy=\"EUR\">10.001</Amt>")
        + "</BkToCstmrStmt></Document>";
    let file = read("amount.xml", text.as_bytes(), None);
    assert!(file.statements[0].entries.is_empty());
    assert!(matches!(file.statements[0].check, BalanceCheck::Mismatch { difference: -1000 }));
    assert!(
        errors(&file).iter().any(|message| message.contains("Ntry[1]") && message.contains("more decimals")),
        "{:?}",
        file.errors
    );
}

#[test]
fn unrecognised_files_are_a_file_error() {
    assert!(read_bytes("notes.txt", b"hello", None, None).is_err());
    let spreadsheet = read_bytes("sheet.csv", b"a,b\n1,2\n", None, None);
    assert!(spreadsheet.is_err_and(|error| error.to_string().contains("column mapping")));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for format in [Format::Mt940, Format::Mt942, Format::Camt053, Format::Etherscan, Format::Tronscan] {
            let _ = read_bytes("fuzz", &bytes, Some(format), None);
        }
    }

    #[test]
    fn mangled_statements_never_panic(cut in 0usize..600, flip in 0usize..600, byte in any::<u8>()) {
        for sample in [GOOD_MT940, GOOD_CAMT] {
            let mut bytes = sample.as_bytes().to_vec();
            if flip < bytes.len() {
                bytes[flip] = byte;
            }
            bytes.truncate(cut.min(bytes.len()));
            let _ = read_bytes("mangled", &bytes, None, None);
        }
    }
}
