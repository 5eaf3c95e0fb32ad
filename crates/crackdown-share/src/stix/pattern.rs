//! The part of STIX patterning that names observables: observations of
//! string equalities. `[url:value = 'x'] OR [domain-name:value = 'y']` and
//! `[bank-account:account_number = '1' AND bank-account:bic = 'B']` name
//! indicators; patterns with other operators, qualifiers or temporal
//! combinations describe behaviour, not a value, and are not reduced.

use crate::model::IndicatorKey;

use super::sco::key_from_properties;

#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Equals,
    Path(String),
    Literal(String),
}

fn tokens(pattern: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = pattern.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            '[' => out.push(Token::Open),
            ']' => out.push(Token::Close),
            '=' => out.push(Token::Equals),
            '\'' => {
                let mut literal = String::new();
                loop {
                    match chars.next()? {
                        (_, '\\') => literal.push(chars.next()?.1),
                        (_, '\'') => break,
                        (_, other) => literal.push(other),
                    }
                }
                out.push(Token::Literal(literal));
            }
            _ => {
                let mut end = start + c.len_utf8();
                while let Some((at, next)) = chars.peek().copied() {
                    if next.is_whitespace() || matches!(next, '[' | ']' | '=' | '\'') {
                        break;
                    }
                    end = at + next.len_utf8();
                    chars.next();
                }
                let word = &pattern[start..end];
                out.push(match word {
                    "AND" => Token::And,
                    "OR" => Token::Or,
                    _ => Token::Path(word.to_owned()),
                });
            }
        }
    }
    Some(out)
}

/// The indicators a pattern names, or `None` when it is not a disjunction
/// of observations of string equalities.
pub fn pattern_keys(pattern: &str) -> Option<Vec<IndicatorKey>> {
    let tokens = tokens(pattern)?;
    let mut keys = Vec::new();
    let mut at = 0;
    loop {
        if tokens.get(at)? != &Token::Open {
            return None;
        }
        at += 1;
        // comparisons of this observation and the connective between them
        let mut comparisons: Vec<(String, String, String)> = Vec::new();
        let mut connective: Option<&Token> = None;
        loop {
            let (Token::Path(path), Token::Equals, Token::Literal(value)) =
                (tokens.get(at)?, tokens.get(at + 1)?, tokens.get(at + 2)?)
            else {
                return None;
            };
            let (object_type, property) = path.split_once(':')?;
            comparisons.push((object_type.to_owned(), property.to_owned(), value.clone()));
            at += 3;
            match tokens.get(at)? {
                Token::Close => break,
                token @ (Token::And | Token::Or) => {
                    if connective.is_some_and(|seen| seen != token) {
                        return None;
                    }
                    connective = Some(token);
                    at += 1;
                }
                _ => return None,
            }
        }
        at += 1;
        if connective == Some(&Token::Or) {
            for (object_type, property, value) in &comparisons {
                let get = |name: &str| (name == property).then(|| value.clone());
                keys.push(key_from_properties(object_type, &get)?);
            }
        } else {
            let object_type = &comparisons[0].0;
            if comparisons.iter().any(|(other, _, _)| other != object_type) {
                return None;
            }
            let get = |name: &str| {
                comparisons.iter().find(|(_, property, _)| property == name).map(|(_, _, value)| value.clone())
            };
            keys.push(key_from_properties(object_type, &get)?);
        }
        match tokens.get(at) {
            None => return Some(keys),
            Some(Token::Or) => at += 1,
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorKind;
    use crate::stix::sco::pattern;

    #[test]
    fn reads_what_the_writer_writes() {
        let keys = [
            IndicatorKey::new(IndicatorKind::Url, "https://a.example/it's"),
            IndicatorKey::new(IndicatorKind::BankAccount { bank: Some("KASITHBK".into()) }, "0123"),
            IndicatorKey::new(
                IndicatorKind::CryptoWallet { chain: "tron".into(), currency: Some("USDT".into()) },
                "TXk8",
            ),
            IndicatorKey::new(IndicatorKind::MessengerHandle { service: "line".into() }, "lisa"),
        ];
        for key in keys {
            assert_eq!(pattern_keys(&pattern(&key)), Some(vec![key.clone()]), "{}", pattern(&key));
        }
    }

    #[test]
    fn reads_disjunctions_and_refuses_behaviour() {
        let both = pattern_keys(
            "[domain-name:value = 'a.example' OR ipv4-addr:value = '198.51.100.1'] OR [phone-number:value = '+6681']",
        )
        .expect("reducible");
        assert_eq!(both.len(), 3);
        assert_eq!(both[2], IndicatorKey::new(IndicatorKind::Phone, "+6681"));
        assert_eq!(pattern_keys("[file:hashes.'SHA-256' = 'ab']"), None);
        assert_eq!(pattern_keys("[url:value = 'a'] AND [url:value = 'b']"), None);
        assert_eq!(pattern_keys("[url:value LIKE 'a%']"), None);
        assert_eq!(pattern_keys("[url:value = 'a'] WITHIN 300 SECONDS"), None);
        assert_eq!(pattern_keys("[url:value = 'unterminated]"), None);
        assert_eq!(pattern_keys("[url:value = 'a' AND domain-name:value = 'b']"), None);
    }
}
