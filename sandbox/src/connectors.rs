//! The institutions the sandbox knows, their connectors (one per method), health and timings.

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

/// Hooli, Basiq's test bank; its documented test users fail or succeed without MFA.
pub const HOOLI: &str = "AU00000";
/// Pied Piper Bank: every job meets an `mfa-challenge`.
pub const PIED_PIPER: &str = "AU00002";
/// Nucleus Bank: a job meets an `mfa-challenge` half of the time (from the seed).
pub const NUCLEUS: &str = "AU00003";
/// Sandbox-only: starts in `major-outage`. `ZZ` is a user-assigned ISO 3166 code, never a
/// country's, so no Basiq institution id can start with it.
pub const AVIATO: &str = "ZZ00001";
/// Sandbox-only: starts `under-maintenance` (and still works).
pub const RAVIGA: &str = "ZZ00002";

/// Average step durations of one connector, in sandbox milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// `verify-credentials` (about 30 % of a job).
    pub verify_credentials: u64,
    /// `retrieve-accounts` without the metadata (about 15 %).
    pub retrieve_accounts: u64,
    /// Account metadata (about 5 %); the sandbox's `retrieve-accounts` step includes it.
    pub retrieve_meta: u64,
    /// `retrieve-transactions` (about 50 %).
    pub retrieve_transactions: u64,
}

impl Timings {
    /// Splits a whole job's average duration 30/15/5/50 across verify, accounts, meta and
    /// transactions.
    pub const fn from_total(total: u64) -> Self {
        Timings {
            verify_credentials: total * 30 / 100,
            retrieve_accounts: total * 15 / 100,
            retrieve_meta: total * 5 / 100,
            retrieve_transactions: total * 50 / 100,
        }
    }

    /// The average of a whole job.
    pub const fn total(&self) -> u64 {
        self.verify_credentials
            + self.retrieve_accounts
            + self.retrieve_meta
            + self.retrieve_transactions
    }
}

/// How an institution can be reached: `web` (credentials) or `open-banking` (consent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    /// `web`, `open-banking`, `pdf` or `csv`.
    pub name: &'static str,
    /// Average durations; `None` when Basiq has no figures yet (rendered as `null`).
    pub timings: Option<Timings>,
}

/// One institution, its connectors and its current health.
#[derive(Debug, Clone)]
pub struct Institution {
    /// Institution id, e.g. `AU00000`.
    pub id: &'static str,
    /// Full name.
    pub name: &'static str,
    /// Short name.
    pub short_name: &'static str,
    /// `user`, `user-mfa` or `user-mfa-intermittent`.
    pub authorization: &'static str,
    /// Bank, credit union, test bank…
    pub institution_type: &'static str,
    /// Basiq's tier, "1" (largest) to "4".
    pub tier: &'static str,
    /// Current status, one of [`STATUSES`]; shared by all its connectors.
    pub status: String,
    /// Its connectors, one per method; the first has the timings jobs follow.
    pub methods: Vec<Method>,
    /// Brand colour of the generated logo.
    colour: &'static str,
}

impl Institution {
    /// True while the institution is in major outage.
    pub fn in_outage(&self) -> bool {
        self.status == MAJOR_OUTAGE
    }

    /// The timings jobs follow (those of the first connector that has figures).
    pub fn timings(&self) -> Timings {
        self.methods
            .iter()
            .find_map(|m| m.timings)
            .unwrap_or(Timings::from_total(10_000))
    }

    fn logo(&self, public_url: &str) -> LogoBody {
        let url = format!("{public_url}/sandbox/logos/{}.svg", self.id);
        LogoBody {
            kind: "image",
            colors: Colours {
                primary: self.colour,
            },
            links: LogoLinks {
                square: url.clone(),
                full: url,
            },
        }
    }

