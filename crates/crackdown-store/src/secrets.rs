//! Encryption at rest of the columns whose leak hurts a person: victims'
//! contacts and webhook signing secrets.
//!
//! A copied database file, a backup or a PostgreSQL dump alone reveals no
//! victim's phone number or e-mail address, and lets nobody sign forged
//! alerts. Each value is sealed with AES-256-GCM under a key that lives
//! outside the database — a key file (`--key-file`, default
//! `DATA/crackdown.key`, created 0600 on first start) — with a random nonce,
//! and with the column's name (and, for contacts, the report's id) as
//! associated data, so a sealed value copied into another row does not
//! open. Stored text is `sealed:v1:<hex nonce><hex ciphertext>`.
//!
//! The database keeps a sealed check value (`secret_key_check`, migration
//! 0020): opening it with another key fails at once with a message naming
//! the key file, rather than later as unreadable contacts. The first open
//! with a key seals the values an older version stored in clear.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};

use crate::StoreError;
use crate::db::Conn;

/// The key file's name inside a data directory.
pub const KEY_FILE: &str = "crackdown.key";
const SEALED_PREFIX: &str = "sealed:v1:";
const NONCE_BYTES: usize = 12;
/// What the check row seals.
const CHECK_PLAINTEXT: &[u8] = b"crackdown key check";
/// The key file's first line, before the hex key.
const KEY_HEADER: &str = "# crackdown secret key: keep it apart from backups of the database";

/// The key that seals personal columns. Never printed.
#[derive(Clone)]
pub struct SecretKey {
    cipher: Aes256Gcm,
    /// Where it came from, for error messages.
    origin: String,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("SecretKey").field("origin", &self.origin).finish_non_exhaustive()
    }
}

impl SecretKey {
    /// A new random key (tests, and the first start).
    pub fn generate() -> Result<SecretKey, StoreError> {
        let bytes = random::<32>()?;
        SecretKey::from_bytes(&bytes, "a generated key".to_owned())
    }

    pub(crate) fn from_bytes(bytes: &[u8], origin: String) -> Result<SecretKey, StoreError> {
        let cipher = Aes256Gcm::new_from_slice(bytes)
            .map_err(|_| StoreError::Invalid(format!("{origin}: not a 256-bit key")))?;
        Ok(SecretKey { cipher, origin })
    }

    /// Reads the key file at `path`. `Ok(None)` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<SecretKey>, StoreError> {
        let shown = path.display();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(StoreError::Invalid(format!("key file {shown}: {error}"))),
        };
        let line = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .ok_or_else(|| StoreError::Invalid(format!("key file {shown}: no key line")))?;
        let bytes = unhex(line)
            .filter(|bytes| bytes.len() == 32)
            .ok_or_else(|| StoreError::Invalid(format!("key file {shown}: expected 64 hexadecimal digits")))?;
        SecretKey::from_bytes(&bytes, format!("key file {shown}")).map(Some)
    }

    /// Reads the key file, or creates it (mode 0600, its folder 0700) with a
    /// new random key when it does not exist.
    pub fn load_or_create(path: &Path) -> Result<(SecretKey, bool), StoreError> {
        if let Some(key) = SecretKey::load(path)? {
            return Ok((key, false));
        }
        let shown = path.display();
        if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
            crate::files::create_private_dir(folder)?;
        }
        let bytes = random::<32>()?;
        let mut file = crate::files::create_private_file(path)
            .map_err(|error| StoreError::Invalid(format!("cannot create key file {shown}: {error}")))?;
        writeln!(file, "{KEY_HEADER}\n{}", crackdown_model::hex(&bytes))
            .and_then(|()| file.sync_all())
            .map_err(|error| StoreError::Invalid(format!("cannot write key file {shown}: {error}")))?;
        Ok((SecretKey::from_bytes(&bytes, format!("key file {shown}"))?, true))
    }

    /// Seals `plain` for `column` (and `row`, when the row's id is known before writing).
    pub fn seal(&self, column: &str, row: Option<i64>, plain: &str) -> Result<String, StoreError> {
        let nonce = random::<NONCE_BYTES>()?;
        let aad = associated(column, row);
        let sealed = self
            .cipher
            .encrypt(&nonce.into(), Payload { msg: plain.as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| StoreError::Database("cannot seal a value".into()))?;
        Ok(format!("{SEALED_PREFIX}{}{}", crackdown_model::hex(&nonce), crackdown_model::hex(&sealed)))
    }

    /// Opens a value [`SecretKey::seal`] made; a value stored in clear by an
    /// older version (before its migration ran) is returned as it is.
    pub fn open(&self, column: &str, row: Option<i64>, stored: &str) -> Result<String, StoreError> {
        let Some(hex) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_owned());
        };
        let unreadable = || StoreError::Schema(format!("a sealed {column} does not open with the {}", self.origin));
        let bytes = unhex(hex).filter(|bytes| bytes.len() > NONCE_BYTES).ok_or_else(unreadable)?;
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| unreadable())?;
        let aad = associated(column, row);
        let plain = self
            .cipher
            .decrypt(&nonce.into(), Payload { msg: sealed, aad: aad.as_bytes() })
            .map_err(|_| unreadable())?;
        String::from_utf8(plain).map_err(|_| unreadable())
    }
}

