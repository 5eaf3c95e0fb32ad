//! The attack suite: every probe of the outside security review (issue 20)
//! replayed against a real `crackdown serve` (or the real CLI) on SQLite
//! and on PostgreSQL. Each test failed before its fix; SECURITY.md names
//! them against the threat model.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::support::{Backend, http, http_get, serve, serve_with};

/// Issue 24's probes (screening data), beside the others: `attacks::screening::on_*::NAME`.
mod screening;

/// Issue 25's probes (hostile statement uploads): `attacks::ledger_upload::on_*::NAME`.
mod ledger_upload;

/// Kills the server when the test ends, passing or failing.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// police, bank (sharing the community `asean` with police) and ngo, each
/// with one user per role, as in the access matrix.
fn world(backend: &Backend) {
    for org in ["police", "bank", "ngo"] {
        backend.run(&["org", "add", org]);
        for role in ["admin", "analyst", "reporter", "partner"] {
            backend.run(&["user", "add", &format!("{org}-{role}"), "--org", org, "--role", role]);
        }
    }
    backend.run(&["community", "add", "asean"]);
    backend.run(&["community", "join", "asean", "--org", "police"]);
    backend.run(&["community", "join", "asean", "--org", "bank"]);
}

/// One raw HTTP/1.1 request with a body of any content type; (status, body).
fn post_raw(address: &str, path: &str, token: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
    (status, answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default())
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {body}"))
}

/// A 1 MiB e-mail nesting `levels` multiparts, none closed: mail-parser
/// scanned to the end once per level (seconds of CPU each).
fn mime_bomb(levels: usize) -> Vec<u8> {
    let mut raw = String::from("From: a@scam.example\r\nTo: victim@example.org\r\nSubject: bomb\r\n");
    for level in 0..levels {
        raw.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n"));
    }
    raw.push_str("Content-Type: text/plain\r\n\r\nx\r\n");
    raw.into_bytes()
}

