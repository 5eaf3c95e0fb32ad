//! End-to-end checks of a small generated case: determinism, file formats,
//! consistency of the truth with the data, and that every indicator said to
//! be valid passes an independent checksum check (and every look-alike
//! fails it).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crackdown_generate::{GenerateConfig, GenerateSummary, generate};
use crackdown_model::{Currency, Money, Tlp};
use sha2::{Digest, Sha256};

fn small(seed: u64) -> GenerateConfig {
    GenerateConfig { seed, reports: 600, transactions: 30_000, emails: 8, chats: 10, ..GenerateConfig::default() }
}

fn run(config: &GenerateConfig) -> (tempfile::TempDir, GenerateSummary) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let summary = generate(dir.path(), config, &|_| {}).expect("generation succeeds");
    (dir, summary)
}

fn read(dir: &Path, relative: &str) -> Vec<u8> {
    std::fs::read(dir.join(relative)).unwrap_or_else(|error| panic!("{relative}: {error}"))
}

fn csv_rows(dir: &Path, relative: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join(relative)).expect("csv opens");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap_or_else(|error| panic!("{relative}: {error}"));
            headers.iter().zip(record.iter()).map(|(name, value)| (name.to_owned(), value.to_owned())).collect()
        })
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let config = small(7);
    let (first, summary) = run(&config);
    let (second, _) = run(&config);
    for file in &summary.files {
        let file = file.to_string_lossy();
        assert_eq!(read(first.path(), &file), read(second.path(), &file), "{file} differs");
    }
    let (other, _) = run(&small(8));
    for file in ["reports.jsonl", "ledger.csv", "accounts.csv", "truth/mules.csv"] {
        assert_ne!(read(first.path(), file), read(other.path(), file), "{file} ignores the seed");
    }
}

#[test]
fn files_parse_and_counts_are_exact() {
    let config = small(11);
    let (dir, summary) = run(&config);
    let dir = dir.path();
    assert_eq!(summary.reports, config.reports);
    // The requested transactions plus opening balances, at most one per account.
    assert!((config.transactions..=config.transactions + summary.accounts).contains(&summary.transactions));

    let reports = String::from_utf8(read(dir, "reports.jsonl")).expect("UTF-8");
    let mut languages = HashSet::new();
    for (number, line) in reports.lines().enumerate() {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("line {}: {error}", number + 1));
        assert!(value["text"].as_str().is_some_and(|text| !text.is_empty()), "line {}", number + 1);
        let tlp = value["tlp"].as_str().expect("tlp");
        assert!(Tlp::parse(tlp).is_some() && tlp == tlp.to_uppercase(), "{tlp}");
        if let Some(amount) = value.get("loss_amount") {
            let currency = value["loss_currency"].as_str().expect("a loss has a currency");
            let money = Money::parse_positive(amount.as_str().expect("string amount"), currency).expect("exact amount");
            assert_eq!(money.decimal(), amount.as_str().expect("string"), "amounts carry all decimals");
        }
        if let Some(at) = value.get("reported_at") {
            chrono::DateTime::parse_from_rfc3339(at.as_str().expect("string")).expect("RFC 3339");
        }
        if let Some(language) = value.get("language") {
            languages.insert(language.as_str().expect("string").to_owned());
        }
    }
    for language in ["en", "th", "my", "zh", "tl", "vi", "id"] {
        assert!(languages.contains(language), "no report in {language}");
    }

    let kinds = ["person", "business", "merchant", "employer", "utility", "exchange", "cash", "unknown"];
    let accounts: HashMap<String, String> =
        csv_rows(dir, "accounts.csv").into_iter().map(|row| (row["account"].clone(), row["kind"].clone())).collect();
    assert!(accounts.values().all(|kind| kinds.contains(&kind.as_str())));

    let ledger_text = String::from_utf8(read(dir, "ledger.csv")).expect("UTF-8");
    assert!(ledger_text.starts_with("tx_id,timestamp,from_account,to_account,amount,currency,channel\n"));
    let mut previous = String::new();
    let mut currencies = HashSet::new();
    for row in csv_rows(dir, "ledger.csv") {
        assert!(row["timestamp"] >= previous, "ledger out of order at {}", row["tx_id"]);
        previous = row["timestamp"].clone();
        chrono::DateTime::parse_from_rfc3339(&row["timestamp"]).expect("RFC 3339");
        let money = Money::parse_positive(&row["amount"], &row["currency"]).expect("exact amount");
        assert!(money.minor() > 0, "{}", row["tx_id"]);
        assert_eq!(money.decimal(), row["amount"]);
        if row["channel"] == "opening_balance" {
            assert_eq!(row["from_account"], format!("OPENING:{}", row["to_account"]));
        } else {
            assert!(accounts.contains_key(&row["from_account"]));
        }
        assert!(accounts.contains_key(&row["to_account"]));
        assert_ne!(row["from_account"], row["to_account"]);
        currencies.insert(row["currency"].clone());
    }
    assert!(currencies.len() >= 5, "{currencies:?}");

    let orgs: serde_json::Value = serde_json::from_slice(&read(dir, "orgs.json")).expect("orgs.json");
    let roles: HashSet<&str> =
        orgs["users"].as_array().expect("users").iter().filter_map(|user| user["role"].as_str()).collect();
    assert_eq!(roles, HashSet::from(["admin", "analyst", "reporter", "partner"]));
    assert_eq!(orgs["organisations"].as_array().map(Vec::len), Some(6));

    for row in csv_rows(dir, "truth/messages.csv") {
        let content = read(dir, &row["file"]);
        match row["format"].as_str() {
            "eml" => {
                let text = String::from_utf8(content).expect("UTF-8 mail");
                for header in
                    ["Received: ", "Authentication-Results: ", "From: ", "Subject: ", "Content-Type: multipart/"]
                {
                    assert!(text.contains(header), "{} lacks {header}", row["file"]);
                }
            }
            "telegram_json" => {
                let export: serde_json::Value = serde_json::from_slice(&content).expect("result.json");
                assert!(export["messages"].as_array().is_some_and(|messages| messages.len() > 5));
            }
            _ => assert!(String::from_utf8(content).expect("UTF-8 chat").lines().count() > 5),
        }
    }
}

