//! A linear model over hashed features: character n-grams, words, cue
//! targets and indicator kinds, trained by logistic regression (AdaGrad):
//! pooled over all training sets by default, or one expert per set with
//! gates choosing among them (`TrainOptions::pooled = false`).
//!
//! Cue targets and indicator kinds are the same features in every
//! language, so what the model learns about "a prize cue and a premium-rate
//! number" on English data carries over to Thai or Burmese text. Training
//! keeps the feature vectors of all samples in memory (a few hundred bytes
//! each): fine for SMS-sized corpora, not meant for millions of e-mails.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::LazyLock;

use crate::extract::{Context, Indicator, IndicatorKind, extract};
use crate::lexicon::{Cue, Label, Lexicon, ScamType};

/// One labelled message for training or evaluation.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The message's id in its set (`line N` where the set gives none), so
    /// an evaluation can name what it got wrong.
    pub id: String,
    pub text: String,
    pub label: Label,
    pub scam_type: Option<ScamType>,
    pub context: Context,
    /// Which data set the sample comes from (0, 1, ...). Sets label by
    /// different policies (marketing is spam in one, ham in another); an
    /// unpooled model learns one expert per set and a gate that picks one.
    /// [`SHARED`] marks the project's generated lure corpus: every expert
    /// learns from it and no gate is made for it.
    pub group: usize,
}

/// The group of samples every expert learns from (the generated lure
/// corpus: scams only, in seven languages, labelled by no outside set's policy).
pub const SHARED: usize = usize::MAX;

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

/// FNV-1a fed piece by piece, so compound features (word pairs, named
/// flags) hash without being formatted into a string first.
struct Hasher(u64);

impl Hasher {
    fn new(namespace: u8) -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325 ^ u64::from(namespace))
    }

    fn write(mut self, bytes: &[u8]) -> Hasher {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }

    fn bucket(&self, mask: u32) -> u32 {
        let hash = self.0;
        // Fold the high bits in: FNV's low bits mix poorly.
        ((hash ^ (hash >> 29) ^ (hash >> 47)) as u32) & mask
    }
}

/// Namespaces of the hashed features, so a word and a flag never share a
/// bucket by construction.
const NS_CHARS: u8 = 2;
const NS_WORD: u8 = 10;
const NS_PAIR: u8 = 11;
const NS_FLAG: u8 = 20;

/// `(is_alphabetic, is_uppercase)` of a character. Thai, Burmese and CJK
/// text makes the standard library's table search a noticeable share of
/// featurizing, so the Basic Multilingual Plane is looked up in bitsets built
/// once from the same functions.
fn letter_case(character: char) -> (bool, bool) {
    const BMP: usize = 0x1_0000;
    static TABLES: LazyLock<(Vec<u64>, Vec<u64>)> = LazyLock::new(|| {
        let (mut alphabetic, mut uppercase) = (vec![0u64; BMP / 64], vec![0u64; BMP / 64]);
        for character in (0..BMP as u32).filter_map(char::from_u32) {
            let code = character as usize;
            alphabetic[code / 64] |= u64::from(character.is_alphabetic()) << (code % 64);
            uppercase[code / 64] |= u64::from(character.is_uppercase()) << (code % 64);
        }
        (alphabetic, uppercase)
    });
    if character.is_ascii() {
        return (character.is_ascii_alphabetic(), character.is_ascii_uppercase());
    }
    let code = character as usize;
    if code >= BMP {
        return (character.is_alphabetic(), character.is_uppercase());
    }
    let (alphabetic, uppercase) = &*TABLES;
    let bit = |table: &[u64]| table[code / 64] >> (code % 64) & 1 == 1;
    (bit(alphabetic), bit(uppercase))
}

