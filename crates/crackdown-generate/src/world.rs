//! The case behind every file: regions and their banks, the account
//! population of the seized ledger, the compounds, their campaigns with
//! indicators that rotate in phases and overlap inside a compound, hub
//! indicators shared by unrelated campaigns, the mule networks, and the
//! victims whose payments the ledger carries.
//!
//! Built once from the seed and the sizes, small enough to keep in memory
//! (it grows with the number of accounts and victims, not with rows).
//! Writing files is left to the report, message and ledger modules.

use crackdown_model::Currency;

use crate::GenerateConfig;
use crate::indicators::{self, Indicator, IndicatorType, PhonePlan};
use crate::random::Dice;

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// A country (or the crypto economy) with its currency, language and banks.
pub(crate) struct Region {
    pub country: &'static str,
    pub currency: &'static str,
    /// The currency's decimals, kept here because rows are formatted by
    /// the million (a test checks it against the model's table).
    pub minor_units: u8,
    pub language: &'static str,
    pub phone: PhonePlan,
    pub banks: &'static [&'static str],
    /// IBAN country for regions whose accounts are IBANs.
    pub iban_country: Option<&'static str>,
    /// Whether accounts are TRON wallets rather than bank accounts.
    pub crypto: bool,
    /// Monthly salary range in whole currency units.
    pub salary: (i64, i64),
    /// Cash withdrawals come in multiples of this many whole units.
    pub cash_step: i64,
    /// Share of the ledger's population; 0 for report-only regions.
    pub ledger_weight: u32,
}

impl Region {
    pub(crate) fn currency(&self) -> Currency {
        Currency::from_code(self.currency).expect("region currencies are in the model's table")
    }

    /// Minor units in one whole unit of the currency.
    pub(crate) fn unit(&self) -> i64 {
        10_i64.pow(u32::from(self.minor_units))
    }
}

const fn plan(
    country_code: &'static str,
    trunk: &'static str,
    mobile_prefixes: &'static [&'static str],
    length: usize,
) -> PhonePlan {
    PhonePlan { country_code, trunk, mobile_prefixes, length }
}

/// Regions in a fixed order; indices into this table are stable.
pub(crate) const REGIONS: &[Region] = &[
    Region {
        country: "TH",
        currency: "THB",
        minor_units: 2,
        language: "th",
        phone: plan("66", "0", &["81", "82", "86", "89", "91", "92", "95", "61", "62"], 9),
        banks: &["KBANK", "SCB", "BBL", "KTB", "TTB"],
        iban_country: None,
        crypto: false,
        salary: (15_000, 80_000),
        cash_step: 100,
        ledger_weight: 34,
    },
    Region {
        country: "PH",
        currency: "PHP",
        minor_units: 2,
        language: "tl",
        phone: plan("63", "0", &["917", "918", "927", "945", "966", "995"], 10),
        banks: &["BDO", "BPI", "MBTC", "GCASH"],
        iban_country: None,
        crypto: false,
        salary: (18_000, 70_000),
        cash_step: 100,
        ledger_weight: 14,
    },
    Region {
        country: "VN",
        currency: "VND",
        minor_units: 0,
        language: "vi",
        phone: plan("84", "0", &["90", "91", "93", "96", "97", "98", "32", "35"], 9),
        banks: &["VCB", "TCB", "ACB", "MBB"],
        iban_country: None,
        crypto: false,
        salary: (7_000_000, 35_000_000),
        cash_step: 50_000,
        ledger_weight: 12,
    },
    Region {
        country: "ID",
        currency: "IDR",
        minor_units: 2,
        language: "id",
        phone: plan("62", "0", &["812", "813", "821", "857", "878"], 11),
        banks: &["BCA", "BRI", "MANDIRI", "BNI"],
        iban_country: None,
        crypto: false,
        salary: (4_000_000, 20_000_000),
        cash_step: 50_000,
        ledger_weight: 12,
    },
    Region {
        country: "US",
        currency: "USD",
        minor_units: 2,
        language: "en",
        phone: plan("1", "", &["415", "646", "312", "713", "702", "305"], 10),
        banks: &["CHASE", "BOFA", "WELLS"],
        iban_country: None,
        crypto: false,
        salary: (3_000, 9_000),
        cash_step: 20,
        ledger_weight: 10,
    },
    Region {
        country: "DE",
        currency: "EUR",
        minor_units: 2,
        language: "en",
        phone: plan("49", "0", &["151", "160", "170", "176"], 11),
        banks: &[],
        iban_country: Some("DE"),
        crypto: false,
        salary: (2_200, 6_500),
        cash_step: 10,
        ledger_weight: 10,
    },
    Region {
        country: "",
        currency: "USDT",
        minor_units: 6,
        language: "en",
        phone: plan("855", "0", &["96", "97", "88", "10"], 9),
        banks: &[],
        iban_country: None,
        crypto: true,
        salary: (200, 5_000),
        cash_step: 1,
        ledger_weight: 8,
    },
    Region {
        country: "MM",
        currency: "MMK",
        minor_units: 2,
        language: "my",
        phone: plan("95", "0", &["97", "96", "94"], 10),
        banks: &["KBZ", "CB", "AYA"],
        iban_country: None,
        crypto: false,
        salary: (300_000, 1_500_000),
        cash_step: 1_000,
        ledger_weight: 0,
    },
    Region {
        country: "CN",
        currency: "CNY",
        minor_units: 2,
        language: "zh",
        phone: plan("86", "", &["138", "139", "150", "186", "177"], 11),
        banks: &["ICBC", "CCB", "BOC"],
        iban_country: None,
        crypto: false,
        salary: (5_000, 25_000),
        cash_step: 100,
        ledger_weight: 0,
    },
    Region {
        country: "GB",
        currency: "GBP",
        minor_units: 2,
        language: "en",
        phone: plan("44", "0", &["7700", "7911", "7480", "7520"], 10),
        banks: &[],
        iban_country: Some("GB"),
        crypto: false,
        salary: (2_000, 6_000),
        cash_step: 10,
        ledger_weight: 0,
    },
];

