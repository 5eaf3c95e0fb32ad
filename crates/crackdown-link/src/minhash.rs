//! Near-duplicate text: MinHash signatures over character shingles, and the
//! banding (LSH) that finds candidate pairs without comparing every pair.
//!
//! Texts are normalized as for duplicate detection (NFKC, lower case, one
//! space), then cut into overlapping shingles of [`SHINGLE`] characters:
//! characters rather than words, because Thai, Chinese and Burmese do not
//! separate words with spaces. A signature is one-permutation MinHash (one
//! hash per shingle, the hash space cut into [`BINS`] bins, the minimum kept
//! per bin, empty bins filled from the next full one), which costs one hash
//! per shingle instead of one per shingle and bin. Each bin keeps 16 bits of
//! its minimum (b-bit MinHash): two bins agree by accident once in 65,536.
//!
//! The fraction of agreeing bins estimates the Jaccard similarity of the two
//! shingle sets. [`BANDS`] bands of [`ROWS`] bins give candidate pairs: a pair
//! with similarity 0.85 shares a band with probability 0.93, one at 0.9 with
//! 0.99, one at 0.5 with 0.03; candidates are then checked bin by bin.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Characters per shingle.
pub const SHINGLE: usize = 5;
/// Bins of a signature.
pub const BINS: usize = 64;
/// Bands for LSH, of [`ROWS`] bins each.
pub const BANDS: usize = 8;
pub const ROWS: usize = BINS / BANDS;
/// Texts with fewer shingles say too little to be called duplicates
/// ("help me" is not a campaign).
pub const MIN_SHINGLES: usize = 24;

/// The MinHash signature of one text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    bins: [u16; BINS],
}

/// A 64-bit finalizer (SplitMix64): every input bit moves every output bit.
pub(crate) fn mix64(mut value: u64) -> u64 {
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// The base of the rolling shingle hash (odd, large).
const BASE: u64 = 0x100_0000_01b3;

/// Feeds the characters of `text` as `crackdown_model::normalize_text`
/// spells them (NFKC, lower case, one space between words, trimmed) to
/// `emit`, without building the normalized string: linking signs every
/// report of a case, and the copies cost more than the hashing.
fn normalized_chars(text: &str, mut emit: impl FnMut(char)) {
    let mut feed = |characters: &mut dyn Iterator<Item = char>| {
        let (mut started, mut space) = (false, false);
        for character in characters {
            if character.is_whitespace() {
                space = started;
                continue;
            }
            if space {
                emit(' ');
                space = false;
            }
            started = true;
            if character.is_ascii() {
                emit(character.to_ascii_lowercase());
            } else {
                character.to_lowercase().for_each(&mut emit);
            }
        }
    };
    // Most texts are already in NFKC (ASCII always is): the quick check
    // is far cheaper than composing them again.
    if text.is_ascii() || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        feed(&mut text.chars());
    } else {
        feed(&mut text.nfkc());
    }
}

/// FNV-1a over UTF-8 bytes, mixed at the end: [`text_hash`]'s hash.
struct TextHasher(u64);

impl TextHasher {
    fn new() -> TextHasher {
        TextHasher(0xcbf2_9ce4_8422_2325)
    }

    fn push(&mut self, character: char) {
        let mut buffer = [0_u8; 4];
        for &byte in character.encode_utf8(&mut buffer).as_bytes() {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        mix64(self.0)
    }
}

/// The signature of a text (`None` when too short, as [`Signature::of`])
/// and its [`text_hash`], from one pass over it.
pub fn sign(text: &str) -> (Option<Signature>, u64) {
    let top = BASE.wrapping_pow(SHINGLE as u32 - 1);
    let mut minimum = [u64::MAX; BINS];
    let mut rolling = 0_u64;
    // The last SHINGLE characters, to take the oldest out of the hash.
    let mut window = [0_u64; SHINGLE];
    let mut count = 0_usize;
    let mut hasher = TextHasher::new();
    normalized_chars(text, |character| {
        hasher.push(character);
        let value = u64::from(u32::from(character));
        let slot = count % SHINGLE;
        if count >= SHINGLE {
            rolling = rolling.wrapping_sub(window[slot].wrapping_add(1).wrapping_mul(top));
        }
        window[slot] = value;
        rolling = rolling.wrapping_mul(BASE).wrapping_add(value.wrapping_add(1));
        count += 1;
        if count >= SHINGLE {
            let hash = mix64(rolling);
            let bin = (hash >> 58) as usize;
            let rest = hash & ((1 << 58) - 1);
            if rest < minimum[bin] {
                minimum[bin] = rest;
            }
        }
    });
    let signature = (count >= SHINGLE + MIN_SHINGLES - 1).then(|| Signature::from_minimums(&minimum));
    (signature, hasher.finish())
}

impl Signature {
    /// The signature of a text, or `None` when the text is too short to be
    /// compared (fewer than [`MIN_SHINGLES`] shingles).
    pub fn of(text: &str) -> Option<Signature> {
        sign(text).0
    }