/// Turns a message into features. `bits` sets the number of buckets (2^bits).
///
/// Text features (character 2–5-grams over the lower-cased text with digits
/// folded to `0`, words, word pairs) share one weight, 1/sqrt(count), so
/// long and short messages score on one scale. Flags (cue targets,
/// indicator kinds, the hosts and suffixes of links, text shape) count as
/// much as all the text features together: they are the same in every
/// language. The whole vector is then scaled to unit length.
pub fn featurize<'a>(text: &str, context: &Context, lexicon: &'a Lexicon, bits: u8) -> (Features, Observed<'a>) {
    let mask = (1u32 << bits) - 1;
    let normalized = crackdown_model::normalize_text(text);
    let cues = lexicon.find(&normalized);
    let indicators = extract(text, context);
    // Digits folded to '0' byte for byte: UTF-8 stays valid and boundaries stay put.
    let mut padded = Vec::with_capacity(normalized.len() + 2);
    padded.push(b' ');
    padded.extend(normalized.bytes().map(|b| if b.is_ascii_digit() { b'0' } else { b }));
    padded.push(b' ');

    let mut entries: Vec<(u32, f32)> = Vec::with_capacity(padded.len() * 5 + 48);
    // Character n-grams of 2..=5 characters, hashed incrementally: from each
    // character start one hash runs over the next five characters and is
    // read out after the second, third, fourth and fifth (about five bytes
    // hashed per position instead of fourteen).
    let mut bounds: Vec<usize> = Vec::with_capacity(padded.len() + 1);
    bounds.extend((0..padded.len()).filter(|index| (padded[*index] & 0xC0) != 0x80));
    bounds.push(padded.len());
    for (first, from) in bounds.iter().enumerate() {
        let mut hasher = Hasher::new(NS_CHARS);
        let mut at = *from;
        for (length, to) in bounds[first + 1..].iter().take(5).enumerate() {
            hasher = hasher.write(&padded[at..*to]);
            at = *to;
            if length >= 1 {
                entries.push((hasher.bucket(mask), 1.0));
            }
        }
    }
    // Words and word pairs.
    let mut previous: Option<&[u8]> = None;
    for word in padded.split(|b| !b.is_ascii_alphanumeric() && *b < 0x80).filter(|w| !w.is_empty()) {
        entries.push((Hasher::new(NS_WORD).write(word).bucket(mask), 1.0));
        if let Some(before) = previous {
            entries.push((Hasher::new(NS_PAIR).write(before).write(b" ").write(word).bucket(mask), 1.0));
        }
        previous = Some(word);
    }
    let text_count = entries.len();
    let scale = 1.0 / (entries.len().max(1) as f32).sqrt();
    for entry in &mut entries {
        entry.1 = scale;
    }

    // Language-independent evidence at full strength.
    let mut flag = |parts: &[&[u8]]| {
        let hasher = parts.iter().fold(Hasher::new(NS_FLAG), |hasher, part| hasher.write(part));
        entries.push((hasher.bucket(mask), 1.0));
    };
    for cue in &cues {
        let target = cue.target.name();
        flag(&[b"cue:", target.as_bytes()]);
        if cue.weight >= 2.0 {
            flag(&[b"strong-cue:", target.as_bytes()]);
        }
    }
    for indicator in &indicators {
        flag(&[b"indicator:", indicator.kind.as_str().as_bytes()]);
        if !indicator.valid {
            flag(&[b"indicator:invalid"]);
        }
        if indicator.lookalike {
            flag(&[b"indicator:lookalike"]);
        }
        if let Some(domain) = indicator.registrable_domain() {
            // Who the link or address belongs to, and the kind of suffix
            // (cheap new suffixes carry most lure links).
            let suffix = domain.split_once('.').map_or("", |(_, suffix)| suffix);
            flag(&[b"host:", domain.as_bytes()]);
            flag(&[b"suffix:", suffix.as_bytes()]);
            if domain.bytes().any(|b| b.is_ascii_digit()) {
                flag(&[b"host:digits"]);
            }
            if indicator.kind == IndicatorKind::Url && indicator.normalized.matches('/').count() > 3 {
                flag(&[b"url:path"]);
            }
        }
    }
    if normalized.contains("00000") || normalized.bytes().filter(u8::is_ascii_digit).count() >= 9 {
        flag(&[b"shape:long-number"]);
    }
    if text.contains(['£', '$', '€', '₱', '฿']) {
        flag(&[b"shape:currency"]);
    }
    let (mut letters, mut upper, mut caps_words, mut run) = (0usize, 0usize, 0usize, 0usize);
    for character in text.chars() {
        let (alphabetic, uppercase) = letter_case(character);
        if alphabetic {
            letters += 1;
            if uppercase {
                upper += 1;
                run += 1;
                continue;
            }
        }
        caps_words += usize::from(run >= 3);
        run = 0;
    }
    caps_words += usize::from(run >= 3);
    if letters > 10 && upper * 3 > letters {
        flag(&[b"shape:shouting"]);
    }
    flag(&[b"shape:caps-words-", &[b'0' + caps_words.min(4) as u8]]);
    flag(&[b"shape:exclaim-", &[b'0' + text.matches('!').count().min(3) as u8]]);
    flag(&[b"shape:length-", &[b'0' + (text.len() / 40).min(6) as u8]]);
    flag(&[b"bias"]);
    // The whole vector to unit length: the text part counts as one, each
    // flag as one, so a message with many flags does not outshout its words.
    let total = (1.0 + (entries.len() - text_count) as f32).sqrt();
    for entry in &mut entries {
        entry.1 /= total;
    }

    (Features { entries }, Observed { indicators, cues })
}

