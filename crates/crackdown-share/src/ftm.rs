//! FollowTheMoney entities as JSON lines, loadable into Aleph: the money
//! side of a campaign. Accounts (`BankAccount`, `CryptoWallet`), messenger
//! handles (`UserAccount`), scammer-side personas (`Person`,
//! `Organization`), and the money trail as `Payment`s between the accounts'
//! holders. FtM has no marking: the TLP level travels as a `keywords`
//! value (`TLP:AMBER`; `summary` for payments and ownerships, which have no
//! keywords), which the reader takes back.
//!
//! Phones, URLs, domains, e-mail addresses and IPs are not FtM entities of
//! their own and are left to STIX and MISP.

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};

use crackdown_model::{Currency, Money, Tlp};
use serde_json::{Map, Value, json};

use crate::error::{Format, ShareError};
use crate::ids::stable_uuid;
use crate::imported::{Imported, ImportedPayment, ImportedPersona, IndicatorSet, ReadOptions};
use crate::model::{ExportItem, ExportOptions, ExportSummary, IndicatorKey, IndicatorKind, IndicatorRef, PersonaKind};
use crate::split::Scanner;

/// A stable FtM entity id.
fn entity_id(parts: &[&str]) -> String {
    format!("cd-{}", stable_uuid(parts).simple())
}

/// The id of the entity an account or handle becomes.
pub fn account_entity_id(key: &IndicatorKey) -> String {
    entity_id(&["ftm", &crate::stix::sco::sco_id_of(key)])
}

fn entity(id: &str, schema: &str, tlp: Tlp, properties: Vec<(&str, String)>) -> Value {
    let mut map = Map::new();
    for (name, value) in properties {
        map.insert(name.into(), json!([value]));
    }
    // `keywords` is a Thing's; intervals (Payment, Ownership) have `summary`.
    let marking = if matches!(schema, "Payment" | "Ownership") { "summary" } else { "keywords" };
    map.insert(marking.into(), json!([tlp.label()]));
    json!({"id": id, "schema": schema, "properties": map})
}

/// The entity of an account or handle, or `None` for kinds FtM has no entity for.
fn account_entity(key: &IndicatorKey, tlp: Tlp) -> Option<Value> {
    let id = account_entity_id(key);
    let value = key.value.clone();
    Some(match &key.kind {
        IndicatorKind::Iban => entity(&id, "BankAccount", tlp, vec![("iban", value)]),
        IndicatorKind::BankAccount { bank } => {
            let mut properties = vec![("accountNumber", value)];
            if let Some(bank) = bank {
                let bic =
                    bank.len() >= 8 && bank.bytes().all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
                properties.push((if bic { "bic" } else { "bankName" }, bank.clone()));
            }
            entity(&id, "BankAccount", tlp, properties)
        }
        IndicatorKind::CryptoWallet { chain, currency } => {
            let mut properties = vec![("publicKey", value), ("blockchain", chain.clone())];
            if let Some(currency) = currency {
                properties.push(("currencySymbol", currency.clone()));
            }
            entity(&id, "CryptoWallet", tlp, properties)
        }
        IndicatorKind::MessengerHandle { service } => {
            entity(&id, "UserAccount", tlp, vec![("username", value), ("service", service.clone())])
        }
        _ => return None,
    })
}

