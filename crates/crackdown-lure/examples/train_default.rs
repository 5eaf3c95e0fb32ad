//! Trains the shipped model on the CC BY 4.0 SMS sets and writes
//! `model/default.model`: `cargo run --release -p crackdown-lure --example train_default`.

use std::path::PathBuf;

use crackdown_lure::eval::TRAINING_SETS;
use crackdown_lure::{TrainOptions, train_on_dirs};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = crate_dir.join("../../../shared/data");
    let dirs: Vec<PathBuf> = TRAINING_SETS.iter().map(|set| data.join(set)).collect();
    let options = TrainOptions {
        note: "Trained by crackdown-lure on uci-sms-spam (SMS Spam Collection v.1, Almeida, Gomez Hidalgo, Yamakami, CC BY 4.0) and ph-sms-scams (Scott Lee Chua, CC BY 4.0); labels mapped to scam/spam vs ham as in each SOURCE.txt.".to_owned(),
        ..TrainOptions::default()
    };
    let model = train_on_dirs(&dirs, &options)?;
    let path = crate_dir.join("model/default.model");
    let mut file = std::fs::File::create(&path)?;
    model.save(&mut file)?;
    println!("wrote {}", path.display());
    Ok(())
}
