//! A linear model over hashed features: character n-grams, words, cue
//! targets and indicator kinds, trained by logistic regression (AdaGrad).
//!
//! Cue targets and indicator kinds are the same features in every
//! language, so what the model learns about "a prize cue and a premium-rate
//! number" on English data carries over to Thai or Burmese text. Training
//! keeps the feature vectors of all samples in memory (a few hundred bytes
//! each): fine for SMS-sized corpora, not meant for millions of e-mails.

use std::io::{Read, Write};

use crate::extract::{Context, Indicator, extract};
use crate::lexicon::{Cue, Label, Lexicon, ScamType};

/// One labelled message for training or evaluation.
#[derive(Clone, Debug)]
pub struct Sample {
    pub text: String,
    pub label: Label,
    pub scam_type: Option<ScamType>,
    pub context: Context,
}

/// A sparse feature vector: hashed bucket and value.
#[derive(Clone, Debug, Default)]
pub struct Features {
    pub entries: Vec<(u32, f32)>,
}

/// What `featurize` saw besides the features, so the analyzer does not
/// redo the work.
pub struct Observed<'a> {
    pub indicators: Vec<Indicator>,
    pub cues: Vec<&'a Cue>,
}

/// FNV-1a over a namespace byte and the feature's bytes.
fn bucket(namespace: u8, bytes: &[u8], mask: u32) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(namespace);
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Fold the high bits in: FNV's low bits mix poorly.
    ((hash ^ (hash >> 29) ^ (hash >> 47)) as u32) & mask
}

/// Turns a message into features. `bits` sets the number of buckets (2^bits).
pub fn featurize<'a>(text: &str, context: &Context, lexicon: &'a Lexicon, bits: u8) -> (Features, Observed<'a>) {
    let mask = (1u32 << bits) - 1;
    let normalized = crackdown_model::normalize_text(text);
    let cues = lexicon.find(&normalized);
    let indicators = extract(text, context);
    let shape: String = normalized.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();

    let mut entries: Vec<(u32, f32)> = Vec::with_capacity(shape.len() * 4 + 32);
    // Character n-grams of 2..=5 characters over the text padded with spaces.
    let padded = format!(" {shape} ");
    let boundaries: Vec<usize> = padded.char_indices().map(|(index, _)| index).chain([padded.len()]).collect();
    for n in 2..=5usize {
        for window in boundaries.windows(n + 1) {
            let gram = &padded.as_bytes()[window[0]..window[n]];
            entries.push((bucket(n as u8, gram, mask), 1.0));
        }
    }
    // Words and word pairs.
    let words: Vec<&str> = shape.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    for word in &words {
        entries.push((bucket(10, word.as_bytes(), mask), 1.0));
    }
    for pair in words.windows(2) {
        let joined = format!("{} {}", pair[0], pair[1]);
        entries.push((bucket(11, joined.as_bytes(), mask), 1.0));
    }
    let scale = 1.0 / (entries.len().max(1) as f32).sqrt();
    for entry in &mut entries {
        entry.1 = scale;
    }

    // Language-independent evidence at full strength.
    let mut flag = |name: &str| entries.push((bucket(20, name.as_bytes(), mask), 1.0));
    for cue in &cues {
        flag(&format!("cue:{}", cue.target.name()));
        if cue.weight >= 2.0 {
            flag(&format!("strong-cue:{}", cue.target.name()));
        }
    }
    for indicator in &indicators {
        flag(&format!("indicator:{}", indicator.kind));
        if !indicator.valid {
            flag("indicator:invalid");
        }
        if indicator.lookalike {
            flag("indicator:lookalike");
        }
    }
    if shape.contains("00000") {
        flag("shape:long-number");
    }
    if text.contains(['£', '$', '€', '₱', '฿']) {
        flag("shape:currency");
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    if letters > 10 && upper * 3 > letters {
        flag("shape:shouting");
    }
    flag(&format!("shape:length-{}", (text.len() / 40).min(6)));
    flag("bias");

    (Features { entries }, Observed { indicators, cues })
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// log2 of the number of hashed buckets.
    pub bits: u8,
    pub epochs: usize,
    pub learning_rate: f32,
    /// L2 penalty per update.
    pub l2: f32,
    /// Seed of the shuffling, so training is reproducible.
    pub seed: u64,
    /// How much a missed unwanted message costs against a false alarm:
    /// unwanted messages are the minority and F1 is measured on them.
    pub positive_weight: f32,
    /// A note stored with the model: what it was trained on.
    pub note: String,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            bits: 18,
            epochs: 20,
            learning_rate: 0.5,
            l2: 0.0,
            seed: 6,
            positive_weight: 2.0,
            note: String::new(),
        }
    }
}

/// A trained binary model: the probability that a message is unwanted
/// (scam or spam).
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    bits: u8,
    weights: Vec<f32>,
    note: String,
}

/// A model file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model file: {0}")]
    Io(#[from] std::io::Error),
    #[error("model file: {0}")]
    Format(String),
}

const MAGIC: &[u8; 8] = b"CDLURE01";

impl Model {
    /// The model shipped with the crate (see `model/README.md`).
    pub fn builtin() -> Model {
        Model::load(&mut &include_bytes!("../model/default.model")[..])
            .expect("the shipped model is checked by the unit tests")
    }

    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// What the model was trained on.
    pub fn note(&self) -> &str {
        &self.note
    }

    /// The raw score (log-odds) of a feature vector.
    pub fn score(&self, features: &Features) -> f32 {
        features
            .entries
            .iter()
            .map(|(index, value)| self.weights.get(*index as usize).copied().unwrap_or(0.0) * value)
            .sum()
    }

