//! Offline screening sheets: the CSV field teams fill in where there is no
//! network (a spreadsheet on a laptop, or paper forms typed up later), one
//! row per person interviewed. The schema is documented in README.md
//! ("Offline screening sheets").
//!
//! A sheet is imported whole or not at all: every error of every row is
//! collected (up to [`MAX_ERRORS`]) and nothing is returned unless there is
//! none, because half a sheet imported is a team that believes it screened
//! people it did not.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::language::Language;
use crate::person::{
    AgeBand, AnswerValue, Consent, ConsentScope, Document, DocumentKind, DocumentStatus, FieldError, Interview, Person,
    check_pseudonym, normalize_country, normalize_language_tag,
};
use crate::questionnaire::Questionnaire;

/// Errors collected before giving up on a sheet (the rest are counted).
pub const MAX_ERRORS: usize = 100;
/// Longest accepted cell, in bytes: notes are short by design.
pub const MAX_CELL: usize = 4096;
/// Most rows in one sheet.
pub const MAX_ROWS: usize = 100_000;

const REQUIRED: [&str; 8] =
    ["questionnaire", "person", "interview", "held_on", "language", "interviewer", "age_band", "facility"];
const OPTIONAL: [&str; 6] = ["interpreter", "nationality", "languages", "documents", "detained_on", "consents"];
const NOTE_PREFIX: &str = "note:";

/// One person's row, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRecord {
    /// The line the row starts on.
    pub line: u64,
    /// The person record.
    pub person: Person,
    /// The interview with its answers.
    pub interview: Interview,
}

/// One problem: the line, the column (header name) and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column:?}: {reason}")]
pub struct SheetError {
    /// 1-based line of the row (1 is the header).
    pub line: u64,
    /// The column's header name (or `-` for the row itself).
    pub column: String,
    /// What is wrong.
    pub reason: String,
}

/// Every problem of a refused sheet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {} error(s), nothing imported; first: {}", self.total, self.errors.first().map_or_else(String::new, ToString::to_string))]
pub struct SheetErrors {
    /// The file's name, as given.
    pub file: String,
    /// The first [`MAX_ERRORS`] errors, in file order.
    pub errors: Vec<SheetError>,
    /// How many errors there were in all.
    pub total: usize,
}

struct Collector {
    errors: Vec<SheetError>,
    total: usize,
}

impl Collector {
    fn push(&mut self, line: u64, column: &str, reason: impl Into<String>) {
        self.total += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(SheetError { line, column: column.to_owned(), reason: reason.into() });
        }
    }
}

enum Column {
    Field(&'static str),
    Question(String),
    Note(String),
}

/// Parses a whole sheet against `questionnaire`; `file` names it in errors.
pub fn parse_sheet(data: &[u8], file: &str, questionnaire: &Questionnaire) -> Result<Vec<SheetRecord>, SheetErrors> {
    let mut errors = Collector { errors: Vec::new(), total: 0 };
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
    let mut rows = reader.byte_records();
    let refuse = |errors: Collector| SheetErrors { file: file.to_owned(), errors: errors.errors, total: errors.total };

    let columns = match rows.next() {
        None => {
            errors.push(1, "-", "the sheet is empty: the first line must name the columns");
            return Err(refuse(errors));
        }
        Some(Err(error)) => {
            errors.push(1, "-", format!("unreadable header: {error}"));
            return Err(refuse(errors));
        }
        Some(Ok(header)) => header_columns(&header, questionnaire, &mut errors),
    };
    if errors.total > 0 {
        return Err(refuse(errors));
    }

    let mut records = Vec::new();
    let mut people = BTreeSet::new();
    let mut interviews = BTreeSet::new();
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                errors.push(line, "-", format!("unreadable row: {error}"));
                break;
            }
        };
        let line = row.position().map_or(0, csv::Position::line);
        if records.len() + errors.total >= MAX_ROWS {
            errors.push(line, "-", format!("more than {MAX_ROWS} rows: split the sheet"));
            break;
        }
        if row.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if row.len() != columns.len() {
            errors.push(line, "-", format!("{} cells, the header has {}", row.len(), columns.len()));
            continue;
        }
        let before = errors.total;
        if let Some(record) = parse_row(line, &row, &columns, questionnaire, &mut errors) {
            if !people.insert(record.person.pseudonym.clone()) {
                errors.push(line, "person", format!("{:?} appears twice in this sheet", record.person.pseudonym));
            }
            if !interviews.insert(record.interview.id.clone()) {
                errors.push(line, "interview", format!("{:?} appears twice in this sheet", record.interview.id));
            }
            if errors.total == before {
                records.push(record);
            }
        }
    }
    if errors.total > 0 { Err(refuse(errors)) } else { Ok(records) }
}