/// The default [`TrainOptions::generated_weight`].
const GENERATED_WEIGHT_DEFAULT: f32 = 1.0;

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
    /// `None`: balanced per labelled set (see [`weigh`]): every set counts
    /// as much as any other, and within a set its unwanted messages as much
    /// as its wanted ones. `Some(w)`: every unwanted message weighs `w`.
    pub positive_weight: Option<f32>,
    /// The weight of one generated report ([`SHARED`]) against one labelled
    /// message: thousands of generated scams should teach the languages and
    /// the cues without outvoting the labelled sets on what is unwanted.
    pub generated_weight: f32,
    /// Folds of the inner cross-validation that picks the decision
    /// threshold on the training data alone (below 2: threshold 0.5).
    pub calibration_folds: usize,
    /// One model over all sets instead of one expert per set with gates:
    /// it scored higher under cross-validation (see `model/README.md`) and
    /// scores with one weight vector instead of three.
    pub pooled: bool,
    /// A note stored with the model: what it was trained on.
    pub note: String,
    /// Smoothing of the naive-Bayes log-count ratios that scale every
    /// feature before the regression (NB-LR, as NBSVM); 0 turns the
    /// scaling off. The ratios are folded into the saved weights, so
    /// scoring does not change.
    pub nb_smoothing: f32,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            bits: 20,
            epochs: 40,
            learning_rate: 0.5,
            l2: 0.0,
            seed: 6,
            positive_weight: None,
            generated_weight: GENERATED_WEIGHT_DEFAULT,
            calibration_folds: 0,
            pooled: true,
            note: String::new(),
            nb_smoothing: 0.5,
        }
    }
}

/// A trained binary model: the probability that a message is unwanted
/// (scam or spam).
///
/// Trained on several data sets, it is a gated mixture: one expert per set
/// and one-vs-rest gates that pick the expert of the set a message most
/// resembles. Scoring reads one vector per gate and one expert.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    bits: u8,
    /// Probability at or above which a message is unwanted.
    threshold: f32,
    /// One-vs-rest gates, one per training set; empty with a single set.
    gates: Vec<Vec<f32>>,
    /// One expert per training set.
    experts: Vec<Vec<f32>>,
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

const MAGIC: &[u8; 8] = b"CDLURE03";
/// Version 1 files had one weight vector and no threshold (0.5).
const MAGIC_V1: &[u8; 8] = b"CDLURE01";
/// More experts than this is not a model this code wrote.
const MAX_EXPERTS: usize = 16;

fn dot(weights: &[f32], features: &Features) -> f32 {
    features.entries.iter().map(|(index, value)| weights.get(*index as usize).copied().unwrap_or(0.0) * value).sum()
}

fn write_vector(out: &mut impl Write, weights: &[f32]) -> Result<(), ModelError> {
    let largest = weights.iter().fold(0f32, |max, w| max.max(w.abs()));
    let scale = if largest > 0.0 { largest / f32::from(i16::MAX) } else { 1.0 };
    out.write_all(&scale.to_le_bytes())?;
    let mut buffer = Vec::with_capacity(weights.len() * 2);
    for weight in weights {
        let quantized = (weight / scale).round().clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
        buffer.extend_from_slice(&quantized.to_le_bytes());
    }
    out.write_all(&buffer)?;
    Ok(())
}