/// Index of the region whose report language is `language`, for victims
/// without a ledger account.
pub(crate) fn region_of_language(dice: &mut Dice, language: &str) -> usize {
    let matching: Vec<usize> =
        REGIONS.iter().enumerate().filter(|(_, region)| region.language == language).map(|(index, _)| index).collect();
    if matching.is_empty() { 0 } else { *dice.pick(&matching) }
}

/// What an account is, as `accounts.csv` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccountKind {
    Person,
    Business,
    Merchant,
    Employer,
    Utility,
    Exchange,
    Cash,
}

impl AccountKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AccountKind::Person => "person",
            AccountKind::Business => "business",
            AccountKind::Merchant => "merchant",
            AccountKind::Employer => "employer",
            AccountKind::Utility => "utility",
            AccountKind::Exchange => "exchange",
            AccountKind::Cash => "cash",
        }
    }

    /// Where traced money stops: a cash withdrawal or an exchange deposit.
    pub(crate) fn is_terminal(self) -> bool {
        matches!(self, AccountKind::Exchange | AccountKind::Cash)
    }
}

/// How a person uses their account; some habits look like a mule's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Habit {
    Ordinary,
    /// Sends most of the salary on to family within hours.
    FamilyForwarder,
    /// A market vendor paid by many small transfers, withdrawing cash daily.
    Vendor,
    /// Buys crypto with most of the salary, quickly.
    CryptoBuyer,
    /// A small business run from a personal account: many customer
    /// transfers in, most of it paid on to a supplier within a day or two.
    SoleTrader,
    /// Collects several tenants' rent and pays the mortgage days later.
    Landlord,
    /// Moves most of the salary to a savings account on pay day.
    Saver,
    /// A migrant worker or student's family sending most of the salary
    /// abroad through a remittance provider (an exchange) the same day.
    Remitter,
}

/// Relative frequency of each look-alike habit among people who have one.
const LOOKALIKE_HABITS: [(Habit, u32); 7] = [
    (Habit::FamilyForwarder, 3),
    (Habit::Vendor, 3),
    (Habit::CryptoBuyer, 3),
    (Habit::SoleTrader, 5),
    (Habit::Landlord, 3),
    (Habit::Saver, 5),
    (Habit::Remitter, 3),
];

impl Habit {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Habit::Ordinary => "ordinary",
            Habit::FamilyForwarder => "family_forwarder",
            Habit::Vendor => "market_vendor",
            Habit::CryptoBuyer => "crypto_buyer",
            Habit::SoleTrader => "sole_trader",
            Habit::Landlord => "landlord",
            Habit::Saver => "salary_saver",
            Habit::Remitter => "remitter",
        }
    }
}

pub(crate) struct Account {
    pub id: String,
    pub region: u8,
    pub kind: AccountKind,
}

/// A person's regular life, fixed for the whole ledger.
pub(crate) struct Person {
    pub account: u32,
    pub salary: i64,
    pub payday: u8,
    pub rent: i64,
    pub rent_day: u8,
    pub landlord: u32,
    pub utility: u32,
    pub utility_day: u8,
    pub habit: Habit,
    /// Where the habit sends money: a family member (forwarders), savings
    /// account (savers), exchange (crypto buyers, remitters), supplier (sole
    /// traders) or mortgage lender (landlords).
    pub partner: u32,
}

/// The accounts of one region, by role.
#[derive(Default)]
pub(crate) struct RegionAccounts {
    pub persons: Vec<u32>,
    pub merchants: Vec<u32>,
    pub employers: Vec<u32>,
    pub utilities: Vec<u32>,
    pub businesses: Vec<u32>,
    pub exchanges: Vec<u32>,
    pub cash: Vec<u32>,
    /// Persons who let flats to several tenants.
    pub landlords: Vec<u32>,
    /// Accounts opened only to move scam money.
    pub dedicated_mules: Vec<u32>,
}

