//! Traffic Light Protocol 2.0 markings (FIRST, 2022).
//!
//! The marking decides who may read a report; the store turns it into a
//! query filter. Parsing accepts the forms partners send: `TLP:AMBER+STRICT`,
//! `amber+strict`, and the TLP 1.0 `WHITE` as an alias of `CLEAR`.

use crate::{Keyword, keyword_enum};

keyword_enum! {
    /// Who may see a piece of information, from least to most restricted.
    pub enum Tlp {
        /// Anyone, without restriction.
        Clear => "clear",
        /// The reporting organisation's communities.
        Green => "green",
        /// The reporting organisation and the communities it shared with.
        Amber => "amber",
        /// The reporting organisation only.
        AmberStrict => "amber+strict",
        /// Named recipients only.
        Red => "red",
    }
}

impl Tlp {
    /// Parses a marking as partners write it: optional `TLP:` prefix, any case.
    pub fn parse(text: &str) -> Option<Tlp> {
        let text = text.trim();
        let bare = match text.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("tlp:") => &text[4..],
            _ => text,
        };
        if bare.trim().eq_ignore_ascii_case("white") {
            return Some(Tlp::Clear);
        }
        Tlp::parse_keyword(bare)
    }

    /// The label as TLP 2.0 prints it, e.g. `TLP:AMBER+STRICT`.
    pub fn label(self) -> String {
        format!("TLP:{}", self.as_str().to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_partner_spellings() {
        assert_eq!(Tlp::parse("TLP:AMBER+STRICT"), Some(Tlp::AmberStrict));
        assert_eq!(Tlp::parse(" green "), Some(Tlp::Green));
        assert_eq!(Tlp::parse("tlp:white"), Some(Tlp::Clear));
        assert_eq!(Tlp::parse("amber strict"), None);
        assert_eq!(Tlp::parse("purple"), None);
        assert_eq!(Tlp::Red.label(), "TLP:RED");
    }

    #[test]
    fn markings_order_from_open_to_closed() {
        assert!(Tlp::Clear < Tlp::Green && Tlp::Amber < Tlp::AmberStrict && Tlp::AmberStrict < Tlp::Red);
    }
}
