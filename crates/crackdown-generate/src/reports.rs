//! `reports.jsonl` in the import schema, and the truth about each report:
//! `truth/campaigns.csv` (campaign, compound, scam type, stage),
//! `truth/indicators.csv` (every indicator written, as written, canonical,
//! valid or not) and `truth/hubs.csv`.
//!
//! Texts are assembled from the phrase book: a story that follows the scam
//! type (and, for romance and investment, the pig-butchering stages up to
//! the one the victim reached), mentions of the campaign's indicators of the
//! phase active then, a loss, typos, and sometimes a report cut short.
//! Parsing and importing are left to the store and lure crates.

use std::io::Write;
use std::path::Path;

use crackdown_model::{Currency, Money};
use serde::Serialize;

use crate::format::timestamp;
use crate::indicators::{self, Indicator, IndicatorType, Mention};
use crate::phrases::{Phrases, currency_word, phrases};
use crate::random::Dice;
use crate::world::{Campaign, DAY, HUB_DOMAINS, REGIONS, STAGES, ScamType, World, region_of_language};
use crate::{GenerateConfig, GenerateError, Progress, Stage, create};

/// The external id of report number `index`.
pub(crate) fn report_id(index: u64) -> String {
    format!("RPT-{index:07}")
}

/// One line of `reports.jsonl`.
#[derive(Serialize)]
struct ReportLine<'a> {
    id: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reported_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loss_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loss_currency: Option<&'static str>,
    tlp: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reporter: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    victim_contact: Option<String>,
    consent_share: bool,
    consent_publish: bool,
}

/// What the report step wrote.
pub(crate) struct ReportCounts {
    pub reports: u64,
    pub resubmissions: u64,
    /// Canonical phones and handles some report names as a campaign's
    /// (valid ones, so a lookup finds them): the work phones detainees may
    /// be found with.
    pub named_contacts: std::collections::HashSet<String>,
}

/// Who files reports in the demo: the organisations of `orgs.json`.
const REPORTERS: &[&str] = &[
    "Victim Support Hotline (NGO)",
    "Siam Commerce Bank fraud team",
    "Pacific Union Bank fraud desk",
    "Cyber Crime Police Unit",
    "self",
];

const FIRST_NAMES: &[&str] = &[
    "Somchai",
    "Nok",
    "Maria",
    "Jose",
    "Nguyen Van An",
    "Tran Thi Mai",
    "Budi",
    "Siti",
    "Aung Aung",
    "Thida",
    "Wei",
    "Li Na",
    "John",
    "Sarah",
    "Peter",
    "Anna",
];

impl World {
    /// The report (by number) that victim `victim` filed, when they did.
    /// Every other report, from the first, is a victim of the ledger, until
    /// they run out.
    pub(crate) fn victim_report(&self, victim: usize) -> Option<u64> {
        let report = victim as u64 * 2;
        (report < self.reports_total).then_some(report)
    }
}

