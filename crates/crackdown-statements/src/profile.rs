//! Column mappings for spreadsheets: which column holds the date, the
//! amount, the counterparty… Banks' exports differ per bank and per year, so
//! an investigator writes the mapping once, saves it as a small TOML or JSON
//! profile, and reuses it for every file of that bank.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What a column means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Booking date or date-time (the ledger's timestamp).
    Timestamp,
    ValueDate,
    /// Signed amount: negative leaves the account.
    Amount,
    /// Unsigned amount coming in (a "Credit" column).
    AmountIn,
    /// Unsigned amount going out (a "Debit" column).
    AmountOut,
    /// C/D, credit/debit, in/out, S/H (Soll/Haben), Af/Bij… for an unsigned `amount`.
    Direction,
    Currency,
    /// The counterparty's account (IBAN, account number, wallet).
    Counterparty,
    CounterpartyName,
    Reference,
    EndToEnd,
    Description,
    /// The statement account, when one file holds several accounts.
    Account,
    /// The running balance after the row.
    Balance,
    /// The bank's transaction type.
    Type,
}

impl Field {
    const ALL: [(&'static str, Field); 15] = [
        ("timestamp", Field::Timestamp),
        ("value_date", Field::ValueDate),
        ("amount", Field::Amount),
        ("amount_in", Field::AmountIn),
        ("amount_out", Field::AmountOut),
        ("direction", Field::Direction),
        ("currency", Field::Currency),
        ("counterparty", Field::Counterparty),
        ("counterparty_name", Field::CounterpartyName),
        ("reference", Field::Reference),
        ("end_to_end", Field::EndToEnd),
        ("description", Field::Description),
        ("account", Field::Account),
        ("balance", Field::Balance),
        ("type", Field::Type),
    ];

    fn parse(text: &str) -> Result<Field, String> {
        let wanted = text.trim().to_ascii_lowercase();
        Field::ALL.iter().find(|(name, _)| *name == wanted).map(|(_, field)| *field).ok_or_else(|| {
            let names: Vec<&str> = Field::ALL.iter().map(|(name, _)| *name).collect();
            format!("{text:?} is not a field (expected one of {})", names.join(", "))
        })
    }
}

/// A spreadsheet mapping: column header → field, plus what the file does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Column header (as written in the file, matched ignoring case and
    /// surrounding spaces) → field.
    pub columns: BTreeMap<String, Field>,
    /// The statement account when no column holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The currency when no column holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// A chrono format (`%d.%m.%Y`); detected from the values when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// Whether amounts use a decimal comma; detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_comma: Option<bool>,
    /// CSV delimiter; sniffed from the header line when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// Workbook sheet; the first when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl Profile {
    /// Reads a profile from JSON (`{…}`), TOML, or the one-line form
    /// `"Booking date=timestamp,Debit=amount_out,Credit=amount_in"` (options
    /// as `@account=…`, `@currency=…`, `@date_format=…`, `@decimal_comma=true`,
    /// `@delimiter=;`, `@sheet=…`).
    pub fn parse(text: &str) -> Result<Profile, String> {
        let trimmed = text.trim_start();
        let profile = if trimmed.starts_with('{') {
            serde_json::from_str::<Profile>(text).map_err(|error| format!("JSON profile: {error}"))?
        } else if trimmed.starts_with('[') || trimmed.starts_with('#') || text.trim().contains('\n') {
            // Several lines: TOML, or the one-line form one pair a line.
            match toml::from_str::<Profile>(text) {
                Ok(profile) => profile,
                Err(error) => Profile::from_mapping(text).map_err(|_| format!("TOML profile: {error}"))?,
            }
        } else {
            Profile::from_mapping(text)?
        };
        profile.validate()?;
        Ok(profile)
    }

    /// Reads a profile file (JSON, TOML or the one-line form).
    pub fn load(path: &Path) -> Result<Profile, String> {
        let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
        Profile::parse(&text).map_err(|error| format!("{}: {error}", path.display()))
    }

