//! Secrets of the installation that are not about a person: random bytes
//! created on first use and kept in the database, so that every server
//! process on one database derives the same values from them (campaign
//! ids). Not for sealing personal data: that key lives outside the
//! database (see [`crate::secrets`]).

use crate::{Store, StoreError};

impl Store {
    /// The installation's secret called `name`, created on first use. Two
    /// processes creating it at once agree: the first insert wins and both
    /// read it back.
    pub fn installation_secret(&self, name: &str) -> Result<[u8; 16], StoreError> {
        self.pool.with(|conn| {
            let read = |conn: &mut dyn crate::db::Conn| -> Result<Option<String>, StoreError> {
                conn.query_one("SELECT secret FROM installation_secrets WHERE name = $1", &[name.into()])?
                    .map(|row| row.text(0))
                    .transpose()
            };
            let stored = match read(conn)? {
                Some(stored) => stored,
                None => {
                    let mut fresh = [0_u8; 16];
                    getrandom::fill(&mut fresh)
                        .map_err(|error| StoreError::Database(format!("no randomness: {error}")))?;
                    let hex: String = fresh.iter().map(|byte| format!("{byte:02x}")).collect();
                    conn.execute(
                        "INSERT INTO installation_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                        &[name.into(), hex.into()],
                    )?;
                    read(conn)?.ok_or_else(|| StoreError::Database(format!("installation secret {name} not kept")))?
                }
            };
            let bytes: Vec<u8> = (0..stored.len())
                .step_by(2)
                .filter_map(|at| stored.get(at..at + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
                .collect();
            bytes.try_into().map_err(|_| StoreError::Schema(format!("installation secret {name} is malformed")))
        })
    }
}
