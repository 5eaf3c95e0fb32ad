//! The printable case page: one self-contained HTML document (inline CSS,
//! no script, no external resource, a Content-Security-Policy that forbids
//! both), every piece of text escaped. Labels are English for the receiving
//! caseworker; questions, answers' notes and reasons are shown in English and
//! in the language of the interview, so the person can read back what they
//! said.

use std::fmt::Write as _;

use super::{CaseExport, ExportError};
use crate::language::Language;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#111}\
h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:1px solid #999;margin-top:1.5em}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}\
.tlp{font-weight:bold;color:#fff;background:#c00;padding:.1em .5em}.advisory{border:2px solid #c60;padding:.5em}\
@media print{body{margin:1cm}}";

/// The case as a printable page; refused without consent.
pub fn to_html(case: &CaseExport<'_>) -> Result<String, ExportError> {
    case.check()?;
    let questionnaire = case.questionnaire;
    let language = case.interview.language;
    let person = case.person;
    let mut page = String::new();
    let both = |english: &str, local: &str| {
        if language == Language::English || english == local {
            escape(english)
        } else {
            format!("{}<br><span lang=\"{}\">{}</span>", escape(english), language.tag(), escape(local))
        }
    };
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n<title>Case {pseudonym}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<p><span class=\"tlp\">TLP:RED</span> Confidential: for {recipient} only, under the person's consent of {consent_day}.</p>\n\
<h1>Screening case {pseudonym}</h1>\n",
        pseudonym = escape(&person.pseudonym),
        recipient = escape(case.recipient),
        consent_day = case.exported_on,
    );
    let nationality = person.nationality.as_deref().unwrap_or("unknown");
    let documents: Vec<String> =
        person.documents.iter().map(|document| format!("{:?}: {:?}", document.kind, document.status)).collect();
    let consents: Vec<String> = person
        .consents
        .iter()
        .map(|consent| {
            let to =
                consent.organisation.as_deref().map(|organisation| format!(" to {organisation}")).unwrap_or_default();
            let withdrawn = consent.withdrawn_on.map(|day| format!(", withdrawn {day}")).unwrap_or_default();
            format!("{:?}{to} (given {}{withdrawn})", consent.scope, consent.given_on)
        })
        .collect();
    page.push_str("<h2>Person</h2>\n<table>\n");
    for (label, value) in [
        ("Referred by", case.sender.to_owned()),
        ("Referred to", case.recipient.to_owned()),
        ("Nationality", nationality.to_owned()),
        (
            "Age band",
            serde_json::to_value(person.age_band)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default(),
        ),
        ("Languages", person.languages.join(", ")),
        ("Documents", documents.join("; ")),
        ("Facility", person.facility.clone()),
        ("Detained on", person.detained_on.map(|day| day.to_string()).unwrap_or_else(|| "unknown".to_owned())),
        ("Consents", consents.join("; ")),
    ] {
        let _ = writeln!(page, "<tr><th>{}</th><td>{}</td></tr>", escape(label), escape(&value));
    }
    page.push_str("</table>\n");

    let assessment = case.assessment;
    let _ = writeln!(
        page,
        "<h2>Assessment</h2>\n<p class=\"advisory\">Recommendation (advisory, from the ILO 2009 indicator rules): <strong>{}</strong>. \
A named screener decides.</p>",
        both(
            assessment.recommendation.name(questionnaire, Language::English),
            assessment.recommendation.name(questionnaire, language)
        ),
    );
    match case.decision {
        Some(decision) => {
            let _ = writeln!(
                page,
                "<p>Decision: <strong>{}</strong> by {} on {}.<br>Justification: {}</p>",
                escape(decision.outcome.name(questionnaire, Language::English)),
                escape(&decision.decided_by),
                decision.decided_on,
                escape(&decision.justification),
            );
        }
        None => page.push_str("<p>Decision: none recorded yet.</p>\n"),
    }
    page.push_str("<ol>\n");
    for reason in &assessment.reasons {
        let _ = writeln!(
            page,
            "<li>{}</li>",
            both(&reason.text(questionnaire, Language::English), &reason.text(questionnaire, language))
        );
    }
    page.push_str("</ol>\n");

    let interview = case.interview;
    let _ = write!(
        page,
        "<h2>Interview {id}</h2>\n<p>Held on {day} in {language} by {interviewer}{interpreter}; questionnaire {version}.</p>\n\
<table>\n<tr><th>Question</th><th>Answer</th><th>Indicator</th><th>Note (as given)</th></tr>\n",
        id = escape(&interview.id),
        day = interview.held_on,
        language = language.english_name(),
        interviewer = escape(&interview.interviewer),
        interpreter = if interview.interpreter { ", with an interpreter" } else { "" },
        version = escape(&interview.questionnaire),
    );
    for answer in &interview.answers {
        let question = questionnaire.question(&answer.question);
        let text = question.map_or_else(
            || escape(&answer.question),
            |question| both(question.text.get(Language::English), question.text.get(answer.language)),
        );
        let indicator = questionnaire.indicators.get(&answer.maps_to).map_or_else(
            || answer.maps_to.clone(),
            |indicator| format!("{} ({})", indicator.name, indicator.strength.key()),
        );
        let _ = writeln!(
            page,
            "<tr><td>{text}</td><td>{}</td><td>{}</td><td lang=\"{}\">{}</td></tr>",
            escape(&answer.value.to_string()),
            escape(&indicator),
            answer.language.tag(),
            escape(answer.note.as_deref().unwrap_or("")),
        );
    }
    page.push_str("</table>\n</body>\n</html>\n");
    Ok(page)
}