/// Every account of the ledger and everyone's habits.
pub(crate) struct Population {
    pub accounts: Vec<Account>,
    /// Person profiles, indexed by account (None for non-persons).
    pub persons: Vec<Option<Person>>,
    pub regions: Vec<RegionAccounts>,
    /// Employees of each employer account, as account indices.
    pub employees: std::collections::HashMap<u32, Vec<u32>>,
}

/// Scam types of the lure-analysis vocabulary the campaigns run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScamType {
    Romance,
    Investment,
    TaskJob,
    Impersonation,
    DeliveryToll,
    Loan,
    Sextortion,
    Recovery,
}

impl ScamType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ScamType::Romance => "romance",
            ScamType::Investment => "investment",
            ScamType::TaskJob => "task_job",
            ScamType::Impersonation => "impersonation",
            ScamType::DeliveryToll => "delivery_toll",
            ScamType::Loan => "loan",
            ScamType::Sextortion => "sextortion",
            ScamType::Recovery => "recovery",
        }
    }
}

/// Pig-butchering stages, in the order victims go through them.
pub(crate) const STAGES: &[&str] =
    &["contact", "grooming", "pitch", "deposit", "escalation", "withdrawal_block", "recovery"];

/// A period of a campaign with the indicators it used then.
pub(crate) struct Phase {
    pub from_day: u32,
    pub to_day: u32,
    pub indicators: Vec<Indicator>,
    /// Ledger accounts victims were told to pay in this phase.
    pub collection: Vec<u32>,
}

pub(crate) struct Campaign {
    pub id: String,
    pub compound: usize,
    pub scam: ScamType,
    /// For impersonation: whom they pretend to be.
    pub pretext: &'static str,
    pub brand: String,
    pub persona: String,
    pub languages: &'static [&'static str],
    pub region: usize,
    pub phases: Vec<Phase>,
    pub layers: Vec<u32>,
    pub cashouts: Vec<u32>,
}

impl Campaign {
    /// The phase active on `day` (the last one after the campaign ends).
    pub(crate) fn phase_at(&self, day: u32) -> &Phase {
        self.phases
            .iter()
            .find(|phase| day < phase.to_day)
            .or(self.phases.last())
            .expect("every campaign has at least one phase")
    }

    pub(crate) fn first_day(&self) -> u32 {
        self.phases.first().map_or(0, |phase| phase.from_day)
    }

    pub(crate) fn last_day(&self) -> u32 {
        self.phases.last().map_or(0, |phase| phase.to_day)
    }
}

pub(crate) struct Compound {
    pub id: String,
    pub shared: Vec<Indicator>,
    pub shared_layers: Vec<u32>,
}

/// A payment a victim makes to a collection account.
pub(crate) struct PlannedPayment {
    pub time: i64,
    pub amount: i64,
    pub collection: u32,
}

pub(crate) struct Victim {
    pub campaign: usize,
    pub account: u32,
    pub payments: Vec<PlannedPayment>,
}

pub(crate) struct World {
    pub start: i64,
    pub days: u32,
    pub population: Population,
    pub compounds: Vec<Compound>,
    pub campaigns: Vec<Campaign>,
    /// Smaller operations of the same compounds, known only from reports
    /// (no ledger): a case of many reports holds many campaigns, with their
    /// weights (how often victims of each report).
    pub spinoffs: Vec<(Campaign, u32)>,
    /// Indicators that unrelated campaigns share: shorteners, t.me,
    /// webmail, a bank's real hotline.
    pub hubs: Vec<Indicator>,
    pub victims: Vec<Victim>,
    /// How many reports `reports.jsonl` holds, to link victims to theirs.
    pub reports_total: u64,
}

struct CampaignSpec {
    compound: usize,
    scam: ScamType,
    pretext: &'static str,
    brand: &'static str,
    persona: &'static str,
    languages: &'static [&'static str],
    region: &'static str,
}

const fn spec(
    compound: usize,
    scam: ScamType,
    pretext: &'static str,
    brand: &'static str,
    persona: &'static str,
    languages: &'static [&'static str],
    region: &'static str,
) -> CampaignSpec {
    CampaignSpec { compound, scam, pretext, brand, persona, languages, region }
}

const COMPOUND_NAMES: &[&str] =
    &["Golden Lotus Park", "Jade River Compound", "Blue Orchid Tower", "Crescent Bay Resort"];

