//! Linking for crackdown: reports into campaigns, watchlists, signed webhook
//! delivery and the public "check before you pay" lookup, as pure building
//! blocks.
//!
//! No store, no HTTP, no clock and no randomness of its own: callers pass
//! reports, the set of reports a viewer may read, the current time and
//! random draws as values, so everything here is deterministic and tested
//! without mocks. The store persists what the [`Linker`] decides; the server
//! delivers what [`webhook`] signs.
//!
//! - [`linker`]: campaigns from specific shared indicators and near-duplicate
//!   text ([`minhash`]), incremental, with hubs kept from gluing campaigns
//!   ([`features`]), and per-viewer views that use only readable reports.
//! - [`summary`]: campaign summaries with an explanation for every link.
//! - [`watch`]: per-organisation watchlists and their matcher.
//! - [`outbound`]: which addresses webhooks may be sent to (no SSRF).
//! - [`webhook`]: HMAC-SHA256 signatures, verification, delivery ids, retry
//!   schedule.
//! - [`lookup`]: normalizing a pasted value and deciding what of it may be
//!   shown to the public.

pub mod features;
pub mod linker;
pub mod lookup;
pub mod minhash;
pub mod outbound;
pub mod summary;
pub mod watch;
pub mod webhook;

pub use features::{Feature, FeatureKind, HubList, HubReason, ReportIndicator};
pub use linker::{
    CampaignId, IndexedReports, LinkConfig, LinkError, LinkOutcome, LinkReport, Linker, Prepared, ReportId,
};
pub use lookup::{MatchLevel, PublicAnswer, Query, QueryError, Sighting, public_answer, publishable};
pub use summary::{Campaign, CampaignIndicator, IndicatorRole, Link, LinkReason};
pub use watch::{PrefixKind, WatchEntry, WatchError, WatchMatch, WatchRule, WatchSubject, Watchlist};
