//! Writes a large, valid, balanced statement file for speed tests: many
//! accounts' statements of varied entries (amounts, counterparties, SEPA or
//! Dutch `:86:` structures, batched camt entries).
//!
//! `cargo run --release -p crackdown-statements --example stmt_gen -- mt940|camt053 SIZE_MB OUT`

use std::io::{BufWriter, Write};

/// A small deterministic generator (SplitMix64): the same file every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// A Dutch IBAN with correct check digits for account number `number`.
fn iban(number: u64) -> String {
    let bban = format!("ABNA{:010}", number % 10_000_000_000);
    let rearranged = format!("{bban}NL00");
    let mut remainder = 0u64;
    for character in rearranged.chars() {
        let value = character.to_digit(36).map_or(0, u64::from);
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    format!("NL{:02}{bban}", 98 - remainder)
}

const WORDS: &[&str] = &["invoice", "rent", "salary", "refund", "crypto", "deposit", "loan", "gift", "tax", "order"];

fn main() -> std::io::Result<()> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [format, size, out] = arguments.as_slice() else {
        eprintln!("usage: stmt_gen mt940|camt053 SIZE_MB OUT");
        std::process::exit(2);
    };
    let target = size.parse::<u64>().unwrap_or(1) << 20;
    let file = std::fs::File::create(out)?;
    let mut writer = CountingWriter { inner: BufWriter::with_capacity(1 << 20, file), written: 0 };
    let mut random = Random(7);
    let camt = format == "camt053";
    if camt {
        writeln!(
            writer,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n<BkToCstmrStmt>\n<GrpHdr><MsgId>GEN</MsgId><CreDtTm>2024-01-01T00:00:00Z</CreDtTm></GrpHdr>"
        )?;
    }
    let mut statement = 0u64;
    let mut entries = 0u64;
    while writer.written < target {
        statement += 1;
        let account = iban(1_000_000 + statement % 5000);
        let opening: i64 = random.below(10_000_000) as i64;
        let count = 200 + random.below(800);
        let mut lines = Vec::with_capacity(count as usize);
        let mut balance = opening;
        for index in 0..count {
            let cents = 1 + random.below(500_000) as i64;
            let debit = random.below(2) == 0;
            balance += if debit { -cents } else { cents };
            let other = iban(random.below(100_000));
            let day = 1 + random.below(28);
            let word = WORDS[random.below(WORDS.len() as u64) as usize];
            lines.push((
                debit,
                cents,
                other,
                day,
                format!("{word} {statement}-{index}"),
                format!("E2E-{statement}-{index}"),
            ));
        }
        entries += count;
        let decimal = |cents: i64| format!("{}.{:02}", cents.abs() / 100, cents.abs() % 100);
        if camt {
            let indicator = |amount: i64| if amount < 0 { "DBIT" } else { "CRDT" };
            write!(
                writer,
                "<Stmt><Id>STMT-{statement}</Id><LglSeqNb>{statement}</LglSeqNb><Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n\
                 <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>2024-02-29</Dt></Dt></Bal>\n\
                 <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>2024-03-31</Dt></Dt></Bal>\n",
                decimal(opening),
                indicator(opening),
                decimal(balance),
                indicator(balance)
            )?;
            for (debit, cents, other, day, text, e2e) in &lines {
                let (indicator, party) = if *debit { ("DBIT", "Cdtr") } else { ("CRDT", "Dbtr") };
                write!(
                    writer,
                    "<Ntry>\n  <Amt Ccy=\"EUR\">{}</Amt>\n  <CdtDbtInd>{indicator}</CdtDbtInd>\n  <Sts><Cd>BOOK</Cd></Sts>\n  <BookgDt><Dt>2024-03-{day:02}</Dt></BookgDt>\n  <ValDt><Dt>2024-03-{day:02}</Dt></ValDt>\n  <AcctSvcrRef>REF{e2e}</AcctSvcrRef>\n  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\n  <NtryDtls><TxDtls>\n    <Refs><EndToEndId>{e2e}</EndToEndId></Refs>\n    <RltdPties><{party}><Nm>Customer {other}</Nm></{party}><{party}Acct><Id><IBAN>{other}</IBAN></Id></{party}Acct></RltdPties>\n    <RmtInf><Ustrd>{text}</Ustrd></RmtInf>\n  </TxDtls></NtryDtls>\n</Ntry>\n",
                    decimal(*cents)
                )?;
            }
            writeln!(writer, "</Stmt>")?;
        } else {
            let swift = |cents: i64| decimal(cents).replace('.', ",");
            let mark = |amount: i64| if amount < 0 { 'D' } else { 'C' };
            write!(
                writer,
                ":20:STMT{statement}\r\n:25:{account}\r\n:28C:{statement}/1\r\n:60F:{}240229EUR{}\r\n",
                mark(opening),
                swift(opening)
            )?;
            for (index, (debit, cents, other, day, text, e2e)) in lines.iter().enumerate() {
                write!(
                    writer,
                    ":61:2403{day:02}03{day:02}{}{}NTRFNONREF//B{statement}X{index}\r\n",
                    if *debit { 'D' } else { 'C' },
                    swift(*cents)
                )?;
                if index % 2 == 0 {
                    write!(
                        writer,
                        ":86:166?00SEPA-UEBERWEISUNG?20EREF+{e2e}?21SVWZ+{text}?30ABNANL2A?31{other}?32Customer {}\r\n",
                        &other[8..]
                    )?;
                } else {
                    write!(
                        writer,
                        ":86:/TRTP/SEPA OVERBOEKING/IBAN/{other}/BIC/ABNANL2A/NAME/Customer {}/REMI/{text}/EREF/{e2e}\r\n",
                        &other[8..]
                    )?;
                }
            }
            write!(writer, ":62F:{}240331EUR{}\r\n-\r\n", mark(balance), swift(balance))?;
        }
    }
    if camt {
        writeln!(writer, "</BkToCstmrStmt>\n</Document>")?;
    }
    writer.inner.flush()?;
    eprintln!("{out}: {} bytes, {statement} statements, {entries} entries", writer.written);
    Ok(())
}

struct CountingWriter<W: Write> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let count = self.inner.write(bytes)?;
        self.written += count as u64;
        Ok(count)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
