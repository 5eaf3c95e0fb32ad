//! The ids people and partners use for campaigns: opaque, stable, and the
//! same for every viewer who sees the same campaign.
//!
//! A stored campaign has a *key* (`campaign_members.campaign_id`): random
//! when the campaign is new, and kept by the campaign that mostly overlaps
//! it whenever linking merges, splits or rebuilds ([`inherit`]). A viewer
//! sees either a whole stored campaign or, when their access splits it,
//! parts of it; a part is named by the key and its smallest report. The id
//! is that pair encrypted as one AES block under a secret of the
//! installation, so it reveals no report id and not even that two parts
//! belong to one stored campaign (which would tell the viewer that reports
//! they cannot read join them). A tampered or foreign id decrypts to a
//! block whose check bytes are not zero and is refused as unknown.

use std::collections::HashMap;

use aes::Aes128;
use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use crackdown_store::{Store, StoreError};

/// What every campaign id starts with, so that a pasted id says what it is.
pub const PREFIX: &str = "cmp-";
/// The installation secret's name in the store.
const SECRET: &str = "campaign-ids";
/// Crockford's base32 alphabet, lower case: no i, l, o or u to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Characters of the encoded block (128 bits, 5 per character).
const ENCODED: usize = 26;
/// New keys are drawn from [2^40, 2^62): above every report id, which the
/// keys of campaigns stored before version 32 are.
const FRESH_KEYS: (i64, i64) = (1 << 40, 1 << 62);

/// A viewer's campaign: a stored campaign's key, and the smallest report of
/// the viewer's part when their access splits it (`None`: all of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CampaignRef {
    pub key: i64,
    pub part: Option<i64>,
}

/// Encodes and decodes campaign ids with the installation's secret.
pub struct CampaignIds {
    cipher: Aes128,
}

impl CampaignIds {
    /// The codec of this installation (its secret is created on first use).
    pub fn of(store: &Store) -> Result<CampaignIds, StoreError> {
        Ok(CampaignIds::from_secret(store.installation_secret(SECRET)?))
    }

    /// The codec of a given secret.
    pub fn from_secret(secret: [u8; 16]) -> CampaignIds {
        CampaignIds { cipher: Aes128::new(&Array::from(secret)) }
    }

    /// The id a viewer sees for `campaign`.
    pub fn encode(&self, campaign: CampaignRef) -> String {
        let mut block = [0_u8; 16];
        block[..8].copy_from_slice(&campaign.key.to_be_bytes());
        // Report ids fit 48 bits by far; the last two bytes stay zero and
        // are the check that an id was made here.
        let part = campaign.part.unwrap_or(0).to_be_bytes();
        block[8..14].copy_from_slice(&part[2..]);
        let mut block = Array::from(block);
        self.cipher.encrypt_block(&mut block);
        let mut number = u128::from_be_bytes(block.into());
        let mut text = [0_u8; ENCODED];
        for slot in text.iter_mut().rev() {
            *slot = ALPHABET[(number & 31) as usize];
            number >>= 5;
        }
        format!("{PREFIX}{}", String::from_utf8_lossy(&text))
    }

    /// The campaign an id names, or `None` for text that is no campaign id
    /// of this installation.
    pub fn decode(&self, id: &str) -> Option<CampaignRef> {
        let body = id.trim().strip_prefix(PREFIX)?;
        if body.len() != ENCODED {
            return None;
        }
        let mut number: u128 = 0;
        for byte in body.bytes() {
            let digit = ALPHABET.iter().position(|&letter| letter == byte.to_ascii_lowercase())?;
            number = number.checked_mul(32)? | digit as u128;
        }
        let mut block = Array::from(number.to_be_bytes());
        self.cipher.decrypt_block(&mut block);
        let block: [u8; 16] = block.into();
        if block[14..] != [0, 0] {
            return None;
        }
        let key = i64::from_be_bytes(block[..8].try_into().ok()?);
        let mut part = [0_u8; 8];
        part[2..].copy_from_slice(&block[8..14]);
        let part = i64::from_be_bytes(part);
        (key > 0).then_some(CampaignRef { key, part: (part > 0).then_some(part) })
    }
}

/// A key for a campaign that continues none.
pub(crate) fn fresh_key() -> Result<i64, StoreError> {
    let mut bytes = [0_u8; 8];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::Database(format!("no randomness: {error}")))?;
    let (low, high) = FRESH_KEYS;
    Ok(low + (u64::from_be_bytes(bytes) % (high - low) as u64) as i64)
}

