//! Who is asking. Every store read takes a [`Viewer`], so the same access
//! rules hold on every path: API, CLI, exports, linking, lookup.

use crate::keyword_enum;

keyword_enum! {
    /// What a user may do inside their organisation.
    pub enum Role {
        /// Manages the organisation's users, tokens and sharing.
        Admin => "admin",
        /// Reads and works the organisation's cases, including victim contacts.
        Analyst => "analyst",
        /// Submits reports and reads back only their own.
        Reporter => "reporter",
        /// A partner agency's reader: sees what TLP allows, changes nothing,
        /// never sees victim contacts.
        Partner => "partner",
    }
}

impl Role {
    /// Whether the role may create or change reports.
    pub fn may_write(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst | Role::Reporter)
    }

    /// Whether the role may read victims' personal contact data of its own
    /// organisation's reports.
    pub fn may_read_victim_contact(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }

    /// Whether the role may change the status of its organisation's reports.
    pub fn may_triage(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }

    /// Whether the role may import and read its organisation's seized
    /// ledgers (traces, freeze list, mules): case evidence.
    pub fn may_work_ledgers(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }

    /// Whether the role may manage watchlists and webhooks and read alerts.
    pub fn may_watch(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }

    /// What the role may do beyond reading reports, as named to clients
    /// (the web UI offers only these pages and buttons): `triage`,
    /// `ledger`, `watch`. The store enforces the same methods.
    pub fn capabilities(self) -> Vec<&'static str> {
        [(self.may_triage(), "triage"), (self.may_work_ledgers(), "ledger"), (self.may_watch(), "watch")]
            .into_iter()
            .filter_map(|(may, name)| may.then_some(name))
            .collect()
    }
}

/// An authenticated user, as the store sees them when answering a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub org_id: i64,
    pub role: Role,
    pub user_name: String,
}
