//! Prints the evaluation of `crackdown eval lure DIR`:
//! `cargo run --release -p crackdown-lure --example eval -- [DIR] [FOLDS]`.

use std::path::PathBuf;

use crackdown_lure::{EvalOptions, evaluate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    let folds = args.next().map(|f| f.parse()).transpose()?.unwrap_or(5);
    let options = EvalOptions {
        folds,
        ..EvalOptions::default()
    };
    evaluate(&dir, &options, &mut std::io::stdout().lock())?;
    Ok(())
}
