//! Institution health and timings, read from `GET /connectors`.

use serde::Deserialize;

use super::advice::ConnectorStatus;
use super::body::{decode, Body};
use super::tolerant::{Items, Maybe, Object, Text, Whole};

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

/// The method of the connections this module starts and watches.
const WEB: &str = "web";

/// Finds `institution_id` in a connectors list body (or a body that is one connector).
pub fn parse_connector(body: &impl Body, institution_id: &str) -> Option<Connector> {
    let Object(list) = decode::<Object<ConnectorList>>(body).ok()?;
    let entry = match list.data.0 {
        // One institution has a connector per method (web, open-banking, …): a web connection's
        // is the `web` one; another method's only when the institution has no web connector.
        Some(entries) => {
            let mut theirs: Vec<WireConnector> = entries
                .into_iter()
                .flatten()
                .filter(|c| c.id.0.as_deref() == Some(institution_id))
                .collect();
            let web = theirs
                .iter()
                .position(|c| c.method.0.as_deref() == Some(WEB))
                .unwrap_or(0);
            (web < theirs.len()).then(|| theirs.swap_remove(web))?
        }
        // A single connector object is accepted too.
        None => Some(decode::<Object<WireConnector>>(body).ok()?.0)
            .filter(|c| c.id.0.as_deref() == Some(institution_id))?,
    };
    let status = ConnectorStatus::from_wire(entry.status.0.as_deref().unwrap_or(""));
    let avg = entry
        .stats
        .0
        .and_then(|s| s.average_duration_ms.0)
        .unwrap_or_default();
    let step_ms = [
        ("verify-credentials", avg.verify_credentials),
        ("retrieve-accounts", avg.retrieve_accounts),
        ("retrieve-transactions", avg.retrieve_transactions),
        ("retrieve-statements", avg.retrieve_statements),
    ]
    .into_iter()
    .filter_map(|(title, ms)| ms.0.map(|v| (title.to_owned(), v)))
    .collect();
    Some(Connector {
        status,
        step_ms,
        total_ms: avg.total.0,
    })
}

/// `GET /connectors`: a list of connectors.
#[derive(Deserialize)]
struct ConnectorList {
    #[serde(default)]
    data: Items<WireConnector>,
}

/// One connector, as far as this module reads it.
#[derive(Deserialize)]
struct WireConnector {
    #[serde(default)]
    id: Text,
    #[serde(default)]
    method: Text,
    #[serde(default)]
    status: Text,
    #[serde(default)]
    stats: Maybe<Stats>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    #[serde(default)]
    average_duration_ms: Maybe<Durations>,
}

/// Average durations, in ms, per step and in all.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Durations {
    #[serde(default)]
    verify_credentials: Whole,
    #[serde(default)]
    retrieve_accounts: Whole,
    #[serde(default)]
    retrieve_transactions: Whole,
    #[serde(default)]
    retrieve_statements: Whole,
    #[serde(default)]
    total: Whole,
}

// serde_json reads the bodies: native only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    use crate::core::test_json as json;

    fn parse_connector(body: &str, institution_id: &str) -> Option<Connector> {
        super::parse_connector(&json::Text(body), institution_id)
    }

    const BODY: &str = r#"{"type":"list","data":[
      {"type":"connector","id":"AU00001","status":"major-outage"},
      {"type":"connector","id":"AU00000","method":"web","status":"operational",
       "institution":{"name":"Hooli"},
       "stats":{"averageDurationMs":{"verifyCredentials":2400,"retrieveAccounts":1600.5,"retrieveTransactions":4000,"total":8000}}}]}"#;

    #[test]
    fn the_web_connector_of_an_institution_is_the_one_read() {
        let body = r#"{"type":"list","totalCount":3,"data":[
          {"type":"connector","id":"AU00003","method":"open-banking","status":"major-outage",
           "authorization":{"type":"other","meta":{}},"institution":{"logo":{"type":"image","links":{"square":"s","full":"f"}}},
           "stats":{"averageDurationMs":null}},
          {"type":"connector","id":"AU00003","method":"web","status":"operational",
           "stats":{"averageDurationMs":{"retrieveMeta":100,"verifyCredentials":3000,"total":9000}}},
          {"type":"connector","id":"AU00004","method":"open-banking","status":"degraded-performance"}]}"#;
        let c = parse_connector(body, "AU00003").unwrap();
        assert_eq!(
            c.status,
            ConnectorStatus::Operational,
            "not the open-banking one"
        );
        assert_eq!(
            (c.average_ms("verify-credentials"), c.total_ms),
            (Some(3000), Some(9000))
        );
        // An institution without a web connector: its only one.
        let other = parse_connector(body, "AU00004").unwrap();
        assert_eq!(other.status, ConnectorStatus::DegradedPerformance);
        assert_eq!(
            other.total_ms, None,
            "averageDurationMs may be null or absent"
        );
    }

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
        // One connector instead of a list; odd types read as nothing rather than refused.
        let one = r#"{"id":"AU00000","status":7,"stats":{"averageDurationMs":{"total":-1,"retrieveAccounts":"9"}}}"#;
        let c = parse_connector(one, "AU00000").unwrap();
        assert_eq!(c.status, ConnectorStatus::Unknown);
        assert_eq!((c.step_ms.len(), c.total_ms), (0, None));
        let odd = r#"{"data":[7,{"id":"AU00000","status":"major-outage","stats":[]}]}"#;
        let c = parse_connector(odd, "AU00000").unwrap();
        assert_eq!(c.status, ConnectorStatus::MajorOutage);
        assert_eq!(
            parse_connector(r#"{"data":[{"id":"AU00000"}],"id":"AU00000"}"#, "AU1"),
            None
        );
    }

    #[test]
    fn the_filter_cannot_be_broken_out_of() {
        assert_eq!(
            connectors_path("AU0')&x=1"),
            "/connectors?filter=connector.id.eq('AU0x1')"
        );
    }
}
