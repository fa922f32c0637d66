//! Files written before provider ids had a type still open, and write back byte for byte:
//! a saved report, and a ledger with Candor's own request beside a provider's. The
//! fixtures were written by the code as it was before the change.

use candor::core::ledger::{LedgerEntry, PurposeKind};
use candor::core::report::{to_json, Report};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/saved/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

#[test]
fn an_old_report_opens_and_writes_back_unchanged() {
    let json = fixture("report-v1.json");
    let report = Report::from_json(&json).expect("the old report opens");
    assert_eq!(report.ledger.len(), 1);
    let entry = &report.ledger[0];
    assert_eq!(entry.purpose.provider_id.as_str(), "p1");
    assert!(!entry.purpose.provider_id.is_candor());
    assert_eq!(report.providers[0].id, "p1");
    assert_eq!(to_json(&report), json);
}

#[test]
fn an_old_ledger_keeps_candors_own_requests_apart() {
    let json = fixture("ledger.json");
    let entries: Vec<LedgerEntry> = serde_json::from_str(&json).expect("the old ledger opens");
    let own: Vec<bool> = entries.iter().map(|e| e.purpose.provider_id.is_candor()).collect();
    assert_eq!(own, [true, false]);
    assert_eq!(entries[0].purpose.kind, PurposeKind::Asset);
    assert_eq!(serde_json::to_string_pretty(&entries).unwrap(), json);
}
