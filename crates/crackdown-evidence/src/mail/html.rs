//! Reduces an HTML body to plain text while keeping every `href` target and
//! the visible text of its link, so phishing links whose text names one
//! domain and whose target is another can be shown.
//!
//! A single forward scan with no recursion and no backtracking: linear time
//! on any input. It is not an HTML renderer: no CSS, no layout, no scripts;
//! `<script>`, `<style>`, `<head>` contents and comments are dropped.

/// A hyperlink found in an HTML body, before domain analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    /// The `href` value, entities decoded.
    pub target: String,
    /// The text a reader saw for the link, whitespace collapsed.
    pub text: String,
}

/// Text and links of an HTML document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlText {
    /// Readable text, one line per block element.
    pub text: String,
    /// Links in document order, at most the `max_links` asked for.
    pub links: Vec<RawLink>,
    /// Links beyond `max_links`, counted but not kept.
    pub dropped_links: usize,
}

/// Elements whose whole content is dropped.
const SKIPPED: &[&str] = &["script", "style", "head", "template", "noscript"];
/// Elements that start a new line.
const BLOCKS: &[&str] = &[
    "br",
    "p",
    "div",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "title",
];

/// Converts HTML to text and links, keeping at most `max_links` links so
/// a page of millions of anchors cannot exhaust memory.
pub fn html_to_text(html: &str, max_links: usize) -> HtmlText {
    let mut out = Builder { max_links, ..Builder::default() };
    let bytes = html.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            b'<' if html[pos..].starts_with("<!--") => {
                pos = find_from(html, pos + 4, "-->").map_or(bytes.len(), |end| end + 3);
            }
            b'<' if bytes
                .get(pos + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/' || *b == b'!' || *b == b'?') =>
            {
                let end = tag_end(bytes, pos + 1);
                let tag = &html[pos + 1..end.min(bytes.len())];
                pos = (end + 1).min(bytes.len());
                let (closing, name, attributes) = split_tag(tag);
                if !closing && SKIPPED.contains(&name.as_str()) {
                    pos = skip_element(html, pos, &name);
                    continue;
                }
                out.tag(closing, &name, attributes);
            }
            b'<' => {
                out.text("<");
                pos += 1;
            }
            b'&' => {
                let consumed = out.entity(&html[pos..]);
                pos += consumed;
            }
            _ => {
                let next = html[pos..].find(['<', '&']).map_or(bytes.len(), |offset| pos + offset);
                out.text(&html[pos..next]);
                pos = next;
            }
        }
    }
    out.finish()
}

/// Position of the `>` closing a tag that starts at `start`, skipping quoted
/// attribute values; `bytes.len()` if the tag is never closed.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote = None;
    for (offset, &byte) in bytes[start..].iter().enumerate() {
        match (quote, byte) {
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(q), b) if q == b => quote = None,
            (None, b'>') => return start + offset,
            _ => {}
        }
    }
    bytes.len()
}

fn find_from(haystack: &str, start: usize, needle: &str) -> Option<usize> {
    haystack.get(start..)?.find(needle).map(|offset| start + offset)
}

/// Skips to just after `</name ...>`, case-insensitively; end of input if absent.
fn skip_element(html: &str, mut pos: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    while let Some(open) = find_from(html, pos, "</") {
        let after = open + 2;
        let candidate = bytes.get(after..after + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return (tag_end(bytes, after) + 1).min(bytes.len());
        }
        pos = after;
    }
    bytes.len()
}

/// Splits the inside of `<...>` into (is closing, lower-case name, attributes).
fn split_tag(tag: &str) -> (bool, String, &str) {
    let (closing, rest) = match tag.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    let name_end = rest.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(rest.len());
    (closing, rest[..name_end].to_ascii_lowercase(), &rest[name_end..])
}

/// The value of attribute `wanted` in an attribute string, entities decoded.
fn attribute(attributes: &str, wanted: &str) -> Option<String> {
    let bytes = attributes.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        while pos < bytes.len() && (bytes[pos].is_ascii_whitespace() || bytes[pos] == b'/') {
            pos += 1;
        }
        let name_start = pos;
        while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() && !b"=/>".contains(&bytes[pos]) {
            pos += 1;
        }
        let name = &attributes[name_start..pos];
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let mut value = "";
        if bytes.get(pos) == Some(&b'=') {
            pos += 1;
            while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
                pos += 1;
            }
            match bytes.get(pos) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = attributes[pos + 1..].find(quote as char).map_or(bytes.len(), |offset| pos + 1 + offset);
                    value = &attributes[pos + 1..end];
                    pos = (end + 1).min(bytes.len());
                }
                _ => {
                    let start = pos;
                    while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() {
                        pos += 1;
                    }
                    value = &attributes[start..pos];
                }
            }
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(decode_entities(value).trim().to_owned());
        }
        if name.is_empty() {
            pos += 1;
        }
    }
    None
}