    /// The signature from each bin's least hash (`u64::MAX` for none).
    fn from_minimums(minimum: &[u64; BINS]) -> Signature {
        let mut bins = [0_u16; BINS];
        for (bin, slot) in bins.iter_mut().enumerate() {
            // Rotation densification: an empty bin takes the next full one's
            // minimum, salted by the distance, so two texts agree on it
            // exactly when they agree on the bin it borrowed from.
            let (distance, value) = (0..BINS)
                .map(|step| (step, minimum[(bin + step) % BINS]))
                .find(|(_, value)| *value != u64::MAX)
                .unwrap_or((0, 0));
            *slot = (mix64(value ^ (distance as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 48) as u16;
        }
        Signature { bins }
    }

    /// How many bins agree, out of [`BINS`].
    pub fn agreeing_bins(&self, other: &Signature) -> usize {
        self.bins.iter().zip(other.bins.iter()).filter(|(a, b)| a == b).count()
    }

    /// Estimated Jaccard similarity of the two texts' shingle sets.
    pub fn similarity(&self, other: &Signature) -> f64 {
        self.agreeing_bins(other) as f64 / BINS as f64
    }

    /// The key of each band: texts sharing one are candidate duplicates.
    pub fn band_keys(&self) -> [u64; BANDS] {
        std::array::from_fn(|band| self.band_key(band))
    }

    /// The LSH key of one band (of `0..BANDS`).
    pub fn band_key(&self, band: usize) -> u64 {
        let mut hash = band as u64;
        for &value in self.bins.get(band * ROWS..(band + 1) * ROWS).unwrap_or_default() {
            hash = mix64(hash.wrapping_mul(BASE) ^ u64::from(value));
        }
        hash
    }

    /// A hash of the whole signature, to group identical ones.
    pub fn digest(&self) -> u64 {
        self.bins.iter().fold(0x5eed_u64, |hash, &value| mix64(hash.wrapping_mul(BASE) ^ u64::from(value)))
    }

    /// The signature as 256 hexadecimal digits, as the store keeps it.
    pub fn to_hex(&self) -> String {
        self.bins.iter().map(|bin| format!("{bin:04x}")).collect()
    }

    /// Reads [`Signature::to_hex`]'s form; `None` for anything else.
    pub fn from_hex(text: &str) -> Option<Signature> {
        if text.len() != BINS * 4 || !text.is_ascii() {
            return None;
        }
        // Digit by digit: a rebuild reads a million of these.
        let digit = |byte: u8| match byte {
            b'0'..=b'9' => Some(u16::from(byte - b'0')),
            b'a'..=b'f' => Some(u16::from(byte - b'a' + 10)),
            b'A'..=b'F' => Some(u16::from(byte - b'A' + 10)),
            _ => None,
        };
        let mut bins = [0_u16; BINS];
        for (bin, digits) in bins.iter_mut().zip(text.as_bytes().chunks_exact(4)) {
            for &byte in digits {
                *bin = *bin << 4 | digit(byte)?;
            }
        }
        Some(Signature { bins })
    }
}

/// A 64-bit hash of the normalized text: equal for exact resubmissions
/// (FNV-1a, mixed).
pub fn text_hash(text: &str) -> u64 {
    let mut hasher = TextHasher::new();
    normalized_chars(text, |character| hasher.push(character));
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "I met Jessica Lim on WhatsApp, she showed me the BitFuture Pro app and I deposited \
                         5,000 USDT to the wallet she gave me, then they asked for a tax to withdraw.";

    #[test]
    fn identical_texts_agree_everywhere_and_case_or_spacing_does_not_matter() {
        let a = Signature::of(STORY).expect("long enough");
        let b = Signature::of(&STORY.to_uppercase().replace(' ', "  ")).expect("long enough");
        assert_eq!(a.agreeing_bins(&b), BINS);
        assert_eq!(text_hash(STORY), text_hash(&STORY.to_uppercase()));
    }

    #[test]
    fn a_small_edit_stays_similar_and_an_unrelated_text_does_not() {
        let a = Signature::of(STORY).expect("long enough");
        let edited = Signature::of(&STORY.replace("5,000", "7,500")).expect("long enough");
        let other = Signature::of(
            "A courier called about a parcel held at customs with illegal items and asked me to pay a fine \
             to the police officer by bank transfer today.",
        )
        .expect("long enough");
        assert!(a.similarity(&edited) >= 0.85, "{}", a.similarity(&edited));
        assert!(a.similarity(&other) < 0.3, "{}", a.similarity(&other));
    }

    #[test]
    fn signatures_survive_their_stored_form() {
        let signature = Signature::of("They called me from the bank and said my account was used for laundering")
            .expect("long enough");
        assert_eq!(Signature::from_hex(&signature.to_hex()), Some(signature));
        assert_eq!(Signature::from_hex("00ff"), None);
        assert_eq!(Signature::from_hex(&"zz".repeat(128)), None);
    }

    #[test]
    fn one_pass_spells_the_text_as_the_duplicate_fingerprint_does() {
        for text in [
            STORY,
            "  Ｆｕｌｌ－ｗｉｄｔｈ  ＢＩＴＦＵＴＵＲＥ\u{3000}and\tİstanbul ΣΟΦΙΑ \n",
            "มีคนโทรมาบอกว่า เป็นเจ้าหน้าที่ธนาคาร",
            "e\u{301} combining then précomposé",
            "",
        ] {
            let mut spelled = String::new();
            normalized_chars(text, |character| spelled.push(character));
            assert_eq!(spelled, crackdown_model::normalize_text(text), "{text:?}");
        }
    }

    #[test]
    fn short_texts_have_no_signature() {
        assert_eq!(Signature::of("help me please"), None);
        assert_eq!(Signature::of(""), None);
    }

    #[test]
    fn thai_text_without_spaces_is_shingled() {
        let thai = "มีคนโทรมาบอกว่าเป็นเจ้าหน้าที่ธนาคารแจ้งว่าบัญชีของฉันถูกใช้ฟอกเงินให้โอนเงินไปบัญชีปลอดภัย";
        let a = Signature::of(thai).expect("long enough");
        let b = Signature::of(&format!("{thai}ค่ะ")).expect("long enough");
        assert!(a.similarity(&b) >= 0.85);
    }
}
