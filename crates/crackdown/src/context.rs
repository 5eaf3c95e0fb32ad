//! Opening the store from the global options and deciding who acts.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Utc;
use crackdown_model::Viewer;
use crackdown_store::Store;

use crate::cli::{Global, ServeArgs, ServerOptions};

pub fn open_store(global: &Global) -> anyhow::Result<Store> {
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
    runtime.block_on(crackdown_server::serve(Arc::clone(&store), options, |endpoint| {
        let url = endpoint.public.origin();
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
