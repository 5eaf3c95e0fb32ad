//! The raid's detained workers, for humanitarian screening (issue 24):
//! `screening/sheet.csv` (an offline screening sheet in the
//! `crackdown-screening` schema, questionnaire v1), one CSV of seized
//! identifiers per person whose phone or accounts were seized
//! (`screening/seized/PSEUDONYM.csv`, `kind,value,note`), and
//! `truth/detainees.csv`.
//!
//! Why this cast: most workers of a scam compound are trafficked — deceived
//! by a job offer, fined against quotas, their passports held, confined —
//! and were made to send the compound's scripts from phones the compound
//! owns; a few organise (recruit for a commission, run a floor, handle the
//! money). So most people here answer with victim indicators and carry a
//! work phone that the victim reports name; the organisers answer with role
//! signals and one of them carries an account victims paid into. Two are
//! both (a worker made team leader), and one interview is cut short: the
//! screener must weigh those, which is what the demo is for.
//!
//! Everything is synthetic and pseudonymous (`D-2025-0001`…), drawn from
//! the seed like the rest of the case, and small: a screening team's first
//! day after a raid, not a census.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use crate::indicators::{self, Indicator, IndicatorType};
use crate::random::Dice;
use crate::world::{REGIONS, World, account_indicator};
use crate::{GenerateError, create};

/// People detained in the raid.
pub const DETAINEES: usize = 24;
/// How many of them organised (recruiting, a floor, the money).
const ORGANISERS: usize = 4;
/// Workers made to lead a team: victim indicators and a role signal.
const FORCED_LEADERS: usize = 2;
/// Interviews cut short (a few answers only).
const CUT_SHORT: usize = 1;

/// The questions the sheet has a column for, in column order.
const QUESTIONS: [&str; 20] = [
    "q_job_different",
    "q_wages_lied",
    "q_transport_debt",
    "q_sold",
    "q_hours_per_day",
    "q_no_days_off",
    "q_quota_fines",
    "q_little_or_no_pay",
    "q_passport_held",
    "q_confined",
    "q_phone_controlled",
    "q_punished_violently",
    "q_threatened",
    "q_scripts",
    "q_recruited_others",
    "q_recruit_commission",
    "q_team_leader",
    "q_handled_money",
    "q_share_of_proceeds",
    "q_returned_voluntarily",
];

/// The yes/no victim indicators a worker may report beyond the core ones,
/// each with how often.
const VICTIM_EXTRAS: [(&str, f64); 9] = [
    ("q_transport_debt", 0.6),
    ("q_sold", 0.25),
    ("q_no_days_off", 0.6),
    ("q_little_or_no_pay", 0.5),
    ("q_phone_controlled", 0.7),
    ("q_punished_violently", 0.35),
    ("q_threatened", 0.55),
    ("q_scripts", 0.8),
    ("q_passport_held", 0.8),
];

/// Where workers come from: nationality, interview language, languages spoken.
const ORIGINS: [(&str, &str, &str); 6] = [
    ("MM", "my", "my"),
    ("CN", "zh", "zh"),
    ("VN", "vi", "vi"),
    ("ID", "id", "id;en"),
    ("PH", "tl", "fil;en"),
    ("TH", "th", "th"),
];

/// What a detainee was, for the truth file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Victim,
    ForcedLeader,
    CutShort,
    Recruiter,
    FloorManager,
    MoneyHandler,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Victim => "victim",
            Role::ForcedLeader => "victim_made_team_leader",
            Role::CutShort => "interview_cut_short",
            Role::Recruiter => "organiser_recruiter",
            Role::FloorManager => "organiser_floor_manager",
            Role::MoneyHandler => "organiser_money_handler",
        }
    }

    /// The n-th detainee's role: organisers and the special cases spread
    /// through the list, victims everywhere else.
    fn of(index: usize) -> Role {
        const ORGANISER_ROLES: [Role; ORGANISERS] =
            [Role::Recruiter, Role::FloorManager, Role::MoneyHandler, Role::MoneyHandler];
        match index {
            _ if index % 6 == 5 && index / 6 < ORGANISERS => ORGANISER_ROLES[index / 6],
            _ if index % 11 == 3 && index / 11 < FORCED_LEADERS => Role::ForcedLeader,
            _ if index == 20 && CUT_SHORT > 0 => Role::CutShort,
            _ => Role::Victim,
        }
    }
}

/// One seized identifier: the CSV's kind, the value as written, and a note.
struct SeizedValue {
    kind: &'static str,
    value: String,
    note: &'static str,
}

/// What was written.
pub(crate) struct DetaineeCounts {
    pub detainees: u64,
    pub seized_files: u64,
    pub files: Vec<std::path::PathBuf>,
}

