//! Undoing the disguises scammers put on indicators, while remembering where
//! every byte came from.
//!
//! [`Refanged`] is a cleaned copy of a text (zero-width characters removed,
//! full-width forms and Thai/Burmese/Arabic-Indic/Devanagari digits folded to
//! ASCII, `[.]`, `(.)`, `{dot}`, ` dot `, `[at]`, `(at)`, `hxxp` turned back
//! into `.`, `@` and `http`) plus a sparse map from cleaned byte offsets back
//! to the original text. Separators inside numbers are left to the extractors,
//! which know what a phone or an IBAN may contain. It does not touch scripts
//! (look-alike letters are flagged later, not folded).

/// One stretch of the original that was rewritten: `original[orig_start..orig_end]`
/// became `clean[clean_start..clean_end]`.
#[derive(Clone, Copy, Debug)]
struct Rewrite {
    clean_start: usize,
    clean_end: usize,
    orig_start: usize,
    orig_end: usize,
}

/// A cleaned text and the way back to the original's byte offsets.
#[derive(Debug)]
pub struct Refanged {
    pub clean: String,
    rewrites: Vec<Rewrite>,
}

/// Characters that render as nothing and are used to break up indicators.
fn is_invisible(character: char) -> bool {
    matches!(
        character,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}

/// Decimal digits of other scripts, folded to ASCII.
fn ascii_digit(character: char) -> Option<char> {
    const ZEROS: [u32; 9] = [
        0x0E50, // Thai
        0x1040, // Myanmar
        0x1090, // Myanmar Shan
        0x0660, // Arabic-Indic
        0x06F0, // Extended Arabic-Indic (Persian, Urdu)
        0x0966, // Devanagari
        0x09E6, // Bengali
        0x17E0, // Khmer
        0x0ED0, // Lao
    ];
    let code = u32::from(character);
    ZEROS.iter().find(|zero| (**zero..**zero + 10).contains(&code)).and_then(|zero| char::from_digit(code - zero, 10))
}

/// Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space.
fn fold_width(character: char) -> Option<char> {
    let code = u32::from(character);
    match code {
        0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0),
        0x3000 => Some(' '),
        _ => None,
    }
}

/// A bracketed defang token at the start of `rest`: returns its byte length
/// and what it stands for.
fn bracket_token(rest: &str) -> Option<(usize, &'static str)> {
    let mut chars = rest.char_indices();
    let (_, open) = chars.next()?;
    let close = match open {
        '[' => ']',
        '(' => ')',
        '{' => '}',
        _ => return None,
    };
    let inner_end = rest[1..].find(close)? + 1;
    if inner_end > 6 {
        return None;
    }
    let inner = rest[1..inner_end].trim();
    let meaning = if inner == "." || inner.eq_ignore_ascii_case("dot") {
        "."
    } else if inner == "@" || inner.eq_ignore_ascii_case("at") {
        "@"
    } else if inner == ":" {
        ":"
    } else if inner == "://" {
        "://"
    } else if inner == "/" {
        "/"
    } else {
        return None;
    };
    Some((inner_end + 1, meaning))
}

impl Refanged {
    /// Cleans `original` in one pass; time and memory are linear in its length.
    pub fn new(original: &str) -> Refanged {
        if !needs_cleaning(original) {
            return Refanged { clean: original.to_owned(), rewrites: Vec::new() };
        }
        let mut clean = String::with_capacity(original.len());
        let mut rewrites = Vec::new();
        let bytes = original.as_bytes();
        let mut position = 0;
        while position < original.len() {
            let rest = &original[position..];
            let Some(character) = rest.chars().next() else {
                break;
            };
            let width = character.len_utf8();
            let mut buffer = [0u8; 4];
            // (original bytes consumed, replacement, spaces before to fold in)
            let rewrite: Option<(usize, &str, usize)> = if is_invisible(character) {
                Some((width, "", 0))
            } else if let Some(folded) = ascii_digit(character).or_else(|| fold_width(character)) {
                Some((width, &*folded.encode_utf8(&mut buffer), 0))
            } else if let Some((length, meaning)) = bracket_token(rest) {
                // "example [.] com": the spaces around the token go too.
                let trailing_spaces = clean.len() - clean.trim_end_matches(' ').len();
                let copied_since = clean.len() - rewrites.last().map_or(0, |last: &Rewrite| last.clean_end);
                let before = trailing_spaces.min(copied_since);
                let after = bytes[position + length..].iter().take_while(|byte| **byte == b' ').count();
                Some((length + after, meaning, before))
            } else if (character == 'h' || character == 'H')
                && rest.len() >= 6
                && rest.is_char_boundary(4)
                && rest[1..4].eq_ignore_ascii_case("xxp")
                && matches!(rest.as_bytes()[4], b':' | b's' | b'S' | b'[')
            {
                Some((4, "http", 0))
            } else if character == ' ' && dot_word_at(original, position) {
                Some((5, ".", 0))
            } else {
                None
            };
            let consumed = match rewrite {
                Some((consumed, replacement, before)) => {
                    clean.truncate(clean.len() - before);
                    let clean_start = clean.len();
                    clean.push_str(replacement);
                    rewrites.push(Rewrite {
                        clean_start,
                        clean_end: clean.len(),
                        orig_start: position - before,
                        orig_end: position + consumed,
                    });
                    consumed
                }
                None => {
                    clean.push(character);
                    width
                }
            };
            position += consumed;
        }
        Refanged { clean, rewrites }
    }

