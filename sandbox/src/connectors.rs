//! The institutions the sandbox knows (Basiq "connectors"), their health and typical timings.

use serde::Serialize;

/// Every connector status Basiq documents.
pub const STATUSES: [&str; 5] = [
    "operational",
    "degraded-performance",
    "partial-outage",
    "major-outage",
    "under-maintenance",
];

/// The status under which an institution's jobs fail with `service-unavailable`.
pub const MAJOR_OUTAGE: &str = "major-outage";

/// Average step durations of an institution, in sandbox milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// `verify-credentials` (about 30 % of a job).
    pub verify_credentials: u64,
    /// `retrieve-accounts` (about 20 %).
    pub retrieve_accounts: u64,
    /// `retrieve-transactions` (about 50 %).
    pub retrieve_transactions: u64,
}

impl Timings {
    /// Splits a whole job's average duration 30/20/50 across the three steps.
    pub const fn from_total(total: u64) -> Self {
        Timings {
            verify_credentials: total * 3 / 10,
            retrieve_accounts: total * 2 / 10,
            retrieve_transactions: total * 5 / 10,
        }
    }

    /// The average of a whole job.
    pub const fn total(&self) -> u64 {
        self.verify_credentials + self.retrieve_accounts + self.retrieve_transactions
    }
}

/// One institution and its current health.
#[derive(Debug, Clone)]
pub struct Connector {
    /// Institution id, e.g. `AU00000`.
    pub id: &'static str,
    /// Full name.
    pub name: &'static str,
    /// Short name.
    pub short_name: &'static str,
    /// `user` or `user-mfa`.
    pub authorization: &'static str,
    /// Current status, one of [`STATUSES`].
    pub status: String,
    /// Average step durations.
    pub timings: Timings,
    /// Brand colour of the generated logo.
    colour: &'static str,
}

impl Connector {
    /// True while the institution is in major outage.
    pub fn in_outage(&self) -> bool {
        self.status == MAJOR_OUTAGE
    }

    /// The connector resource as `GET /connectors` lists it.
    pub fn render(&self, public_url: &str) -> ConnectorBody {
        ConnectorBody {
            kind: "connector",
            id: self.id,
            method: "web",
            status: self.status.clone(),
            authorization: self.authorization,
            institution: InstitutionBody {
                name: self.name,
                short_name: self.short_name,
                logo: format!("{public_url}/sandbox/logos/{}.svg", self.id),
            },
            stats: StatsBody {
                average_duration_ms: DurationsBody {
                    verify_credentials: self.timings.verify_credentials,
                    retrieve_accounts: self.timings.retrieve_accounts,
                    retrieve_transactions: self.timings.retrieve_transactions,
                    total: self.timings.total(),
                },
            },
            links: SelfLink {
                self_: format!("{public_url}/connectors/{}", self.id),
            },
        }
    }

    /// A small square SVG logo: the short name's initials on the brand colour.
    pub fn logo_svg(&self) -> String {
        let initials: String = self
            .short_name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect();
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\">\
<rect width=\"64\" height=\"64\" rx=\"12\" fill=\"{}\"/>\
<text x=\"32\" y=\"41\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"24\" font-weight=\"700\" \
fill=\"#fff\" text-anchor=\"middle\">{}</text></svg>",
            self.colour, initials
        )
    }
}

/// The sandbox's institutions in their starting state.
pub fn catalogue() -> Vec<Connector> {
    vec![
        Connector {
            id: "AU00000",
            name: "Hooli",
            short_name: "Hooli",
            authorization: "user",
            status: "operational".into(),
            timings: Timings::from_total(8_000),
            colour: "#1a73e8",
        },
        Connector {
            id: "AU00001",
            name: "Pied Piper Bank",
            short_name: "Pied Piper",
            authorization: "user",
            status: MAJOR_OUTAGE.into(),
            timings: Timings::from_total(12_000),
            colour: "#2e7d32",
        },
        Connector {
            id: "AU00002",
            name: "Raviga Credit Union",
            short_name: "Raviga",
            authorization: "user",
            status: "under-maintenance".into(),
            timings: Timings::from_total(20_000),
            colour: "#6a1b9a",
        },
    ]
}

/// `GET /connectors` entry.
#[derive(Debug, Serialize)]
pub struct ConnectorBody {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'static str,
    method: &'static str,
    status: String,
    authorization: &'static str,
    institution: InstitutionBody,
    stats: StatsBody,
    links: SelfLink,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct InstitutionBody {
    name: &'static str,
    short_name: &'static str,
    logo: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsBody {
    average_duration_ms: DurationsBody,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DurationsBody {
    verify_credentials: u64,
    retrieve_accounts: u64,
    retrieve_transactions: u64,
    total: u64,
}

/// `{"self": url}`.
#[derive(Debug, Serialize)]
pub struct SelfLink {
    /// The resource's absolute URL.
    #[serde(rename = "self")]
    pub self_: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_jobs_average_3_to_30_seconds() {
        for c in catalogue() {
            let t = c.timings.total();
            assert!((3_000..=30_000).contains(&t), "{}: {t}", c.id);
            // ±30 % per step keeps the whole job in range too.
            assert!(t * 7 / 10 >= 3_000 && t * 13 / 10 <= 30_000, "{}", c.id);
        }
    }

    #[test]
    fn renders_the_documented_shape() {
        let c = &catalogue()[0];
        let v = serde_json::to_value(c.render("http://h")).unwrap();
        assert_eq!(v["type"], "connector");
        assert_eq!(v["id"], "AU00000");
        assert_eq!(v["institution"]["shortName"], "Hooli");
        assert_eq!(
            v["institution"]["logo"],
            "http://h/sandbox/logos/AU00000.svg"
        );
        assert_eq!(v["stats"]["averageDurationMs"]["total"], 8_000);
        assert_eq!(v["stats"]["averageDurationMs"]["verifyCredentials"], 2_400);
        assert_eq!(v["links"]["self"], "http://h/connectors/AU00000");
        assert!(c.logo_svg().contains(">H</text>"));
        assert!(catalogue()[1].logo_svg().contains(">PP</text>"));
    }
}
