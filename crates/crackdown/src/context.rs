//! Opening the store from the global options and deciding who acts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;
use crackdown_model::Viewer;
use crackdown_store::Store;

use crate::cli::{Global, ServeArgs, ServerOptions};

/// Opens the store the global options name. An embedded store whose data
/// directory does not exist is refused unless `--init` asks for a new one:
/// a mistyped `--data` must not silently start an empty store that every
/// later command then reads as "nothing there".
pub fn open_store(global: &Global) -> anyhow::Result<Store> {
    open_store_creating(global, global.init)
}

/// [`open_store`], creating a missing data directory when `create` is set
/// (`demo`, `--init`).
pub fn open_store_creating(global: &Global, create: bool) -> anyhow::Result<Store> {
    if global.database.is_none() && !create && !global.data.exists() {
        anyhow::bail!(
            "the data directory {} does not exist: check --data (or CRACKDOWN_DATA), or add --init to create a new, \
             empty store there",
            global.data.display()
        );
    }
    match (&global.database, &global.key_file) {
        (Some(url), Some(key_file)) => Store::open_postgres(url, key_file).context("opening the PostgreSQL database"),
        (Some(_), None) => anyhow::bail!(
            "--database needs --key-file (or CRACKDOWN_KEY_FILE): the key that seals victims' contacts and webhook \
             secrets is kept outside the database; it is created on first start, back it up apart from the database"
        ),
        (None, Some(key_file)) => Store::open_sqlite_with_key_file(&global.data, key_file)
            .with_context(|| format!("opening the data directory {}", global.data.display())),
        (None, None) => Store::open_sqlite(&global.data)
            .with_context(|| format!("opening the data directory {}", global.data.display())),
    }
}

/// The operator, or the user named by `--as`.
pub fn viewer(store: &Store, global: &Global) -> anyhow::Result<Viewer> {
    match &global.as_user {
        Some(name) => Ok(store.user(name)?.viewer()),
        None => Ok(store.operator(Utc::now())?),
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn serve(global: &Global, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let store = Arc::new(open_store(global)?);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // The router holds a clone; the last reference drops after the runtime
    // stops, as a PostgreSQL connection must not be dropped inside it.
    let mut options = server_options(&args.server)?;
    options.webhook_allow_private = global.webhook_allow_private.clone();
    let record = public_url_record(global);
    runtime.block_on(crackdown_server::serve(Arc::clone(&store), options, |endpoint| {
        let url = endpoint.public.origin();
        remember_public_url(&record, &url);
        eprintln!(
            "crackdown serving on {} (UI at {url}/, API at {url}/api/v1/, spec at /api/v1/openapi.json)",
            endpoint.address
        );
        eprintln!("sign in: `crackdown user signin-link USER` prints a one-time link");
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// The server's options from the command line (`--public-url` parsed).
pub fn server_options(options: &ServerOptions) -> anyhow::Result<crackdown_server::ServeOptions> {
    Ok(crackdown_server::ServeOptions {
        listen: options.listen,
        public: options
            .public_url
            .as_deref()
            .map(crackdown_server::PublicUrl::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?,
        lookup_rate: options.lookup_rate,
        webhook_ca: options.webhook_ca.clone(),
        trusted_proxies: options.trusted_proxies.clone(),
        public_org: options.public_org.clone(),
        webhook_allow_private: Vec::new(),
        timeouts: crackdown_server::connections::Timeouts {
            header_read: std::time::Duration::from_secs(options.header_timeout.max(1)),
            body: std::time::Duration::from_secs(options.body_timeout.max(1)),
        },
    })
}

/// Where `serve` and `demo` note the URL people open, for `user signin-link`:
/// beside the key file, which every process opening this store reads, so it
/// is found for an embedded store and a PostgreSQL one alike.
pub fn public_url_record(global: &Global) -> PathBuf {
    let key = global.key_file.clone().unwrap_or_else(|| global.data.join(crackdown_store::secrets::KEY_FILE));
    let mut name = key.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".public-url");
    key.with_file_name(name)
}

/// Notes the server's public origin at `record`; a failure only costs the
/// convenience, so it is logged, never fatal.
pub fn remember_public_url(record: &Path, origin: &str) {
    if let Err(error) = std::fs::write(record, format!("{origin}\n")) {
        tracing::warn!(file = %record.display(), %error, "cannot note the server's URL for `user signin-link`");
    }
}

/// The URL sign-in links point at: `--public-url` when given, else the one
/// the last server on this store noted, else `serve`'s default.
pub fn signin_base_url(global: &Global, given: Option<&str>) -> String {
    if let Some(url) = given {
        return url.to_owned();
    }
    let record = public_url_record(global);
    match std::fs::read_to_string(&record) {
        Ok(text) if !text.trim().is_empty() => text.trim().to_owned(),
        _ => {
            eprintln!(
                "note: no server has run on this store yet; the link assumes `serve`'s default http://localhost:8080 \
                 (give --public-url for another address)"
            );
            "http://localhost:8080".to_owned()
        }
    }
}
