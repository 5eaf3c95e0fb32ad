//! State shared by several server processes on one database (rate-limit
//! buckets, WebAuthn ceremonies), on both backends. Each test opens the
//! database twice, as two processes would, and checks that what one
//! handle does the other sees.

use chrono::{Duration, TimeZone, Utc};
use crackdown_store::{BucketRule, CeremonyCaps, CeremonyStart, Store};

/// Two handles on one fresh database, and what keeps it alive.
struct Twin {
    first: Store,
    second: Store,
    _dir: tempfile::TempDir,
}

fn sqlite() -> Twin {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = Store::open_sqlite(dir.path()).expect("open sqlite");
    let second = Store::open_sqlite(dir.path()).expect("open sqlite again");
    Twin { first, second, _dir: dir }
}

fn postgres() -> Option<Twin> {
    let url = crackdown_store::testing::fresh_postgres_url()?;
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("crackdown.key");
    let first = Store::open_postgres(&url, &key).expect("open postgres");
    let second = Store::open_postgres(&url, &key).expect("open postgres again");
    Some(Twin { first, second, _dir: dir })
}

macro_rules! both_backends {
    ($($name:ident => $body:ident;)*) => {
        mod on_sqlite { $( #[test] fn $name() { super::$body(&super::sqlite()) } )* }
        mod on_postgres { $( #[test] fn $name() { if let Some(twin) = super::postgres() { super::$body(&twin) } } )* }
    };
}

both_backends! {
    a_bucket_is_shared_and_refills => a_bucket_is_shared_and_refills;
    concurrent_takers_never_exceed_the_burst => concurrent_takers_never_exceed_the_burst;
    clients_are_named_by_a_keyed_hash => clients_are_named_by_a_keyed_hash;
    full_buckets_are_forgotten => full_buckets_are_forgotten;
    a_ceremony_finishes_once_anywhere => a_ceremony_finishes_once_anywhere;
    ceremonies_are_capped_per_client_and_in_all => ceremonies_are_capped_per_client_and_in_all;
}

const SECOND: i64 = 1_000_000;
/// The public form's default allowance: 5 at once, one more every 12 s.
const FORM: BucketRule = BucketRule { burst: 5, interval_us: 12 * SECOND };
const START: i64 = 1_790_000_000 * SECOND;

fn a_bucket_is_shared_and_refills(twin: &Twin) {
    let client = "192.0.2.7";
    for turn in 0..5 {
        let store = if turn % 2 == 0 { &twin.first } else { &twin.second };
        let grant = store.take_rate_tokens("submit", client, FORM, 1, START).expect("take");
        assert_eq!(grant.granted, 1, "turn {turn} within the burst");
    }
    let refused = twin.second.take_rate_tokens("submit", client, FORM, 1, START).expect("take");
    assert_eq!(refused.granted, 0, "the burst is spent on both handles");
    assert_eq!(refused.retry_after_us, 12 * SECOND, "one token is back after one interval");
    let later = twin.first.take_rate_tokens("submit", client, FORM, 1, START + 3 * SECOND).expect("take");
    assert_eq!((later.granted, later.retry_after_us), (0, 9 * SECOND), "waiting shortens the wait");
    let other = twin.first.take_rate_tokens("submit", "192.0.2.8", FORM, 1, START).expect("take");
    assert_eq!(other.granted, 1, "another client has its own bucket");
    let lookup = twin.first.take_rate_tokens("lookup", client, FORM, 1, START).expect("take");
    assert_eq!(lookup.granted, 1, "another allowance is another bucket");
    let back = twin.second.take_rate_tokens("submit", client, FORM, 1, START + 12 * SECOND).expect("take");
    assert_eq!(back.granted, 1, "one token back after one interval");
    // Asking for several takes what there is: after a minute the bucket is
    // full (5), so 8 wanted give 5, and the next ask gets nothing.
    let lease = twin.first.take_rate_tokens("submit", client, FORM, 8, START + 80 * SECOND).expect("take");
    assert_eq!(lease.granted, 5);
    let after = twin.second.take_rate_tokens("submit", client, FORM, 8, START + 80 * SECOND).expect("take");
    assert_eq!(after.granted, 0);
    let fresh = twin.second.take_rate_tokens("submit", "198.51.100.1", FORM, 8, START).expect("take");
    assert_eq!(fresh.granted, 5, "a new client's bucket starts full");
}

fn concurrent_takers_never_exceed_the_burst(twin: &Twin) {
    let rule = BucketRule { burst: 40, interval_us: 3600 * SECOND };
    let granted = std::sync::atomic::AtomicU32::new(0);
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let store = if thread % 2 == 0 { &twin.first } else { &twin.second };
            let granted = &granted;
            scope.spawn(move || {
                for _ in 0..10 {
                    let grant = store.take_rate_tokens("lookup", "203.0.113.5", rule, 1, START).expect("take");
                    granted.fetch_add(grant.granted, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(granted.into_inner(), 40, "80 asks, exactly the burst granted");
}

fn clients_are_named_by_a_keyed_hash(twin: &Twin) {
    let name = twin.first.client_pseudonym("192.0.2.7").expect("pseudonym");
    assert_eq!(twin.second.client_pseudonym("192.0.2.7").expect("pseudonym"), name, "every process agrees");
    assert_ne!(twin.first.client_pseudonym("192.0.2.8").expect("pseudonym"), name);
    // The whole address, not "192": random hex holds that run about once in 140 names.
    assert!(!name.contains("192.0.2.7"), "{name}");
    assert_eq!(name.len(), 32);
    // Keyed: another installation names the same address differently.
    let other = tempfile::tempdir().expect("temp dir");
    let elsewhere = Store::open_sqlite(other.path()).expect("open");
    assert_ne!(elsewhere.client_pseudonym("192.0.2.7").expect("pseudonym"), name);
}

fn full_buckets_are_forgotten(twin: &Twin) {
    for client in ["192.0.2.1", "192.0.2.2"] {
        twin.first.take_rate_tokens("submit", client, FORM, 1, START).expect("take");
    }
    twin.first.take_rate_tokens("submit", "192.0.2.3", FORM, 1, START + 30 * SECOND).expect("take");
    assert_eq!(twin.second.forget_full_rate_buckets(START + 11 * SECOND).expect("clean"), 0, "still owing");
    assert_eq!(twin.second.forget_full_rate_buckets(START + 12 * SECOND).expect("clean"), 2);
    assert_eq!(twin.second.forget_full_rate_buckets(START + 42 * SECOND).expect("clean"), 1);
}

const CAPS: CeremonyCaps = CeremonyCaps { per_client: 3, total: 5, lifetime: Duration::minutes(5) };

fn a_ceremony_finishes_once_anywhere(twin: &Twin) {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("date");
    let started = twin.first.start_ceremony("c1", "192.0.2.7", r#"{"challenge":1}"#, CAPS, now).expect("start");
    assert_eq!(started, CeremonyStart::Started);
    assert_eq!(
        twin.second.finish_ceremony("c1", now + Duration::seconds(30)).expect("finish"),
        Some(r#"{"challenge":1}"#.to_owned()),
        "begun on one handle, finished on the other"
    );
    assert_eq!(twin.first.finish_ceremony("c1", now).expect("again"), None, "used once");
    assert_eq!(twin.first.finish_ceremony("unknown", now).expect("unknown"), None);
    twin.first.start_ceremony("c2", "192.0.2.7", "{}", CAPS, now).expect("start");
    assert_eq!(twin.second.finish_ceremony("c2", now + Duration::minutes(5)).expect("late"), None, "expired");
    assert_eq!(twin.second.finish_ceremony("c2", now).expect("gone"), None, "an expired finish still consumes it");
}

fn ceremonies_are_capped_per_client_and_in_all(twin: &Twin) {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().expect("date");
    for (index, store) in [&twin.first, &twin.second, &twin.first].into_iter().enumerate() {
        let started = store.start_ceremony(&format!("a{index}"), "192.0.2.7", "{}", CAPS, now).expect("start");
        assert_eq!(started, CeremonyStart::Started);
    }
    let busy = twin.second.start_ceremony("a3", "192.0.2.7", "{}", CAPS, now).expect("start");
    assert_eq!(busy, CeremonyStart::ClientBusy, "the client's cap holds across handles");
    for index in 0..2 {
        let started = twin.second.start_ceremony(&format!("b{index}"), "192.0.2.8", "{}", CAPS, now).expect("start");
        assert_eq!(started, CeremonyStart::Started);
    }
    let full = twin.first.start_ceremony("c0", "192.0.2.9", "{}", CAPS, now).expect("start");
    assert_eq!(full, CeremonyStart::Full, "the installation's cap");
    assert!(twin.first.finish_ceremony("a0", now).expect("finish").is_some());
    let freed = twin.second.start_ceremony("a3", "192.0.2.7", "{}", CAPS, now).expect("start");
    assert_eq!(freed, CeremonyStart::Started, "a finished ceremony frees its place");
    let expired = twin.first.start_ceremony("c1", "192.0.2.9", "{}", CAPS, now + Duration::minutes(6)).expect("start");
    assert_eq!(expired, CeremonyStart::Started, "expired ceremonies leave");
}