#[test]
fn truth_is_consistent_with_the_data() {
    let (dir, _) = run(&small(21));
    let dir = dir.path();
    let reports: HashMap<String, serde_json::Value> = String::from_utf8(read(dir, "reports.jsonl"))
        .expect("UTF-8")
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("JSON");
            (value["id"].as_str().expect("id").to_owned(), value)
        })
        .collect();
    let campaigns = csv_rows(dir, "truth/campaigns.csv");
    assert_eq!(campaigns.len(), reports.len());
    let mut resubmissions = 0;
    for row in &campaigns {
        let report = reports.get(&row["report_id"]).expect("every campaign report exists");
        if !row["duplicate_of"].is_empty() {
            resubmissions += 1;
            let original = &reports[&row["duplicate_of"]];
            assert_eq!(report["text"], original["text"]);
            assert_eq!(report["reporter"], original["reporter"]);
        }
    }
    assert!(resubmissions > 0, "some exact resubmissions");
    let compounds: HashSet<&str> = campaigns.iter().map(|row| row["compound_id"].as_str()).collect();
    assert!(compounds.len() >= 3);

    // Mentions really are in their report's text.
    for row in csv_rows(dir, "truth/indicators.csv") {
        let text = reports[&row["report_id"]]["text"].as_str().expect("text");
        assert!(text.contains(&row["surface"]), "{} lacks {}", row["report_id"], row["surface"]);
    }

    let ledger = csv_rows(dir, "ledger.csv");
    let by_id: HashMap<&str, &HashMap<String, String>> =
        ledger.iter().map(|row| (row["tx_id"].as_str(), row)).collect();
    let in_ledger: HashSet<&str> =
        ledger.iter().flat_map(|row| [row["from_account"].as_str(), row["to_account"].as_str()]).collect();
    let mules = csv_rows(dir, "truth/mules.csv");
    assert!(mules.len() > 20);
    for mule in &mules {
        assert!(in_ledger.contains(mule["account"].as_str()), "mule {} not in the ledger", mule["account"]);
    }
    let roles: HashSet<&str> = mules.iter().map(|mule| mule["role"].as_str()).collect();
    assert!(roles.contains("collection") && roles.contains("layer") && roles.contains("cashout"));
    assert!(mules.iter().any(|mule| mule["normal_life"] == "true"));

    let accounts: HashMap<String, String> =
        csv_rows(dir, "accounts.csv").into_iter().map(|row| (row["account"].clone(), row["kind"].clone())).collect();
    let mut flows: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for row in csv_rows(dir, "truth/victim_payments.csv") {
        let currency = Currency::from_code(&row["currency"]).expect("currency");
        let amount = Money::parse(&row["amount"], currency).expect("amount").minor();
        let part = Money::parse(&row["endpoint_amount"], currency).expect("endpoint amount").minor();
        assert!(part > 0);
        let payment = by_id.get(row["tx_id"].as_str()).expect("victim payment is in the ledger");
        assert_eq!(payment["amount"], row["amount"]);
        assert_eq!(payment["from_account"], row["victim_account"]);
        assert_eq!(accounts[&row["endpoint_account"]], row["endpoint_kind"]);
        assert_ne!(row["reason"], "left_network", "victim money leaked into ordinary accounts");
        if !row["report_id"].is_empty() {
            assert!(reports.contains_key(&row["report_id"]));
        }
        let entry = flows.entry(row["tx_id"].clone()).or_insert((amount, 0));
        entry.1 += part;
    }
    assert!(flows.len() > 20);
    for (tx_id, (amount, traced)) in &flows {
        assert_eq!(amount, traced, "endpoints of {tx_id} do not add up");
    }
}