fn read_vector(input: &mut impl Read, bits: u8) -> Result<Vec<f32>, ModelError> {
    let mut word = [0u8; 4];
    input.read_exact(&mut word)?;
    let scale = f32::from_le_bytes(word);
    if !scale.is_finite() {
        return Err(ModelError::Format("weight scale is not a number".to_owned()));
    }
    let mut raw = vec![0u8; 2 << bits];
    input.read_exact(&mut raw)?;
    Ok(raw.chunks_exact(2).map(|pair| f32::from(i16::from_le_bytes([pair[0], pair[1]])) * scale).collect())
}

impl Model {
    /// The model shipped with the crate (see `model/README.md`).
    pub fn builtin() -> Model {
        Model::load(&mut &include_bytes!("../model/default.model")[..])
            .expect("the shipped model is checked by the unit tests")
    }

    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The probability at or above which a message is called unwanted.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// What the model was trained on.
    pub fn note(&self) -> &str {
        &self.note
    }

    /// The expert whose training set the message most resembles.
    fn expert_for(&self, features: &Features) -> &[f32] {
        let chosen = self
            .gates
            .iter()
            .map(|gate| dot(gate, features))
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(index, _)| index);
        self.experts.get(chosen).or(self.experts.first()).map_or(&[], Vec::as_slice)
    }

    /// The raw score (log-odds) of a feature vector.
    pub fn score(&self, features: &Features) -> f32 {
        dot(self.expert_for(features), features)
    }

    /// Writes the model: magic, bits, threshold, number of experts, note,
    /// then the gates (when more than one expert) and the experts, each
    /// quantized to i16 with one f32 scale (half the size, no measurable loss).
    pub fn save(&self, out: &mut impl Write) -> Result<(), ModelError> {
        out.write_all(MAGIC)?;
        out.write_all(&[self.bits])?;
        out.write_all(&self.threshold.to_le_bytes())?;
        out.write_all(&[self.experts.len() as u8])?;
        let note = self.note.as_bytes();
        out.write_all(&(note.len() as u32).to_le_bytes())?;
        out.write_all(note)?;
        for vector in self.gates.iter().chain(&self.experts) {
            write_vector(out, vector)?;
        }
        Ok(())
    }

    /// Reads what `save` wrote (and version 1 files).
    pub fn load(input: &mut impl Read) -> Result<Model, ModelError> {
        let mut magic = [0u8; 8];
        input.read_exact(&mut magic)?;
        if &magic != MAGIC && &magic != MAGIC_V1 {
            return Err(ModelError::Format("not a crackdown lure model (bad magic)".to_owned()));
        }
        let version1 = &magic == MAGIC_V1;
        let mut byte = [0u8; 1];
        input.read_exact(&mut byte)?;
        let bits = byte[0];
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Format(format!("{bits} hash bits is outside 8..=24")));
        }
        let mut word = [0u8; 4];
        let (threshold, experts) = if version1 {
            (0.5, 1)
        } else {
            input.read_exact(&mut word)?;
            input.read_exact(&mut byte)?;
            (f32::from_le_bytes(word), usize::from(byte[0]))
        };
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(ModelError::Format(format!("threshold {threshold} is outside (0, 1)")));
        }
        if !(1..=MAX_EXPERTS).contains(&experts) {
            return Err(ModelError::Format(format!("{experts} experts is outside 1..={MAX_EXPERTS}")));
        }
        input.read_exact(&mut word)?;
        let note_length = u32::from_le_bytes(word) as usize;
        if note_length > 1 << 16 {
            return Err(ModelError::Format(format!("note of {note_length} bytes is too long")));
        }
        let mut note = vec![0u8; note_length];
        input.read_exact(&mut note)?;
        let note = String::from_utf8(note).map_err(|_| ModelError::Format("note is not UTF-8".to_owned()))?;
        let gate_count = if experts > 1 { experts } else { 0 };
        let gates = (0..gate_count).map(|_| read_vector(input, bits)).collect::<Result<_, _>>()?;
        let experts = (0..experts).map(|_| read_vector(input, bits)).collect::<Result<_, _>>()?;
        Ok(Model { bits, threshold, gates, experts, note })
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

/// One featurized training example.
struct Example {
    features: Features,
    target: f32,
    /// The weight of this example's error: the class weight, or
    /// `generated_weight` for generated reports.
    weight: f32,
    generated: bool,
    group: usize,
    /// Inner fold, from a hash of the text so copies stay together.
    fold: u64,
}

