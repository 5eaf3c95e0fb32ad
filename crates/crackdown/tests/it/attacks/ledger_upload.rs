//! The statement upload route's probes (issue 25): hostile bank files posted
//! to `POST /api/v1/ledger/imports` — an entity-expansion bomb, nesting a
//! hundred thousand deep, a single field of megabytes, a body over the
//! limit — each answer an error in bounded time, the server keeps answering
//! others meanwhile, and the ledger stays exactly as it was.

use std::time::{Duration, Instant};

use super::{Server, post_raw, world};
use crate::support::{Backend, http_get, serve};

const ROUTE: &str = "/api/v1/ledger/imports";

/// An entity-expansion ("billion laughs") camt.053: ten levels of ten.
fn entity_bomb() -> Vec<u8> {
    let mut text = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Document [\n<!ENTITY l0 \"lol\">\n");
    for level in 1..10 {
        let previous = format!("&l{};", level - 1).repeat(10);
        text.push_str(&format!("<!ENTITY l{level} \"{previous}\">\n"));
    }
    text.push_str(
        "]>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Id>&l9;</Id>\
         </Stmt></BkToCstmrStmt></Document>\n",
    );
    text.into_bytes()
}

/// A camt.053 whose statement nests 100,000 elements deep.
fn deep_nesting() -> Vec<u8> {
    let depth = 100_000;
    let mut text = String::from(
        "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt>",
    );
    text.push_str(&"<Ntry>".repeat(depth));
    text.push_str(&"</Ntry>".repeat(depth));
    text.push_str("</Stmt></BkToCstmrStmt></Document>\n");
    text.into_bytes()
}

/// An MT940 statement whose one `:86:` field is 12 MiB long.
fn huge_field() -> Vec<u8> {
    let mut text = String::from(
        ":20:HUGE\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n:60F:C240101EUR100,00\r\n\
         :61:2401020102D10,00NTRFNONREF\r\n:86:",
    );
    text.push_str(&"A".repeat(12 << 20));
    text.push_str("\r\n:62F:C240102EUR90,00\r\n-\r\n");
    text.into_bytes()
}

/// Announces and sends a body of `length` bytes, tolerating the server
/// closing the connection once it has refused it; the answer's status.
fn post_oversized(address: &str, path: &str, token: &str, length: usize) -> u16 {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("send the head");
    let chunk = vec![b'A'; 1 << 16];
    let mut sent = 0;
    while sent < length && stream.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0)
}

/// Posts each hostile file while a second thread checks the server's health:
/// every answer is a 4xx within 20 s (the fast ones far sooner), health
/// answers within a second throughout, and no row is stored — except what
/// a readable statement with one oversized field holds, its field cut to the
/// reader's limit and named in the answer's warnings or errors.
fn hostile_statement_uploads_answer_errors_in_bounded_time(backend: Backend) {
    world(&backend);
    let token = backend.token("police-analyst");
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (stop, address) = (std::sync::Arc::clone(&stop), address.clone());
        std::thread::spawn(move || {
            let mut slowest = Duration::ZERO;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let started = Instant::now();
                let answer = http_get(&address, "/api/v1/health", None);
                assert!(answer.contains("ok"), "{answer}");
                slowest = slowest.max(started.elapsed());
                std::thread::sleep(Duration::from_millis(50));
            }
            slowest
        })
    };
    for (name, format, body) in [("bomb.xml", "camt053", entity_bomb()), ("deep.xml", "camt053", deep_nesting())] {
        let started = Instant::now();
        let (status, answer) = post_raw(
            &address,
            &format!("{ROUTE}?format={format}&name={name}"),
            &token,
            "application/octet-stream",
            &body,
        );
        let took = started.elapsed();
        assert!((400..500).contains(&status), "{name}: {status} {answer}");
        assert!(took < Duration::from_secs(20), "{name} took {took:?}");
        if status == 422 {
            let answer: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
            assert_eq!(answer["errors"][0]["file"], name, "{answer}");
            assert_eq!(answer["imported"], 0, "{answer}");
        }
    }
    // Over the API's 16 MiB: refused from its length, before it is read.
    let started = Instant::now();
    let status = post_oversized(&address, &format!("{ROUTE}?format=mt940"), &token, 17 << 20);
    assert_eq!(status, 413);
    assert!(started.elapsed() < Duration::from_secs(20), "the oversized body took {:?}", started.elapsed());
    let store = backend.store();
    let analyst = store.authenticate(&token).expect("auth").expect("analyst");
    assert_eq!(store.ledger_len(&analyst).expect("len"), 0, "a hostile upload stored rows");

    let started = Instant::now();
    let (status, answer) = post_raw(&address, &format!("{ROUTE}?name=huge.sta"), &token, "text/plain", &huge_field());
    assert!(started.elapsed() < Duration::from_secs(20), "the huge field took {:?}", started.elapsed());
    assert!(status == 201 || status == 422, "{status} {answer}");
    let answer: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
    let named = answer["errors"].as_array().into_iter().chain(answer["warnings"].as_array()).flatten().any(|problem| {
        problem["file"] == "huge.sta"
            && problem["line"] == 6
            && problem["reason"].as_str().is_some_and(|reason| reason.contains("cut to"))
    });
    assert!(named, "the oversized field is not named: {answer}");
    let longest = store
        .ledger_page(&analyst, 0, 100)
        .expect("page")
        .iter()
        .map(|(_, row)| row.extra.as_ref().map_or(0, String::len))
        .max()
        .unwrap_or(0);
    assert!(longest < 1 << 20, "a row keeps {longest} bytes of the oversized field");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let slowest = watcher.join().expect("health watcher");
    assert!(slowest < Duration::from_secs(1), "health took {slowest:?} while hostile statements were read");
}

mod on_sqlite {
    #[test]
    fn hostile_statement_uploads_answer_errors_in_bounded_time() {
        super::hostile_statement_uploads_answer_errors_in_bounded_time(crate::support::Backend::sqlite());
    }
}

mod on_postgres {
    #[test]
    fn hostile_statement_uploads_answer_errors_in_bounded_time() {
        if let Some(backend) = crate::support::Backend::postgres() {
            super::hostile_statement_uploads_answer_errors_in_bounded_time(backend);
        }
    }
}