/// Whether a stored value is sealed (tests and the migration).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

fn associated(column: &str, row: Option<i64>) -> String {
    match row {
        Some(row) => format!("{column}#{row}"),
        None => column.to_owned(),
    }
}

pub(crate) fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::Database(format!("no randomness: {error}")))?;
    Ok(bytes)
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| text.get(at..at + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

/// The column names used as associated data.
pub(crate) const CONTACT_COLUMN: &str = "victim_contacts.contact";
pub(crate) const WEBHOOK_SECRET_COLUMN: &str = "webhooks.secret";

/// Checks the key against the database's check row, or — on a database
/// that has none yet — writes it and seals every value stored in clear, in
/// one transaction. `created` says the key file was just made: a database
/// that already holds a check row then needs the key it was sealed with.
pub(crate) fn bind_key(conn: &mut dyn Conn, key: &SecretKey, created: bool) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let check = conn.query_one("SELECT sealed FROM secret_key_check WHERE id = 1", &[])?;
        if let Some(row) = check {
            let sealed = row.text(0)?;
            return match key.open("secret_key_check", None, &sealed) {
                Ok(plain) if plain.as_bytes() == CHECK_PLAINTEXT && is_sealed(&sealed) => Ok(()),
                _ if created => Err(StoreError::Invalid(format!(
                    "this database's victim contacts and webhook secrets were sealed with another key, and the {} \
                     was just created: restore the key file from your backup (or give --key-file)",
                    key.origin
                ))),
                _ => Err(StoreError::Invalid(format!(
                    "the {} is not the key this database was sealed with (give --key-file with the right one)",
                    key.origin
                ))),
            };
        }
        let check_text = std::str::from_utf8(CHECK_PLAINTEXT).unwrap_or_default();
        conn.execute(
            "INSERT INTO secret_key_check (id, sealed) VALUES (1, $1)",
            &[key.seal("secret_key_check", None, check_text)?.into()],
        )?;
        let contacts = conn.query("SELECT report_id, contact FROM victim_contacts", &[])?;
        for row in contacts {
            let (report, contact) = (row.int(0)?, row.text(1)?);
            if !is_sealed(&contact) {
                let sealed = key.seal(CONTACT_COLUMN, Some(report), &contact)?;
                conn.execute(
                    "UPDATE victim_contacts SET contact = $1 WHERE report_id = $2",
                    &[sealed.into(), report.into()],
                )?;
            }
        }
        let secrets = conn.query("SELECT id, secret FROM webhooks", &[])?;
        for row in secrets {
            let (id, secret) = (row.int(0)?, row.text(1)?);
            if !is_sealed(&secret) {
                let sealed = key.seal(WEBHOOK_SECRET_COLUMN, None, &secret)?;
                conn.execute("UPDATE webhooks SET secret = $1 WHERE id = $2", &[sealed.into(), id.into()])?;
            }
        }
        Ok(())
    })
}

