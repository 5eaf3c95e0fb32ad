//! Shared set-up: temporary data directories, a PostgreSQL schema per test
//! when `CRACKDOWN_TEST_POSTGRES_URL` is set, and a `crackdown` command.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};

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
        let url = crackdown_store::testing::fresh_postgres_url()?;
        Some(Backend { dir: tempfile::tempdir().expect("temp dir"), database: Some(url) })
    }

    /// Another, empty installation on the same kind of backend (a partner's).
    pub fn fresh_like(&self) -> Backend {
        match self.database {
            Some(_) => Backend::postgres().expect("the PostgreSQL test server is still there"),
            None => Backend::sqlite(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The key file sealing victim contacts (the default place for SQLite).
    pub fn key_file(&self) -> std::path::PathBuf {
        self.dir.path().join(crackdown_store::secrets::KEY_FILE)
    }

    /// `crackdown` with this backend's data options and no inherited ones,
    /// as a plain process (for servers and signals).
    pub fn process(&self) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("crackdown"));
        command
            .env_remove("CRACKDOWN_DATABASE_URL")
            .env_remove("CRACKDOWN_DATA")
            .env_remove("CRACKDOWN_KEY_FILE")
            .env_remove("CRACKDOWN_WEBHOOK_ALLOW_PRIVATE")
            .arg("--data")
            .arg(self.dir.path());
        if let Some(url) = &self.database {
            command.arg("--database").arg(url).arg("--key-file").arg(self.key_file());
        }
        command
    }

    /// The same, with assert_cmd's conveniences.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.process())
    }

    pub fn store(&self) -> crackdown_store::Store {
        match &self.database {
            Some(url) => crackdown_store::Store::open_postgres(url, &self.key_file()).expect("open postgres"),
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

    /// A new API token's secret for `user`.
    pub fn token(&self, user: &str) -> String {
        self.json(&["token", "create", "--user", user, "--json"])["secret"].as_str().expect("secret").to_owned()
    }
}

/// The `host:port` in a line such as "... at http://127.0.0.1:4321/ ...".
pub fn address_in(line: &str) -> String {
    line.split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned()
}

/// Sends one raw HTTP/1.1 GET to a running server, with a bearer token if given.
pub fn http_get(address: &str, path: &str, token: Option<&str>) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let auth = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Connection: close\r\n\r\n").expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

/// `crackdown serve` as a child process, its stderr drained so logging
/// never blocks it.
pub fn serve(backend: &Backend) -> (Child, String) {
    serve_with(backend, &[])
}

/// [`serve`] with more options (e.g. `--webhook-allow-private 127.0.0.0/8`).
pub fn serve_with(backend: &Backend, options: &[&str]) -> (Child, String) {
    let mut child = backend
        .process()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(options)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    // Logs (an earlier intake finished at start) may come before the line naming the address.
    let mut line = String::new();
    while !line.contains("http://") {
        line.clear();
        assert!(stderr.read_line(&mut line).expect("read stderr") > 0, "serve exited before listening");
    }
    // "crackdown serving on ADDRESS (UI at URL/ ...)": the URL is `--public-url` when given.
    let address = match line.split_once("serving on ").and_then(|(_, rest)| rest.split_whitespace().next()) {
        Some(bound) => bound.to_owned(),
        None => address_in(&line),
    };
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (child, address)
}

/// One raw HTTP/1.1 request; returns (status, body).
pub fn http(address: &str, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

/// Stops a server also when an assertion fails, so no orphan keeps the
/// test's output pipe open.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
