//! STIX 2.1: a streamed bundle out, a checked bundle in.

pub mod sco;
mod write;

pub use write::{SCHEMA_BASE, SOURCE_NAME, campaign_id, indicator_id, report_id, timestamp, write_stix};
