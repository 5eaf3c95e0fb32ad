//! Sharing with partners: STIX 2.1 bundles, MISP events and FollowTheMoney
//! entities, written in bounded memory from a stream of what the engine
//! selected, and read back into one checked intermediate form.
//!
//! The crate knows nothing of the store or of access rules: the engine
//! passes only what the exporting user may read, and this crate leaves out
//! what is marked above the export's TLP maximum, and every reference to it.
//! Its input model has no victim field, so no writer can leak one.

pub mod error;
pub mod ftm;
pub mod ids;
pub mod imported;
pub mod markings;
pub mod misp;
pub mod model;
mod out;
pub mod split;
pub mod stix;

pub use error::{Format, ShareError};
pub use ftm::{read_ftm, write_ftm};
pub use imported::{
    Imported, ImportedCampaign, ImportedIndicator, ImportedPayment, ImportedPersona, ImportedReport, Provenance,
    ReadOptions,
};
pub use misp::{read_misp, write_misp};
pub use model::{
    Campaign, ExportItem, ExportOptions, ExportSummary, Indicator, IndicatorKey, IndicatorKind, IndicatorRef, Payment,
    Persona, PersonaKind, Report,
};
pub use split::Limits;
pub use stix::{read_stix, write_stix};
