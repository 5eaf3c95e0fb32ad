//! The vocabulary every other crackdown crate speaks: money, TLP markings,
//! roles, reports.
//!
//! This crate does no I/O and knows nothing of SQL, HTTP or files, so the
//! analysis crates can share its types without pulling in a runtime.

mod access;
pub mod iban;
mod money;
mod report;
mod tlp;

pub use access::{Role, Viewer};
pub use money::{Currency, CurrencyKind, Decimal, Money, MoneyError};
pub use report::{Channel, NewReport, ReportStatus, VictimContact, content_fingerprint, hex, normalize_text};
pub use tlp::Tlp;

/// An enum that reads from and writes to one fixed lower-case word.
///
/// Shared so that CLI flags, JSON, CSV and SQL columns all use the same
/// spelling of a status, role or channel.
pub trait Keyword: Sized + Copy + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// The canonical spelling.
    fn as_str(self) -> &'static str;
    /// Parses the canonical spelling, ignoring ASCII case and surrounding space.
    fn parse_keyword(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.iter().copied().find(|value| value.as_str().eq_ignore_ascii_case(text))
    }
    /// The accepted spellings, for error messages.
    fn expected() -> String {
        Self::ALL.iter().map(|value| value.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Implements `Keyword`, `Display`, `FromStr` and serde for a fieldless enum.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::Keyword for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::Keyword::as_str(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                <Self as $crate::Keyword>::parse_keyword(text).ok_or_else(|| {
                    format!("{text:?} is not one of {}", <Self as $crate::Keyword>::expected())
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::Keyword::as_str(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use keyword_enum;