/// Writes `items` as FtM entities, one JSON object per line, leaving out
/// everything above `options.tlp_max`, and any payment naming such an account.
pub fn write_ftm<W: Write>(
    items: impl IntoIterator<Item = ExportItem>,
    options: &ExportOptions,
    out: W,
) -> Result<ExportSummary, ShareError> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut summary = ExportSummary::default();
    let mut emit = |out: &mut BufWriter<W>, value: &Value| -> Result<(), ShareError> {
        serde_json::to_writer(&mut *out, value).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        summary.written += 1;
        Ok(())
    };
    let allowed = |tlp: Tlp| tlp <= options.tlp_max;
    let mut left_out = 0;
    for item in items {
        match item {
            ExportItem::Indicator(indicator) if allowed(indicator.tlp) => {
                if let Some(entity) = account_entity(&indicator.key, indicator.tlp) {
                    emit(&mut out, &entity)?;
                }
            }
            ExportItem::Persona(persona) if allowed(persona.tlp) => {
                let schema = match persona.kind {
                    PersonaKind::Person => "Person",
                    PersonaKind::Organization => "Organization",
                };
                let id = entity_id(&["persona", schema, &persona.name]);
                emit(&mut out, &entity(&id, schema, persona.tlp, vec![("name", persona.name.clone())]))?;
            }
            ExportItem::Payment(payment)
                if allowed(payment.tlp) && allowed(payment.from.tlp) && allowed(payment.to.tlp) =>
            {
                let tlp = payment.tlp.max(payment.from.tlp).max(payment.to.tlp);
                let mut properties = vec![
                    ("amount", payment.amount.decimal()),
                    ("currency", payment.amount.currency().code().to_owned()),
                    ("date", payment.date.to_string()),
                ];
                for (side, account) in [("payer", &payment.from), ("beneficiary", &payment.to)] {
                    let holder = holder(&mut out, &mut emit, account, tlp)?;
                    properties.push((side, holder));
                    if matches!(account.key.kind, IndicatorKind::Iban | IndicatorKind::BankAccount { .. }) {
                        properties.push((
                            if side == "payer" { "payerAccount" } else { "beneficiaryAccount" },
                            account_entity_id(&account.key),
                        ));
                    }
                }
                if let Some(transaction) = &payment.transaction_id {
                    properties.push(("transactionNumber", transaction.clone()));
                }
                let date = payment.date.to_string();
                let amount = payment.amount.decimal();
                let id = entity_id(&[
                    "payment",
                    &account_entity_id(&payment.from.key),
                    &account_entity_id(&payment.to.key),
                    &date,
                    &amount,
                    payment.transaction_id.as_deref().unwrap_or(""),
                ]);
                emit(&mut out, &entity(&id, "Payment", tlp, properties))?;
            }
            ExportItem::Campaign(_) | ExportItem::EndCampaign | ExportItem::Report(_) => {}
            ExportItem::Indicator(_) | ExportItem::Persona(_) | ExportItem::Payment(_) => left_out += 1,
        }
    }
    out.flush()?;
    summary.left_out = left_out;
    Ok(summary)
}

/// The holder of an account in a payment: the account itself (again, so
/// the payment never names an entity the file lacks), an unnamed
/// `LegalEntity` and, for bank accounts, the `Ownership` linking them.
fn holder<W: Write>(
    out: &mut BufWriter<W>,
    emit: &mut impl FnMut(&mut BufWriter<W>, &Value) -> Result<(), ShareError>,
    account: &IndicatorRef,
    tlp: Tlp,
) -> Result<String, ShareError> {
    let account_id = account_entity_id(&account.key);
    let holder_id = entity_id(&["holder", &account_id]);
    if let Some(entity) = account_entity(&account.key, account.tlp) {
        emit(out, &entity)?;
    }
    let name = format!("Holder of {} {}", account.key.kind.word().replace('_', " "), account.key.value);
    emit(out, &entity(&holder_id, "LegalEntity", tlp, vec![("name", name)]))?;
    if matches!(account.key.kind, IndicatorKind::Iban | IndicatorKind::BankAccount { .. }) {
        let ownership = entity_id(&["ownership", &account_id]);
        emit(out, &entity(&ownership, "Ownership", tlp, vec![("owner", holder_id.clone()), ("asset", account_id)]))?;
    }
    Ok(holder_id)
}

fn first(properties: &Value, name: &str) -> Option<String> {
    properties.get(name)?.as_array()?.first()?.as_str().map(str::to_owned)
}