/// The key of each of `pieces` (lists of report ids) when they replace the
/// campaigns `old` says their reports were in: each old key goes to the
/// piece holding most of its reports (ties: the piece with the smallest
/// report), so a campaign that grows, shrinks or splits keeps its id in
/// its largest continuation; pieces continuing no campaign get fresh keys.
pub(crate) fn inherit(pieces: &[Vec<i64>], old: impl Fn(i64) -> Option<i64>) -> Result<Vec<i64>, StoreError> {
    // (overlap, piece) of each old key's best piece.
    let mut overlaps: Vec<(usize, i64, usize)> = Vec::new();
    for (at, piece) in pieces.iter().enumerate() {
        let mut counts: HashMap<i64, usize> = HashMap::new();
        for &report in piece {
            if let Some(key) = old(report) {
                *counts.entry(key).or_default() += 1;
            }
        }
        overlaps.extend(counts.into_iter().map(|(key, count)| (count, key, at)));
    }
    let first: Vec<i64> = pieces.iter().map(|piece| piece.iter().min().copied().unwrap_or(i64::MAX)).collect();
    overlaps.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(first[a.2].cmp(&first[b.2])).then(a.1.cmp(&b.1)));
    let mut keys: Vec<Option<i64>> = vec![None; pieces.len()];
    let mut taken = std::collections::HashSet::new();
    for (_, key, at) in overlaps {
        if keys[at].is_none() && taken.insert(key) {
            keys[at] = Some(key);
        }
    }
    keys.into_iter().map(|key| key.map_or_else(fresh_key, Ok)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec(secret: u8) -> CampaignIds {
        CampaignIds::from_secret([secret; 16])
    }

    #[test]
    fn ids_round_trip_and_reveal_nothing_readable() {
        let ids = codec(7);
        for campaign in [
            CampaignRef { key: 1, part: None },
            CampaignRef { key: 4_611_686_018_427_387_000, part: Some(281_474_976_710_000) },
            CampaignRef { key: 12, part: Some(12) },
        ] {
            let id = ids.encode(campaign);
            assert_eq!(id.len(), PREFIX.len() + ENCODED);
            assert!(!id.contains(&campaign.key.to_string()[..1].repeat(3)));
            assert_eq!(ids.decode(&id), Some(campaign));
            assert_eq!(ids.decode(&id.to_uppercase().replace("CMP-", "cmp-")), Some(campaign));
        }
        // The whole campaign and a part of it share nothing visible.
        let whole = ids.encode(CampaignRef { key: 5, part: None });
        let part = ids.encode(CampaignRef { key: 5, part: Some(9) });
        let common = whole.bytes().zip(part.bytes()).skip(PREFIX.len()).take_while(|(a, b)| a == b).count();
        assert!(common < 4, "{whole} {part}");
    }

    #[test]
    fn foreign_and_tampered_ids_are_unknown() {
        let id = codec(7).encode(CampaignRef { key: 5, part: None });
        assert_eq!(codec(8).decode(&id), None);
        let mut tampered = id.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(codec(7).decode(&String::from_utf8(tampered).expect("ascii")), None);
        for junk in ["", "cmp-", "42", "cmp-ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "cmp-\u{e9}aaaaaaaaaaaaaaaaaaaaaaaaa"] {
            assert_eq!(codec(7).decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn the_largest_continuation_keeps_the_key() {
        let old = |report: i64| match report {
            1..=10 => Some(100),
            11..=12 => Some(200),
            _ => None,
        };
        // Campaign 100 splits 7/3; campaign 200 joins the smaller piece; 20 is new.
        let keys = inherit(&[vec![1, 2, 3, 4, 5, 6, 7], vec![8, 9, 10, 11, 12], vec![20]], old).expect("keys");
        assert_eq!(keys[0], 100);
        // The second piece holds 3 of 100 and 2 of 200: 100 is taken, 200 is its.
        assert_eq!(keys[1], 200);
        assert!(keys[2] >= FRESH_KEYS.0 && keys[2] < FRESH_KEYS.1);
        // A merge keeps the key of the campaign it mostly overlaps.
        assert_eq!(inherit(&[(1..=12).collect()], old).expect("keys"), vec![100]);
    }
}