const CAMPAIGN_SPECS: &[CampaignSpec] = &[
    spec(0, ScamType::Investment, "", "BitFuture Pro", "Jessica Lim", &["en", "zh"], "USDT"),
    spec(0, ScamType::Romance, "", "GoldenFX", "Alicia Tan", &["en"], "USD"),
    spec(0, ScamType::Investment, "", "SiamGold Trade", "Khun Ploy", &["th"], "THB"),
    spec(0, ScamType::Investment, "", "Shwe Gold App", "Ko Aung", &["my"], "THB"),
    spec(1, ScamType::TaskJob, "", "ShopRank Tasks", "HR Angela", &["tl", "en"], "PHP"),
    spec(1, ScamType::Investment, "", "VinaCoin Exchange", "Chi Linh", &["vi"], "VND"),
    spec(1, ScamType::Romance, "", "HKEX Digital", "Mei Chen", &["zh"], "USDT"),
    spec(1, ScamType::Romance, "", "CoinPH Prime", "Sofia Reyes", &["tl"], "PHP"),
    spec(2, ScamType::Impersonation, "bank", "Siam Commerce Bank", "Officer Somchai", &["th"], "THB"),
    spec(2, ScamType::Impersonation, "police", "Royal Police Cyber Unit", "Pol. Lt. Wichai", &["th", "my"], "THB"),
    spec(2, ScamType::DeliveryToll, "", "ThaiPost Express", "", &["th", "en"], "THB"),
    spec(2, ScamType::Loan, "", "PinjamCepat", "Admin Rina", &["id"], "IDR"),
    spec(3, ScamType::Impersonation, "courier", "DHL Customs", "Agent Müller", &["en", "zh"], "EUR"),
    spec(3, ScamType::Sextortion, "", "", "Anna", &["en", "tl"], "USDT"),
    spec(3, ScamType::Recovery, "", "Global Asset Recovery Bureau", "Attorney Clarke", &["en", "th"], "EUR"),
    spec(3, ScamType::TaskJob, "", "TikBoost Jobs", "Mentor Dewi", &["id", "vi"], "IDR"),
    spec(1, ScamType::DeliveryToll, "", "E-Toll Services", "", &["en"], "USD"),
    spec(3, ScamType::Investment, "", "EuroQuant AI", "Dr. Lena Weber", &["en"], "EUR"),
];

fn region_index(currency: &str) -> usize {
    REGIONS.iter().position(|region| region.currency == currency).expect("campaign regions name a currency of REGIONS")
}

/// Domain-safe lower-case letters of a brand.
fn slug(brand: &str) -> String {
    brand.chars().filter(char::is_ascii_alphanumeric).map(|character| character.to_ascii_lowercase()).collect()
}

const TLDS: &[&str] = &["com", "net", "vip", "app", "top", "io", "cc", "xyz", "asia", "online"];
const PATHS: &[&str] = &["login", "app/download", "register", "invite", "member/wallet", "verify", "track", "pay"];

impl Population {
    /// `lookalike_percent` of persons get a habit that resembles a mule's.
    fn build(seed: u64, persons_total: usize, lookalike_percent: u32) -> Population {
        let mut population = Population {
            accounts: Vec::new(),
            persons: Vec::new(),
            regions: Vec::new(),
            employees: std::collections::HashMap::new(),
        };
        let total_weight: u32 = REGIONS.iter().map(|region| region.ledger_weight).sum();
        for (index, region) in REGIONS.iter().enumerate() {
            let mut dice = Dice::new(seed, "population", index as u64);
            let mut accounts = RegionAccounts::default();
            if region.ledger_weight > 0 {
                let persons = (persons_total * region.ledger_weight as usize / total_weight as usize).max(60);
                population.fill_region(&mut dice, index, persons, lookalike_percent, &mut accounts);
            }
            population.regions.push(accounts);
        }
        population
    }

    /// The next account of a region, with an identifier in the form the
    /// region's banks or chain use.
    pub(crate) fn open(&mut self, dice: &mut Dice, region: usize, kind: AccountKind) -> u32 {
        let index = self.accounts.len() as u32;
        let spec = &REGIONS[region];
        let serial = (u64::from(index) + 1).wrapping_mul(7_919_000_003) % 10_000_000_000;
        let id = match kind {
            AccountKind::Cash => format!("CASH-{}-ATM-{index:06}", spec.country),
            AccountKind::Exchange if !spec.crypto => {
                format!("EXCH-{}-{}-{index:06}", spec.country, spec.currency)
            }
            _ if spec.crypto => indicators::tron(dice).canonical,
            _ => match spec.iban_country {
                Some(country) => {
                    let bban = format!("{:08}{serial:010}", 10_000_000 + dice.below(89_999_999));
                    let check = indicators::iban_check_digits(country, &bban);
                    format!("{country}{check:02}{bban}")
                }
                None => format!("{}-{}-{serial:010}", spec.country, dice.pick(spec.banks)),
            },
        };
        self.accounts.push(Account { id, region: region as u8, kind });
        self.persons.push(None);
        index
    }

