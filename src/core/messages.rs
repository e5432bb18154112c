//! The message catalogue: every end-user sentence, by key, with locale fallback and overrides.

use crate::prelude::*;

/// The bundled locale; every other locale falls back to it.
pub const DEFAULT_LOCALE: &str = "en-AU";

/// Plain-English (en-AU) texts. `{name}` placeholders are filled in by [`Catalogue::text`].
const EN_AU: &[(&str, &str)] = &[
    // Failure advice, by code and situation.
    ("invalid-credentials.title", "Check your sign-in details"),
    ("invalid-credentials.message", "Your bank didn't accept the details you entered. Please check them and enter them again."),
    ("invalid-credentials.refresh.title", "Check your sign-in details"),
    ("invalid-credentials.refresh.message", "Your bank didn't accept the saved sign-in details. If you've changed your internet banking password, please enter your new details."),
    ("invalid-credentials.locked.title", "Your bank account is locked"),
    ("invalid-credentials.locked.message", "Your bank says this account is locked. Please contact your bank to unlock it, then enter your details again."),
    ("invalid-credentials.mfa-unsupported.title", "This sign-in method isn't supported"),
    ("invalid-credentials.mfa-unsupported.message", "Your bank asked for a kind of extra verification we can't complete. Please check your sign-in details, or use a login without that verification."),
    ("invalid-credentials.mfa.title", "That code wasn't accepted"),
    ("invalid-credentials.mfa.message", "Your bank didn't accept the code or answers you gave. Please start again and enter them carefully."),
    ("account-not-accessible-requires-user-action.title", "Your bank needs you to do something"),
    ("account-not-accessible-requires-user-action.message", "Your bank is showing a message that needs your attention, such as new terms and conditions. Please sign in to your internet banking, open your accounts and transactions, respond to any messages, then come back and try again."),
    ("service-unavailable.automatic.title", "We're still trying to reach your bank"),
    ("service-unavailable.automatic.message", "Your bank isn't responding right now. We'll keep trying automatically every 2 hours for up to 7 days, and let you know when your data is ready. There's nothing you need to do."),
    ("service-unavailable.outage.title", "Your bank is having an outage"),
    ("service-unavailable.outage.message", "Your bank is having a widespread outage at the moment. We'll let you know when it's over, then you can try again."),
    ("service-unavailable.try-later.title", "Your bank isn't available right now"),
    ("service-unavailable.try-later.message", "We couldn't get your data from your bank just now. Please try again in {minutes} minutes."),
    ("service-unavailable.support.title", "We still can't reach your bank"),
    ("service-unavailable.support.message", "We've tried a few times and still can't get your data from your bank. Please contact support and quote reference {reference}."),
    ("service-unavailable.support.no-reference.message", "We've tried a few times and still can't get your data from your bank. Please contact support."),
    ("maintenance.title", "Your bank is under maintenance"),
    ("maintenance.message", "Your bank's internet banking is down for maintenance. Please try again in about an hour."),
    ("system-unavailable.title", "Something went wrong on our side"),
    ("system-unavailable.message", "We couldn't finish connecting to your bank. Please try again in {minutes} minutes."),
    ("institution-gone.title", "This bank can't be connected"),
    ("institution-gone.message", "We can't connect to this bank at the moment. Please choose another bank or financial institution."),
    ("authorization-failed.title", "Access wasn't approved"),
    ("authorization-failed.message", "Your bank didn't give us access to your data. Please start again and approve the request when your bank asks."),
    ("invalid-details.title", "Some details are missing"),
    ("invalid-details.message", "Some of the details needed to sign in to your bank were missing or not accepted. Please check them and enter them again."),
    ("invalid-connection.title", "This bank connection no longer works"),
    ("invalid-connection.message", "This connection to your bank can't be used any more. Please connect your bank again."),
    ("job-timed-out.title", "That took too long"),
    ("job-timed-out.message", "Your bank took too long to respond. Please start again."),
    ("job-timed-out.mfa.title", "The verification expired"),
    ("job-timed-out.mfa.message", "The code or question from your bank expired before it was answered. Please start again and answer it promptly."),
    ("too-many-requests.title", "Too many attempts"),
    ("too-many-requests.message", "There have been too many attempts in a short time. Please wait a minute and try again."),
    ("statement.title", "We couldn't read that file"),
    ("statement.message", "The bank statement couldn't be read. Please check it's the right file and upload it again."),
    ("unknown.title", "We couldn't connect to your bank"),
    ("unknown.message", "Something went wrong while connecting to your bank. Please try again in {minutes} minutes."),
    ("unknown.support.title", "We still can't connect to your bank"),
    ("unknown.support.message", "Something keeps going wrong while connecting to your bank. Please contact support and quote reference {reference}."),
    ("unknown.support.no-reference.message", "Something keeps going wrong while connecting to your bank. Please contact support."),
    // Errors of the watch itself (not of a job step).
    ("error.network.title", "Connection problem"),
    ("error.network.message", "We couldn't reach the server. Please check your internet connection and try again."),
    ("error.http.title", "Something went wrong"),
    ("error.http.message", "The server ran into a problem while checking on your bank connection. Please try again in a few minutes."),
    ("error.unauthorized.title", "Your session has expired"),
    ("error.unauthorized.message", "For your security, your session has ended. Please start again."),
    ("error.not-found.title", "We lost track of this request"),
    ("error.not-found.message", "We couldn't find this bank connection request any more. Please start again."),
    ("error.invalid-response.title", "Something went wrong"),
    ("error.invalid-response.message", "We received an unexpected answer while checking on your bank connection. Please try again in a few minutes."),
    ("error.untrusted-url.title", "Something went wrong"),
    ("error.untrusted-url.message", "We stopped checking on your bank connection for your security. Please contact support and quote reference {reference}."),
    ("error.untrusted-url.no-reference.message", "We stopped checking on your bank connection for your security. Please contact support."),
    ("error.expired.title", "We couldn't reach your bank in time"),
    ("error.expired.message", "We tried for 7 days but couldn't get your data from your bank. Please connect your bank again."),
    ("error.mfa.title", "Your answer couldn't be sent"),
    ("error.mfa.message", "We couldn't send your answer to your bank. Please try again."),
    // Step names, for progress displays.
    ("step.verify-credentials", "Signing in to your bank"),
    ("step.mfa-challenge", "Confirming it's you"),
    ("step.retrieve-accounts", "Getting your accounts"),
    ("step.retrieve-transactions", "Getting your transactions"),
    ("step.retrieve-statements", "Getting your statements"),
    ("step.create-report", "Preparing your report"),
    ("step.other", "Working with your bank"),
];

