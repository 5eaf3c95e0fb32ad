//! The fuzz targets' bodies (`fuzz/src/lib.rs`) run on the stable
//! toolchain over a corpus: the sample artefacts the parsers are tested
//! with, hostile shapes (MIME bombs, unclosed structures, binary noise) and
//! deterministic mutations of them (bit flips, insertions, duplications,
//! truncations, splices). Not coverage-guided like `cargo fuzz`, but it runs
//! everywhere and in CI; `scripts/fuzz-smoke` uses `cargo fuzz` when it can.
//!
//! `CRACKDOWN_FUZZ_ITERATIONS` (default 200) sets the mutations per target;
//! a failing input is written to `target/fuzz-failures/TARGET-N.bin`.

#[path = "../../../../fuzz/src/lib.rs"]
mod bodies;

use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files_under(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.len() <= 256 << 10
        {
            out.push(bytes);
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let root = repository();
    let mut seeds = Vec::new();
    files_under(&root.join("crates/crackdown-evidence/tests/data"), &mut seeds);
    files_under(&root.join("crates/crackdown/tests/it/data"), &mut seeds);
    files_under(&root.join("crates/crackdown-screening/tests/data"), &mut seeds);
    let mut bomb = String::from("From: a@b.example\r\nTo: v@c.example\r\n");
    for level in 0..300 {
        bomb.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n"));
    }
    seeds.push(bomb.into_bytes());
    seeds.push(b"tx_id,timestamp,from_account,to_account,amount,currency,channel\nT1,2026-03-01T09:00:00Z,A,B,100.00,THB,transfer\nT2,bad,A,,x,ZZZ,\n".to_vec());
    seeds.push(b"Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering\n2022/09/01 00:20,10,8000EBD30,10,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,Reinvestment,0\n".to_vec());
    seeds.push(br#"[{"text": "call +66 81 234 5678", "loss_amount": "12.5", "loss_currency": "THB", "tlp": "red"}, {"text": ""}]"#.to_vec());
    seeds.push(
        "12/28/23, 9:41 PM - Mentor Lisa: send USDT to TXyz\n12/28/23, 9:45 PM - Nok: ok Nok here\n"
            .as_bytes()
            .to_vec(),
    );
    seeds.push(vec![0xff; 64]);
    seeds
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// One mutation of `input`, possibly spliced with `other`, at most 64 KiB.
fn mutate(input: &[u8], other: &[u8], random: &mut Random) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=random.below(4) {
        let at = random.below(out.len() + 1);
        match random.below(6) {
            0 if !out.is_empty() => {
                let index = at.min(out.len() - 1);
                out[index] ^= 1 << random.below(8);
            }
            1 => out.insert(at, [b'\n', b'\r', b'-', b'"', b'=', b':', 0, 0xc3][random.below(8)]),
            2 if !out.is_empty() => {
                let end = (at + random.below(256)).min(out.len());
                let chunk = out[at.min(end)..end].to_vec();
                for _ in 0..random.below(16) {
                    out.splice(at..at, chunk.iter().copied());
                }
            }
            3 => out.truncate(at),
            4 if !other.is_empty() => {
                let from = random.below(other.len());
                out.splice(at..at, other[from..].iter().take(random.below(4096)).copied());
            }
            _ => out.extend_from_slice(b"\r\n--b0--\r\n"),
        }
    }
    out.truncate(64 << 10);
    out
}

#[test]
fn fuzz_targets_hold_on_the_corpus_and_its_mutations() {
    let iterations: usize =
        std::env::var("CRACKDOWN_FUZZ_ITERATIONS").ok().and_then(|text| text.parse().ok()).unwrap_or(200);
    let seeds = seeds();
    assert!(seeds.len() > 10, "the sample artefacts are found: {}", seeds.len());
    let failures = repository().join("target/fuzz-failures");
    for (name, body) in bodies::TARGETS {
        let mut random = Random(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
        let inputs = seeds.iter().cloned().chain((0..iterations).map(|_| {
            let input = &seeds[random.below(seeds.len())];
            let other = &seeds[random.below(seeds.len())];
            mutate(input, other, &mut random)
        }));
        for (number, input) in inputs.enumerate() {
            if std::panic::catch_unwind(|| body(&input)).is_err() {
                let _ = std::fs::create_dir_all(&failures);
                let saved = failures.join(format!("{name}-{number}.bin"));
                let _ = std::fs::write(&saved, &input);
                panic!("fuzz target {name} failed on input {number}, saved as {}", saved.display());
            }
        }
    }
}