    fn fill_region(
        &mut self,
        dice: &mut Dice,
        region: usize,
        persons: usize,
        lookalike_percent: u32,
        accounts: &mut RegionAccounts,
    ) {
        let spec = &REGIONS[region];
        let unit = spec.unit();
        let count = |divisor: usize, minimum: usize| (persons / divisor).max(minimum);
        for _ in 0..count(45, 6) {
            accounts.merchants.push(self.open(dice, region, AccountKind::Merchant));
        }
        for _ in 0..count(90, 4) {
            accounts.employers.push(self.open(dice, region, AccountKind::Employer));
        }
        // A few utilities and exchanges serve a region, more as it grows: a
        // bank's book (`book_share`) draws from a population ten times the
        // demo's, where three would each bill a tenth of the country.
        for _ in 0..count(5000, 3) {
            accounts.utilities.push(self.open(dice, region, AccountKind::Utility));
        }
        for _ in 0..count(150, 4) {
            accounts.businesses.push(self.open(dice, region, AccountKind::Business));
        }
        for _ in 0..(if spec.crypto { count(2000, 8) } else { count(5000, 3) }) {
            accounts.exchanges.push(self.open(dice, region, AccountKind::Exchange));
        }
        if !spec.crypto {
            for _ in 0..count(400, 4) {
                accounts.cash.push(self.open(dice, region, AccountKind::Cash));
            }
        }
        for _ in 0..persons {
            accounts.persons.push(self.open(dice, region, AccountKind::Person));
        }
        // Employees are contiguous runs of persons, so payroll is a fan-out.
        let per_employer = persons.div_ceil(accounts.employers.len());
        for (position, &account) in accounts.persons.iter().enumerate() {
            let employer = accounts.employers[(position / per_employer).min(accounts.employers.len() - 1)];
            let salary = dice.log_range(spec.salary.0, spec.salary.1) * unit + dice.range(0, 100) * unit / 100;
            let habit = if dice.below(100) < lookalike_percent.min(100) as usize {
                let weights = LOOKALIKE_HABITS.map(|(_, weight)| weight);
                LOOKALIKE_HABITS[dice.weighted(&weights)].0
            } else {
                Habit::Ordinary
            };
            let partner = match habit {
                Habit::CryptoBuyer | Habit::Remitter => *dice.pick(&accounts.exchanges),
                Habit::SoleTrader | Habit::Landlord => *dice.pick(&accounts.businesses),
                _ => *dice.pick(&accounts.persons),
            };
            if habit == Habit::Landlord {
                accounts.landlords.push(account);
            }
            // Landlords are drawn from those seen so far, so early tenants rent from businesses.
            let landlord = match dice.below(10) {
                0..=4 => *dice.pick(&accounts.businesses),
                5..=8 if !accounts.landlords.is_empty() => *dice.pick(&accounts.landlords),
                _ => *dice.pick(&accounts.persons),
            };
            self.persons[account as usize] = Some(Person {
                account,
                salary,
                payday: [1, 15, 25, 28][employer as usize % 4],
                rent: salary * dice.range(20, 35) / 100 / unit * unit,
                rent_day: dice.range(1, 6) as u8,
                landlord,
                utility: *dice.pick(&accounts.utilities),
                utility_day: dice.range(5, 26) as u8,
                habit,
                partner,
            });
            self.employees.entry(employer).or_default().push(account);
        }
        for _ in 0..count(60, 8) {
            accounts.dedicated_mules.push(self.open(dice, region, AccountKind::Person));
        }
    }
}

/// The indicator a victim is told to pay into for a ledger account.
pub(crate) fn account_indicator(population: &Population, account: u32) -> Indicator {
    let record = &population.accounts[account as usize];
    let region = &REGIONS[usize::from(record.region)];
    let kind = if region.crypto {
        IndicatorType::Tron
    } else if region.iban_country.is_some() {
        IndicatorType::Iban
    } else {
        IndicatorType::BankAccount
    };
    let (canonical, bank) = match kind {
        IndicatorType::BankAccount => {
            let mut parts = record.id.splitn(3, '-');
            let _country = parts.next();
            let bank = parts.next().unwrap_or("");
            let bank = region.banks.iter().copied().find(|name| *name == bank);
            (parts.next().unwrap_or("").to_owned(), bank)
        }
        _ => (record.id.clone(), None),
    };
    Indicator { kind, canonical, phone: None, bank }
}

fn handle_for(dice: &mut Dice, language: &str, persona: &str, region: &Region) -> Indicator {
    let base: String = slug(persona);
    let base = if base.is_empty() { "support".to_owned() } else { base };
    let name = format!("{base}{}", dice.range(10, 999));
    let kind = match language {
        "th" => IndicatorType::Line,
        "tl" | "id" | "en" if dice.chance(0.5) => IndicatorType::WhatsApp,
        _ => IndicatorType::Telegram,
    };
    match kind {
        IndicatorType::WhatsApp => Indicator { kind, ..indicators::phone(dice, region.phone) },
        _ => Indicator { kind, canonical: name, phone: None, bank: None },
    }
}

fn url(host: &str, path: &str) -> Indicator {
    Indicator { kind: IndicatorType::Url, canonical: format!("https://{host}/{path}"), phone: None, bank: None }
}

fn email(address: String) -> Indicator {
    Indicator { kind: IndicatorType::Email, canonical: address, phone: None, bank: None }
}

/// The shortener, t.me, webmail and hotline hubs.
pub(crate) const HUB_DOMAINS: &[&str] = &["bit.ly", "tinyurl.com", "t.me", "gmail.com", "outlook.com"];

/// The real hotline of the (fictional) bank that impersonators name; it
/// appears in reports of unrelated campaigns.
pub(crate) const BANK_HOTLINE: &str = "+6627777777";