/// The bundled catalogue for a locale, with caller overrides on top.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    locale: String,
    overrides: Vec<(String, String)>,
}

impl Catalogue {
    /// A catalogue for `locale` (falling back to en-AU) with per-key overrides.
    pub fn new(locale: Option<&str>, overrides: Vec<(String, String)>) -> Self {
        Self {
            locale: resolve_locale(locale).to_owned(),
            overrides,
        }
    }

    /// The locale whose texts are used.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// The text for `key`, placeholders filled from `vars`; an unknown key gives the generic text.
    pub fn text(&self, key: &str, vars: &[(&str, &str)]) -> String {
        let raw = self
            .overrides
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| bundled(key))
            .or_else(|| {
                bundled(if key.ends_with(".title") {
                    "unknown.title"
                } else {
                    "unknown.message"
                })
            })
            .unwrap_or_default();
        fill(raw, vars)
    }

    /// The message of `base`; without a reference to quote, its `.no-reference` variant if any.
    pub fn message(&self, base: &str, vars: &[(&str, &str)]) -> String {
        let no_reference = vars.iter().any(|(k, v)| *k == "reference" && v.is_empty());
        let variant = cat!(base, ".no-reference.message");
        let has_variant =
            self.overrides.iter().any(|(k, _)| *k == variant) || bundled(&variant).is_some();
        if no_reference && has_variant {
            self.text(&variant, vars)
        } else {
            self.text(&cat!(base, ".message"), vars)
        }
    }

    /// The end-user label of a step title.
    pub fn step_label(&self, title: &str) -> String {
        let key = cat!("step.", title);
        if self.overrides.iter().any(|(k, _)| *k == key) || bundled(&key).is_some() {
            self.text(&key, &[])
        } else {
            self.text("step.other", &[])
        }
    }
}

fn bundled(key: &str) -> Option<&'static str> {
    EN_AU.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Picks the bundled locale for a requested one; only en-AU is bundled, so all roads lead there.
fn resolve_locale(_requested: Option<&str>) -> &'static str {
    DEFAULT_LOCALE
}

fn fill(raw: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    let mut rest = raw;
    while let Some(open) = rest.find('{') {
        let (before, after) = (rest.get(..open), rest.get(open..));
        out.push_str(before.unwrap_or_default());
        let after = after.unwrap_or_default();
        let name_end = after.find('}');
        let value = name_end
            .and_then(|end| after.get(1..end))
            .and_then(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v));
        match (value, name_end) {
            (Some(v), Some(end)) => {
                out.push_str(v);
                rest = after.get(end + 1..).unwrap_or_default();
            }
            _ => {
                out.push('{');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_and_leaves_unknown_ones() {
        assert_eq!(
            fill("in {minutes} min {x}", &[("minutes", "10")]),
            "in 10 min {x}"
        );
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("a}{b", &[("b", "B")]), "a}{b");
        assert_eq!(fill("{b}{b}", &[("b", "B")]), "BB");
    }

    #[test]
    fn overrides_win_and_unknown_keys_fall_back() {
        let c = Catalogue::new(
            Some("fr-FR"),
            vec![("maintenance.title".into(), "Maintenance!".into())],
        );
        assert_eq!(c.locale(), "en-AU");
        assert_eq!(c.text("maintenance.title", &[]), "Maintenance!");
        assert_eq!(
            c.text("no-such.title", &[]),
            bundled("unknown.title").unwrap()
        );
        assert_eq!(c.step_label("retrieve-accounts"), "Getting your accounts");
        assert_eq!(c.step_label("mystery-step"), "Working with your bank");
    }

    #[test]
    fn every_text_is_plain_and_nonempty() {
        for (k, v) in EN_AU {
            assert!(!v.trim().is_empty(), "{k}");
            assert!(!v.contains('<') && !v.contains('`'), "{k}");
        }
    }
}
