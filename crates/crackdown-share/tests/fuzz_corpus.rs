//! The STIX, MISP and FtM fuzz bodies (`fuzz/src/share.rs`) on the stable
//! toolchain, over the golden exports, hostile shapes (deep nesting, huge
//! strings, redefined TLP markings, dangling references, duplicate ids) and
//! deterministic mutations of them. `CRACKDOWN_FUZZ_ITERATIONS` (default
//! 300) sets the mutations per target; a failing input is written to
//! `target/fuzz-failures/share-TARGET-N.bin`.

#[path = "../../../fuzz/src/share.rs"]
mod bodies;

use std::path::PathBuf;

fn seeds() -> Vec<Vec<u8>> {
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut seeds: Vec<Vec<u8>> = ["sample.stix.json", "sample.misp.json", "sample.ftm.jsonl"]
        .iter()
        .map(|name| std::fs::read(golden.join(name)).expect("golden file"))
        .collect();
    let misp = String::from_utf8(seeds[1].clone()).expect("utf-8");
    seeds.push(format!("{{\"response\": {misp}}}").into_bytes());
    seeds.push(format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes());
    seeds.push(
        format!(
            "{{\"type\":\"bundle\",\"id\":\"bundle--{}\",\"objects\":[{}]}}",
            "0".repeat(36),
            "{\"a\":".repeat(300)
        )
        .into_bytes(),
    );
    seeds.push(br#"{"type":"bundle","id":"bundle--6ba7b810-9dad-41d1-80b4-00c04fd430c8","objects":[{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","created":"2022-10-01T00:00:00.000Z","name":"TLP:CLEAR","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"clear"}}},{"type":"url","spec_version":"2.1","id":"url--6ba7b810-9dad-51d1-80b4-00c04fd430c8","value":"http://a.example","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]},{"type":"report","spec_version":"2.1","id":"report--6ba7b810-9dad-41d1-80b4-00c04fd430c8","name":"r","published":"2026-01-01T00:00:00Z","object_refs":["url--00000000-0000-4000-8000-000000000000"]}]}"#.to_vec());
    seeds.push(b"{\"id\":\"x\",\"schema\":\"Payment\",\"properties\":{\"payer\":[\"nobody\"],\"amount\":[\"1.5\"],\"currency\":[\"THB\"]}}\n".to_vec());
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

/// One mutation of `input`: bit flips, JSON punctuation, duplicated and
/// dropped spans, splices of another seed; at most 256 KiB.
fn mutate(input: &[u8], other: &[u8], random: &mut Random) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=random.below(4) {
        let at = random.below(out.len() + 1);
        match random.below(6) {
            0 if !out.is_empty() => {
                let index = at.min(out.len() - 1);
                out[index] ^= 1 << random.below(8);
            }
            1 => out.insert(at, [b'{', b'}', b'[', b']', b'"', b',', b':', b'\\'][random.below(8)]),
            2 if !out.is_empty() => {
                let end = (at + random.below(512)).min(out.len());
                let chunk = out[at.min(end)..end].to_vec();
                out.splice(at..at, chunk);
            }
            3 if !out.is_empty() => {
                let end = (at + random.below(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            4 if !other.is_empty() => {
                let from = random.below(other.len());
                out.splice(at..at, other[from..].iter().take(random.below(4096)).copied());
            }
            _ => out.truncate(at),
        }
    }
    out.truncate(256 << 10);
    out
}

#[test]
fn share_readers_hold_on_the_corpus_and_its_mutations() {
    let iterations: usize =
        std::env::var("CRACKDOWN_FUZZ_ITERATIONS").ok().and_then(|text| text.parse().ok()).unwrap_or(300);
    let seeds = seeds();
    let failures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
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
                let saved = failures.join(format!("share-{name}-{number}.bin"));
                let _ = std::fs::write(&saved, &input);
                panic!("fuzz target {name} failed on input {number}, saved as {}", saved.display());
            }
        }
    }
}
