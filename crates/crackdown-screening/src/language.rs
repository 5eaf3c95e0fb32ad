//! The interview languages the questionnaire is translated into, and the
//! seven-way text every question, dimension and reason template carries.
//!
//! The set is closed on purpose: a screening team must be able to read the
//! question back in the language the person answered in, so a language is
//! only offered once every text of the questionnaire exists in it (the
//! loader refuses a file where one is missing).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of the questionnaire, by its BCP 47 tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Language {
    /// English.
    #[serde(rename = "en")]
    English,
    /// Burmese (Myanmar).
    #[serde(rename = "my")]
    Burmese,
    /// Chinese (Simplified script).
    #[serde(rename = "zh")]
    Chinese,
    /// Thai.
    #[serde(rename = "th")]
    Thai,
    /// Vietnamese.
    #[serde(rename = "vi")]
    Vietnamese,
    /// Indonesian.
    #[serde(rename = "id")]
    Indonesian,
    /// Tagalog (Filipino).
    #[serde(rename = "tl")]
    Tagalog,
}

impl Language {
    /// Every language, in the order the definition file lists them.
    pub const ALL: [Language; 7] = [
        Language::English,
        Language::Burmese,
        Language::Chinese,
        Language::Thai,
        Language::Vietnamese,
        Language::Indonesian,
        Language::Tagalog,
    ];

    /// The BCP 47 tag, as written in files and CSV sheets.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Burmese => "my",
            Language::Chinese => "zh",
            Language::Thai => "th",
            Language::Vietnamese => "vi",
            Language::Indonesian => "id",
            Language::Tagalog => "tl",
        }
    }

    /// The language's English name, for error messages and printed pages.
    pub fn english_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Burmese => "Burmese",
            Language::Chinese => "Chinese",
            Language::Thai => "Thai",
            Language::Vietnamese => "Vietnamese",
            Language::Indonesian => "Indonesian",
            Language::Tagalog => "Tagalog",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Language {
    type Err = String;

    /// Accepts the tag in any ASCII case, plus the common aliases field
    /// teams write (`zh-Hans`, `fil`, `in`, `bur`): a sheet typed on a
    /// phone should not be refused for `ZH` or `fil`.
    fn from_str(text: &str) -> Result<Self, String> {
        let lower = text.trim().to_ascii_lowercase();
        let found = match lower.as_str() {
            "en" | "eng" => Language::English,
            "my" | "mya" | "bur" => Language::Burmese,
            "zh" | "zh-hans" | "zh-cn" | "zho" | "chi" => Language::Chinese,
            "th" | "tha" => Language::Thai,
            "vi" | "vie" => Language::Vietnamese,
            "id" | "ind" | "in" => Language::Indonesian,
            "tl" | "fil" | "tgl" => Language::Tagalog,
            _ => {
                let tags: Vec<&str> = Language::ALL.iter().map(|language| language.tag()).collect();
                return Err(format!("{text:?} is not a questionnaire language (one of {})", tags.join(", ")));
            }
        };
        Ok(found)
    }
}

/// One text in every questionnaire language. Every field is required, so a
/// definition file with a missing translation fails to load, naming the line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// English.
    pub en: String,
    /// Burmese.
    pub my: String,
    /// Chinese (Simplified).
    pub zh: String,
    /// Thai.
    pub th: String,
    /// Vietnamese.
    pub vi: String,
    /// Indonesian.
    pub id: String,
    /// Tagalog.
    pub tl: String,
}

impl Texts {
    /// The text in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::English => &self.en,
            Language::Burmese => &self.my,
            Language::Chinese => &self.zh,
            Language::Thai => &self.th,
            Language::Vietnamese => &self.vi,
            Language::Indonesian => &self.id,
            Language::Tagalog => &self.tl,
        }
    }

    /// The first language whose text is blank, if any: serde already
    /// refuses a missing key, this catches `my = ""` left as a placeholder.
    pub fn first_blank(&self) -> Option<Language> {
        Language::ALL.into_iter().find(|language| self.get(*language).trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_aliases_parse() {
        for language in Language::ALL {
            assert_eq!(language.tag().parse::<Language>(), Ok(language));
            assert_eq!(language.tag().to_ascii_uppercase().parse::<Language>(), Ok(language));
        }
        assert_eq!("fil".parse::<Language>(), Ok(Language::Tagalog));
        assert_eq!("zh-Hans".parse::<Language>(), Ok(Language::Chinese));
        let error = "fr".parse::<Language>().expect_err("French is not offered");
        assert!(error.contains("\"fr\"") && error.contains("en, my, zh"), "{error}");
    }

    #[test]
    fn blank_translation_is_found() {
        let mut texts = Texts {
            en: "a".into(),
            my: "b".into(),
            zh: "c".into(),
            th: "d".into(),
            vi: "e".into(),
            id: "f".into(),
            tl: "g".into(),
        };
        assert_eq!(texts.first_blank(), None);
        texts.th = "  ".into();
        assert_eq!(texts.first_blank(), Some(Language::Thai));
        assert_eq!(texts.get(Language::Tagalog), "g");
    }
}
