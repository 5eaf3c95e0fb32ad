//! The vocabulary of the verdict (label, scam type, stage) and the
//! multilingual cue lexicon that names scam types and stages.
//!
//! The lexicon ships in `lexicon/cues.tsv`, written by the project (not
//! derived from any data set). It is matched with Aho-Corasick on
//! NFKC-lower-cased text, so one pass finds every cue in every language.
//! It decides the scam type and stage; whether a message is unwanted at all
//! is the model's job (the cues enter it as language-independent features).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};

/// Declares a fieldless enum spelled as fixed snake_case words.
macro_rules! words {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The contract's spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the contract's spelling.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.as_str() == text.trim())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}

words! {
    /// What a message is: a scam (a lure to take money or credentials), spam
    /// (unwanted marketing) or ham (wanted).
    pub enum Label {
        Scam => "scam",
        Spam => "spam",
        Ham => "ham",
    }
}

words! {
    /// The scam typology of issue 6.
    pub enum ScamType {
        Romance => "romance",
        Investment => "investment",
        TaskJob => "task_job",
        Impersonation => "impersonation",
        DeliveryToll => "delivery_toll",
        TechSupport => "tech_support",
        Sextortion => "sextortion",
        PrizeLottery => "prize_lottery",
        Loan => "loan",
        Gambling => "gambling",
        CredentialPhishing => "credential_phishing",
        AdvanceFee => "advance_fee",
        Recovery => "recovery",
        Other => "other",
    }
}

words! {
    /// Where a romance or investment (pig-butchering) scam stands.
    pub enum Stage {
        Contact => "contact",
        Grooming => "grooming",
        Pitch => "pitch",
        Deposit => "deposit",
        Escalation => "escalation",
        WithdrawalBlock => "withdrawal_block",
        Recovery => "recovery",
    }
}

/// What a cue is evidence for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CueTarget {
    Type(ScamType),
    Stage(Stage),
    Spam,
}

impl CueTarget {
    fn parse(text: &str) -> Option<CueTarget> {
        if text == "spam" {
            return Some(CueTarget::Spam);
        }
        if let Some(stage) = text.strip_prefix("stage:") {
            return Stage::parse(stage).map(CueTarget::Stage);
        }
        ScamType::parse(text).map(CueTarget::Type)
    }

    /// A stable name, used for feature hashing and reasons.
    pub fn name(self) -> String {
        match self {
            CueTarget::Type(scam_type) => scam_type.as_str().to_owned(),
            CueTarget::Stage(stage) => format!("stage:{stage}"),
            CueTarget::Spam => "spam".to_owned(),
        }
    }
}

/// One phrase of the lexicon.
#[derive(Clone, Debug)]
pub struct Cue {
    pub target: CueTarget,
    pub weight: f32,
    pub phrase: String,
}

/// A compiled cue lexicon.
#[derive(Debug)]
pub struct Lexicon {
    cues: Vec<Cue>,
    /// The cues of each distinct phrase (a phrase may be evidence for a
    /// scam type and for a stage at once), by matcher pattern.
    phrases: Vec<Vec<usize>>,
    matcher: AhoCorasick,
}

/// A lexicon line that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("lexicon line {line}: {reason}")]
pub struct LexiconError {
    pub line: usize,
    pub reason: String,
}

static BUILTIN: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::parse(include_str!("../lexicon/cues.tsv")).expect("the shipped lexicon is checked by the unit tests")
});

impl Lexicon {
    /// The lexicon shipped in `lexicon/cues.tsv`.
    pub fn builtin() -> &'static Lexicon {
        &BUILTIN
    }

    /// Reads `target<TAB>weight<TAB>phrase` lines; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let mut cues = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let error = |reason: String| LexiconError { line: index + 1, reason };
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(target), Some(weight), Some(phrase), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(error("expected three tab-separated fields".to_owned()));
            };
            let target = CueTarget::parse(target).ok_or_else(|| error(format!("unknown target {target:?}")))?;
            let weight: f32 = weight.parse().map_err(|_| error(format!("weight {weight:?} is not a number")))?;
            let phrase = crackdown_model::normalize_text(phrase);
            if phrase.is_empty() {
                return Err(error("empty phrase".to_owned()));
            }
            cues.push(Cue { target, weight, phrase });
        }
        let mut phrases: Vec<Vec<usize>> = Vec::new();
        let mut first_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (index, cue) in cues.iter().enumerate() {
            match first_of.get(cue.phrase.as_str()) {
                Some(pattern) => phrases[*pattern].push(index),
                None => {
                    first_of.insert(&cue.phrase, phrases.len());
                    phrases.push(vec![index]);
                }
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            // A DFA: a few hundred phrases make a small one, and it is the
            // fastest scan for text that is matched once per message.
            .kind(Some(AhoCorasickKind::DFA))
            .build(phrases.iter().map(|cues_of| cues[cues_of[0]].phrase.as_str()))
            .map_err(|error| LexiconError { line: 0, reason: error.to_string() })?;
        Ok(Lexicon { cues, phrases, matcher })
    }

    /// The distinct cues found in `normalized` (text already passed through
    /// `crackdown_model::normalize_text`).
    pub fn find<'a>(&'a self, normalized: &str) -> Vec<&'a Cue> {
        let bytes = normalized.as_bytes();
        let mut seen = vec![false; self.phrases.len()];
        let mut found = Vec::new();
        for hit in self.matcher.find_iter(normalized) {
            let cues_of = &self.phrases[hit.pattern().as_usize()];
            let phrase = self.cues[cues_of[0]].phrase.as_bytes();
            let word_char = |byte: Option<&u8>| byte.is_some_and(|b| b.is_ascii_alphanumeric());
            let starts_ascii = phrase.first().is_some_and(u8::is_ascii_alphanumeric);
            let ends_ascii = phrase.last().is_some_and(u8::is_ascii_alphanumeric);
            if starts_ascii && hit.start() > 0 && word_char(bytes.get(hit.start() - 1))
                || ends_ascii && word_char(bytes.get(hit.end()))
            {
                continue;
            }
            if !std::mem::replace(&mut seen[hit.pattern().as_usize()], true) {
                found.extend(cues_of.iter().map(|index| &self.cues[*index]));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        let normalized = crackdown_model::normalize_text(text);
        let found: Vec<&str> = Lexicon::builtin().find(&normalized).iter().map(|cue| cue.phrase.as_str()).collect();
        assert_eq!(found, expected, "cues in {text:?}");
    }

    #[test]
    fn builtin_lexicon_parses_and_matches_whole_words() {
        check("You have WON a cash prize!", &["you have won", "cash prize"]);
        check("the window is open", &[]);
        check("ยินดีด้วย คุณถูกรางวัล", &["ยินดีด้วย", "ถูกรางวัล"]);
        check("恭喜您中奖了", &["恭喜", "中奖"]);
    }

    #[test]
    fn a_phrase_listed_for_two_targets_counts_for_both() {
        let lexicon =
            Lexicon::parse("recovery\t2\tasset recovery\nstage:recovery\t1\tasset recovery\n").expect("valid");
        let targets: Vec<CueTarget> = lexicon.find("an asset recovery agency").iter().map(|cue| cue.target).collect();
        assert_eq!(targets, [CueTarget::Type(ScamType::Recovery), CueTarget::Stage(Stage::Recovery)]);
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let error = Lexicon::parse("# c\nromance\t2\tok\nnosuch\t1\tx\n").expect_err("bad target");
        assert_eq!(error.line, 3);
        assert!(Lexicon::parse("romance\tx\tok").is_err());
    }
}