    /// One connector resource, as `GET /connectors` lists it.
    pub fn render_connector(&self, method: &Method, public_url: &str) -> ConnectorBody {
        ConnectorBody {
            kind: "connector",
            id: self.id,
            method: method.name,
            status: self.status.clone(),
            stage: "live",
            tier: self.tier,
            country: "Australia",
            scopes: SCOPES,
            authorization: AuthorizationBody {
                kind: if method.name == "open-banking" {
                    "other"
                } else {
                    self.authorization
                },
                meta: if method.name == "open-banking" {
                    AuthorizationMeta::Consent {
                        consent_required: true,
                    }
                } else {
                    AuthorizationMeta::Credentials {
                        login_id_caption: "Login ID",
                        password_caption: "Password",
                    }
                },
            },
            institution: ConnectorInstitution {
                name: self.name,
                short_name: self.short_name,
                kind: self.institution_type,
                logo: self.logo(public_url),
            },
            stats: StatsBody {
                average_duration_ms: method.timings.map(|t| DurationsBody {
                    verify_credentials: t.verify_credentials,
                    retrieve_accounts: t.retrieve_accounts,
                    retrieve_meta: t.retrieve_meta,
                    retrieve_transactions: t.retrieve_transactions,
                    total: t.total(),
                }),
            },
            links: SelfLink {
                self_: format!("{public_url}/connectors/{}/{}", self.id, method.name),
            },
        }
    }

