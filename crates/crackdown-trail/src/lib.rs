//! Money trail: from seized books and bank records to freezable endpoints.
//!
//! The crate is a pure library the `crackdown` binary calls: it parses
//! ledgers ([`parse`]), holds them in a compact in-memory [`Ledger`], follows
//! victim payments under the tracing rules courts apply ([`trace`]), finds
//! laundering typologies with their evidence ([`typology`]), computes
//! per-transaction graph features compatible with Snap ML's
//! GraphFeaturePreprocessor ([`features`]), scores accounts as likely mules
//! ([`mules`]) and aggregates traced money into a freeze list ([`freeze`]).
//!
//! It does no SQL, HTTP or async work; storage and the command line belong to
//! the binary. Parquet export is left to the binary as well.

pub mod account;
pub mod features;
pub mod freeze;
pub mod ledger;
pub mod mules;
pub mod parse;
pub mod trace;
pub mod typology;

pub use account::{AccountKind, AccountRecord, Recovery};
pub use ledger::{Anomaly, AnomalyKind, AnomalyTracker, Ledger, LedgerBuilder, TransferFields};
pub use parse::{Batch, LedgerFormat, LedgerReader, LineError, Severity, Transfer};
pub use trace::{Endpoint, EndpointReason, Hop, Rule, Trace, TraceOptions};
