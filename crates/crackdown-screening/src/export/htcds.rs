//! The case as JSON in the layout of the Human Trafficking Case Data
//! Standard (HTCDS, IOM-sponsored; field names from its "HTCDS Field
//! Reference": `cas_` case, `prs_` person, `vic_` victim context, `per_`
//! perpetrator context), where its fields fit.
//!
//! What fits: case referral fields, nationality, agreement to manage
//! personal data, method of recruitment, methods of control, type of labour
//! exploitation (illicit activities), vulnerabilities. What HTCDS has no
//! field for — pseudonym, age band (HTCDS has only a birth date), languages,
//! documents and where they are, facility, detention date, consents by
//! scope, the interview and its answers, the ILO assessment and the
//! decision — goes under `x_crackdown_screening`, so a receiving system that
//! knows only HTCDS reads what it knows and keeps the rest. Names and
//! contact fields (`prs_FirstName`, `prs_Email`, …) are never written: the
//! record is pseudonymous. The perpetrator context (`per_RoleInProcess`) is
//! written only when a screener's decision is "suspected perpetrator":
//! role signals of a presumed victim are not labelled as perpetration
//! (non-punishment principle); they stay in the assessment's reasons.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{CaseExport, ExportError};
use crate::assess::Recommendation;
use crate::language::Language;
use crate::person::{ConsentScope, DocumentStatus};

/// The HTCDS layout this export follows.
pub const LAYOUT: &str = "HTCDS field reference (cas_, prs_, vic_, per_ fields) with x_crackdown_screening extension";

