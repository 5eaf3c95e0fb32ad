//! Shared set-up: temporary data directories, a PostgreSQL schema per test
//! when `CRACKDOWN_TEST_POSTGRES_URL` is set, and a `crackdown` command.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// Where a test's data lives: a data directory, plus a PostgreSQL URL when
/// the test runs on PostgreSQL.
pub struct Backend {
    pub dir: tempfile::TempDir,
    pub database: Option<String>,
}

impl Backend {
    pub fn sqlite() -> Backend {
        Backend { dir: tempfile::tempdir().expect("temp dir"), database: None }
    }

    /// A fresh schema on the test server, or `None` (skip) when there is none.
    pub fn postgres() -> Option<Backend> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let Ok(url) = std::env::var("CRACKDOWN_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("CRACKDOWN_REQUIRE_POSTGRES").is_none(),
                "CRACKDOWN_REQUIRE_POSTGRES is set but CRACKDOWN_TEST_POSTGRES_URL is not"
            );
            eprintln!("skipping PostgreSQL: CRACKDOWN_TEST_POSTGRES_URL is not set");
            return None;
        };
        let schema = format!("it{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("connect to the test PostgreSQL");
        admin.batch_execute(&format!("CREATE SCHEMA {schema}")).expect("create schema");
        let separator = if url.contains('?') { '&' } else { '?' };
        Some(Backend {
            dir: tempfile::tempdir().expect("temp dir"),
            database: Some(format!("{url}{separator}options=-csearch_path%3D{schema}")),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `crackdown` with this backend's data options and no inherited ones,
    /// as a plain process (for servers and signals).
    pub fn process(&self) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("crackdown"));
        command.env_remove("CRACKDOWN_DATABASE_URL").env_remove("CRACKDOWN_DATA").arg("--data").arg(self.dir.path());
        if let Some(url) = &self.database {
            command.arg("--database").arg(url);
        }
        command
    }

    /// The same, with assert_cmd's conveniences.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.process())
    }

    pub fn store(&self) -> crackdown_store::Store {
        match &self.database {
            Some(url) => crackdown_store::Store::open_postgres(url).expect("open postgres"),
            None => crackdown_store::Store::open_sqlite(self.dir.path()).expect("open sqlite"),
        }
    }

    /// Runs `crackdown ARGS` and returns stdout, failing the test on a non-zero exit.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.cmd().args(args).output().expect("run crackdown");
        assert!(
            output.status.success(),
            "crackdown {args:?} failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// Runs `crackdown ARGS --json`-style commands and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.run(args)).expect("JSON on stdout")
    }
}
