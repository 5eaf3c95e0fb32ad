//! Prints the evaluation of `crackdown eval lure DIR`:
//! `cargo run --release -p crackdown-lure --example eval -- [DIR] [FOLDS]`;
//! training knobs in `LURE_*` variables (see below), `LURE_TRAIN_CASE=DIR`
//! adds a generated case to the training data of every fold.

use std::path::PathBuf;

use crackdown_lure::{EvalOptions, evaluate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"), PathBuf::from);
    let folds = args.next().map(|f| f.parse()).transpose()?.unwrap_or(5);
    let mut options = EvalOptions { folds, ..EvalOptions::default() };
    // Training knobs, for exploring under cross-validation.
    let knob = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f32>().ok());
    if let Some(value) = knob("LURE_EPOCHS") {
        options.train.epochs = value as usize;
    }
    if let Some(value) = knob("LURE_LR") {
        options.train.learning_rate = value;
    }
    if let Some(value) = knob("LURE_POSITIVE_WEIGHT") {
        options.train.positive_weight = Some(value);
    }
    if let Some(value) = knob("LURE_L2") {
        options.train.l2 = value;
    }
    if let Some(value) = knob("LURE_POOLED") {
        options.train.pooled = value > 0.0;
    }
    if let Some(value) = knob("LURE_BITS") {
        options.train.bits = value as u8;
    }
    if let Some(value) = knob("LURE_CALIBRATION_FOLDS") {
        options.train.calibration_folds = value as usize;
    }
    if let Some(value) = knob("LURE_GENERATED_WEIGHT") {
        options.train.generated_weight = value;
    }
    if let Some(value) = knob("LURE_NB") {
        options.train.nb_smoothing = value;
    }
    if let Some(value) = knob("LURE_SEED") {
        options.train.seed = value as u64;
    }
    if let Some(value) = knob("LURE_OWN_SET") {
        options.own_set_only = value > 0.0;
    }
    if let Ok(case) = std::env::var("LURE_TRAIN_CASE") {
        options.extra_training = crackdown_lure::load_case(std::path::Path::new(&case))?.unwrap_or_default();
    }
    evaluate(&dir, &options, &mut std::io::stdout().lock())?;
    Ok(())
}