/// The case as HTCDS-layout JSON; refused without consent.
pub fn to_json(case: &CaseExport<'_>) -> Result<Value, ExportError> {
    case.check()?;
    let present = recorded_indicators(case);
    let has = |ids: &[&str]| ids.iter().any(|id| present.contains(*id));
    let answered_yes = |question: &str| {
        case.interview
            .answers
            .iter()
            .any(|answer| answer.question == question && answer.value.records(crate::questionnaire::AnswerKind::YesNo))
    };

    let mut recruitment = Vec::new();
    for (ids, value) in [
        (
            &["dr_nature_of_job", "dr_wages", "dr_conditions_of_work", "dr_travel", "dr_documents"][..],
            "Job offer/advertisement",
        ),
        (&["dr_marriage"][..], "Intimate partner/marriage proposition"),
        (&["cr_abduction"][..], "Abduction"),
    ] {
        if has(ids) {
            recruitment.push(value);
        }
    }
    let mut control = Vec::new();
    for (ids, value) in [
        (&["cd_debt", "cr_debt"][..], "DebtBondage"),
        (&["cd_wages", "ex_wage_manipulation"][..], "TakesEarnings"),
        (
            &[
                "cd_threats",
                "cr_threats",
                "cd_family_violence",
                "cr_family_violence",
                "cd_worse_conditions",
                "cr_worse_conditions",
            ][..],
            "Threats",
        ),
        (&["cd_violence", "cr_violence"][..], "PhysicalAbuse"),
        (
            &["dr_nature_of_job", "dr_wages", "dr_conditions_of_work", "dr_travel", "dr_documents", "dr_marriage"][..],
            "FalsePromises",
        ),
        (&["cd_influence"][..], "PsychoactiveSubstances"),
        (&["cd_isolation", "cr_isolation"][..], "RestrictsMovement"),
        (&["ex_excessive_hours"][..], "ExcessiveWorkingHours"),
        (&["cd_denunciation", "cr_denunciation"][..], "ThreatOfLawEnforcement"),
        (&["ex_living"][..], "WithholdsNecessities"),
    ] {
        if has(ids) {
            control.push(value);
        }
    }
    if answered_yes("q_no_medical_care") {
        control.push("RestrictsMedicalCare");
    }
    if has(&["cd_documents", "cr_documents"]) || case.person.has_confiscated_documents() {
        control.push("WithholdsDocuments");
    }
    let mut labour = Vec::new();
    if has(&["cd_illicit", "cd_tasks"]) {
        labour.push("IllicitActivities");
    }
    let mut vulnerabilities = Vec::new();
    if has(&["ar_economic", "ad_economic"]) {
        vulnerabilities.push("Poverty");
    }
    if has(&["ar_illegal_status", "ad_authorities", "ar_authorities"]) {
        vulnerabilities.push("Migration");
    }

    let decided_perpetrator =
        case.decision.is_some_and(|decision| decision.outcome == Recommendation::SuspectedPerpetrator);
    let perpetrator = if decided_perpetrator {
        let mut roles = Vec::new();
        if has(&["rs_recruited_others", "rs_recruit_commission"]) {
            roles.push("RecruiterOrIntermediary");
        }
        if has(&[
            "rs_managed_floor",
            "rs_punished_others",
            "rs_held_documents",
            "rs_handled_money",
            "rs_share_of_proceeds",
        ]) {
            roles.push("Exploiter");
        }
        json!({ "per_RoleInProcess": roles })
    } else {
        Value::Null
    };

    let questionnaire = case.questionnaire;
    let language = case.interview.language;
    let reasons: Vec<Value> = case
        .assessment
        .reasons
        .iter()
        .map(|reason| {
            json!({
                "reason": reason,
                "text_en": reason.text(questionnaire, Language::English),
                "text_interview_language": reason.text(questionnaire, language),
            })
        })
        .collect();
    let referral_details = format!(
        "Screening recommendation (advisory): {}. Decision: {}.",
        case.assessment.recommendation.name(questionnaire, Language::English),
        case.decision.map_or_else(
            || "none recorded yet".to_owned(),
            |decision| format!(
                "{} by {} on {}",
                decision.outcome.name(questionnaire, Language::English),
                decision.decided_by,
                decision.decided_on
            )
        ),
    );
    let agreement = case.person.consents_to(ConsentScope::Screening, case.recipient, case.exported_on);
    Ok(json!({
        "layout": LAYOUT,
        "tlp": format!("TLP:{}", crackdown_model::Tlp::Red.to_string().to_uppercase()),
        "case": {
            "cas_Status": "Active",
            "cas_ReferringOrganisation": case.sender,
            "cas_ReferredOrganisation": case.recipient,
            "cas_OutgoingReferralDate": case.exported_on,
            "cas_ReasonForOutgoingReferral": "AdditionalServicesRequired",
            "cas_OutgoingReferralDetails": referral_details,
        },
        "person": {
            "prs_Nationality": case.person.nationality,
        },
        "victim_context": {
            "vic_AgreementToManagePersonalData": agreement,
            "vic_MethodOfRecruitment": recruitment,
            "vic_MethodsOfControl": control,
            "vic_TypeOfLabourExploitation": labour,
            "vic_Vulnerabilities": vulnerabilities,
        },
        "perpetrator_context": perpetrator,
        "x_crackdown_screening": {
            "pseudonym": case.person.pseudonym,
            "age_band": case.person.age_band,
            "languages": case.person.languages,
            "documents": case.person.documents,
            "documents_confiscated": case.person.documents.iter().filter(|document| document.status == DocumentStatus::Confiscated).count(),
            "facility": case.person.facility,
            "detained_on": case.person.detained_on,
            "consents": case.person.consents,
            "interview": case.interview,
            "assessment": {
                "questionnaire": case.assessment.questionnaire,
                "recommendation": case.assessment.recommendation,
                "advisory": "A recommendation from the ILO 2009 indicator rules; the decision is a named screener's.",
                "trafficking_combination_met": case.assessment.trafficking_combination_met,
                "dimensions": case.assessment.dimensions,
                "reasons": reasons,
            },
            "decision": case.decision,
        },
    }))
}

/// Ids of the indicators and role signals the interview's answers record.
fn recorded_indicators(case: &CaseExport<'_>) -> BTreeSet<String> {
    case.interview
        .answers
        .iter()
        .filter(|answer| {
            case.questionnaire.question(&answer.question).is_some_and(|question| answer.value.records(question.answer))
        })
        .map(|answer| answer.maps_to.clone())
        .collect()
}