/// Where the key file is by default: beside the embedded database.
pub fn default_key_file(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_column_and_row() {
        let key = SecretKey::generate().expect("key");
        let sealed = key.seal(CONTACT_COLUMN, Some(7), "+66 81 234 5678").expect("seal");
        // The whole value, not a digit run: random hex contains "5678" about
        // once in a thousand seals.
        assert!(is_sealed(&sealed) && !sealed.contains("+66 81 234 5678"), "{sealed}");
        assert_eq!(key.open(CONTACT_COLUMN, Some(7), &sealed).expect("open"), "+66 81 234 5678");
        assert!(key.open(CONTACT_COLUMN, Some(8), &sealed).is_err(), "moved to another row");
        assert!(key.open(WEBHOOK_SECRET_COLUMN, Some(7), &sealed).is_err(), "moved to another column");
        assert!(SecretKey::generate().expect("key").open(CONTACT_COLUMN, Some(7), &sealed).is_err(), "another key");
        assert_eq!(key.open(CONTACT_COLUMN, Some(7), "legacy clear").expect("clear"), "legacy clear");
    }

    /// A database of an older version holds contacts and webhook secrets in
    /// clear and no check row: the first open with a key seals them, and a
    /// later open with another key is refused.
    #[test]
    fn clear_values_of_an_older_database_are_sealed_on_first_open() {
        use crackdown_model::{Channel, NewReport, Tlp, VictimContact};
        let dir = tempfile::tempdir().expect("dir");
        let now = chrono::Utc::now();
        let store = crate::Store::open_sqlite(dir.path()).expect("open");
        let operator = store.operator(now).expect("operator");
        let mut report = NewReport::from_text("lost my savings", Channel::Web, Tlp::Amber);
        report.victim_contact = Some(VictimContact { contact: "+66 81 000 1111".into() });
        store.insert_reports(&operator, &[report], &crate::ShareOptions::default(), now).expect("insert");
        let hook = store.add_webhook(&operator, "https://fraud.bank.example/hook", now).expect("hook");
        store
            .pool
            .with(|conn| {
                conn.execute("UPDATE victim_contacts SET contact = '+66 81 000 1111'", &[])?;
                conn.execute("UPDATE webhooks SET secret = $1", &[hook.secret.as_str().into()])?;
                conn.execute("DELETE FROM secret_key_check", &[])
            })
            .expect("make it look old");
        drop(store);

        let store = crate::Store::open_sqlite(dir.path()).expect("reopen");
        let stored = store
            .pool
            .with(|conn| {
                let contact = conn.query_one("SELECT contact FROM victim_contacts", &[])?.expect("row").text(0)?;
                let secret = conn.query_one("SELECT secret FROM webhooks", &[])?.expect("row").text(0)?;
                Ok((contact, secret))
            })
            .expect("read");
        assert!(is_sealed(&stored.0) && is_sealed(&stored.1), "{stored:?}");
        let listed = store.reports(&operator, &crate::ReportFilter::default(), 10).expect("list");
        assert_eq!(listed.items[0].victim_contact.as_deref(), Some("+66 81 000 1111"));
        let claimed_secret = store.key.open(WEBHOOK_SECRET_COLUMN, None, &stored.1).expect("opens");
        assert_eq!(claimed_secret, hook.secret);
        drop(store);

        let other = dir.path().join("other.key");
        let error = crate::Store::open_sqlite_with_key_file(dir.path(), &other).err().expect("another key is refused");
        assert!(error.to_string().contains("sealed with another key"), "{error}");
    }

    #[test]
    fn the_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys").join(KEY_FILE);
        let (key, created) = SecretKey::load_or_create(&path).expect("create");
        assert!(created);
        let (again, created) = SecretKey::load_or_create(&path).expect("load");
        assert!(!created);
        let sealed = key.seal("c", None, "x").expect("seal");
        assert_eq!(again.open("c", None, &sealed).expect("open"), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().expect("folder")), 0o700);
        }
        std::fs::write(&path, "not a key").expect("write");
        assert!(SecretKey::load(&path).expect_err("bad key").to_string().contains("64 hexadecimal"));
    }
}
