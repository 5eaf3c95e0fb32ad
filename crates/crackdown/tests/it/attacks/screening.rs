//! The attack suite's screening probes (issue 24): a screened person's data
//! reaches only the members of their case team, through every path.

use super::Server;
use crate::support::{Backend, http, http_get, serve};

/// Issue 24: screening data is RED and need-to-know. An analyst of another
/// case team, the organisation's admin (on no team), a partner, a reporter,
/// another organisation and the public get nothing of a screened person
/// through any path — CLI, API, search, partner exports, TAXII, the public
/// lookup — and a person of another team answers like one that does not
/// exist (same status, same message shape).
fn screening_data_reaches_only_its_case_team(backend: Backend) {
    crate::screening::screening_world(&backend);
    let pseudonym = "P-2026-0101";
    let narrative = "ကုမ္ပဏီရုံးအလုပ်ဟု ပြောသည်";
    let outsiders = ["carl", "ngo-admin", "ngo-partner", "ngo-reporter", "police-analyst"];

    // CLI: show, list, export, audit, erase, decide.
    for user in outsiders {
        let missing = crate::screening::refused(
            &backend,
            &["--as", user, "screening", "person", "show", "P-2026-9999", "--reason", "probe"],
        );
        let other = crate::screening::refused(
            &backend,
            &["--as", user, "screening", "person", "show", pseudonym, "--reason", "probe"],
        );
        assert_eq!(other.replace(pseudonym, "P-2026-9999"), missing, "{user} tells another team's person from none");
        for args in [
            vec!["export", pseudonym, "--to", "Shelter Foundation", "--reason", "probe"],
            vec!["audit", "mae-sot", "--reason", "probe"],
            vec!["erase", pseudonym, "--yes"],
            vec![
                "decide",
                pseudonym,
                "--outcome",
                "suspected_perpetrator",
                "--justification",
                "x",
                "--reason",
                "probe",
            ],
            vec!["person", "consent", pseudonym, "case_export@Anyone", "--reason", "probe"],
        ] {
            let error = crate::screening::refused(&backend, &[&["--as", user, "screening"][..], &args].concat());
            assert!(!error.contains(narrative), "{user}: {error}");
        }
        let listed = backend
            .cmd()
            .args(["--as", user, "screening", "person", "list", "--json", "--reason", "probe"])
            .output()
            .expect("run");
        assert!(!String::from_utf8_lossy(&listed.stdout).contains(pseudonym), "{user} lists the person");
    }

    // API and the other read paths, over a running server.
    let (child, address) = serve(&backend);
    let _server = Server(child);
    let token = |user: &str| backend.token(user);
    let anna = token("anna");
    let person = format!("/api/v1/screening/people/{pseudonym}?reason=probe");
    assert_eq!(http(&address, "GET", &person, &anna, "").0, 200, "the team reads its person");
    assert_eq!(
        http(&address, "GET", &format!("/api/v1/screening/people/{pseudonym}"), &anna, "").0,
        400,
        "a read needs a reason"
    );
    assert_eq!(http_get(&address, &person, None).get(9..12), Some("401"), "the public");
    for user in outsiders {
        let secret = token(user);
        let (status, body) = http(&address, "GET", &person, &secret, "");
        let (missing_status, missing) =
            http(&address, "GET", "/api/v1/screening/people/P-2026-9999?reason=probe", &secret, "");
        assert_eq!((status, body.replace(pseudonym, "P-2026-9999")), (missing_status, missing), "{user}");
        assert!(matches!(status, 403 | 404), "{user}: {status}");
        // Paths naming the person answer as for one that does not exist.
        for path in [
            format!("/api/v1/screening/people/{pseudonym}/export?to=Shelter%20Foundation&reason=probe"),
            format!("/api/v1/screening/people/{pseudonym}/assessment?reason=probe"),
            format!("/api/v1/search?q={pseudonym}"),
        ] {
            let (status, body) = http(&address, "GET", &path, &secret, "");
            let missing = http(&address, "GET", &path.replace(pseudonym, "P-2026-9999"), &secret, "");
            assert_eq!((status, body.replace(pseudonym, "P-2026-9999")), missing, "{user} {path}");
            assert!(!body.contains(narrative), "{user} {path}: {body}");
        }
        for path in [
            "/api/v1/screening/teams/mae-sot/audit?reason=probe",
            "/api/v1/screening/people?reason=probe",
            "/api/v1/export/stix",
            "/api/v1/reports",
            "/taxii2/api/collections/",
        ] {
            let (_, body) = http(&address, "GET", path, &secret, "");
            assert!(!body.contains(pseudonym) && !body.contains(narrative), "{user} {path}: {body}");
        }
        // Seized evidence: a good file and a broken one answer as for a person that does not exist.
        for body in ["kind,value\nphone,+66 81 234 5678\n", "kind,value\nfax,1\n"] {
            let path = format!("/api/v1/screening/people/{pseudonym}/evidence?reason=probe&country=TH");
            let (status, answer) = http(&address, "POST", &path, &secret, body);
            let missing = http(&address, "POST", &path.replace(pseudonym, "P-2026-9999"), &secret, body);
            assert_eq!((status, answer.replace(pseudonym, "P-2026-9999")), missing, "{user} evidence {body:?}");
            assert!(matches!(status, 403 | 404), "{user} evidence: {status} {answer}");
            assert!(!answer.contains("fax") && !answer.contains("+66812345678"), "{user} learns of the file: {answer}");
        }
        assert_ne!(
            http(&address, "DELETE", &format!("/api/v1/screening/people/{pseudonym}"), &secret, "").0,
            204,
            "{user} erased"
        );
    }
    // TAXII collections' objects, the public lookup: nothing there either.
    let admin = token("ngo-admin");
    let collections: serde_json::Value =
        serde_json::from_str(&http(&address, "GET", "/taxii2/api/collections/", &admin, "").1).unwrap_or_default();
    for collection in collections["collections"].as_array().cloned().unwrap_or_default() {
        let path = format!("/taxii2/api/collections/{}/objects/", collection["id"].as_str().unwrap_or(""));
        let (_, body) = http(&address, "GET", &path, &admin, "");
        assert!(!body.contains(pseudonym), "{path}: {body}");
    }
    let lookup = http_get(&address, &format!("/api/v1/lookup?q={pseudonym}"), None);
    assert!(!lookup.contains(narrative) && !lookup.contains("mae-sot"), "{lookup}");
    // Still there for its team.
    assert_eq!(http(&address, "GET", &person, &anna, "").0, 200);
}

mod on_sqlite {
    #[test]
    fn screening_data_reaches_only_its_case_team() {
        super::screening_data_reaches_only_its_case_team(crate::support::Backend::sqlite());
    }
}

mod on_postgres {
    #[test]
    fn screening_data_reaches_only_its_case_team() {
        if let Some(backend) = crate::support::Backend::postgres() {
            super::screening_data_reaches_only_its_case_team(backend);
        }
    }
}
