//! MISP: event JSON out (objects after the MISP object templates, `tlp:`
//! tags), MISP event JSON in.

mod read;
pub mod templates;
mod write;

pub use read::read_misp;
pub use write::{CAMPAIGN_TAG, UNGROUPED_TAG, write_misp};