fn short_code(dice: &mut Dice) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..7).map(|_| char::from(*dice.pick(ALPHABET))).collect()
}

impl World {
    pub(crate) fn build(config: &GenerateConfig) -> World {
        let seed = config.seed;
        let start = config.start.timestamp().div_euclid(DAY) * DAY;
        let days = config.days.max(7);
        let background = config.transactions.max(1000);
        // A bank holding a share of the accounts sees about that share of
        // the economy's rows per account it holds: the economy grows so that
        // the rows asked for spread over as many of its own customers.
        let persons_total = ((background / 80).max(400) * 100 / u64::from(config.book_share.clamp(1, 100))) as usize;
        let mut population = Population::build(seed, persons_total, config.lookalikes);
        let victims_total = (config.transactions / 400).max(40) as usize;

        let mut compounds: Vec<Compound> = COMPOUND_NAMES
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let mut dice = Dice::new(seed, "compound", index as u64);
                let shared = vec![
                    indicators::tron(&mut dice),
                    indicators::eth(&mut dice),
                    indicators::btc(&mut dice),
                    Indicator {
                        kind: IndicatorType::Telegram,
                        canonical: format!("{}_cs{}", slug(name).get(..6).unwrap_or("team"), dice.range(10, 99)),
                        phone: None,
                        bank: None,
                    },
                    indicators::phone(&mut dice, REGIONS[region_index("USDT")].phone),
                ];
                Compound { id: format!("CPD-{}", index + 1), shared, shared_layers: Vec::new() }
            })
            .collect();

        let victims_per_campaign = victims_total / CAMPAIGN_SPECS.len() + 1;
        let mules_per_campaign = (victims_per_campaign / 6).clamp(5, 400);
        // Each compound keeps a few layer mules that all its campaigns use.
        for (index, compound) in compounds.iter_mut().enumerate() {
            let mut dice = Dice::new(seed, "compound-mules", index as u64);
            let mut regions: Vec<usize> = CAMPAIGN_SPECS
                .iter()
                .filter(|spec| spec.compound == index)
                .map(|spec| region_index(spec.region))
                .collect();
            regions.dedup();
            for region in regions {
                for _ in 0..3 {
                    let account = take_mule(&mut dice, &mut population, region);
                    compound.shared_layers.push(account);
                }
            }
        }

        let mut campaigns = Vec::new();
        for (index, spec) in CAMPAIGN_SPECS.iter().enumerate() {
            let mut dice = Dice::new(seed, "campaign", index as u64);
            let region = region_index(spec.region);
            let first = dice.range(0, i64::from(days) / 2) as u32;
            let last = (first + dice.range(i64::from(days) / 3, i64::from(days)) as u32).min(days);
            let mut layers: Vec<u32> =
                (0..mules_per_campaign).map(|_| take_mule(&mut dice, &mut population, region)).collect();
            layers.extend(
                compounds[spec.compound]
                    .shared_layers
                    .iter()
                    .copied()
                    .filter(|&account| usize::from(population.accounts[account as usize].region) == region),
            );
            let cashouts: Vec<u32> =
                (0..mules_per_campaign.div_ceil(2)).map(|_| take_mule(&mut dice, &mut population, region)).collect();
            let phases = build_phases(
                &mut dice,
                spec,
                Names { brand: spec.brand, persona: spec.persona },
                &compounds[spec.compound],
                &mut population,
                region,
                first,
                last,
                mules_per_campaign,
                true,
            );
            campaigns.push(Campaign {
                id: format!("CMP-{:02}", index + 1),
                compound: spec.compound,
                scam: spec.scam,
                pretext: spec.pretext,
                brand: spec.brand.to_owned(),
                persona: spec.persona.to_owned(),
                languages: spec.languages,
                region,
                phases,
                layers,
                cashouts,
            });
        }

        let spinoffs = build_spinoffs(seed, config.reports, days, &compounds, &mut population);

        let mut hub_dice = Dice::new(seed, "hubs", 0);
        let hubs = vec![
            url("bit.ly", &short_code(&mut hub_dice)),
            url("tinyurl.com", &short_code(&mut hub_dice)),
            url("t.me", &format!("+{}", short_code(&mut hub_dice))),
            email(format!("support.desk{}@gmail.com", hub_dice.range(10, 99))),
            Indicator {
                kind: IndicatorType::Phone,
                canonical: BANK_HOTLINE.to_owned(),
                phone: Some(REGIONS[0].phone),
                bank: None,
            },
        ];

        let victims =
            (0..victims_total).map(|index| plan_victim(seed, index, &campaigns, &population, start, days)).collect();

        World { start, days, population, compounds, campaigns, spinoffs, hubs, victims, reports_total: config.reports }
    }
}

/// Reports per spin-off campaign, on average.
const REPORTS_PER_SPINOFF: u64 = 2_500;

/// Syllables of made-up brand names and surnames.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ven", "tor", "za", "rex", "qu", "an", "bel", "cor", "dax", "el", "fin", "gra", "hal", "ix",
    "jo", "lum", "mar", "nex", "or", "pra", "sol", "tri", "ul", "vo", "wen", "xa", "yor",
];
const BRAND_WORDS: &[&str] =
    &["Trade", "Capital", "FX", "Coin", "Markets", "Wealth", "Exchange", "Global", "Pro", "Invest", "Jobs", "Express"];