/// AdaGrad state of one weight vector.
struct Learner {
    weights: Vec<f32>,
    squared_gradients: Vec<f32>,
}

impl Learner {
    fn new(bits: u8) -> Learner {
        Learner { weights: vec![0f32; 1 << bits], squared_gradients: vec![1e-6f32; 1 << bits] }
    }

    fn step(&mut self, features: &Features, error: f32, options: &TrainOptions) {
        for (index, value) in &features.entries {
            let index = *index as usize;
            let gradient = error * value + options.l2 * self.weights[index];
            self.squared_gradients[index] += gradient * gradient;
            self.weights[index] -= options.learning_rate * gradient / self.squared_gradients[index].sqrt();
        }
    }
}

/// Naive-Bayes log-count ratios per bucket, `ln((p_i/|p|) / (q_i/|q|))`
/// with `p` (`q`) the smoothed count of unwanted (wanted) examples that
/// have feature `i`: how much a feature alone leans either way.
fn log_count_ratios(examples: &[&Example], target: &impl Fn(&Example) -> f32, smoothing: f32, bits: u8) -> Vec<f32> {
    let (mut positive, mut negative) = (vec![f64::from(smoothing); 1 << bits], vec![f64::from(smoothing); 1 << bits]);
    for example in examples {
        let side = if target(example) > 0.5 { &mut positive } else { &mut negative };
        for (index, _) in &example.features.entries {
            side[*index as usize] += 1.0;
        }
    }
    let (positive_total, negative_total): (f64, f64) = (positive.iter().sum(), negative.iter().sum());
    positive.iter().zip(&negative).map(|(p, q)| ((p / positive_total) / (q / negative_total)).ln() as f32).collect()
}

/// Logistic regression by AdaGrad over `examples`, on features scaled by
/// their log-count ratios when `nb_smoothing` > 0 (the ratios are folded
/// into the returned weights).
fn fit(
    examples: &[&Example],
    options: &TrainOptions,
    target: impl Fn(&Example) -> f32,
    weight: impl Fn(&Example, f32) -> f32,
) -> Vec<f32> {
    let ratios =
        (options.nb_smoothing > 0.0).then(|| log_count_ratios(examples, &target, options.nb_smoothing, options.bits));
    let scaled: Vec<(Features, f32, f32)> = examples
        .iter()
        .map(|example| {
            let entries = match &ratios {
                Some(ratios) => example
                    .features
                    .entries
                    .iter()
                    .map(|(index, value)| (*index, value * ratios[*index as usize]))
                    .collect(),
                None => example.features.entries.clone(),
            };
            let target = target(example);
            (Features { entries }, target, weight(example, target))
        })
        .collect();
    let mut learner = Learner::new(options.bits);
    let mut order: Vec<usize> = (0..scaled.len()).collect();
    let mut shuffler = Shuffler(options.seed | 1);
    for _ in 0..options.epochs {
        shuffler.shuffle(&mut order);
        for (features, target, weight) in order.iter().map(|index| &scaled[*index]) {
            let score = dot(&learner.weights, features);
            let error = (sigmoid(score) - target) * weight;
            learner.step(features, error, options);
        }
    }
    match ratios {
        Some(ratios) => learner.weights.iter().zip(&ratios).map(|(weight, ratio)| weight * ratio).collect(),
        None => learner.weights,
    }
}

/// The logistic function: log-odds to probability.
pub(crate) fn sigmoid(score: f32) -> f32 {
    1.0 / (1.0 + (-score).exp())
}

/// The threshold with the best F1 over held-out (probability, target)
/// pairs: the midpoint between the best cut and the next score below it.
fn best_threshold(mut scored: Vec<(f32, bool)>) -> f32 {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|(_, positive)| *positive).count();
    let (mut true_positive, mut best, mut threshold) = (0usize, -1f64, 0.5f32);
    for (index, (probability, positive)) in scored.iter().enumerate() {
        true_positive += usize::from(*positive);
        let flagged = index + 1;
        let f1 = 2.0 * true_positive as f64 / (flagged + positives) as f64;
        let next = scored.get(index + 1).map_or(0.0, |(p, _)| *p);
        if f1 > best && next < *probability {
            best = f1;
            threshold = (probability + next) / 2.0;
        }
    }
    threshold.clamp(0.05, 0.95)
}

