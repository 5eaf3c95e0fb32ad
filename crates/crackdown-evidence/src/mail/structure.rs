//! A linear look at a message's MIME structure before `mail-parser` sees it.
//!
//! Each multipart a message declares makes the parser seek its boundary
//! forward, to the end of the message when it never comes, and again for
//! each enclosing multipart when the part ends: the work is bounded by the
//! declarations times the bytes. The outside review of issue 20 measured a
//! 1 MiB e-mail nesting 20,000 multiparts at seconds of CPU per request;
//! legitimate mail declares a handful (a forwarded message with
//! alternatives and attachments: under ten). So the number of declarations
//! is bounded here, in one pass, and so is their product with the size.
//!
//! A multipart can only be declared by a Content-Type value holding the
//! token `multipart`, which header folding cannot split, so counting the
//! token case-insensitively over the raw bytes over-counts (a body that talks
//! about multiparts) but never under-counts — except inside attached messages
//! sent base64- or quoted-printable-encoded, which `mail-parser` decodes and
//! parses again (up to three levels). Those bodies are decoded here too and
//! counted the same way, so hiding a bomb in an encoded attachment costs what
//! it costs in the open.

use super::MailError;

/// Multipart declarations one message level may hold.
pub const MAX_MULTIPARTS: usize = 128;
/// Upper bound of the parser's byte steps: declarations times bytes, summed
/// over the message and its encoded attached messages (about a quarter of a
/// second of parsing, however the bytes are arranged).
pub const MAX_SCAN_STEPS: u64 = 256 << 20;
/// Encoded attached messages followed, as deep as `mail-parser` follows them.
const MAX_ENCODED_DEPTH: usize = 3;

/// Refuses a message whose MIME structure would make parsing superlinear.
pub fn check(raw: &[u8]) -> Result<(), MailError> {
    let mut steps = 0_u64;
    check_level(raw, MAX_ENCODED_DEPTH, &mut steps)
}

fn check_level(raw: &[u8], depth: usize, steps: &mut u64) -> Result<(), MailError> {
    let declared = count_token(raw, b"multipart");
    if declared > MAX_MULTIPARTS {
        return Err(MailError::TooComplex(format!(
            "{declared} multipart declarations, over the limit of {MAX_MULTIPARTS} (a MIME bomb?)"
        )));
    }
    *steps = steps.saturating_add((declared as u64).saturating_mul(raw.len() as u64));
    if *steps > MAX_SCAN_STEPS {
        return Err(MailError::TooComplex(format!(
            "{declared} multipart declarations in {} bytes would take over {MAX_SCAN_STEPS} parsing steps",
            raw.len()
        )));
    }
    if depth == 0 {
        return Ok(());
    }
    for body in encoded_attached_messages(raw) {
        check_level(&body, depth - 1, steps)?;
    }
    Ok(())
}

/// Occurrences of an ASCII lower-case `token` in `haystack`, ignoring case.
fn count_token(haystack: &[u8], token: &[u8]) -> usize {
    let Some(&first) = token.first() else {
        return 0;
    };
    let mut count = 0;
    let mut at = 0;
    while at + token.len() <= haystack.len() {
        if haystack[at].to_ascii_lowercase() == first
            && haystack[at..at + token.len()].iter().zip(token).all(|(a, b)| a.to_ascii_lowercase() == *b)
        {
            count += 1;
            at += token.len();
        } else {
            at += 1;
        }
    }
    count
}

/// How a part's body is transfer-encoded, as far as re-parsing goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Plain,
    Base64,
    QuotedPrintable,
}

/// The decoded bodies of parts declared `message/*` with a base64 or
/// quoted-printable transfer encoding: what `mail-parser` decodes and parses
/// as a message of its own. Header blocks are found the way MIME lays them
/// out: at the top and after each line starting with `--`, up to the first
/// empty line; the body runs to the next delimiter of a boundary declared
/// before it (or to the end).
fn encoded_attached_messages(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let mut boundaries: Vec<Vec<u8>> = Vec::new();
    let mut lines = raw.split(|&byte| byte == b'\n').map(|line| line.strip_suffix(b"\r").unwrap_or(line)).peekable();
    let mut in_headers = true;
    let mut is_message = false;
    let mut encoding = Encoding::Plain;
    let mut last_field: Option<Vec<u8>> = None;
    while let Some(line) = lines.next() {
        if line.starts_with(b"--") {
            in_headers = true;
            is_message = false;
            encoding = Encoding::Plain;
            last_field = None;
            continue;
        }
        if !in_headers {
            continue;
        }
        if line.is_empty() {
            in_headers = false;
            if is_message && encoding != Encoding::Plain {
                let mut body = Vec::new();
                let is_delimiter = |line: &&[u8]| {
                    line.strip_prefix(b"--")
                        .is_some_and(|rest| boundaries.iter().any(|boundary| rest.starts_with(boundary)))
                };
                while let Some(next) = lines.next_if(|next| !is_delimiter(next)) {
                    body.extend_from_slice(next);
                    body.push(b'\n');
                }
                found.push(match encoding {
                    Encoding::Base64 => decode_base64(&body),
                    _ => decode_quoted_printable(&body),
                });
            }
            continue;
        }
        let (field, value) = if line.first().is_some_and(|byte| *byte == b' ' || *byte == b'\t') {
            (last_field.clone(), line)
        } else {
            match line.iter().position(|&byte| byte == b':') {
                Some(colon) => {
                    let name = line[..colon].trim_ascii().to_ascii_lowercase();
                    last_field = Some(name.clone());
                    (Some(name), &line[colon + 1..])
                }
                None => (None, line),
            }
        };
        if field.as_deref() == Some(&b"content-type"[..])
            && let Some(boundary) = boundary_parameter(value)
        {
            boundaries.push(boundary);
        }
        let value = value.trim_ascii().to_ascii_lowercase();
        match field.as_deref() {
            Some(b"content-type") if value.starts_with(b"message/") => is_message = true,
            Some(b"content-transfer-encoding") if value.starts_with(b"base64") => encoding = Encoding::Base64,
            Some(b"content-transfer-encoding") if value.starts_with(b"quoted-printable") => {
                encoding = Encoding::QuotedPrintable;
            }
            _ => {}
        }
    }
    found
}