const GIVEN_NAMES: &[&str] = &[
    "Jessica", "Alicia", "Mei", "Sofia", "Linda", "Grace", "Kevin", "David", "Nina", "Lisa", "Emma", "Jenny",
    "Michael", "Daniel", "Amy", "Helen", "Ryan", "Cindy", "Vivian", "Eric",
];
const TITLES: &[&str] = &["", "", "", "Dr.", "Mentor", "Officer", "Agent", "Teacher", "Admin"];

/// A made-up word of two or three syllables, capitalized.
fn coined(dice: &mut Dice) -> String {
    let syllables = 2 + dice.below(2);
    let word: String = (0..syllables).map(|_| *dice.pick(SYLLABLES)).collect();
    let mut characters = word.chars();
    characters.next().map(|first| first.to_uppercase().chain(characters).collect()).unwrap_or_default()
}

/// Spin-off campaigns: each copies the kind of operation of a campaign of
/// the plan (compound, scam type, languages, region) under its own brand,
/// persona and indicators, and draws a weight from 1 to 16 (log-uniform),
/// so campaign sizes differ by an order of magnitude.
fn build_spinoffs(
    seed: u64,
    reports: u64,
    days: u32,
    compounds: &[Compound],
    population: &mut Population,
) -> Vec<(Campaign, u32)> {
    // Every operation coins its own name: two syllables of thirty give
    // only 900 words, and unrelated operations sharing one would be a
    // coincidence the generator makes, not one the world does.
    let mut taken: std::collections::HashSet<String> =
        CAMPAIGN_SPECS.iter().filter_map(|spec| spec.brand.split_whitespace().next()).map(str::to_owned).collect();
    (0..reports / REPORTS_PER_SPINOFF)
        .map(|index| {
            let mut dice = Dice::new(seed, "spinoff", index);
            let model = dice.pick(CAMPAIGN_SPECS);
            // A name taken grows by a syllable until it is new: this ends
            // however many operations a case has.
            let mut name = coined(&mut dice);
            while !taken.insert(name.clone()) {
                name.push_str(dice.word(SYLLABLES));
            }
            let brand = format!("{name} {}", dice.word(BRAND_WORDS));
            let persona = if model.persona.is_empty() {
                String::new()
            } else {
                let title = dice.word(TITLES);
                format!("{title} {} {}", dice.word(GIVEN_NAMES), coined(&mut dice)).trim().to_owned()
            };
            let spec = CampaignSpec { brand: "", persona: "", ..*model };
            let region = region_index(spec.region);
            let first = dice.range(0, i64::from(days) / 2) as u32;
            let last = (first + dice.range(i64::from(days) / 6, i64::from(days) / 2) as u32).min(days);
            // The spin-off's sites and handles are on its own brand and
            // persona, not on those of the plan campaign it copies.
            let names = Names { brand: &brand, persona: &persona };
            let phases = build_phases(
                &mut dice,
                &spec,
                names,
                &compounds[spec.compound],
                population,
                region,
                first,
                last,
                10,
                false,
            );
            let weight = dice.log_range(1, 16) as u32;
            let campaign = Campaign {
                id: format!("CMP-S{:04}", index + 1),
                compound: spec.compound,
                scam: spec.scam,
                pretext: spec.pretext,
                brand,
                persona,
                languages: spec.languages,
                region,
                phases,
                layers: Vec::new(),
                cashouts: Vec::new(),
            };
            (campaign, weight)
        })
        .collect()
}

/// A mule account of the region: half are ordinary persons who also live
/// normal financial lives, half accounts opened for the purpose.
fn take_mule(dice: &mut Dice, population: &mut Population, region: usize) -> u32 {
    if dice.chance(0.5) {
        *dice.pick(&population.regions[region].persons)
    } else {
        let account = population.open(dice, region, AccountKind::Person);
        population.regions[region].dedicated_mules.push(account);
        account
    }
}