    /// The institution resource, as `GET /institutions` lists it.
    pub fn render(&self, public_url: &str) -> InstitutionBody {
        InstitutionBody {
            kind: "institution",
            id: self.id,
            name: self.name,
            short_name: self.short_name,
            institution_type: self.institution_type,
            country: "Australia",
            service_name: "Personal Online Banking",
            service_type: self.institution_type,
            login_id_caption: "Login ID",
            password_caption: "Password",
            tier: self.tier,
            authorization: self.authorization,
            stage: "live",
            status: self.status.clone(),
            logo: self.logo(public_url),
            links: SelfLink {
                self_: format!("{public_url}/institutions/{}", self.id),
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

/// What a connector may retrieve.
const SCOPES: &[&str] = &[
    "ACCOUNT_NUMBER",
    "ACCOUNT_BALANCE",
    "ACCOUNT_HOLDER",
    "TRANSACTION_DETAILS",
];

/// The sandbox's institutions in their starting state.
pub fn catalogue() -> Vec<Institution> {
    let web = |total| {
        vec![Method {
            name: "web",
            timings: Some(Timings::from_total(total)),
        }]
    };
    vec![
        Institution {
            id: HOOLI,
            name: "Hooli",
            short_name: "Hooli",
            authorization: "user",
            institution_type: "Test Bank",
            tier: "4",
            status: "operational".into(),
            methods: web(8_000),
            colour: "#1a73e8",
        },
        Institution {
            id: PIED_PIPER,
            name: "Pied Piper Bank",
            short_name: "Pied Piper",
            authorization: "user-mfa",
            institution_type: "Test Bank",
            tier: "4",
            status: "operational".into(),
            methods: web(12_000),
            colour: "#2e7d32",
        },
        Institution {
            id: NUCLEUS,
            name: "Nucleus Bank",
            short_name: "Nucleus",
            authorization: "user-mfa-intermittent",
            institution_type: "Test Bank",
            tier: "4",
            status: "operational".into(),
            methods: vec![
                Method {
                    name: "web",
                    timings: Some(Timings::from_total(15_000)),
                },
                Method {
                    name: "open-banking",
                    timings: None,
                },
            ],
            colour: "#c62828",
        },
        Institution {
            id: AVIATO,
            name: "Aviato Bank",
            short_name: "Aviato",
            authorization: "user",
            institution_type: "Sandbox Bank",
            tier: "4",
            status: MAJOR_OUTAGE.into(),
            methods: web(12_000),
            colour: "#ef6c00",
        },
        Institution {
            id: RAVIGA,
            name: "Raviga Credit Union",
            short_name: "Raviga",
            authorization: "user",
            institution_type: "Sandbox Credit Union",
            tier: "4",
            status: "under-maintenance".into(),
            methods: web(20_000),
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
    stage: &'static str,
    tier: &'static str,
    country: &'static str,
    scopes: &'static [&'static str],
    authorization: AuthorizationBody,
    institution: ConnectorInstitution,
    stats: StatsBody,
    links: SelfLink,
}

#[derive(Debug, Serialize)]
struct AuthorizationBody {
    #[serde(rename = "type")]
    kind: &'static str,
    meta: AuthorizationMeta,
}

#[derive(Debug, Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
enum AuthorizationMeta {
    Credentials {
        login_id_caption: &'static str,
        password_caption: &'static str,
    },
    Consent {
        consent_required: bool,
    },
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectorInstitution {
    name: &'static str,
    short_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    logo: LogoBody,
}

#[derive(Debug, Serialize)]
struct LogoBody {
    #[serde(rename = "type")]
    kind: &'static str,
    colors: Colours,
    links: LogoLinks,
}

#[derive(Debug, Serialize)]
struct Colours {
    primary: &'static str,
}

#[derive(Debug, Serialize)]
struct LogoLinks {
    square: String,
    full: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsBody {
    average_duration_ms: Option<DurationsBody>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DurationsBody {
    verify_credentials: u64,
    retrieve_accounts: u64,
    retrieve_meta: u64,
    retrieve_transactions: u64,
    total: u64,
}

/// `GET /institutions` entry.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstitutionBody {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'static str,
    name: &'static str,
    short_name: &'static str,
    institution_type: &'static str,
    country: &'static str,
    service_name: &'static str,
    service_type: &'static str,
    login_id_caption: &'static str,
    password_caption: &'static str,
    tier: &'static str,
    authorization: &'static str,
    stage: &'static str,
    status: String,
    logo: LogoBody,
    links: SelfLink,
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
            let t = c.timings().total();
            assert!((3_000..=30_000).contains(&t), "{}: {t}", c.id);
            // ±30 % per step keeps the whole job in range too.
            assert!(t * 7 / 10 >= 3_000 && t * 13 / 10 <= 30_000, "{}", c.id);
        }
    }

    #[test]
    fn sandbox_only_ids_cannot_be_basiq_ids() {
        for c in catalogue() {
            let basiq = c.id.starts_with("AU");
            let sandbox_only = c.id.starts_with("ZZ");
            assert!(basiq != sandbox_only, "{}", c.id);
            assert_eq!(sandbox_only, [AVIATO, RAVIGA].contains(&c.id), "{}", c.id);
        }
    }

    #[test]
    fn renders_the_documented_shape() {
        let c = &catalogue()[0];
        let v = serde_json::to_value(c.render_connector(&c.methods[0], "http://h")).unwrap();
        assert_eq!(v["type"], "connector");
        assert_eq!(v["id"], "AU00000");
        assert_eq!(v["method"], "web");
        assert_eq!(v["authorization"]["type"], "user");
        assert!(v["authorization"]["meta"].is_object());
        assert_eq!(v["institution"]["shortName"], "Hooli");
        assert_eq!(v["institution"]["logo"]["type"], "image");
        assert_eq!(
            v["institution"]["logo"]["links"]["square"],
            "http://h/sandbox/logos/AU00000.svg"
        );
        let avg = &v["stats"]["averageDurationMs"];
        assert_eq!(avg["total"], 8_000);
        assert_eq!(avg["verifyCredentials"], 2_400);
        assert_eq!(avg["retrieveMeta"], 400);
        assert_eq!(v["links"]["self"], "http://h/connectors/AU00000/web");
        assert!(c.logo_svg().contains(">H</text>"));
        assert!(catalogue()[1].logo_svg().contains(">PP</text>"));
        let nucleus = &catalogue()[2];
        let ob = serde_json::to_value(nucleus.render_connector(&nucleus.methods[1], "http://h"))
            .unwrap();
        assert_eq!(ob["method"], "open-banking");
        assert!(ob["stats"]["averageDurationMs"].is_null());
    }
}