/// The `boundary=` parameter of a Content-Type value, unquoted.
fn boundary_parameter(value: &[u8]) -> Option<Vec<u8>> {
    let lower = value.to_ascii_lowercase();
    let start = lower.windows(9).position(|window| window == b"boundary=")? + 9;
    let rest = value.get(start..)?;
    let boundary: Vec<u8> = match rest.strip_prefix(b"\"") {
        Some(quoted) => quoted.iter().take_while(|&&byte| byte != b'"').copied().collect(),
        None => rest.iter().take_while(|&&byte| byte != b';' && !byte.is_ascii_whitespace()).copied().collect(),
    };
    (!boundary.is_empty()).then_some(boundary)
}

/// Base64 decoded leniently, as mail parsers do: characters outside the
/// alphabet are skipped.
fn decode_base64(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut buffer = 0_u32;
    let mut bits = 0;
    for &byte in text {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable decoded leniently: soft line breaks removed (they could
/// split the counted token) and `=XX` escapes decoded.
fn decode_quoted_printable(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    while let Some(&byte) = text.get(at) {
        if byte != b'=' {
            out.push(byte);
            at += 1;
            continue;
        }
        match (text.get(at + 1), text.get(at + 2)) {
            (Some(b'\n'), _) => at += 2,
            (Some(b'\r'), Some(b'\n')) => at += 3,
            (Some(&high), Some(&low)) if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                let hex = [high, low];
                let decoded = std::str::from_utf8(&hex).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok());
                out.push(decoded.unwrap_or(b'='));
                at += 3;
            }
            _ => {
                out.push(byte);
                at += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `levels` multiparts nested inside each other, none ever closed.
    fn nested_bomb(levels: usize) -> String {
        let mut raw = String::from("From: a@example.org\r\nSubject: bomb\r\n");
        for level in 0..levels {
            raw.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n"));
        }
        raw.push_str("Content-Type: text/plain\r\n\r\nx\r\n");
        raw
    }

    #[test]
    fn ordinary_nesting_passes_and_a_bomb_is_refused() {
        assert_eq!(check(nested_bomb(100).as_bytes()), Ok(()));
        let error = check(nested_bomb(20_000).as_bytes()).expect_err("a bomb");
        assert!(error.to_string().contains("20000 multipart declarations"), "{error}");
    }

    #[test]
    fn the_token_is_counted_whatever_its_case() {
        assert_eq!(count_token(b"MultiPart/mixed multipart MULTIPART", b"multipart"), 3);
        assert_eq!(count_token(b"multipar", b"multipart"), 0);
    }

    #[test]
    fn a_bomb_inside_an_encoded_attached_message_is_refused() {
        use base64::Engine;
        let inner = nested_bomb(MAX_MULTIPARTS + 1);
        let encoded = base64::engine::general_purpose::STANDARD.encode(inner.as_bytes());
        let raw = format!(
            "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n\
             Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--o--\r\n"
        );
        assert!(check(raw.as_bytes()).is_err());

        let quoted = inner.replace("multipart", "multi=\r\npart");
        let raw = format!(
            "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n\
             Content-Type: message/rfc822\r\nContent-Transfer-Encoding:\r\n quoted-printable\r\n\r\n{quoted}\r\n--o--\r\n"
        );
        assert!(check(raw.as_bytes()).is_err(), "a folded header and soft line breaks hide nothing");
    }

    #[test]
    fn many_declarations_in_a_large_message_are_refused_by_the_step_budget() {
        let mut raw = nested_bomb(100);
        raw.push_str(&"y".repeat(4 << 20));
        let error = check(raw.as_bytes()).expect_err("100 x 4 MiB");
        assert!(error.to_string().contains("parsing steps"), "{error}");
    }
}