/// Writes the sheet, the seized identifiers and the truth file.
/// `named_contacts`: the campaign phones and handles the reports name, so
/// a seized work phone is one the victims' reports know.
pub(crate) fn write_detainees(
    world: &World,
    seed: u64,
    named_contacts: &HashSet<String>,
    dir: &Path,
) -> Result<DetaineeCounts, GenerateError> {
    const SHEET: &str = "screening/sheet.csv";
    const TRUTH: &str = "truth/detainees.csv";
    let mut sheet = create(dir, SHEET)?;
    let mut truth = create(dir, TRUTH)?;
    let io_sheet = |source| GenerateError::io(SHEET, source);
    let io_truth = |source| GenerateError::io(TRUTH, source);
    let header = "questionnaire,person,interview,held_on,language,interviewer,interpreter,age_band,nationality,\
                  languages,documents,facility,detained_on,consents";
    writeln!(sheet, "{header},{}", QUESTIONS.join(",")).map_err(io_sheet)?;
    writeln!(truth, "person,role,campaign_id,seized").map_err(io_truth)?;
    let mut counts = DetaineeCounts { detainees: 0, seized_files: 0, files: vec![SHEET.into(), TRUTH.into()] };
    // Campaigns whose victims paid through the ledger: their collection
    // accounts are where a money handler's seized account shows up.
    let paid: Vec<usize> = (0..world.campaigns.len())
        .filter(|&campaign| {
            world.victims.iter().any(|victim| victim.campaign == campaign && !victim.payments.is_empty())
        })
        .collect();
    // The contacts of each campaign that its reports name.
    let contacts: Vec<Vec<&Indicator>> = world
        .campaigns
        .iter()
        .map(|campaign| {
            let mut named: Vec<&Indicator> = campaign
                .phases
                .iter()
                .flat_map(|phase| &phase.indicators)
                .filter(|value| matches!(value.kind, IndicatorType::Phone | IndicatorType::Telegram))
                .filter(|value| named_contacts.contains(&value.canonical))
                .collect();
            named.dedup_by(|a, b| a.canonical == b.canonical);
            named
        })
        .collect();
    let floors: Vec<usize> = (0..world.campaigns.len()).filter(|&campaign| !contacts[campaign].is_empty()).collect();
    for index in 0..DETAINEES {
        let mut dice = Dice::new(seed, "detainee", index as u64);
        let role = Role::of(index);
        let pseudonym = format!("D-2025-{:04}", index + 1);
        let (nationality, language, languages) = *dice.pick(&ORIGINS);
        // The floor they worked: a campaign victims paid through for a money
        // handler, otherwise one whose phones the reports name.
        let campaign_index = if role == Role::MoneyHandler && !paid.is_empty() {
            *dice.pick(&paid)
        } else if !floors.is_empty() {
            *dice.pick(&floors)
        } else {
            dice.below(world.campaigns.len())
        };
        let answers = answers(&mut dice, role);
        let passport = if answers.iter().any(|(question, answer)| *question == "q_passport_held" && answer == "yes") {
            "passport:confiscated"
        } else {
            *dice.pick(&["passport:held", "passport:lost;national_id:held"])
        };
        let age_band = *dice.pick(&["18_24", "18_24", "25_34", "25_34", "35_44"]);
        let consents = match dice.below(4) {
            0 => "screening",
            1 => "screening;referral",
            _ => "screening;referral;case_export@Shelter Foundation",
        };
        let interviewer = *dice.pick(&["screener.mya", "screener.lin", "screener.dao"]);
        // A language other than the screener's needs an interpreter.
        let interpreter = if language == "th" { "no" } else { "yes" };
        let held_on = format!("2025-07-{:02}", 3 + index / 8);
        let cells: Vec<String> = QUESTIONS
            .iter()
            .map(|question| {
                answers.iter().find(|(asked, _)| asked == question).map_or_else(String::new, |(_, a)| a.clone())
            })
            .collect();
        writeln!(
            sheet,
            "v1,{pseudonym},IV-{:04},{held_on},{language},{interviewer},{interpreter},{age_band},{nationality},\
             {languages},{passport},Mae Sot immigration detention centre,2025-07-02,{consents},{}",
            index + 1,
            cells.join(",")
        )
        .map_err(io_sheet)?;

        let seized = seized_values(&mut dice, world, &contacts[campaign_index], campaign_index, role, nationality);
        let campaign_id = &world.campaigns[campaign_index].id;
        if !seized.is_empty() {
            let relative = format!("screening/seized/{pseudonym}.csv");
            let mut out = create(dir, &relative)?;
            let io = |source| GenerateError::io(&relative, source);
            writeln!(out, "kind,value,note").map_err(io)?;
            for value in &seized {
                writeln!(out, "{},{},{}", value.kind, value.value, value.note).map_err(io)?;
            }
            out.flush().map_err(io)?;
            counts.seized_files += 1;
            counts.files.push(relative.into());
        }
        let listed: Vec<&str> = seized.iter().map(|value| value.value.as_str()).collect();
        writeln!(truth, "{pseudonym},{},{campaign_id},{}", role.as_str(), listed.join(";")).map_err(io_truth)?;
        counts.detainees += 1;
    }
    sheet.flush().map_err(io_sheet)?;
    truth.flush().map_err(io_truth)?;
    Ok(counts)
}