/// A sentence of the report with the indicators it mentions.
struct Sentence {
    text: String,
    mentions: Vec<(Mention, &'static str)>,
}

/// Puts `{key}` values into a template.
fn fill(template: &str, campaign: &Campaign, app: &str) -> String {
    template
        .replace("{persona}", if campaign.persona.is_empty() { "them" } else { &campaign.persona })
        .replace("{brand}", if campaign.brand.is_empty() { "the app" } else { &campaign.brand })
        .replace("{app}", app)
}

/// Adds the slips of a hurried writer to Latin-script text: swapped,
/// dropped and doubled letters.
fn typos(dice: &mut Dice, text: &str, rate: f64) -> String {
    if rate <= 0.0 {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if word.len() < 4 || word.contains('{') || !dice.chance(rate) {
            out.push_str(word);
            continue;
        }
        let letters: Vec<char> = word.chars().collect();
        if letters.len() < 4 {
            out.push_str(word);
            continue;
        }
        let position = 1 + dice.below(letters.len() - 2);
        let mut changed = letters.clone();
        match dice.below(3) {
            0 => changed.swap(position, position + 1),
            1 => {
                changed.remove(position);
            }
            _ => changed.insert(position, letters[position]),
        }
        out.extend(changed);
    }
    out
}

/// Thai, Burmese or full-width digits in place of ASCII ones, as some
/// phones and keyboards write them.
fn native_digits(language: &str, text: &str) -> String {
    let zero = match language {
        "th" => 0x0E50,
        "my" => 0x1040,
        _ => 0xFF10,
    };
    text.chars()
        .map(|character| match character.to_digit(10) {
            Some(digit) if character.is_ascii_digit() => char::from_u32(zero + digit).unwrap_or(character),
            _ => character,
        })
        .collect()
}

/// Whole units with thousands separators, as people write amounts.
fn written_amount(minor: i64, currency: Currency) -> String {
    let whole = minor / 10_i64.pow(u32::from(currency.minor_units()));
    let digits = whole.to_string();
    let mut out = String::new();
    for (index, character) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(character);
    }
    out
}

fn mention_key(kind: IndicatorType) -> &'static str {
    match kind {
        IndicatorType::Phone => "phone",
        IndicatorType::Url => "url",
        IndicatorType::Email => "email",
        IndicatorType::Btc | IndicatorType::Eth | IndicatorType::Tron => "wallet",
        IndicatorType::Iban | IndicatorType::BankAccount => "bank",
        IndicatorType::Card => "card",
        IndicatorType::Telegram | IndicatorType::WhatsApp | IndicatorType::Line => "handle",
    }
}

/// The story keys a report of this campaign tells, and its stage.
fn story_path(dice: &mut Dice, campaign: &Campaign) -> (Vec<&'static str>, Option<&'static str>) {
    match campaign.scam {
        ScamType::Romance | ScamType::Investment => {
            let reached = dice.weighted(&[5, 5, 10, 15, 20, 35, 10]);
            let contact = if campaign.scam == ScamType::Romance { "contact_romance" } else { "contact_invest" };
            let keys = [contact, "grooming", "pitch", "deposit", "escalation", "withdrawal_block", "recovery"];
            let mut path = Vec::new();
            for (index, key) in keys.iter().enumerate().take(reached + 1) {
                // Victims skip parts of the story, never the last one.
                if index == reached || index == 0 || dice.chance(0.7) {
                    path.push(*key);
                }
            }
            (path, Some(STAGES[reached]))
        }
        ScamType::TaskJob => (vec!["task_job"], None),
        ScamType::Impersonation => (
            vec![match campaign.pretext {
                "police" => "imp_police",
                "courier" => "imp_courier",
                _ => "imp_bank",
            }],
            None,
        ),
        ScamType::DeliveryToll => (vec!["delivery_toll"], None),
        ScamType::Loan => (vec!["loan"], None),
        ScamType::Sextortion => (vec!["sextortion"], None),
        ScamType::Recovery => (vec!["recovery"], None),
    }
}

fn app_for(language: &str, dice: &mut Dice) -> &'static str {
    match language {
        "th" => "LINE",
        "zh" => dice.word(&["Telegram", "WhatsApp"]),
        "vi" => dice.word(&["Telegram", "Zalo"]),
        _ => dice.word(&["WhatsApp", "Telegram"]),
    }
}