    /// Writes the model: magic, bits, note, then weights quantized to i16
    /// with one f32 scale (half the size of f32, no measurable loss).
    pub fn save(&self, out: &mut impl Write) -> Result<(), ModelError> {
        out.write_all(MAGIC)?;
        out.write_all(&[self.bits])?;
        let note = self.note.as_bytes();
        out.write_all(&(note.len() as u32).to_le_bytes())?;
        out.write_all(note)?;
        let largest = self.weights.iter().fold(0f32, |max, w| max.max(w.abs()));
        let scale = if largest > 0.0 { largest / f32::from(i16::MAX) } else { 1.0 };
        out.write_all(&scale.to_le_bytes())?;
        let mut buffer = Vec::with_capacity(self.weights.len() * 2);
        for weight in &self.weights {
            let quantized = (weight / scale).round().clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
            buffer.extend_from_slice(&quantized.to_le_bytes());
        }
        out.write_all(&buffer)?;
        Ok(())
    }

    /// Reads what `save` wrote.
    pub fn load(input: &mut impl Read) -> Result<Model, ModelError> {
        let mut magic = [0u8; 8];
        input.read_exact(&mut magic)?;
        if &magic != MAGIC {
            return Err(ModelError::Format("not a crackdown lure model (bad magic)".to_owned()));
        }
        let mut bits = [0u8; 1];
        input.read_exact(&mut bits)?;
        let bits = bits[0];
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Format(format!("{bits} hash bits is outside 8..=24")));
        }
        let mut word = [0u8; 4];
        input.read_exact(&mut word)?;
        let note_length = u32::from_le_bytes(word) as usize;
        if note_length > 1 << 16 {
            return Err(ModelError::Format(format!("note of {note_length} bytes is too long")));
        }
        let mut note = vec![0u8; note_length];
        input.read_exact(&mut note)?;
        let note = String::from_utf8(note).map_err(|_| ModelError::Format("note is not UTF-8".to_owned()))?;
        input.read_exact(&mut word)?;
        let scale = f32::from_le_bytes(word);
        let mut raw = vec![0u8; 2 << bits];
        input.read_exact(&mut raw)?;
        let weights =
            raw.chunks_exact(2).map(|pair| f32::from(i16::from_le_bytes([pair[0], pair[1]])) * scale).collect();
        Ok(Model { bits, weights, note })
    }
}

/// A small deterministic generator for shuffling (xorshift64*).
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for index in (1..items.len()).rev() {
            let other = (self.next() % (index as u64 + 1)) as usize;
            items.swap(index, other);
        }
    }
}

/// Trains the unwanted-message model: scam and spam are positive, ham negative.
pub fn train(samples: impl Iterator<Item = Sample>, options: &TrainOptions) -> Model {
    let lexicon = Lexicon::builtin();
    let mut examples: Vec<(Features, f32)> = samples
        .map(|sample| {
            let (features, _) = featurize(&sample.text, &sample.context, lexicon, options.bits);
            (features, if sample.label == Label::Ham { 0.0 } else { 1.0 })
        })
        .collect();
    let size = 1usize << options.bits;
    let mut weights = vec![0f32; size];
    let mut squared_gradients = vec![1e-6f32; size];
    let mut shuffler = Shuffler(options.seed | 1);
    for _ in 0..options.epochs {
        shuffler.shuffle(&mut examples);
        for (features, target) in &examples {
            let score: f32 = features.entries.iter().map(|(i, v)| weights[*i as usize] * v).sum();
            let probability = 1.0 / (1.0 + (-score).exp());
            let error = (probability - target) * if *target > 0.5 { options.positive_weight } else { 1.0 };
            for (index, value) in &features.entries {
                let index = *index as usize;
                let gradient = error * value + options.l2 * weights[index];
                squared_gradients[index] += gradient * gradient;
                weights[index] -= options.learning_rate * gradient / squared_gradients[index].sqrt();
            }
        }
    }
    Model { bits: options.bits, weights, note: options.note.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(text: &str, label: Label) -> Sample {
        Sample { text: text.to_owned(), label, scam_type: None, context: Context::none() }
    }

    #[test]
    fn learns_a_separable_toy_set_and_survives_save_and_load() {
        let samples = vec![
            sample("WINNER! claim your cash prize now call 09061701461", Label::Spam),
            sample("Congratulations you have won a free holiday, txt WIN to 80086", Label::Spam),
            sample("are we still meeting for lunch tomorrow?", Label::Ham),
            sample("ok see you at home later", Label::Ham),
        ];
        let options = TrainOptions { bits: 12, epochs: 30, ..TrainOptions::default() };
        let model = train(samples.into_iter(), &options);
        let lexicon = Lexicon::builtin();
        let spam = featurize("you won a cash prize, call now", &Context::none(), lexicon, 12).0;
        let ham = featurize("see you at lunch", &Context::none(), lexicon, 12).0;
        assert!(model.score(&spam) > 0.0 && model.score(&ham) < 0.0);

        let mut bytes = Vec::new();
        model.save(&mut bytes).expect("writing to memory");
        let loaded = Model::load(&mut bytes.as_slice()).expect("reading back");
        assert!((loaded.score(&spam) - model.score(&spam)).abs() < 1e-3);
        assert!(Model::load(&mut &bytes[..20]).is_err());
        assert!(Model::load(&mut &b"garbage garbage garbage"[..]).is_err());
    }
}