fn header_columns(header: &csv::ByteRecord, questionnaire: &Questionnaire, errors: &mut Collector) -> Vec<Column> {
    let mut columns = Vec::new();
    let mut seen = BTreeSet::new();
    for cell in header {
        let Ok(name) = std::str::from_utf8(cell) else {
            errors.push(1, "-", "a column name is not UTF-8");
            continue;
        };
        let name = name.trim();
        if !seen.insert(name.to_owned()) {
            errors.push(1, name, "the column appears twice");
            continue;
        }
        let column = if let Some(field) = REQUIRED.iter().chain(OPTIONAL.iter()).find(|field| **field == name) {
            Column::Field(field)
        } else if let Some(question) = name.strip_prefix(NOTE_PREFIX) {
            if questionnaire.question(question).is_none() {
                errors.push(1, name, format!("no question {question:?} in questionnaire {}", questionnaire.version));
            }
            Column::Note(question.to_owned())
        } else if questionnaire.question(name).is_some() {
            Column::Question(name.to_owned())
        } else {
            errors.push(
                1,
                name,
                format!("unknown column (not a field, a question of {} or note:QUESTION)", questionnaire.version),
            );
            continue;
        };
        columns.push(column);
    }
    for required in REQUIRED {
        if !seen.contains(required) {
            errors.push(1, required, "required column is missing");
        }
    }
    columns
}

fn parse_row(
    line: u64,
    row: &csv::ByteRecord,
    columns: &[Column],
    questionnaire: &Questionnaire,
    errors: &mut Collector,
) -> Option<SheetRecord> {
    let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
    let mut answers: Vec<(&str, &str)> = Vec::new();
    let mut notes: BTreeMap<&str, &str> = BTreeMap::new();
    let before = errors.total;
    for (column, cell) in columns.iter().zip(row) {
        let name = match column {
            Column::Field(name) => (*name).to_owned(),
            Column::Question(id) => id.clone(),
            Column::Note(id) => format!("{NOTE_PREFIX}{id}"),
        };
        let Ok(text) = std::str::from_utf8(cell) else {
            errors.push(line, &name, "not valid UTF-8 (save the sheet as UTF-8 CSV)");
            continue;
        };
        if text.len() > MAX_CELL {
            errors.push(line, &name, format!("longer than {MAX_CELL} bytes"));
            continue;
        }
        let text = text.trim();
        match column {
            Column::Field(name) => {
                fields.insert(name, text);
            }
            Column::Question(id) if !text.is_empty() => answers.push((id.as_str(), text)),
            Column::Note(id) if !text.is_empty() => {
                notes.insert(id.as_str(), text);
            }
            _ => {}
        }
    }
    if errors.total > before {
        return None;
    }
    let field = |name: &str| fields.get(name).copied().unwrap_or("");
    let mut check = |column: &str, result: Result<(), FieldError>| {
        if let Err(error) = result {
            errors.push(line, column, error.reason);
        }
    };

    let version = field("questionnaire");
    if version != questionnaire.version {
        check(
            "questionnaire",
            Err(FieldError::new("questionnaire", format!("{version:?} is not {}", questionnaire.version))),
        );
    }
    let pseudonym = field("person");
    check("person", check_pseudonym(pseudonym));
    let held_on = parse_date(field("held_on"), "held_on");
    let language = field("language").parse::<Language>().map_err(|reason| FieldError::new("language", reason));
    let age_band = parse_age_band(field("age_band"));
    let nationality = match field("nationality") {
        "" => Ok(None),
        text => normalize_country(text).map(Some),
    };
    let languages: Result<Vec<String>, FieldError> =
        split_list(field("languages")).map(normalize_language_tag).collect();
    let documents: Result<Vec<Document>, FieldError> = split_list(field("documents")).map(parse_document).collect();
    let detained_on = match field("detained_on") {
        "" => Ok(None),
        text => parse_date(text, "detained_on").map(Some),
    };
    let interpreter = match field("interpreter").to_ascii_lowercase().as_str() {
        "" | "no" | "n" => Ok(false),
        "yes" | "y" => Ok(true),
        other => Err(FieldError::new("interpreter", format!("{other:?} is not yes or no"))),
    };
    let facility = field("facility");
    if facility.is_empty() {
        check("facility", Err(FieldError::new("facility", "required")));
    }
    let consents =
        held_on.clone().and_then(|day| split_list(field("consents")).map(|item| parse_consent(item, day)).collect());

    let (held_on, language, age_band, nationality, languages, documents, detained_on, interpreter, consents) =
        match (held_on, language, age_band, nationality, languages, documents, detained_on, interpreter, consents) {
            (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e), Ok(f), Ok(g), Ok(h), Ok(i)) => (a, b, c, d, e, f, g, h, i),
            (a, b, c, d, e, f, g, h, i) => {
                for error in [a.err(), b.err(), c.err(), d.err(), e.err(), f.err(), g.err(), h.err(), i.err()]
                    .into_iter()
                    .flatten()
                {
                    errors.push(line, &error.field, error.reason);
                }
                return None;
            }
        };
    if errors.total > before {
        return None;
    }
    let person = Person {
        pseudonym: pseudonym.to_owned(),
        nationality,
        languages,
        age_band,
        documents,
        facility: facility.to_owned(),
        detained_on,
        consents,
    };
    let mut interview =
        match Interview::new(field("interview"), pseudonym, questionnaire, language, field("interviewer"), held_on) {
            Ok(interview) => interview,
            Err(error) => {
                errors.push(line, &error.field, error.reason);
                return None;
            }
        };
    interview.interpreter = interpreter;
    for (question, text) in answers {
        let recorded = text
            .parse::<AnswerValue>()
            .map_err(|reason| FieldError::new(question, reason))
            .and_then(|value| interview.record(questionnaire, question, value, notes.get(question).copied()));
        if let Err(error) = recorded {
            errors.push(line, question, error.reason);
        }
    }
    for question in notes.keys() {
        if !interview.answers.iter().any(|answer| answer.question == *question) {
            errors.push(line, &format!("{NOTE_PREFIX}{question}"), "a note without an answer to its question");
        }
    }
    (errors.total == before).then_some(SheetRecord { line, person, interview })
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|item| !item.is_empty())
}

