//! Institution health and timings, read from `GET /connectors`.

use super::json::{whole_number, Object, Value};

use super::advice::ConnectorStatus;
use super::job::{parse_json, str_of};

/// One institution's status and average step durations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connector {
    pub status: ConnectorStatus,
    /// Average duration per step title (`verify-credentials` …), in ms.
    pub step_ms: Vec<(String, u64)>,
    pub total_ms: Option<u64>,
}

impl Connector {
    /// The average duration of a step, if the stats name it.
    pub fn average_ms(&self, title: &str) -> Option<u64> {
        self.step_ms
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, ms)| *ms)
    }
}

/// The path that asks for one institution's connector.
pub fn connectors_path(institution_id: &str) -> String {
    let safe: String = institution_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("/connectors?filter=connector.id.eq('{safe}')")
}

/// Finds `institution_id` in a connectors list body.
pub fn parse_connector(body: &str, institution_id: &str) -> Option<Connector> {
    let Ok(Value::Object(root)) = parse_json(body) else {
        return None;
    };
    let entry = match root.get("data") {
        Some(Value::Array(list)) => list.iter().find_map(|v| match v {
            Value::Object(o) if str_of(o, "id") == Some(institution_id) => Some(o),
            _ => None,
        }),
        // A single connector object is accepted too.
        _ if str_of(&root, "id") == Some(institution_id) => Some(&root),
        _ => None,
    }?;
    let status = ConnectorStatus::from_wire(str_of(entry, "status").unwrap_or(""));
    let (step_ms, total_ms) = read_stats(entry);
    Some(Connector {
        status,
        step_ms,
        total_ms,
    })
}

fn read_stats(entry: &Object) -> (Vec<(String, u64)>, Option<u64>) {
    let Some(Value::Object(stats)) = entry.get("stats") else {
        return (Vec::new(), None);
    };
    let Some(Value::Object(avg)) = stats.get("averageDurationMs") else {
        return (Vec::new(), None);
    };
    let ms = |k: &str| match avg.get(k) {
        Some(Value::Number(n)) => whole_number(n),
        _ => None,
    };
    let steps = [
        ("verifyCredentials", "verify-credentials"),
        ("retrieveAccounts", "retrieve-accounts"),
        ("retrieveTransactions", "retrieve-transactions"),
        ("retrieveStatements", "retrieve-statements"),
    ]
    .iter()
    .filter_map(|(wire, title)| ms(wire).map(|v| ((*title).to_owned(), v)))
    .collect();
    (steps, ms("total"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"type":"list","data":[
      {"type":"connector","id":"AU00001","status":"major-outage"},
      {"type":"connector","id":"AU00000","method":"web","status":"operational",
       "institution":{"name":"Hooli"},
       "stats":{"averageDurationMs":{"verifyCredentials":2400,"retrieveAccounts":1600.5,"retrieveTransactions":4000,"total":8000}}}]}"#;

    #[test]
    fn reads_status_and_stats() {
        let c = parse_connector(BODY, "AU00000").unwrap();
        assert_eq!(c.status, ConnectorStatus::Operational);
        assert_eq!(c.average_ms("verify-credentials"), Some(2400));
        assert_eq!(c.average_ms("retrieve-accounts"), Some(1600));
        assert_eq!(c.total_ms, Some(8000));
        assert_eq!(
            parse_connector(BODY, "AU00001").unwrap().status,
            ConnectorStatus::MajorOutage
        );
        assert_eq!(parse_connector(BODY, "AU99999"), None);
        assert_eq!(parse_connector("<html>", "AU00000"), None);
    }

    #[test]
    fn the_filter_cannot_be_broken_out_of() {
        assert_eq!(
            connectors_path("AU0')&x=1"),
            "/connectors?filter=connector.id.eq('AU0x1')"
        );
    }
}