// Independent checkers for the checksummed indicator types.

fn iban_valid(iban: &str) -> bool {
    let lengths = [("DE", 22), ("GB", 22), ("IE", 22), ("NL", 18), ("LT", 20), ("FR", 27)];
    let Some(&(_, length)) = lengths.iter().find(|(country, _)| iban.starts_with(country)) else {
        return false;
    };
    if iban.len() != length || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut remainder = 0_u64;
    for character in rearranged.chars() {
        let value = u64::from(character.to_digit(36).expect("alphanumeric"));
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

fn luhn_valid(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(
            |(index, &digit)| {
                if index % 2 == 1 { if digit * 2 > 9 { digit * 2 - 9 } else { digit * 2 } } else { digit }
            },
        )
        .sum();
    digits.len() >= 13 && sum.is_multiple_of(10)
}

fn base58_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut bytes: Vec<u8> = Vec::new();
    for character in text.chars() {
        let mut carry = ALPHABET.find(character)? as u32;
        for byte in bytes.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = text.chars().take_while(|&c| c == '1').count();
    let mut out = vec![0; zeros];
    out.extend(bytes);
    Some(out)
}

fn base58check_version(text: &str) -> Option<u8> {
    let bytes = base58_decode(text)?;
    if bytes.len() != 25 {
        return None;
    }
    let (payload, checksum) = bytes.split_at(21);
    let digest = Sha256::digest(Sha256::digest(payload));
    (digest[..4] == *checksum).then_some(payload[0])
}

fn bech32_valid(address: &str) -> bool {
    const CHARSET: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let Some((hrp, data)) = address.rsplit_once('1') else {
        return false;
    };
    let Some(values) = data.chars().map(|c| CHARSET.find(c).map(|v| v as u32)).collect::<Option<Vec<u32>>>() else {
        return false;
    };
    let mut checksum = 1_u32;
    let generator = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3];
    let expanded = hrp.bytes().map(|b| u32::from(b) >> 5).chain([0]).chain(hrp.bytes().map(|b| u32::from(b) & 31));
    for value in expanded.chain(values) {
        let top = checksum >> 25;
        checksum = ((checksum & 0x01ff_ffff) << 5) ^ value;
        for (bit, g) in generator.iter().enumerate() {
            if (top >> bit) & 1 == 1 {
                checksum ^= g;
            }
        }
    }
    hrp == "bc" && checksum == 1
}

fn eip55_valid(address: &str) -> bool {
    let Some(body) = address.strip_prefix("0x") else {
        return false;
    };
    if body.len() != 40 || !body.chars().all(|c| c.is_ascii_hexdigit()) {
        return false;
    }
    let hash = <sha3::Keccak256 as sha3::Digest>::digest(body.to_ascii_lowercase().as_bytes());
    body.chars().enumerate().all(|(index, character)| {
        let nibble = (hash[index / 2] >> if index % 2 == 0 { 4 } else { 0 }) & 15;
        !character.is_ascii_alphabetic() || character.is_ascii_uppercase() == (nibble >= 8)
    })
}

#[test]
fn every_checksum_verdict_in_the_truth_is_right() {
    let (dir, _) = run(&small(31));
    let rows = csv_rows(dir.path(), "truth/indicators.csv");
    let mut checked: HashMap<(String, bool), usize> = HashMap::new();
    for row in rows {
        let value = row["normalized"].as_str();
        // Cards are masked and Ethereum addresses lower-cased in `normalized`:
        // their checksums are checked on the text as written.
        let digits: String = row["surface"].chars().filter(char::is_ascii_digit).collect();
        let actual = match row["type"].as_str() {
            "iban" => iban_valid(value),
            "card" => luhn_valid(&digits),
            "tron" => base58check_version(value) == Some(0x41) && value.starts_with('T'),
            "eth" => eip55_valid(&row["surface"]),
            "btc" if value.starts_with("bc1") => bech32_valid(value),
            "btc" => matches!(base58check_version(value), Some(0x00 | 0x05)),
            "phone" => {
                value.starts_with('+')
                    && value[1..].chars().all(|c| c.is_ascii_digit())
                    && (9..=16).contains(&value.len())
            }
            _ => continue,
        };
        let claimed = row["valid"] == "true";
        assert_eq!(actual, claimed, "{} {value} claimed valid={claimed}", row["type"]);
        *checked.entry((row["type"].clone(), claimed)).or_default() += 1;
    }
    for kind in ["iban", "tron", "eth", "btc"] {
        assert!(checked.contains_key(&(kind.to_owned(), true)), "no valid {kind}");
        assert!(checked.contains_key(&(kind.to_owned(), false)), "no invalid {kind} look-alike");
    }
}

#[test]
fn the_checkers_know_published_examples() {
    assert!(iban_valid("GB82WEST12345698765432"));
    assert!(!iban_valid("GB82WEST12345698765433"));
    assert!(luhn_valid("4532015112830366"));
    assert!(!luhn_valid("4532015112830367"));
    assert_eq!(base58check_version("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"), Some(0));
    assert_eq!(base58check_version("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"), Some(5));
    assert!(bech32_valid("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    assert!(!bech32_valid("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
    assert!(eip55_valid("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
    assert!(!eip55_valid("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
}

/// The raid's detained workers: the sheet is a valid offline screening
/// sheet whose interviews the questionnaire's rules read as mostly presumed
/// victims with the organisers suspected; every seized work phone and
/// account appears in the reports' indicators or the ledger (so evidence
/// finds them), and the workers' own phones appear in neither.
#[test]
fn detainees_screen_as_mostly_victims_and_their_seized_phones_are_in_the_case() {
    use crackdown_screening::{Questionnaire, Recommendation, assess, sheet::parse_sheet};
    let (dir, summary) = run(&small(13));
    let dir = dir.path();
    assert_eq!(summary.detainees, crackdown_generate::DETAINEES as u64);
    let questionnaire = Questionnaire::embedded().expect("questionnaire");
    let records = parse_sheet(&read(dir, "screening/sheet.csv"), "sheet.csv", &questionnaire).expect("a valid sheet");
    assert_eq!(records.len(), crackdown_generate::DETAINEES);
    let truth: HashMap<String, HashMap<String, String>> =
        csv_rows(dir, "truth/detainees.csv").into_iter().map(|row| (row["person"].clone(), row)).collect();
    let mut victims_presumed = 0;
    let mut victims = 0;
    for record in &records {
        let assessed = assess(&questionnaire, &record.person, &record.interview).expect("assessed");
        let role = truth[&record.person.pseudonym]["role"].as_str();
        if role.starts_with("organiser") {
            assert_eq!(assessed.recommendation, Recommendation::SuspectedPerpetrator, "{role}");
        } else if role == "victim" {
            victims += 1;
            victims_presumed += usize::from(assessed.recommendation == Recommendation::PresumedVictim);
        } else {
            assert_eq!(assessed.recommendation, Recommendation::NeedsFurtherAssessment, "{role}");
        }
    }
    // Most, not all: a victim who reports one recruitment indicator needs further assessment.
    assert!(victims_presumed * 2 > victims, "{victims_presumed} of {victims} victims presumed");

    let indicators: HashSet<String> = csv_rows(dir, "truth/indicators.csv")
        .into_iter()
        .flat_map(|row| [row["normalized"].clone(), row["surface"].clone()])
        .collect();
    let ledger = String::from_utf8(read(dir, "ledger.csv")).expect("UTF-8");
    let (mut in_case, mut own) = (0, 0);
    for entry in std::fs::read_dir(dir.join("screening/seized")).expect("seized folder") {
        let path = entry.expect("entry").path();
        for row in
            csv_rows(dir, &format!("screening/seized/{}", path.file_name().and_then(|n| n.to_str()).expect("name")))
        {
            let value = &row["value"];
            let known = indicators.contains(value)
                || indicators.contains(&value.to_lowercase())
                || ledger.contains(value.as_str());
            if row["note"] == "own phone" {
                assert!(!known, "an own phone {value} is in the case");
                own += 1;
            } else {
                assert!(known, "{value} ({}) is nowhere in the case", row["kind"]);
                in_case += 1;
            }
        }
    }
    assert!(in_case >= crackdown_generate::DETAINEES / 2 && own > 0, "{in_case} in the case, {own} own");
    // A money handler's account received victims' money in the ledger.
    assert!(truth.values().any(|row| row["role"] == "organiser_money_handler" && !row["seized"].is_empty()));
}

#[test]
fn a_too_short_period_is_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = GenerateConfig { days: 3, ..small(1) };
    assert!(generate(dir.path(), &config, &|_| {}).is_err());
}