    /// The one-line form: `Header=field,…` and `@option=value`.
    pub fn from_mapping(text: &str) -> Result<Profile, String> {
        let mut profile = Profile::default();
        for pair in text.split([',', '\n']).map(str::trim).filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| format!("{pair:?} is not Header=field"))?;
            let (key, value) = (key.trim(), value.trim());
            match key.strip_prefix('@') {
                Some("account") => profile.account = Some(value.to_owned()),
                Some("currency") => profile.currency = Some(value.to_owned()),
                Some("date_format") => profile.date_format = Some(value.to_owned()),
                Some("decimal_comma") => {
                    profile.decimal_comma =
                        Some(value.parse().map_err(|_| format!("@decimal_comma={value:?}: true or false"))?)
                }
                Some("delimiter") => {
                    let mut characters = value.chars();
                    let delimiter = match (characters.next(), characters.next(), value) {
                        (_, _, "tab" | "\\t") => '\t',
                        (Some(character), None, _) => character,
                        _ => return Err(format!("@delimiter={value:?}: one character")),
                    };
                    profile.delimiter = Some(delimiter);
                }
                Some("sheet") => profile.sheet = Some(value.to_owned()),
                Some("name") => profile.name = Some(value.to_owned()),
                Some(other) => {
                    return Err(format!(
                        "@{other} is not an option (account, currency, date_format, decimal_comma, delimiter, sheet, name)"
                    ));
                }
                None => {
                    profile.columns.insert(key.to_owned(), Field::parse(value)?);
                }
            }
        }
        Ok(profile)
    }

    /// Writes the profile as JSON when `path` ends in `.json`, else TOML.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = if path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("json")) {
            serde_json::to_string_pretty(self).map_err(|error| error.to_string())? + "\n"
        } else {
            self.to_toml()?
        };
        std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
    }

    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|error| error.to_string())
    }

    /// The header mapped to `field`, if any.
    pub fn column(&self, field: Field) -> Option<&str> {
        self.columns.iter().find(|(_, mapped)| **mapped == field).map(|(header, _)| header.as_str())
    }

    /// A mapping must say when and how much.
    pub fn validate(&self) -> Result<(), String> {
        if self.column(Field::Timestamp).is_none() && self.column(Field::ValueDate).is_none() {
            return Err("the mapping names no date column (timestamp or value_date)".into());
        }
        let signed = self.column(Field::Amount).is_some();
        let split = self.column(Field::AmountIn).is_some() || self.column(Field::AmountOut).is_some();
        if !signed && !split {
            return Err("the mapping names no amount column (amount, or amount_in/amount_out)".into());
        }
        if self.column(Field::Currency).is_none() && self.currency.is_none() {
            return Err("no currency: map a currency column or set the profile's currency".into());
        }
        let mut seen = std::collections::HashSet::new();
        for field in self.columns.values() {
            if !seen.insert(field) {
                return Err(format!("two columns are mapped to {field:?}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_toml_and_json_agree() {
        let line = Profile::parse("Booking date=timestamp, Debit=amount_out ,Credit=amount_in,Counterparty IBAN=counterparty,@currency=EUR,@decimal_comma=true,@delimiter=;")
            .expect("parses");
        assert_eq!(line.column(Field::Counterparty), Some("Counterparty IBAN"));
        assert_eq!(line.delimiter, Some(';'));
        let toml = line.to_toml().expect("serializes");
        assert_eq!(Profile::parse(&toml), Ok(line.clone()));
        let json = serde_json::to_string(&line).expect("serializes");
        assert_eq!(Profile::parse(&json), Ok(line));
    }

    #[test]
    fn bad_mappings_say_why() {
        assert!(Profile::parse("Date=timestamp").expect_err("no amount").contains("no amount"));
        assert!(Profile::parse("Date=when,Amount=amount").expect_err("bad field").contains("not a field"));
        assert!(Profile::parse("Date=timestamp,Amount=amount").expect_err("no currency").contains("currency"));
        assert!(
            Profile::parse("Date=timestamp,A=amount,B=amount,@currency=EUR")
                .expect_err("twice")
                .contains("two columns")
        );
        assert!(Profile::parse("{\"columns\": 3}").is_err());
    }

    #[test]
    fn save_and_load_round_trip() {
        let folder = tempfile::tempdir().expect("temp dir");
        let profile = Profile::parse("Datum=timestamp,Betrag=amount,@currency=EUR,@name=Sparkasse").expect("parses");
        for name in ["p.toml", "p.json"] {
            let path = folder.path().join(name);
            profile.save(&path).expect("saves");
            assert_eq!(Profile::load(&path), Ok(profile.clone()), "{name}");
        }
    }
}