fn parse_date(text: &str, field: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, format!("{text:?} is not a date written YYYY-MM-DD")))
}

/// An age band keyword: under_18, 18_24, 25_34, 35_44, 45_plus or unknown.
pub fn parse_age_band(text: &str) -> Result<AgeBand, FieldError> {
    serde_json::from_value(serde_json::Value::String(text.to_ascii_lowercase())).map_err(|_| {
        FieldError::new("age_band", format!("{text:?} is not one of under_18, 18_24, 25_34, 35_44, 45_plus, unknown"))
    })
}

fn parse_keyword<T: serde::de::DeserializeOwned>(text: &str, field: &str, expected: &str) -> Result<T, FieldError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_ascii_lowercase()))
        .map_err(|_| FieldError::new(field, format!("{text:?} is not one of {expected}")))
}

/// `passport:confiscated` (a sheet cell, a command-line flag).
pub fn parse_document(item: &str) -> Result<Document, FieldError> {
    let Some((kind, status)) = item.split_once(':') else {
        return Err(FieldError::new("documents", format!("{item:?} is not KIND:STATUS, e.g. passport:confiscated")));
    };
    Ok(Document {
        kind: parse_keyword::<DocumentKind>(kind, "documents", "passport, national_id, work_permit, visa, other")?,
        status: parse_keyword::<DocumentStatus>(status, "documents", "held, confiscated, lost, never_had")?,
    })
}

/// `case_export@Shelter Foundation` or `screening`, given on `given_on` (a sheet cell: the interview day).
pub fn parse_consent(item: &str, given_on: NaiveDate) -> Result<Consent, FieldError> {
    let (scope, organisation) = match item.split_once('@') {
        Some((scope, organisation)) if !organisation.trim().is_empty() => (scope, Some(organisation.trim().to_owned())),
        Some(_) => return Err(FieldError::new("consents", format!("{item:?} names no organisation after @"))),
        None => (item, None),
    };
    let scope = parse_keyword::<ConsentScope>(
        scope,
        "consents",
        "screening, referral, case_export, law_enforcement, embassy, family_contact",
    )?;
    Ok(Consent { scope, organisation, given_on, withdrawn_on: None })
}
