//! `orgs.json`: the demo's organisations (a police unit, an FIU, two banks,
//! an NGO, a partner agency abroad), their sharing communities and one user
//! per demo role. The lead's store loads it and prints the tokens; no
//! secrets are generated here.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::{GenerateError, create};

/// Writes `orgs.json`; it does not depend on the seed.
pub(crate) fn write_orgs(dir: &Path) -> Result<(), GenerateError> {
    let document = json!({
        "organisations": [
            {"id": "police-cyber", "name": "Cyber Crime Police Unit", "kind": "police", "country": "TH"},
            {"id": "fiu", "name": "Financial Intelligence Unit", "kind": "fiu", "country": "TH"},
            {"id": "bank-siam", "name": "Siam Commerce Bank", "kind": "bank", "country": "TH"},
            {"id": "bank-pacific", "name": "Pacific Union Bank", "kind": "bank", "country": "PH"},
            {"id": "ngo-hotline", "name": "Victim Support Hotline", "kind": "ngo", "country": "TH"},
            {"id": "partner-abroad", "name": "Partner Agency (abroad)", "kind": "partner_agency", "country": "DE"}
        ],
        "communities": [
            {"id": "law-enforcement", "name": "Law enforcement and FIU", "members": ["police-cyber", "fiu", "partner-abroad"]},
            {"id": "fraud-sharing", "name": "Bank fraud sharing", "members": ["bank-siam", "bank-pacific", "fiu", "police-cyber"]},
            {"id": "victim-support", "name": "Victim support", "members": ["ngo-hotline", "police-cyber"]}
        ],
        "users": [
            {"name": "admin", "org": "police-cyber", "role": "admin"},
            {"name": "analyst", "org": "police-cyber", "role": "analyst"},
            {"name": "fiu-analyst", "org": "fiu", "role": "analyst"},
            {"name": "bank-analyst", "org": "bank-siam", "role": "analyst"},
            {"name": "bank2-analyst", "org": "bank-pacific", "role": "analyst"},
            {"name": "reporter", "org": "ngo-hotline", "role": "reporter"},
            {"name": "partner", "org": "partner-abroad", "role": "partner"}
        ],
        "reporters": {
            "Victim Support Hotline (NGO)": "ngo-hotline",
            "Siam Commerce Bank fraud team": "bank-siam",
            "Pacific Union Bank fraud desk": "bank-pacific",
            "Cyber Crime Police Unit": "police-cyber",
            "self": "ngo-hotline"
        }
    });
    let mut out = create(dir, "orgs.json")?;
    let io = |source| GenerateError::io("orgs.json", source);
    let text = serde_json::to_string_pretty(&document).map_err(|error| io(std::io::Error::other(error)))?;
    out.write_all(text.as_bytes()).map_err(io)?;
    out.write_all(b"\n").map_err(io)?;
    out.flush().map_err(io)
}
