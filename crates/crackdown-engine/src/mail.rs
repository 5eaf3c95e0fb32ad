//! The verdict on one e-mail, the same for `analyze --eml`, `eval lure`
//! and every intake of a forwarded e-mail: the words of its subject, bodies
//! and links decide (its sender headers give indicators, not a verdict); a
//! forged sender makes it a scam whatever its words say; and mail that DKIM
//! signs and DMARC passes for one of the organisation's protected domains
//! is genuine whatever its words say.
//!
//! Authentication needs DNS, which is the caller's to query (or not: an
//! intake does not reach out to the network for what a sender claims);
//! `judge` takes its results, and [`AuthResults`] of "none" when there are none.

use crackdown_evidence::ParsedMail;
use crackdown_evidence::auth::flags::FlagKind;
use crackdown_evidence::auth::{AuthResults, Verdict, envelope_from_received, sender_flags};
use crackdown_evidence::report::{mail_victims, redact_text};
use crackdown_lure::{Analysis, Analyzer, Context, Label, ScamType};
use serde::Serialize;

/// A sender or link red flag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub kind: &'static str,
    pub detail: String,
}

/// The verdict on one message, with the text its indicators' spans index.
pub struct MailVerdict {
    /// The sender headers (so their addresses and the connecting IP are
    /// indicators too), then subject, bodies, link targets and attachment
    /// names, recipients replaced by `[victim]`.
    pub text: String,
    /// Where the part the verdict reads (from the subject on) begins.
    pub judged_from: usize,
    pub analysis: Analysis,
    pub flags: Vec<Flag>,
}

/// Authentication as far as it is known: nothing was looked up.
pub const NOT_AUTHENTICATED: AuthResults =
    AuthResults { spf: Verdict::None, dkim: Verdict::None, dmarc: Verdict::None, arc: Verdict::None };

/// Judges one parsed message. `auth` and `auth_details` come from
/// authentication when the caller ran it; `protected` lists the
/// organisation's own domains (look-alikes of them are flagged, and their
/// authenticated mail is genuine).
pub fn judge(
    analyzer: &Analyzer,
    mail: &ParsedMail,
    auth: &AuthResults,
    auth_details: &[String],
    protected: &[String],
) -> MailVerdict {
    let flags = flags(mail, protected, auth);
    let (text, judged_from) = analysis_text(mail);
    let mut analysis = analyzer.analyze_after(&text, judged_from, &Context::none());
    apply_flags(&mut analysis, &flags, !mail.links.is_empty());
    if flags.is_empty() {
        accept_authenticated(&mut analysis, mail, auth, protected);
    }
    analysis.reasons.extend(auth_details.iter().map(|detail| format!("auth: {detail}")));
    analysis.reasons.extend(mail.warnings.iter().map(|warning| format!("mail: {warning}")));
    MailVerdict { text, judged_from, analysis, flags }
}

/// The text indicators come from, and where the part the verdict reads
/// (from the subject on) begins.
fn analysis_text(mail: &ParsedMail) -> (String, usize) {
    let mut text = String::new();
    let mailbox = |name: &str, mailbox: &crackdown_evidence::mail::Mailbox| match &mailbox.name {
        Some(display) => format!("{name}: {display} <{}>\n", mailbox.address),
        None => format!("{name}: <{}>\n", mailbox.address),
    };
    if let Some(from) = &mail.from {
        text.push_str(&mailbox("From", from));
    }
    if let Some(sender) = &mail.sender {
        text.push_str(&mailbox("Sender", sender));
    }
    for reply in &mail.reply_to {
        text.push_str(&mailbox("Reply-To", reply));
    }
    if let Some(path) = &mail.return_path {
        text.push_str(&format!("Return-Path: <{path}>\n"));
    }
    if let Some(ip) = envelope_from_received(mail).map(|envelope| envelope.ip) {
        text.push_str(&format!("Received from: {ip}\n"));
    }
    // The recipients are the victim, never the scam: they are neither
    // indicators nor text anyone else may read.
    let victims = mail_victims(mail);
    let mut text = redact_text(&text, &victims, false);
    let judged_from = text.len();
    text.push_str(&redact_text(&mail.text_for_analysis(), &victims, false));
    (text, judged_from)
}

/// The sender flags of `crackdown-evidence`, links whose text names
/// another domain, and failed DMARC.
fn flags(mail: &ParsedMail, protected: &[String], auth: &AuthResults) -> Vec<Flag> {
    let mut flags: Vec<Flag> = sender_flags(mail, protected)
        .into_iter()
        .map(|flag| {
            let kind = match flag.kind {
                FlagKind::DisplayNameSpoof => "display_name_spoof",
                FlagKind::ReplyToMismatch => "reply_to_mismatch",
                FlagKind::LookalikeDomain => "lookalike_domain",
            };
            Flag { kind, detail: flag.detail }
        })
        .collect();
    for link in mail.links.iter().filter(|link| link.mismatch) {
        flags.push(Flag {
            kind: "link_text_mismatch",
            detail: format!(
                "link text names {} but the link goes to {}",
                link.text_domain.as_deref().unwrap_or("another site"),
                link.target_domain.as_deref().unwrap_or(&link.target)
            ),
        });
    }
    if auth.dmarc == Verdict::Fail {
        let domain = mail.from.as_ref().and_then(|from| from.domain()).unwrap_or_default();
        flags.push(Flag { kind: "dmarc_fail", detail: format!("the From domain {domain} does not authenticate it") });
    }
    flags
}

/// A message that fakes its sender is a scam whatever its words say (a
/// Reply-To elsewhere alone is common in genuine mail and decides nothing).
fn apply_flags(analysis: &mut Analysis, flags: &[Flag], has_links: bool) {
    let Some(decisive) = flags.iter().find(|flag| flag.kind != "reply_to_mismatch") else {
        return;
    };
    for flag in flags {
        analysis.reasons.push(format!("{}: {}", flag.kind, flag.detail));
    }
    if analysis.label != Label::Scam {
        analysis.label = Label::Scam;
        analysis.confidence = analysis.confidence.max(0.9);
        analysis.reasons.push(format!("scam because of {}", decisive.kind));
    }
    if analysis.scam_type.is_none() || analysis.scam_type == Some(ScamType::Other) {
        analysis.scam_type = Some(if has_links { ScamType::CredentialPhishing } else { ScamType::Impersonation });
    }
}

/// Mail that DKIM signs and DMARC passes for one of the organisation's own
/// protected domains came from that organisation, unaltered: its notices
/// use the very words lures copy ("verify", "password", a link), so the
/// words alone do not make it a lure. (DMARC passing on SPF alone is not
/// enough: the body may have been changed on the way.)
fn accept_authenticated(analysis: &mut Analysis, mail: &ParsedMail, auth: &AuthResults, protected: &[String]) {
    let Some(domain) = mail.from.as_ref().and_then(|from| from.domain()) else {
        return;
    };
    let protected = protected.iter().find(|protected| {
        domain == **protected || domain.strip_suffix(protected.as_str()).is_some_and(|rest| rest.ends_with('.'))
    });
    let (Some(protected), Verdict::Pass, Verdict::Pass) = (protected, auth.dkim, auth.dmarc) else {
        return;
    };
    if analysis.label != Label::Ham {
        analysis.reasons.push(format!(
            "genuine: DKIM signs and DMARC passes for {domain}, of the protected domain {protected}; \
             its words alone do not make it a lure"
        ));
        analysis.label = Label::Ham;
        analysis.scam_type = None;
        analysis.stage = None;
        analysis.confidence = 0.9;
    }
}