/// A campaign-specific link on a hub domain (a shortener or t.me).
fn hub_link(dice: &mut Dice, campaign: &Campaign, phase_day: u32) -> Indicator {
    let mut code_dice = Dice::new(u64::from(phase_day / 14), &campaign.id, 7);
    let code: String = (0..7)
        .map(|_| char::from(*code_dice.pick(b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")))
        .collect();
    let domain = *dice.pick(&HUB_DOMAINS[..3]);
    let code = if domain == "t.me" { format!("+{code}") } else { code };
    Indicator { kind: IndicatorType::Url, canonical: format!("https://{domain}/{code}"), phone: None, bank: None }
}

struct Composed {
    text: String,
    mentions: Vec<(Mention, &'static str)>,
}

/// Writes a report's text from its story, mentions and loss.
#[allow(clippy::too_many_arguments)]
fn compose(
    dice: &mut Dice,
    book: &Phrases,
    campaign: &Campaign,
    path: &[&'static str],
    indicators_shown: Vec<(Indicator, &'static str)>,
    loss: Option<Money>,
    lookalike_rate: f64,
) -> Composed {
    let language = book.code;
    let app = app_for(language, dice);
    let lowercase = book.latin && dice.chance(0.25);
    let typo_rate = if book.latin { *dice.pick(&[0.0, 0.02, 0.05, 0.1]) } else { 0.0 };
    let prepare = |dice: &mut Dice, template: &str| {
        let text = fill(template, campaign, app);
        let text = if lowercase { text.to_lowercase() } else { text };
        typos(dice, &text, typo_rate)
    };
    let mut sentences: Vec<Sentence> = Vec::new();
    let opener = *dice.pick(book.openers);
    if !opener.is_empty() {
        sentences.push(Sentence { text: prepare(dice, opener), mentions: Vec::new() });
    }
    for key in path {
        let template = *dice.pick(book.story(key));
        sentences.push(Sentence { text: prepare(dice, template), mentions: Vec::new() });
    }
    let story_end = sentences.len();
    for (value, role) in indicators_shown {
        let key = if role == "hub" && value.kind == IndicatorType::Phone { "hotline" } else { mention_key(value.kind) };
        let mention = indicators::mention(dice, &value, lookalike_rate);
        let surface =
            if matches!(language, "th" | "my" | "zh") && mention.kind == IndicatorType::Phone && dice.chance(0.1) {
                native_digits(language, &mention.surface)
            } else {
                mention.surface.clone()
            };
        let chosen = dice_pick(dice, book.mention(key));
        let template = prepare(dice, chosen);
        let text = template.replace("{x}", &surface);
        let mention = Mention { surface, ..mention };
        let position = 1 + dice.below(sentences.len().max(1));
        let sentence = Sentence { text, mentions: vec![(mention, role)] };
        if position >= story_end.min(sentences.len()) {
            sentences.push(sentence);
        } else {
            sentences.insert(position, sentence);
        }
    }
    if let Some(money) = loss {
        let amount = written_amount(money.minor(), money.currency());
        let amount =
            if matches!(language, "th" | "my") && dice.chance(0.1) { native_digits(language, &amount) } else { amount };
        let word = currency_word(language, money.currency().code());
        let currency = if word.is_empty() || dice.chance(0.3) { money.currency().code() } else { word };
        let chosen = dice_pick(dice, book.loss);
        let template = prepare(dice, chosen);
        sentences.push(Sentence {
            text: template.replace("{amount}", &amount).replace("{currency}", currency),
            mentions: Vec::new(),
        });
    }
    let closer = *dice.pick(book.closers);
    if !closer.is_empty() {
        sentences.push(Sentence { text: prepare(dice, closer), mentions: Vec::new() });
    }
    // Some victims stop early; a few stop mid-sentence. Even a report cut
    // short names whom the victim paid or talked to (why they report, and
    // what every intake form asks first): it stops after that sentence at
    // the earliest.
    if sentences.len() > 2 && dice.chance(0.1) {
        let named = sentences
            .iter()
            .position(|sentence| sentence.mentions.iter().any(|(_, role)| *role == "campaign"))
            .map_or(0, |at| at + 1);
        let keep = (1 + dice.below(sentences.len() - 1)).max(named);
        sentences.truncate(keep);
        if let Some(last) = sentences.last_mut()
            && last.mentions.is_empty()
            && dice.chance(0.4)
        {
            let characters: Vec<char> = last.text.chars().collect();
            let cut = (characters.len() * 2 / 3).max(1);
            last.text = characters[..cut].iter().collect();
        }
    }
    let separator = if book.latin && dice.chance(0.15) { "\n" } else { book.separator };
    let text = sentences
        .iter()
        .map(|sentence| sentence.text.as_str())
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join(separator);
    let mentions = sentences.into_iter().flat_map(|sentence| sentence.mentions).collect();
    Composed { text, mentions }
}

fn dice_pick(dice: &mut Dice, items: &'static [&'static str]) -> &'static str {
    if items.is_empty() { "{x}" } else { dice.word(items) }
}

/// Quotes a CSV field when it needs it.
pub(crate) fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// Writes `reports.jsonl` and the report truth files.
pub(crate) fn write_reports(
    world: &World,
    config: &GenerateConfig,
    dir: &Path,
    progress: &dyn Fn(Progress),
) -> Result<ReportCounts, GenerateError> {
    let mut out = create(dir, "reports.jsonl")?;
    let mut campaigns_csv = create(dir, "truth/campaigns.csv")?;
    let mut indicators_csv = create(dir, "truth/indicators.csv")?;
    let io_reports = |source| GenerateError::io("reports.jsonl", source);
    let io_campaigns = |source| GenerateError::io("truth/campaigns.csv", source);
    let io_indicators = |source| GenerateError::io("truth/indicators.csv", source);
    campaigns_csv
        .write_all(b"report_id,campaign_id,compound_id,scam_type,stage,language,ledger_victim_account,duplicate_of\n")
        .map_err(io_campaigns)?;
    indicators_csv.write_all(b"report_id,type,surface,normalized,valid,role,campaign_id\n").map_err(io_indicators)?;
    let mut named_contacts = std::collections::HashSet::new();
    let mut written = 0_u64;
    let mut resubmissions = 0_u64;
    let mut line = Vec::with_capacity(2048);
    // A campaign of the plan weighs as much as the heaviest spin-off.
    let weights: Vec<u32> = std::iter::repeat_n(16, world.campaigns.len())
        .chain(world.spinoffs.iter().map(|(_, weight)| *weight))
        .collect();
    while written < config.reports {
        let index = written;
        let mut dice = Dice::new(config.seed, "report", index);
        let victim_index =
            index.is_multiple_of(2).then_some((index / 2) as usize).filter(|&victim| victim < world.victims.len());
        let victim = victim_index.map(|victim| &world.victims[victim]);
        // Victims of the ledger report its campaigns; other reports are of
        // any campaign, spin-offs by their weight.
        let campaign = match victim {
            Some(victim) => &world.campaigns[victim.campaign],
            None => {
                let pick = dice.weighted(&weights);
                world.campaigns.get(pick).unwrap_or_else(|| &world.spinoffs[pick - world.campaigns.len()].0)
            }
        };
        let language = *dice.pick(campaign.languages);
        let book = phrases(language);
        let (path, stage) = story_path(&mut dice, campaign);
        let paid = stage.is_none_or(|stage| STAGES.iter().position(|s| *s == stage) >= Some(3));
        let (day, loss, paid_into): (u32, Option<Money>, Vec<u32>) = match victim {
            Some(victim) => {
                let last = victim.payments.last().map_or(world.start, |payment| payment.time);
                let day = ((last - world.start) / DAY).max(0) as u32;
                let region = &REGIONS[campaign.region];
                let total: i64 = victim.payments.iter().map(|payment| payment.amount).sum();
                let collections = victim.payments.iter().map(|payment| payment.collection).collect();
                (day, Some(Money::new(total, region.currency())), collections)
            }
            None => {
                let first = campaign.first_day();
                let span = campaign.last_day().saturating_sub(first).max(1);
                let day = first + dice.below(span as usize) as u32;
                let region = if REGIONS[campaign.region].language == language || dice.chance(0.3) {
                    &REGIONS[campaign.region]
                } else {
                    &REGIONS[region_of_language(&mut dice, language)]
                };
                let currency = if dice.chance(0.15) {
                    Currency::from_code(dice.word(&["USDT", "BTC", "USD"])).unwrap_or(region.currency())
                } else {
                    region.currency()
                };
                let loss = paid.then(|| {
                    let salary_mid = (region.salary.0 + region.salary.1) / 2;
                    let whole = dice.log_range((salary_mid / 20).max(1), salary_mid * 6);
                    let minor = match currency.code() {
                        "BTC" => dice.range(100_000, 50_000_000),
                        "USDT" | "USD" => dice.range(50, 80_000) * 10_i64.pow(u32::from(currency.minor_units())),
                        _ => whole * 10_i64.pow(u32::from(currency.minor_units())),
                    };
                    Money::new(minor, currency)
                });
                (day, loss, Vec::new())
            }
        };
        let phase = campaign.phase_at(day);
        let mut shown: Vec<(Indicator, &'static str)> = Vec::new();
        let wanted = 1 + dice.below(4);
        for _ in 0..wanted {
            let value = dice.pick(&phase.indicators).clone();
            let role = if value.kind == IndicatorType::Card { "victim" } else { "campaign" };
            if !shown.iter().any(|(seen, _)| seen.canonical == value.canonical) {
                shown.push((value, role));
            }
        }
        // The victim's own card is named besides what the scammers gave
        // them (the site, the number, the account), never instead of it.
        if shown.iter().all(|(_, role)| *role == "victim") {
            let theirs: Vec<&Indicator> =
                phase.indicators.iter().filter(|value| value.kind != IndicatorType::Card).collect();
            if !theirs.is_empty() {
                shown.push(((*dice.pick(&theirs)).clone(), "campaign"));
            }
        }
        for account in paid_into {
            let value = crate::world::account_indicator(&world.population, account);
            if !shown.iter().any(|(seen, _)| seen.canonical == value.canonical) && dice.chance(0.8) {
                shown.push((value, "campaign"));
            }
        }
        if dice.chance(0.2) {
            shown.push((hub_link(&mut dice, campaign, phase.from_day), "campaign"));
        }
        if dice.chance(0.12) || (campaign.scam == ScamType::Impersonation && dice.chance(0.3)) {
            let hub = dice.pick(&world.hubs).clone();
            shown.push((hub, "hub"));
        }
        let composed = compose(&mut dice, book, campaign, &path, shown, loss, 0.08);
        let time = world.start + i64::from(day) * DAY + dice.range(DAY / 4, DAY * 3);
        let tlp = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"][dice.weighted(&[10, 30, 40, 12, 8])];
        let reporter = *dice.pick(REPORTERS);
        let contact = dice.chance(0.7).then(|| {
            let name = dice.pick(FIRST_NAMES);
            let region = &REGIONS[region_of_language(&mut dice, language)];
            let phone = indicators::phone(&mut dice, region.phone);
            format!("{name} {}", phone.canonical)
        });
        let id = report_id(index);
        let record = ReportLine {
            id: &id,
            text: &composed.text,
            channel: dice.chance(0.9).then(|| *dice.pick(&["web", "api", "bulk"])),
            language: dice.chance(0.9).then_some(language),
            reported_at: dice.chance(0.95).then(|| timestamp(time)),
            loss_amount: loss.filter(|_| dice.chance(0.9)).map(Money::decimal),
            loss_currency: loss.map(|money| money.currency().code()),
            tlp,
            reporter: Some(reporter),
            victim_contact: contact,
            consent_share: dice.chance(0.8),
            consent_publish: dice.chance(0.4),
        };
        let record = ReportLine { loss_currency: record.loss_amount.as_ref().and(record.loss_currency), ..record };
        line.clear();
        serde_json::to_writer(&mut line, &record).map_err(|error| io_reports(std::io::Error::other(error)))?;
        line.push(b'\n');
        out.write_all(&line).map_err(io_reports)?;
        let compound = &world.compounds[campaign.compound];
        let victim_account = victim.map_or("", |victim| world.population.accounts[victim.account as usize].id.as_str());
        writeln!(
            campaigns_csv,
            "{id},{},{},{},{},{language},{victim_account},",
            campaign.id,
            compound.id,
            campaign.scam.as_str(),
            stage.unwrap_or("")
        )
        .map_err(io_campaigns)?;
        for (mention, role) in &composed.mentions {
            if *role == "campaign"
                && mention.valid
                && matches!(mention.kind, IndicatorType::Phone | IndicatorType::Telegram)
            {
                named_contacts.insert(mention.canonical.clone());
            }
            writeln!(
                indicators_csv,
                "{id},{},{},{},{},{role},{}",
                mention.kind.as_str(),
                csv_field(&mention.surface),
                csv_field(&indicators::truth_form(mention.kind, &mention.canonical)),
                mention.valid,
                campaign.id
            )
            .map_err(io_indicators)?;
        }
        written += 1;
        // An exact resubmission: same reporter and text under a new id.
        // Only into odd slots: even ones belong to the ledger's victims.
        if written < config.reports && written % 2 == 1 && dice.chance(0.04) {
            let copy_id = report_id(written);
            let copy = ReportLine { id: &copy_id, ..record };
            line.clear();
            serde_json::to_writer(&mut line, &copy).map_err(|error| io_reports(std::io::Error::other(error)))?;
            line.push(b'\n');
            out.write_all(&line).map_err(io_reports)?;
            writeln!(
                campaigns_csv,
                "{copy_id},{},{},{},{},{language},,{id}",
                campaign.id,
                compound.id,
                campaign.scam.as_str(),
                stage.unwrap_or("")
            )
            .map_err(io_campaigns)?;
            written += 1;
            resubmissions += 1;
        }
        if written.is_multiple_of(50_000) {
            progress(Progress { stage: Stage::Reports, done: written, total: config.reports });
        }
    }
    out.flush().map_err(io_reports)?;
    campaigns_csv.flush().map_err(io_campaigns)?;
    indicators_csv.flush().map_err(io_indicators)?;
    write_hubs(world, dir)?;
    progress(Progress { stage: Stage::Reports, done: written, total: config.reports });
    Ok(ReportCounts { reports: written, resubmissions, named_contacts })
}

/// `truth/hubs.csv`: values and domains that unrelated campaigns share, so
/// linking must not merge campaigns through them.
fn write_hubs(world: &World, dir: &Path) -> Result<(), GenerateError> {
    let mut out = create(dir, "truth/hubs.csv")?;
    let io = |source| GenerateError::io("truth/hubs.csv", source);
    out.write_all(b"type,value\n").map_err(io)?;
    for domain in HUB_DOMAINS {
        writeln!(out, "domain,{domain}").map_err(io)?;
    }
    for hub in &world.hubs {
        writeln!(out, "{},{}", hub.kind.as_str(), indicators::truth_form(hub.kind, &hub.canonical)).map_err(io)?;
    }
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_with_separators() {
        let thb = Currency::from_code("THB").expect("THB");
        assert_eq!(written_amount(123_456_700, thb), "1,234,567");
        assert_eq!(written_amount(99_900, thb), "999");
        let vnd = Currency::from_code("VND").expect("VND");
        assert_eq!(written_amount(50_000_000, vnd), "50,000,000");
    }

    #[test]
    fn native_digits_cover_each_script() {
        assert_eq!(native_digits("th", "081"), "๐๘๑");
        assert_eq!(native_digits("my", "95"), "၉၅");
        assert_eq!(native_digits("zh", "+86"), "+８６");
    }

    #[test]
    fn typos_leave_placeholders_alone() {
        let mut dice = Dice::new(1, "typo", 0);
        let text = typos(&mut dice, "please transfer everything to {x} immediately", 1.0);
        assert!(text.contains("{x}"));
        assert_ne!(text, "please transfer everything to {x} immediately");
    }
}