/// Fits gates and experts on `examples`: each expert on its own set only
/// (pooling the sets, or sharing weights between them, scored lower under
/// cross-validation: their labelling policies disagree on marketing).
fn fit_model(examples: &[&Example], options: &TrainOptions, groups: usize, threshold: f32) -> Model {
    if groups <= 1 {
        let experts = vec![fit(examples, options, |example| example.target, |example, _| example.weight)];
        return Model { bits: options.bits, threshold, gates: Vec::new(), experts, note: options.note.clone() };
    }
    let gated: Vec<&Example> = examples.iter().copied().filter(|example| example.group != SHARED).collect();
    let gates = (0..groups)
        .map(|group| fit(&gated, options, |example| f32::from(u8::from(example.group == group)), |_, _| 1.0))
        .collect();
    let experts = (0..groups)
        .map(|group| {
            let own: Vec<&Example> =
                examples.iter().copied().filter(|example| example.group == group || example.group == SHARED).collect();
            fit(&own, options, |example| example.target, |example, _| example.weight)
        })
        .collect();
    Model { bits: options.bits, threshold, gates, experts, note: options.note.clone() }
}

/// Sets the weight of every example: `generated_weight` for generated
/// reports; for labelled messages `positive_weight` when it is fixed, else
/// balanced per set. Balanced, each set weighs as much in total as any
/// other, so the larger set (UCI, 3,344 messages against 1,205) does not
/// outvote the other's labelling policy, and within a set its unwanted
/// messages weigh as much as its wanted ones, so each set's own base rate
/// (41% unwanted in one, 13% in the other) is balanced instead of one
/// pooled rate that over-weights the unwanted messages of the set where
/// they are common. Under cross-validation this scored higher on both sets
/// than one pooled balance (see `model/README.md`).
fn weigh(examples: &mut [Example], options: &TrainOptions) {
    // Set -> (unwanted, wanted) labelled messages.
    let mut counts: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for example in examples.iter().filter(|example| !example.generated) {
        let count = counts.entry(example.group).or_default();
        if example.target > 0.5 {
            count.0 += 1;
        } else {
            count.1 += 1;
        }
    }
    let labelled: usize = counts.values().map(|(positive, negative)| positive + negative).sum();
    for example in examples.iter_mut() {
        let positive = example.target > 0.5;
        example.weight = match (example.generated, options.positive_weight) {
            (true, _) => options.generated_weight,
            (false, Some(weight)) => {
                if positive {
                    weight
                } else {
                    1.0
                }
            }
            (false, None) => {
                let (unwanted, wanted) = counts.get(&example.group).copied().unwrap_or((1, 1));
                let set_scale = labelled as f32 / (counts.len() * (unwanted + wanted)) as f32;
                let balance =
                    if positive && unwanted > 0 && wanted > 0 { wanted as f32 / unwanted as f32 } else { 1.0 };
                set_scale * balance
            }
        };
    }
}