/// The brand and persona a campaign's indicators are built on.
#[derive(Clone, Copy)]
struct Names<'a> {
    brand: &'a str,
    persona: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn build_phases(
    dice: &mut Dice,
    spec: &CampaignSpec,
    names: Names<'_>,
    compound: &Compound,
    population: &mut Population,
    region: usize,
    first: u32,
    last: u32,
    mules: usize,
    // Whether the phase collects into ledger accounts (campaigns of the plan).
    open_accounts: bool,
) -> Vec<Phase> {
    let region_spec = &REGIONS[region];
    let language = spec.languages[0];
    let phone_region = &REGIONS[region_of_language(dice, language)];
    // An operation without a brand still registers its own sites (under a
    // coined name): one real domain is never shared by unrelated operations.
    let root = if names.brand.is_empty() { format!("{}chat", slug(&coined(dice))) } else { slug(names.brand) };
    let mut phases: Vec<Phase> = Vec::new();
    let mut day = first;
    let mut carried: Option<Indicator> = None;
    while day < last || phases.is_empty() {
        let length = dice.range(14, 40) as u32;
        let to_day = (day + length).min(last.max(day + 1));
        let mut found = Vec::new();
        found.push(indicators::phone(dice, phone_region.phone));
        if dice.chance(0.4) {
            found.push(indicators::phone(dice, REGIONS[region_index("USDT")].phone));
        }
        let host = match dice.below(3) {
            0 => format!("{root}.{}", dice.pick(TLDS)),
            1 => format!("{root}-{}.{}", dice.range(1, 99), dice.pick(TLDS)),
            _ => format!("{}{root}.{}", dice.pick(&["my", "get", "app", "go"]), dice.pick(TLDS)),
        };
        found.push(url(&host, dice.word(PATHS)));
        if dice.chance(0.5) {
            found.push(email(format!("support@{host}")));
        } else {
            let user = format!("{}{}", slug(names.persona).get(..5).unwrap_or("help"), dice.range(1, 999));
            found.push(email(format!("{user}@{}", dice.pick(&["gmail.com", "outlook.com", "yahoo.com"]))));
        }
        found.push(handle_for(dice, language, names.persona, phone_region));
        match spec.scam {
            ScamType::Investment | ScamType::Romance | ScamType::Recovery | ScamType::Sextortion => {
                found.push(indicators::tron(dice));
                found.push(if dice.chance(0.5) { indicators::eth(dice) } else { indicators::btc(dice) });
            }
            ScamType::DeliveryToll => found.push(indicators::card(dice)),
            _ => {}
        }
        if let Some(previous) = carried.take() {
            found.push(previous);
        }
        if dice.chance(0.35) {
            found.push(dice.pick(&compound.shared).clone());
        }
        if dice.chance(0.5) {
            carried = found.iter().find(|value| value.kind != IndicatorType::Url).cloned();
        }
        let collection_count = 1 + usize::from(mules > 20) + dice.below(2);
        // Spin-offs keep their collection accounts out of the ledger: drawn
        // from its persons, they would be shared by chance between
        // unrelated operations.
        let collection: Vec<u32> = if open_accounts {
            (0..collection_count).map(|_| take_mule(dice, population, region)).collect()
        } else {
            Vec::new()
        };
        for &account in &collection {
            found.push(account_indicator(population, account));
        }
        if region_spec.iban_country.is_some() && dice.chance(0.5) {
            let country = *dice.pick(&["LT", "NL", "IE", "FR"]);
            found.push(indicators::iban(dice, country));
        }
        phases.push(Phase { from_day: day, to_day, indicators: found, collection });
        day = to_day;
    }
    phases
}

fn plan_victim(
    seed: u64,
    index: usize,
    campaigns: &[Campaign],
    population: &Population,
    start: i64,
    days: u32,
) -> Victim {
    let mut dice = Dice::new(seed, "victim", index as u64);
    let campaign_index = dice.below(campaigns.len());
    let campaign = &campaigns[campaign_index];
    let region = &REGIONS[campaign.region];
    let account = *dice.pick(&population.regions[campaign.region].persons);
    let unit = region.unit();
    let (count, low, high) = match campaign.scam {
        ScamType::Investment | ScamType::Romance => (dice.range(2, 7), 0.3, 4.0),
        ScamType::TaskJob | ScamType::Recovery => (dice.range(2, 5), 0.1, 1.5),
        ScamType::Sextortion | ScamType::Loan => (dice.range(1, 3), 0.05, 0.6),
        _ => (1, 0.02, 1.5),
    };
    let salary_mid = (region.salary.0 + region.salary.1) / 2;
    let first_day = campaign.first_day();
    let span = campaign.last_day().saturating_sub(first_day).max(1);
    // Payments stop two days before the ledger ends so that their
    // laundering is in the ledger too.
    let latest_day = i64::from(days).saturating_sub(3).max(0);
    let mut day = (i64::from(first_day) + dice.range(0, i64::from(span))).min(latest_day);
    let mut time = start + day * DAY + dice.range(7 * 3600, 22 * 3600);
    let mut payments = Vec::new();
    let mut scale = 1.0;
    for _ in 0..count {
        if day > latest_day {
            break;
        }
        let whole = (salary_mid as f64 * (low + (high - low) * dice.range(0, 1000) as f64 / 1000.0) * scale) as i64;
        let amount = (whole.max(1) * unit / 10 * 10).max(unit);
        let phase = campaign.phase_at(day.max(0) as u32);
        payments.push(PlannedPayment { time, amount, collection: *dice.pick(&phase.collection) });
        scale *= 1.3;
        let gap = dice.range(1, 9);
        day += gap;
        time += gap * DAY + dice.range(-3 * 3600, 3 * 3600);
    }
    Victim { campaign: campaign_index, account, payments }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_decimals_match_the_currency_table() {
        for region in REGIONS {
            assert_eq!(region.minor_units, region.currency().minor_units(), "{}", region.currency);
        }
    }
}