/// Decodes HTML character references in `text`.
pub fn decode_entities(text: &str) -> String {
    let mut builder = Builder::default();
    let mut pos = 0;
    while let Some(offset) = text[pos..].find('&') {
        builder.raw.push_str(&text[pos..pos + offset]);
        pos += offset;
        pos += builder.entity(&text[pos..]);
    }
    builder.raw.push_str(&text[pos..]);
    builder.raw
}

/// Accumulates text with collapsed whitespace and open links.
#[derive(Default)]
struct Builder {
    /// Scratch for `decode_entities`, which keeps whitespace as is.
    raw: String,
    text: String,
    links: Vec<RawLink>,
    /// Target of the open `<a>` and where its visible text starts in `text`.
    open_link: Option<(String, usize)>,
    pending_space: bool,
    max_links: usize,
    dropped_links: usize,
}

impl Builder {
    fn text(&mut self, chunk: &str) {
        for c in chunk.chars() {
            self.push_char(c);
        }
    }

    fn push_char(&mut self, c: char) {
        if c.is_whitespace() {
            self.pending_space = true;
            return;
        }
        if self.pending_space && !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push(' ');
        }
        self.pending_space = false;
        self.text.push(c);
    }

    /// Decodes the character reference at the start of `input` (which starts
    /// with `&`), appends it, and returns the bytes consumed.
    fn entity(&mut self, input: &str) -> usize {
        let candidate_end = input
            .char_indices()
            .skip(1)
            .take(32)
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
            .filter(|(_, c)| *c == ';');
        let decoded = candidate_end.and_then(|(end, _)| {
            let token = &input[..=end];
            let mut decoded = String::new();
            // The token is ASCII, so mail-parser's decoder cannot fail on it.
            mail_parser::decoders::html::add_html_token(&mut decoded, token.as_bytes(), false);
            (decoded != token).then_some((decoded, end + 1))
        });
        let (decoded, consumed) = decoded.unwrap_or_else(|| ("&".to_owned(), 1));
        self.raw.push_str(&decoded);
        for c in decoded.chars() {
            self.push_char(if c == '\u{a0}' { ' ' } else { c });
        }
        consumed
    }

    fn newline(&mut self) {
        self.pending_space = false;
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn tag(&mut self, closing: bool, name: &str, attributes: &str) {
        if name == "a" {
            self.close_link();
            if !closing && let Some(target) = attribute(attributes, "href").filter(|t| !t.is_empty()) {
                if self.pending_space && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push(' ');
                    self.pending_space = false;
                }
                self.open_link = Some((target, self.text.len()));
            }
        } else if BLOCKS.contains(&name) {
            self.newline();
        } else if matches!(name, "td" | "th") {
            self.pending_space = true;
        }
    }

    fn close_link(&mut self) {
        if let Some((target, start)) = self.open_link.take() {
            if self.links.len() >= self.max_links {
                self.dropped_links += 1;
                return;
            }
            let text = self.text.get(start..).unwrap_or_default();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.links.push(RawLink { target, text });
        }
    }

    fn finish(mut self) -> HtmlText {
        self.close_link();
        HtmlText { text: self.text.trim_end().to_owned(), links: self.links, dropped_links: self.dropped_links }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, text: &str, links: &[(&str, &str)]) {
        let result = html_to_text(html, 100);
        assert_eq!(result.text, text, "text of {html:?}");
        let got: Vec<(&str, &str)> = result.links.iter().map(|l| (l.target.as_str(), l.text.as_str())).collect();
        assert_eq!(got, links, "links of {html:?}");
    }

    #[test]
    fn text_and_links() {
        check(
            "<html><head><title>x</title><style>p{}</style></head><body><p>Dear  customer,</p>\
             <p>Verify at <a href=\"https://evil.example/login?a=1&amp;b=2\">www.mybank.com</a> today</p></body></html>",
            "Dear customer,\nVerify at www.mybank.com today",
            &[("https://evil.example/login?a=1&b=2", "www.mybank.com")],
        );
    }

    #[test]
    fn entities_and_scripts() {
        check(
            "A&nbsp;&amp;&#66;&#x43; &bogus; & <script>if (a<b) {}</script>D<!-- hidden <a href=x> -->E",
            "A &BC &bogus; & DE",
            &[],
        );
    }

    #[test]
    fn unclosed_and_unquoted() {
        check(
            "<a href=http://one.example>one<a HREF='http://two.example'>two",
            "onetwo",
            &[("http://one.example", "one"), ("http://two.example", "two")],
        );
        check("<div class=\"a>b\">x</div><br/>y<", "x\ny<", &[]);
        check("<a>no href</a><a href=\"\">empty</a>", "no hrefempty", &[]);
    }

    #[test]
    fn multibyte_text_is_kept() {
        check("<p>โปรดยืนยัน</p><p>账户</p>", "โปรดยืนยัน\n账户", &[]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_text_is_not_longer(html in ".{0,300}") {
            let result = html_to_text(&html, 100);
            proptest::prop_assert!(result.text.len() <= html.len() * 4 + 8);
        }
    }
}