/// Reads FtM entities, one JSON object per line (blank lines allowed).
pub fn read_ftm<R: BufRead>(input: R, options: &ReadOptions) -> Result<Imported, ShareError> {
    let mut scan = Scanner::new(input, Format::Ftm, options.limits);
    let mut imported = Imported::new(Format::Ftm, options.provenance.clone());
    let mut indicators = IndicatorSet::default();
    let mut entities: HashMap<String, (String, u64, Option<IndicatorKey>)> = HashMap::new();
    let mut payments: Vec<(usize, String, Value, Tlp)> = Vec::new();
    let mut line_number = 0;
    while let Some(line) = scan.line()? {
        line_number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let place = format!("line {line_number}");
        let fail = |id: Option<&str>, reason: String| ShareError::object(Format::Ftm, place.clone(), id, reason);
        if entities.len() >= options.limits.max_objects {
            return Err(fail(None, format!("more than {} entities", options.limits.max_objects)));
        }
        let value: Value = serde_json::from_slice(&line).map_err(|error| fail(None, format!("not JSON: {error}")))?;
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| fail(None, "no \"id\" string".into()))?;
        let schema =
            value.get("schema").and_then(Value::as_str).ok_or_else(|| fail(Some(id), "no \"schema\" string".into()))?;
        let properties = value.get("properties").cloned().unwrap_or(Value::Object(Map::new()));
        if !properties.is_object() {
            return Err(fail(Some(id), "properties is not an object".into()));
        }
        let mut tlp: Option<Tlp> = None;
        let marked =
            ["keywords", "summary"].into_iter().filter_map(|name| properties.get(name).and_then(Value::as_array));
        for keyword in marked.flatten() {
            if let Some(level) =
                keyword.as_str().and_then(|text| text.starts_with("TLP:").then(|| Tlp::parse(text)).flatten())
            {
                if tlp.is_some_and(|tlp| tlp != level) {
                    return Err(fail(Some(id), "marked with two different TLP levels".into()));
                }
                tlp = Some(level);
            }
        }
        let tlp = tlp.unwrap_or(options.default_tlp);
        let digest = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            value.to_string().hash(&mut hasher);
            hasher.finish()
        };
        if let Some((_, previous, _)) = entities.get(id) {
            if *previous != digest {
                return Err(fail(Some(id), "a second entity with this id and different content".into()));
            }
            continue;
        }
        let get = |name: &str| first(&properties, name);
        let key = match schema {
            "BankAccount" => match (get("iban"), get("accountNumber")) {
                (Some(iban), _) => Some(IndicatorKey::new(IndicatorKind::Iban, iban)),
                (None, Some(number)) => Some(IndicatorKey::new(
                    IndicatorKind::BankAccount { bank: get("bic").or_else(|| get("bankName")) },
                    number,
                )),
                (None, None) => None,
            },
            "CryptoWallet" => get("publicKey").map(|address| {
                let chain = get("blockchain").unwrap_or_else(|| crate::stix::sco::guess_chain(&address).to_owned());
                IndicatorKey::new(IndicatorKind::CryptoWallet { chain, currency: get("currencySymbol") }, address)
            }),
            "UserAccount" => get("username").map(|handle| {
                IndicatorKey::new(
                    IndicatorKind::MessengerHandle { service: get("service").unwrap_or_else(|| "unknown".into()) },
                    handle,
                )
            }),
            _ => None,
        };
        match (schema, &key) {
            (_, Some(key)) => indicators.add(key.clone(), tlp, None, id),
            ("Person" | "Organization", _) => {
                let kind = if schema == "Person" { PersonaKind::Person } else { PersonaKind::Organization };
                let name = get("name").ok_or_else(|| fail(Some(id), format!("a {schema} without a name")))?;
                imported.personas.push(ImportedPersona { source_id: id.to_owned(), name, kind, tlp });
            }
            ("Payment", _) => payments.push((line_number, id.to_owned(), properties.clone(), tlp)),
            _ => imported.skip(&format!("FtM {schema}")),
        }
        entities.insert(id.to_owned(), (schema.to_owned(), digest, key));
    }
    imported.objects = entities.len() as u64;
    for (line, id, properties, tlp) in payments {
        let fail = |reason: String| ShareError::object(Format::Ftm, format!("line {line}"), Some(&id), reason);
        let mut sides = Vec::new();
        for (party, account) in [("payer", "payerAccount"), ("beneficiary", "beneficiaryAccount")] {
            for name in [party, account] {
                if let Some(reference) = first(&properties, name)
                    && !entities.contains_key(&reference)
                {
                    return Err(fail(format!("{name} {reference} is not in the input")));
                }
            }
            sides.push(
                first(&properties, account)
                    .and_then(|account| entities.get(&account).and_then(|entity| entity.2.clone())),
            );
        }
        let amount = match (first(&properties, "amount"), first(&properties, "currency")) {
            (Some(amount), Some(code)) => {
                let currency = Currency::from_code(&code).ok_or_else(|| fail(format!("unknown currency {code:?}")))?;
                Some(Money::parse(&amount, currency).map_err(|error| fail(error.to_string()))?)
            }
            _ => None,
        };
        let date = first(&properties, "date").and_then(|date| date.get(..10).and_then(|day| day.parse().ok()));
        imported.payments.push(ImportedPayment {
            source_id: id.clone(),
            from: sides[0].clone(),
            to: sides[1].clone(),
            amount,
            date,
            transaction_id: first(&properties, "transactionNumber"),
            tlp,
        });
    }
    imported.indicators = indicators.into_vec();
    Ok(imported)
}