/// Trains the unwanted-message model: scam and spam are positive, ham
/// negative; one expert per `Sample::group` with gates (see [`Model`]).
/// With `calibration_folds` ≥ 2 the decision threshold is chosen by an
/// inner cross-validation on these samples only.
pub fn train(samples: impl Iterator<Item = Sample>, options: &TrainOptions) -> Model {
    let lexicon = Lexicon::builtin();
    let mut examples: Vec<Example> = samples
        .map(|sample| {
            let (features, _) = featurize(&sample.text, &sample.context, lexicon, options.bits);
            let fold = Hasher::new(0).write(crackdown_model::normalize_text(&sample.text).as_bytes()).0;
            let target = if sample.label == Label::Ham { 0.0 } else { 1.0 };
            Example { features, target, weight: 1.0, generated: sample.group == SHARED, group: sample.group, fold }
        })
        .collect();
    // Weighed by the sets the samples came from, then grouped for the experts.
    weigh(&mut examples, options);
    for example in &mut examples {
        example.group = match example.group {
            _ if options.pooled => 0,
            SHARED => SHARED,
            group => group.min(MAX_EXPERTS - 1),
        };
    }
    let groups = examples.iter().filter(|e| e.group != SHARED).map(|example| example.group + 1).max().unwrap_or(1);
    let folds = options.calibration_folds as u64;
    let threshold = if folds >= 2 {
        let mut scored = Vec::with_capacity(examples.len());
        for fold in 0..folds {
            let training: Vec<&Example> = examples.iter().filter(|e| e.fold % folds != fold).collect();
            let model = fit_model(&training, options, groups, 0.5);
            for example in examples.iter().filter(|e| e.fold % folds == fold) {
                scored.push((sigmoid(model.score(&example.features)), example.target > 0.5));
            }
        }
        best_threshold(scored)
    } else {
        0.5
    };
    let all: Vec<&Example> = examples.iter().collect();
    fit_model(&all, options, groups, threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_case_tables_agree_with_the_standard_library() {
        for character in (0..0x11_0000).filter_map(char::from_u32) {
            assert_eq!(letter_case(character), (character.is_alphabetic(), character.is_uppercase()), "{character:?}");
        }
    }

    fn sample(text: &str, label: Label) -> Sample {
        Sample { id: String::new(), text: text.to_owned(), label, scam_type: None, context: Context::none(), group: 0 }
    }

    #[test]
    fn log_count_ratios_lean_towards_the_class_a_feature_comes_with() {
        let example = |buckets: &[u32], target: f32| Example {
            features: Features { entries: buckets.iter().map(|bucket| (*bucket, 1.0)).collect() },
            target,
            weight: 1.0,
            generated: false,
            group: 0,
            fold: 0,
        };
        let examples = [example(&[1, 3], 1.0), example(&[1, 3], 1.0), example(&[2, 3], 0.0), example(&[2, 3], 0.0)];
        let refs: Vec<&Example> = examples.iter().collect();
        let ratios = log_count_ratios(&refs, &|example: &Example| example.target, 0.5, 4);
        assert!(ratios[1] > 1.0 && ratios[2] < -1.0, "{ratios:?}");
        assert!(ratios[3].abs() < 1e-6 && ratios[0].abs() < 1e-6, "{ratios:?}");
        assert!((ratios[1] + ratios[2]).abs() < 1e-6);
    }

    #[test]
    fn balanced_weights_make_sets_and_classes_within_a_set_count_alike() {
        let example = |group: usize, target: f32| Example {
            features: Features::default(),
            target,
            weight: 0.0,
            generated: group == SHARED,
            group,
            fold: 0,
        };
        // Set 0: 1 unwanted, 3 wanted; set 1: 2 unwanted, 6 wanted; one generated report.
        let mut examples: Vec<Example> = [(0, 1.0), (0, 0.0), (0, 0.0), (0, 0.0), (SHARED, 1.0)]
            .into_iter()
            .chain(std::iter::repeat_n((1, 1.0), 2))
            .chain(std::iter::repeat_n((1, 0.0), 6))
            .map(|(group, target)| example(group, target))
            .collect();
        let options = TrainOptions { generated_weight: 0.25, ..TrainOptions::default() };
        weigh(&mut examples, &options);
        let total = |group: usize, target: f32| -> f32 {
            examples.iter().filter(|e| e.group == group && e.target == target).map(|e| e.weight).sum()
        };
        for (got, want) in
            [(total(0, 1.0), total(0, 0.0)), (total(1, 1.0), total(1, 0.0)), (total(0, 0.0), total(1, 0.0))]
        {
            assert!((got - want).abs() < 1e-5, "{got} != {want}");
        }
        assert!((total(SHARED, 1.0) - 0.25).abs() < 1e-6);

        weigh(&mut examples, &TrainOptions { positive_weight: Some(2.0), ..TrainOptions::default() });
        assert!(examples.iter().filter(|e| !e.generated).all(|e| e.weight == if e.target > 0.5 { 2.0 } else { 1.0 }));
    }

    #[test]
    fn feature_vectors_have_unit_length() {
        let lexicon = Lexicon::builtin();
        for text in ["", "hi", "WINNER!! claim your £900 prize at http://win.example.top now, txt WIN to 80086"] {
            let (features, _) = featurize(text, &Context::none(), lexicon, 16);
            let norm: f32 = features.entries.iter().map(|(_, value)| value * value).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "{text:?}: {norm}");
        }
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