    /// Whether the cleaning changed anything.
    pub fn is_rewritten(&self) -> bool {
        !self.rewrites.is_empty()
    }

    fn last_rewrite_from(&self, clean_position: usize, inclusive: bool) -> Option<&Rewrite> {
        let count = self.rewrites.partition_point(|rewrite| {
            if inclusive { rewrite.clean_start <= clean_position } else { rewrite.clean_start < clean_position }
        });
        count.checked_sub(1).map(|index| &self.rewrites[index])
    }

    /// The original byte offset where a span starting at `clean_position` starts.
    pub fn original_start(&self, clean_position: usize) -> usize {
        match self.last_rewrite_from(clean_position, true) {
            None => clean_position,
            Some(rewrite) if clean_position < rewrite.clean_end => rewrite.orig_start,
            Some(rewrite) => rewrite.orig_end + (clean_position - rewrite.clean_end),
        }
    }

    /// The original byte offset where a span ending at `clean_position` ends.
    pub fn original_end(&self, clean_position: usize) -> usize {
        match self.last_rewrite_from(clean_position, false) {
            None => clean_position,
            Some(rewrite) if clean_position <= rewrite.clean_end => rewrite.orig_end,
            Some(rewrite) => rewrite.orig_end + (clean_position - rewrite.clean_end),
        }
    }
}

/// Whether any rewrite of [`Refanged::new`] can apply: ASCII text without
/// brackets, `hxxp` or ` dot ` comes out as it went in, so one byte scan
/// spares the character-by-character pass.
fn needs_cleaning(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(index, byte)| match byte {
        0x80.. | b'[' | b'(' | b'{' => true,
        b'x' | b'X' => bytes.get(index + 1..index + 3).is_some_and(|next| next.eq_ignore_ascii_case(b"xp")),
        b' ' => dot_word_at(text, index),
        _ => false,
    })
}

/// `" dot "` between two letters or digits, as in `example dot com`.
fn dot_word_at(text: &str, position: usize) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= position + 6
        && bytes[position + 1..position + 4].eq_ignore_ascii_case(b"dot")
        && bytes[position + 4] == b' '
        && bytes[position + 5].is_ascii_alphanumeric()
        && position > 0
        && bytes[position - 1].is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(original: &str, expected_clean: &str) {
        let refanged = Refanged::new(original);
        assert_eq!(refanged.clean, expected_clean, "cleaning {original:?}");
    }

    #[test]
    fn defanged_forms_are_undone() {
        check("hxxps://evil[.]com/a", "https://evil.com/a");
        check("hXXp://a(.)b{dot}c", "http://a.b.c");
        check("name [at] mail [dot] com", "name@mail.com");
        check("shop dot example dot com", "shop.example.com");
        check("polka dot.", "polka dot.");
        check("\u{FF11}\u{FF12}\u{3000}ｗｗｗ", "12 www");
        check("๐๘๑ ၁၂ ٣٤ ०९", "081 12 34 09");
        check("pay\u{200B}pal.com", "paypal.com");
        check("(see [1])", "(see [1])");
    }

    #[test]
    fn spans_map_back_to_the_original() {
        let original = "go to evil [.] com now ๐๘";
        let refanged = Refanged::new(original);
        let start = refanged.clean.find("evil").expect("present");
        let end = start + "evil.com".len();
        assert_eq!(&original[refanged.original_start(start)..refanged.original_end(end)], "evil [.] com");
        let digits = refanged.clean.find("08").expect("present");
        assert_eq!(&original[refanged.original_start(digits)..refanged.original_end(digits + 2)], "๐๘");
        let now = refanged.clean.find("now").expect("present");
        assert_eq!(&original[refanged.original_start(now)..refanged.original_end(now + 3)], "now");
    }
}