/// The interview's answers (question id, answer as the sheet writes it).
fn answers(dice: &mut Dice, role: Role) -> Vec<(&'static str, String)> {
    let yes = |question: &'static str| (question, "yes".to_owned());
    let no = |question: &'static str| (question, "no".to_owned());
    let hours = |dice: &mut Dice, low: i64, high: i64| ("q_hours_per_day", dice.range(low, high).to_string());
    match role {
        Role::Victim | Role::ForcedLeader => {
            // Deceived about the job, fined against quotas, confined: the core of
            // what survivors of the compounds report.
            let mut given = vec![yes("q_job_different"), hours(dice, 13, 19), yes("q_quota_fines"), yes("q_confined")];
            // Most were also lied to about the pay; those who were not need a
            // second recruitment indicator before the ILO combination is met.
            if dice.chance(0.8) {
                given.push(yes("q_wages_lied"));
            }
            for (question, rate) in VICTIM_EXTRAS {
                if dice.chance(rate) {
                    given.push(yes(question));
                }
            }
            if role == Role::ForcedLeader {
                given.push(yes("q_team_leader"));
                given.push(no("q_share_of_proceeds"));
            } else {
                given.push(no("q_recruited_others"));
            }
            given
        }
        Role::CutShort => vec![yes("q_job_different"), hours(dice, 12, 15)],
        Role::Recruiter | Role::FloorManager | Role::MoneyHandler => {
            let mut given = vec![
                no("q_job_different"),
                no("q_passport_held"),
                no("q_confined"),
                hours(dice, 8, 11),
                yes("q_share_of_proceeds"),
            ];
            given.push(match role {
                Role::Recruiter => yes("q_recruit_commission"),
                Role::FloorManager => yes("q_team_leader"),
                _ => yes("q_handled_money"),
            });
            given.push(match role {
                Role::Recruiter => yes("q_recruited_others"),
                _ => ("q_returned_voluntarily", (if dice.chance(0.5) { "yes" } else { "no" }).to_owned()),
            });
            given
        }
    }
}

/// What was seized from the person: the compound's work phone or handle
/// the campaign's victims were contacted from (so evidence finds their
/// reports), a collection account victims paid into for a money handler,
/// and for some the person's own phone, which appears nowhere.
fn seized_values(
    dice: &mut Dice,
    world: &World,
    contact: &[&Indicator],
    campaign_index: usize,
    role: Role,
    nationality: &str,
) -> Vec<SeizedValue> {
    let mut seized = Vec::new();
    let carries_work_phone = match role {
        Role::CutShort => false,
        Role::Victim => dice.chance(0.75),
        _ => true,
    };
    if carries_work_phone && !contact.is_empty() {
        let value = *dice.pick(contact);
        let note = if role == Role::Victim || role == Role::ForcedLeader {
            "phone handed out on the floor"
        } else {
            "phone found on the person"
        };
        seized.push(match value.kind {
            IndicatorType::Telegram => SeizedValue { kind: "handle", value: format!("@{}", value.canonical), note },
            _ => SeizedValue { kind: "phone", value: value.canonical.clone(), note },
        });
    }
    if role == Role::MoneyHandler {
        let collected: Vec<u32> = world
            .victims
            .iter()
            .filter(|victim| victim.campaign == campaign_index)
            .flat_map(|victim| victim.payments.iter().map(|payment| payment.collection))
            .collect();
        if !collected.is_empty() {
            let chosen = *dice.pick(&collected);
            let account = account_indicator(&world.population, chosen);
            let (kind, value) = match account.kind {
                IndicatorType::Tron => ("wallet", account.canonical),
                IndicatorType::Iban => ("iban", account.canonical),
                // The ledger's own label for a domestic account.
                _ => ("account", world.population.accounts[chosen as usize].id.clone()),
            };
            seized.push(SeizedValue { kind, value, note: "banking app logged in on the seized phone" });
        }
    }
    if dice.chance(0.5)
        && let Some(region) = REGIONS.iter().find(|region| region.country == nationality)
    {
        let own = indicators::phone(dice, region.phone);
        seized.push(SeizedValue { kind: "phone", value: own.canonical, note: "own phone" });
    }
    seized
}

#[cfg(test)]
mod tests {
    use super::{DETAINEES, ORGANISERS, Role};

    #[test]
    fn most_detainees_are_victims_and_the_organisers_are_few() {
        let roles: Vec<Role> = (0..DETAINEES).map(Role::of).collect();
        let organisers = roles
            .iter()
            .filter(|role| matches!(role, Role::Recruiter | Role::FloorManager | Role::MoneyHandler))
            .count();
        assert_eq!(organisers, ORGANISERS);
        assert_eq!(roles.iter().filter(|role| **role == Role::ForcedLeader).count(), 2);
        assert!(roles.iter().filter(|role| **role == Role::Victim).count() >= DETAINEES * 2 / 3);
    }
}
