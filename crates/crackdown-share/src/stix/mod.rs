//! STIX 2.1: a streamed bundle out, a checked bundle in.

mod pattern;
mod read;
pub mod sco;
mod write;

pub use pattern::pattern_keys;
pub use read::read_stix;
pub use write::{SCHEMA_BASE, SOURCE_NAME, campaign_id, indicator_id, report_id, timestamp, write_stix};