/// Item 1: two MIME bombs from a reporter's token while a monitor polls
/// `/api/v1/health`: every health answer comes within a second.
fn mime_bombs_leave_the_server_answering(backend: Backend) {
    world(&backend);
    let token = backend.token("police-reporter");
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let bomb = mime_bomb(20_000);
    assert!(bomb.len() > 900_000, "{} bytes", bomb.len());
    let bombers: Vec<_> = (0..2)
        .map(|_| {
            let (address, token, bomb) = (address.clone(), token.clone(), bomb.clone());
            std::thread::spawn(move || post_raw(&address, "/api/v1/reports/email", &token, "message/rfc822", &bomb))
        })
        .collect();
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    while started.elapsed() < Duration::from_secs(3) || bombers.iter().any(|bomber| !bomber.is_finished()) {
        assert!(started.elapsed() < Duration::from_secs(60), "the bombs were never answered");
        let asked = Instant::now();
        let answer = http_get(&address, "/api/v1/health", None);
        slowest = slowest.max(asked.elapsed());
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(slowest < Duration::from_secs(1), "health took {slowest:?} while bombs were parsed");
    for bomber in bombers {
        let (status, body) = bomber.join().expect("bomber");
        assert_eq!(status, 400, "a bomb is refused as such: {body}");
        assert!(body.contains("multipart declarations"), "{body}");
    }
}

const FORWARDED: &str = "From: \"Kasikorn Bank\" <alerts@kasikorn-secure.top>\r\nTo: Somchai <victim@example.org>\r\n\
Subject: Your account is locked\r\nDate: Mon, 2 Mar 2026 09:30:00 +0700\r\nMessage-ID: <m1@kasikorn-secure.top>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nDear victim@example.org, verify at https://kasikorn-secure.top/verify now.\r\n";

const CHAT: &str = "12/28/23, 9:41 PM - Mentor Lisa: Hello dear, sorry wrong number\n\
12/28/23, 9:45 PM - Nok: No problem\n\
12/29/23, 8:02 AM - Mentor Lisa: Nok, my uncle shares signals on https://getbitfuture-23.vip\n";

/// Item 2: the victim's address and a chat owner's name reach only the
/// reporting organisation's admins and analysts.
fn artefacts_reveal_the_victim_only_to_the_reporting_organisation(backend: Backend) {
    world(&backend);
    let chat = backend.path().join("WhatsApp Chat with Mentor Lisa.txt");
    std::fs::write(&chat, CHAT).expect("write chat");
    backend.run(&[
        "--as",
        "police-analyst",
        "import",
        "chat",
        "--owner",
        "Nok",
        "--tlp",
        "green",
        chat.to_str().expect("utf-8"),
    ]);
    let tokens: Vec<(&str, String)> =
        ["police-analyst", "police-admin", "police-partner", "bank-admin", "bank-partner", "ngo-admin"]
            .into_iter()
            .map(|user| (user, backend.token(user)))
            .collect();
    let token =
        |user: &str| tokens.iter().find(|(name, _)| *name == user).map(|(_, token)| token.as_str()).expect("user");
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let (status, body) = post_raw(
        &address,
        "/api/v1/reports/email?tlp=green",
        token("police-analyst"),
        "message/rfc822",
        FORWARDED.as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    let mail = json(&body)["id"].as_i64().expect("id");
    let (_, listed) = http(&address, "GET", "/api/v1/reports?channel=chat", token("police-analyst"), "");
    let chat_id = json(&listed)["items"][0]["id"].as_i64().expect("chat report");

    for id in [mail, chat_id] {
        let original = format!("/api/v1/reports/{id}/original");
        let evidence = format!("/api/v1/reports/{id}/evidence");
        for user in ["police-analyst", "police-admin"] {
            let (status, body) = http(&address, "GET", &original, token(user), "");
            assert_eq!(status, 200, "{user} downloads the original of {id}");
            assert!(body.contains("victim@example.org") || body.contains("Nok"), "{body}");
        }
        for user in ["police-partner", "bank-admin", "bank-partner"] {
            let (status, body) = http(&address, "GET", &original, token(user), "");
            assert_eq!(status, 403, "{user} reads report {id} but not its original: {body}");
            let (status, body) = http(&address, "GET", &evidence, token(user), "");
            assert_eq!(status, 200, "{user} reads the evidence of {id}");
            assert!(!body.contains("victim@example.org") && !body.contains("Nok"), "{user}: {body}");
            let (status, body) = http(&address, "GET", &format!("/api/v1/reports/{id}"), token(user), "");
            assert_eq!(status, 200);
            assert!(!body.contains("victim@example.org") && !body.contains("Nok"), "{user}: report text {body}");
        }
        for path in [&original, &evidence] {
            let (status, _) = http(&address, "GET", path, token("ngo-admin"), "");
            assert_eq!(status, 404, "ngo cannot read report {id} at all");
        }
    }
}

/// Item 5: a status change naming a report the caller cannot read (a RED
/// report addressed to someone else) is refused whole.
fn triage_requires_read_access_to_every_report(backend: Backend) {
    world(&backend);
    let red = backend.path().join("red.jsonl");
    std::fs::write(&red, r#"{"text": "RED: informant says the compound moves on Friday", "tlp": "red"}"#)
        .expect("write");
    backend.run(&[
        "--as",
        "police-analyst",
        "import",
        "reports",
        red.to_str().expect("utf-8"),
        "--recipient",
        "bank-partner",
    ]);
    let amber = backend.path().join("amber.jsonl");
    std::fs::write(&amber, r#"{"text": "AMBER: the mentor asked for a deposit", "tlp": "amber"}"#).expect("write");
    backend.run(&["--as", "police-analyst", "import", "reports", amber.to_str().expect("utf-8")]);
    let listed = backend.json(&["--as", "police-analyst", "reports", "list", "--json"]);
    let id_of = |marking: &str| {
        listed.as_array().expect("list").iter().find(|report| report["tlp"] == marking).expect("report")["id"]
            .as_i64()
            .expect("id")
    };
    let (red_id, amber_id) = (id_of("red"), id_of("amber"));
    let admin = backend.token("police-admin");
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let (status, _) = http(&address, "GET", &format!("/api/v1/reports/{red_id}"), &admin, "");
    assert_eq!(status, 404, "the admin may not read the RED report");
    let change = format!(r#"{{"ids": [{amber_id}, {red_id}], "status": "triaged"}}"#);
    let (status, body) = http(&address, "POST", "/api/v1/reports/status", &admin, &change);
    assert_eq!(status, 404, "{body}");
    let analyst = backend.token("police-analyst");
    for id in [red_id, amber_id] {
        let (_, body) = http(&address, "GET", &format!("/api/v1/reports/{id}"), &analyst, "");
        assert_eq!(json(&body)["status"], "new", "report {id} unchanged: all or none");
    }
    let (status, body) = http(
        &address,
        "POST",
        "/api/v1/reports/status",
        &admin,
        &format!(r#"{{"ids": [{amber_id}], "status": "triaged"}}"#),
    );
    assert_eq!((status, json(&body)["changed"].as_i64()), (200, Some(1)), "{body}");
}

/// A duplicate answer names the original only to those who may read it
/// (item 4): a colleague who may read the analyst's report is told it is a
/// duplicate of it; a reporter, who may not, gets their own copy stored and
/// its id, never the original's.
fn duplicate_answers_name_no_unreadable_report(backend: Backend) {
    world(&backend);
    let body = r#"[{"id": "CASE-9", "text": "The mentor on LINE asked for a 5,000 USDT deposit to unlock my profits.", "tlp": "amber"}]"#;
    let (first, colleague, reporter) =
        (backend.token("police-analyst"), backend.token("police-admin"), backend.token("police-reporter"));
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let (status, answer) = http(&address, "POST", "/api/v1/reports", &first, body);
    assert_eq!(status, 200, "{answer}");
    let original = json(&answer)["ids"][0].as_i64().expect("the analyst's new report");
    let (_, answer) = http(&address, "POST", "/api/v1/reports", &colleague, body);
    let answer = json(&answer);
    assert_eq!((&answer["duplicates"], &answer["ids"]), (&serde_json::json!(1), &serde_json::json!([original])));
    let (status, answer) = http(&address, "POST", "/api/v1/reports", &reporter, body);
    assert_eq!(status, 200, "{answer}");
    let answer = json(&answer);
    assert_eq!(answer["imported"], 1, "the reporter may not read report {original}: {answer}");
    let copy = answer["ids"][0].as_i64().expect("the reporter's own report");
    assert_ne!(copy, original);
    // The analyst resubmitting their own report is told which one it is.
    let (_, again) = http(&address, "POST", "/api/v1/reports", &first, body);
    assert_eq!(json(&again)["ids"], serde_json::json!([original]));
}

/// `(imported, duplicates, ids)` of a `POST /api/v1/reports` answer.
fn summary(answer: &str) -> (u64, u64, Vec<Option<i64>>) {
    let answer = json(answer);
    let ids = answer["ids"].as_array().map(|ids| ids.iter().map(serde_json::Value::as_i64).collect());
    (answer["imported"].as_u64().unwrap_or(99), answer["duplicates"].as_u64().unwrap_or(99), ids.unwrap_or_default())
}

/// Item 4: a duplicate is recognised only against reports the submitter
/// may read. A reporter re-submitting what a colleague reported under RED,
/// not addressed to them — its text, its external id, the forwarded e-mail,
/// the bulk file — gets their own report stored and readable, the answer
/// names nothing they may not read, and submitting again repeats *their*
/// copy. Before the fix each was answered as a duplicate and dropped.
fn resubmissions_of_unreadable_reports_are_stored(backend: Backend) {
    world(&backend);
    let (analyst, reporter) = (backend.token("police-analyst"), backend.token("police-reporter"));
    let (child, address) = serve(&backend);
    let server = Server(child);
    let lure = "Mentor Lisa on LINE asked for a 5,000 USDT tax before I can withdraw my profits.";
    let (status, answer) = http(
        &address,
        "POST",
        "/api/v1/reports?tlp=red",
        &analyst,
        &format!(r#"{{"id": "CASE-7", "text": "{lure}"}}"#),
    );
    assert_eq!(status, 200, "{answer}");
    let Some(original) = summary(&answer).2[0] else { panic!("the analyst's RED report: {answer}") };
    let reads = |token: &str, id: i64| http(&address, "GET", &format!("/api/v1/reports/{id}"), token, "").0;
    assert_eq!(reads(&reporter, original), 404, "the reporter may not read the analyst's RED report");
    let resubmissions = [
        (format!(r#"{{"text": "{lure}"}}"#), "the text"),
        (r#"{"id": "CASE-7", "text": "I paid the tax to the same mentor."}"#.to_owned(), "the external id"),
    ];
    for (body, what) in resubmissions {
        let (status, answer) = http(&address, "POST", "/api/v1/reports", &reporter, &body);
        assert_eq!(status, 200, "{what}: {answer}");
        let (imported, duplicates, ids) = summary(&answer);
        assert_eq!((imported, duplicates), (1, 0), "{what} is stored as the reporter's own report: {answer}");
        let Some(copy) = ids[0] else { panic!("{what}: {answer}") };
        assert_ne!(copy, original, "{what}");
        assert_eq!(reads(&reporter, copy), 200, "{what}: the reporter reads their report");
        let (_, again) = http(&address, "POST", "/api/v1/reports", &reporter, &body);
        assert_eq!(summary(&again), (0, 1, vec![Some(copy)]), "{what} again repeats the reporter's copy");
    }

    // The same forwarded e-mail.
    let post_mail = |token: &str, query: &str| {
        let (status, answer) =
            post_raw(&address, &format!("/api/v1/reports/email{query}"), token, "message/rfc822", FORWARDED.as_bytes());
        assert_eq!(status, 200, "{answer}");
        let answer = json(&answer);
        (answer["id"].as_i64(), answer["duplicate"].as_bool())
    };
    let (Some(mail), Some(false)) = post_mail(&analyst, "?tlp=red") else { panic!("the analyst's e-mail is stored") };
    let (Some(mail_copy), Some(false)) = post_mail(&reporter, "") else { panic!("the reporter's e-mail is stored") };
    assert_ne!(mail_copy, mail);
    assert_eq!(reads(&reporter, mail_copy), 200);
    assert_eq!(post_mail(&reporter, ""), (Some(mail_copy), Some(true)), "the same e-mail again repeats their copy");
    drop(server);

    // The same bulk file, through the CLI's import.
    let file = backend.path().join("hotline.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"HL-1\", \"text\": \"The job agent on Telegram wanted a deposit to unlock tasks.\", \"tlp\": \"red\"}\n\
         {\"id\": \"HL-2\", \"text\": \"A caller from the bank fraud team asked me to move my savings.\", \"tlp\": \"red\"}\n",
    )
    .expect("write the file");
    let import = |user: &str| {
        let summary = backend.json(&["--as", user, "import", "reports", file.to_str().expect("utf-8"), "--json"]);
        (summary["imported"].as_u64(), summary["duplicates"].as_u64())
    };
    assert_eq!(import("police-analyst"), (Some(2), Some(0)));
    assert_eq!(import("police-reporter"), (Some(2), Some(0)), "the reporter's import is stored");
    assert_eq!(import("police-reporter"), (Some(0), Some(2)), "and importing it again stores nothing new");
}

/// A receiver on loopback that records the head of every request it gets.
fn loopback_receiver() -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let (heads, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0_u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|read| read == 1) {
                head.push(byte[0]);
            }
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = heads.send(String::from_utf8_lossy(&head).into_owned());
        }
    });
    (address, received)
}

/// Item 6: webhooks reach no internal address however it is spelled, carry
/// no credentials, and reach an internal receiver only when the operator
/// allows its range.
fn webhooks_reach_no_internal_address(backend: Backend) {
    world(&backend);
    let admin = backend.token("bank-admin");
    let (receiver, heads) = loopback_receiver();
    let port = receiver.rsplit(':').next().expect("port");
    let (child, address) = serve(&backend);
    let server = Server(child);
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("https://127.0.0.1:{port}/"),
        "http://0x7f000001/".to_owned(),
        "https://0x7f000001/".to_owned(),
        "https://2130706433/".to_owned(),
        "https://0177.0.0.1/".to_owned(),
        "https://[::1]:22/".to_owned(),
        "https://[::ffff:7f00:1]/".to_owned(),
        "https://169.254.169.254/latest/meta-data/".to_owned(),
        "https://10.0.0.5/".to_owned(),
        "https://100.64.0.1/".to_owned(),
        format!("http://localhost:{}/api/v1/reports", address.rsplit(':').next().expect("port")),
        "https://user:pass@fraud.bank.example/hook".to_owned(),
    ] {
        let (status, body) = http(&address, "POST", "/api/v1/webhooks", &admin, &format!(r#"{{"url": "{url}"}}"#));
        assert_eq!(status, 400, "{url} must be refused: {body}");
    }
    let (status, body) =
        http(&address, "POST", "/api/v1/webhooks", &admin, r#"{"url": "https://fraud.bank.example/crackdown"}"#);
    assert_eq!(status, 201, "a public https receiver is fine: {body}");
    drop(server);

    // The operator allows loopback for an internal receiver: alerts arrive,
    // signed, with a Host header that is the host alone.
    let allow = ["--webhook-allow-private", "127.0.0.0/8"];
    backend.run(&["--as", "bank-admin", "watchlists", "add", "exact", "+66 81 234 5678", "--label", "mule"]);
    backend.run(&[
        "--as",
        "bank-admin",
        "--webhook-allow-private",
        "127.0.0.0/8",
        "webhooks",
        "add",
        &format!("http://{receiver}/hook"),
    ]);
    let refused =
        backend.cmd().args(["--as", "bank-admin", "webhooks", "add", &format!("http://{receiver}/hook")]).output();
    assert!(!refused.expect("run").status.success(), "without the allowance the CLI refuses it too");
    let (child, address) = serve_with(&backend, &allow);
    let _server = Server(child);
    let analyst = backend.token("bank-analyst");
    let (status, body) = http(
        &address,
        "POST",
        "/api/v1/reports",
        &analyst,
        r#"{"text": "The caller said pay the release fee to +66 81 234 5678 today"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let head = heads.recv_timeout(Duration::from_secs(30)).expect("a delivery reaches the allowed receiver");
    assert!(head.starts_with("POST /hook HTTP/1.1"), "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("host: {receiver}")), "{head}");
    assert!(head.to_ascii_lowercase().contains("crackdown-signature: t="), "{head}");
}

/// Item 7: a client trickling its request headers is disconnected.
fn trickling_clients_are_disconnected(backend: Backend) {
    let token = backend.run(&["token", "create"]).trim().to_owned();
    let (child, address) = serve_with(&backend, &["--header-timeout", "1", "--body-timeout", "2"]);
    let _server = Server(child);
    let mut stream = TcpStream::connect(&address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
    let started = Instant::now();
    let mut closed = false;
    for byte in
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter()
    {
        if stream.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0_u8; 256];
        match stream.read(&mut buffer) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) => {
                closed = true; // an error answer (408) then the close
                break;
            }
            Err(error) if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "a client trickling headers for {:?} is still connected", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(8), "closed only after {:?}", started.elapsed());

    // A body trickled a byte at a time meets its deadline, however steady the pace.
    let mut upload = TcpStream::connect(&address).expect("connect");
    write!(
        upload,
        "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n["
    )
    .expect("send head");
    upload.set_read_timeout(Some(Duration::from_millis(300))).expect("timeout");
    let started = Instant::now();
    let mut answered = false;
    while started.elapsed() < Duration::from_secs(8) {
        if upload.write_all(b" ").is_err() {
            answered = true;
            break;
        }
        let mut buffer = [0_u8; 64];
        match upload.read(&mut buffer) {
            Ok(_) => {
                answered = true;
                break;
            }
            Err(error) if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => {
                answered = true;
                break;
            }
        }
    }
    assert!(answered, "a body trickled for {:?} is still being read", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(6), "cut off only after {:?}", started.elapsed());

    // An idle kept-alive connection is closed too.
    let mut idle = TcpStream::connect(&address).expect("connect");
    idle.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut buffer = [0_u8; 16];
    let started = Instant::now();
    assert_eq!(idle.read(&mut buffer).ok(), Some(0), "an idle connection is closed by the server");
    assert!(started.elapsed() < Duration::from_secs(4));
}

/// Item 7: the database, its WAL and the key file are the owner's alone.
#[cfg(unix)]
fn data_files_are_private(backend: Backend) {
    use std::os::unix::fs::PermissionsExt;
    world(&backend);
    let mode = |path: &std::path::Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&backend.key_file()), 0o600, "key file");
    if backend.database.is_none() {
        let data = backend.path();
        assert_eq!(mode(data), 0o700, "data folder");
        for entry in std::fs::read_dir(data).expect("list") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
            if name.starts_with("crackdown.") {
                assert_eq!(mode(&path), 0o600, "{name}");
            }
        }
    }
}

#[cfg(not(unix))]
fn data_files_are_private(_backend: Backend) {}

/// Item 7: a victim's contact and a webhook secret appear nowhere in the
/// database's bytes (SQLite: the file and its WAL; PostgreSQL: the rows).
fn contacts_and_webhook_secrets_are_sealed_at_rest(backend: Backend) {
    world(&backend);
    let contact = "+66 89 765 4321 somchai.victim@example.org";
    let file = backend.path().join("reports.jsonl");
    std::fs::write(&file, serde_json::json!({"text": "lost my savings", "victim_contact": contact}).to_string())
        .expect("write");
    backend.run(&["--as", "police-analyst", "import", "reports", file.to_str().expect("utf-8")]);
    let hook = backend.json(&["--as", "police-admin", "webhooks", "add", "https://fraud.bank.example/hook", "--json"]);
    let secret = hook["secret"].as_str().expect("secret").to_owned();
    let shown = backend.json(&["--as", "police-analyst", "reports", "list", "--json"]);
    assert_eq!(shown[0]["victim_contact"], contact, "the reporting analyst still reads it");
    match &backend.database {
        None => {
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(backend.path()).expect("list") {
                let path = entry.expect("entry").path();
                if path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("crackdown.sqlite3"))
                {
                    bytes.extend(std::fs::read(&path).expect("read"));
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("somchai.victim"), "the contact is in the database file");
            assert!(!text.contains(&secret), "the webhook secret is in the database file");
        }
        Some(url) => {
            let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            let contacts: Vec<String> = client
                .query("SELECT contact FROM victim_contacts", &[])
                .expect("rows")
                .iter()
                .map(|row| row.get(0))
                .collect();
            let secrets: Vec<String> =
                client.query("SELECT secret FROM webhooks", &[]).expect("rows").iter().map(|row| row.get(0)).collect();
            assert!(!contacts.is_empty() && contacts.iter().all(|stored| !stored.contains("somchai")), "{contacts:?}");
            assert!(secrets.iter().all(|stored| stored != &secret), "{secrets:?}");
        }
    }
    // Another key does not open the database.
    let other = backend.path().join("other.key");
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("crackdown"));
    command.env_remove("CRACKDOWN_DATABASE_URL").env_remove("CRACKDOWN_KEY_FILE").arg("--data").arg(backend.path());
    if let Some(url) = &backend.database {
        command.arg("--database").arg(url);
    }
    let wrong = command.args(["--key-file", other.to_str().expect("utf-8"), "reports", "list"]).output();
    let wrong = wrong.expect("run");
    assert!(!wrong.status.success(), "a database sealed with one key refuses another");
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("sealed with another key"), "{wrong:?}");
}

/// Item 7: searches, lookups and report texts stay out of the log, even at -vv.
fn logs_carry_no_query_text(backend: Backend) {
    world(&backend);
    let token = backend.token("police-analyst");
    let mut child = backend
        .process()
        .args(["-vv", "serve", "--listen", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut log = String::new();
    let address = loop {
        let mut line = String::new();
        assert!(std::io::BufRead::read_line(&mut stderr, &mut line).expect("read") > 0, "server ended: {log}");
        log.push_str(&line);
        if line.contains("serving on") {
            break crate::support::address_in(&line);
        }
    };
    let collected = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
        rest
    });
    let _ = http(
        &address,
        "POST",
        "/api/v1/reports",
        &token,
        r#"{"text": "Wired money to PRIVATEWORDTWO", "victim_contact": "PRIVATECONTACT"}"#,
    );
    let _ = http(&address, "GET", "/api/v1/reports?q=PRIVATEWORDONE", &token, "");
    let _ = http_get(&address, "/api/v1/lookup?q=%2B66899999999PRIVATE", None);
    let _ = child.kill();
    let _ = child.wait();
    log.push_str(&collected.join().expect("log"));
    assert!(log.contains("/api/v1/reports"), "the log at -vv records requests: {log}");
    for secret in ["PRIVATEWORDONE", "PRIVATEWORDTWO", "PRIVATECONTACT", "66899999999"] {
        assert!(!log.contains(secret), "{secret} is in the log");
    }
}

/// Item 7: users and communities of other organisations cannot be told
/// from names nobody has.
fn names_of_others_cannot_be_enumerated(backend: Backend) {
    world(&backend);
    backend.run(&["community", "add", "private-club"]);
    backend.run(&["community", "join", "private-club", "--org", "ngo"]);
    let admin = backend.token("bank-admin");
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let token_for = |user: &str| {
        http(&address, "POST", "/api/v1/tokens", &admin, &format!(r#"{{"user": "{user}", "label": "x"}}"#))
    };
    let (existing, nobody) = (token_for("police-analyst"), token_for("no-such-user"));
    assert_eq!(existing.0, nobody.0, "another org's user and no user answer alike: {existing:?} {nobody:?}");
    assert_eq!(existing.0, 404);
    let share = |community: &str| {
        http(&address, "POST", &format!("/api/v1/reports?share={community}"), &admin, r#"{"text": "shared scam"}"#)
    };
    let (existing, nobody) = (share("private-club"), share("no-such-club"));
    assert_eq!(existing.0, nobody.0, "another org's community and none answer alike: {existing:?} {nobody:?}");
    let (status, _) = token_for("bank-analyst");
    assert_eq!(status, 201, "one's own organisation's users are still served");
}

/// Item 7: the OpenAPI document puts the lookup's parameters in the query.
fn the_lookup_parameters_are_query_parameters(backend: Backend) {
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let answer = http_get(&address, "/api/v1/openapi.json", None);
    let spec = json(answer.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default());
    let parameters = spec["paths"]["/api/v1/lookup"]["get"]["parameters"].as_array().expect("parameters").clone();
    assert!(!parameters.is_empty());
    for parameter in parameters {
        assert_eq!(parameter["in"], "query", "{parameter}");
    }
}

/// Item 7: one client cannot hold every passkey ceremony slot.
fn passkey_ceremonies_are_limited_per_client(backend: Backend) {
    world(&backend);
    let token = backend.token("bank-analyst");
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(http(&address, "POST", "/api/v1/passkeys", &token, "{}").0);
    }
    assert_eq!(statuses[0], 200, "a ceremony starts: {statuses:?}");
    assert!(statuses.contains(&429), "one client is stopped well before the global cap: {statuses:?}");
    let started = statuses.iter().filter(|status| **status == 200).count();
    assert!(started <= 16, "{started} ceremonies from one client");
}

/// Item 7: an untrusted organisation's allow-list entry changes its own
/// check, not the public lookup of a reported scam number.
fn allowlists_cannot_whitewash_a_scam_number_for_the_public(backend: Backend) {
    world(&backend);
    let reports = backend.path().join("scam.jsonl");
    std::fs::write(
        &reports,
        r#"{"text": "The investment mentor told me to call +66 81 999 8888 to release my funds", "tlp": "clear"}"#,
    )
    .expect("write");
    backend.run(&["--as", "police-analyst", "import", "reports", reports.to_str().expect("utf-8")]);
    let before = backend.json(&["lookup", "+66 81 999 8888", "--json"]);
    assert_eq!(before["reported"], true, "{before}");
    backend.run(&["--as", "ngo-admin", "allowlist", "add", "+66 81 999 8888"]);
    let after = backend.json(&["lookup", "+66 81 999 8888", "--json"]);
    assert_eq!(
        (&after["reported"], &after["known_legitimate"]),
        (&serde_json::json!(true), &serde_json::json!(false)),
        "{after}"
    );
    backend.run(&["org", "set", "ngo", "--vouches-publicly", "true"]);
    let trusted = backend.json(&["lookup", "+66 81 999 8888", "--json"]);
    assert_eq!(trusted["known_legitimate"], true, "a trusted organisation vouches publicly: {trusted}");
}

/// Item 3: `POST /api/v1/check` names campaigns only by opaque ids, each one
/// the caller may open. Before stable campaign ids it answered the smallest
/// report id of the campaign, another organisation's AMBER+STRICT report
/// included. Here the police's two AMBER+STRICT reports and the bank's GREEN
/// one name one phone: the police see one campaign of three, the bank only
/// its own part, under an id that is neither a report id nor the police's.
fn check_answers_name_no_report_id(backend: Backend) {
    world(&backend);
    let (police, bank) = (backend.token("police-analyst"), backend.token("bank-analyst"));
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let strict = r#"[{"id": "P-1", "text": "Call +66 81 234 5678 to release your parcel, fee 2,000 THB.", "tlp": "amber+strict"},
                     {"id": "P-2", "text": "Customs fee due now, the agent is on +66 81 234 5678.", "tlp": "amber+strict"}]"#;
    let (status, answer) = http(&address, "POST", "/api/v1/reports", &police, strict);
    assert_eq!(status, 200, "{answer}");
    let green = r#"[{"id": "B-1", "text": "Our customer paid a courier fee after a call from +66 81 234 5678.", "tlp": "green"}]"#;
    let (status, answer) = http(&address, "POST", "/api/v1/reports", &bank, green);
    assert_eq!(status, 200, "{answer}");
    let check = |token: &str| -> Vec<String> {
        let (status, body) = http(&address, "POST", "/api/v1/check", token, r#"{"beneficiary": "+66 81 234 5678"}"#);
        assert_eq!(status, 200, "{body}");
        let campaigns = json(&body)["campaigns"].as_array().cloned().unwrap_or_default();
        campaigns
            .iter()
            .map(|id| {
                let id = id.as_str().unwrap_or_else(|| panic!("a campaign id is opaque text, not a number: {body}"));
                assert!(id.starts_with("cmp-") && id.len() == 30, "{body}");
                id.to_owned()
            })
            .collect()
    };
    let police_ids = check(&police);
    assert_eq!(police_ids.len(), 1, "the police's three reports are one campaign");
    let bank_ids = check(&bank);
    for id in &bank_ids {
        assert!(!police_ids.contains(id), "the bank's part of the campaign has an id of its own");
        assert_eq!(http(&address, "GET", &format!("/api/v1/campaigns/{id}"), &bank, "").0, 200, "every id named opens");
    }
    assert_eq!(http(&address, "GET", &format!("/api/v1/campaigns/{}", police_ids[0]), &bank, "").0, 404);
}

macro_rules! on_both_backends {
    ($($probe:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[test] fn $probe() { super::$probe(crate::support::Backend::sqlite()) } )*
        }
        mod on_postgres {
            $( #[test] fn $probe() { if let Some(backend) = crate::support::Backend::postgres() { super::$probe(backend) } } )*
        }
    };
}

on_both_backends!(
    mime_bombs_leave_the_server_answering,
    artefacts_reveal_the_victim_only_to_the_reporting_organisation,
    triage_requires_read_access_to_every_report,
    webhooks_reach_no_internal_address,
    trickling_clients_are_disconnected,
    data_files_are_private,
    contacts_and_webhook_secrets_are_sealed_at_rest,
    logs_carry_no_query_text,
    names_of_others_cannot_be_enumerated,
    the_lookup_parameters_are_query_parameters,
    passkey_ceremonies_are_limited_per_client,
    allowlists_cannot_whitewash_a_scam_number_for_the_public,
    duplicate_answers_name_no_unreadable_report,
    resubmissions_of_unreadable_reports_are_stored,
    check_answers_name_no_report_id,
);
