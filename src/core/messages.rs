//! The message catalogue: every end-user sentence, by key, with locale fallback and overrides.

/// The bundled locale; every other locale falls back to it.
pub const DEFAULT_LOCALE: &str = "en-AU";

/// Plain-English (en-AU) texts, one `key<TAB>text` per line. `{name}` placeholders are filled in
/// by [`Catalogue::text`]. One string rather than a table of pairs: the table's pointers and
/// lengths cost more in the `.wasm` than the separators do.
const EN_AU: &str = "\
invalid-credentials.title\tCheck your sign-in details\n\
invalid-credentials.message\tYour bank didn't accept the details you entered. Please check them and enter them again.\n\
invalid-credentials.refresh.title\tCheck your sign-in details\n\
invalid-credentials.refresh.message\tYour bank didn't accept the saved sign-in details. If you've changed your internet banking password, please enter your new details.\n\
invalid-credentials.locked.title\tYour bank account is locked\n\
invalid-credentials.locked.message\tYour bank says this account is locked. Please contact your bank to unlock it, then enter your details again.\n\
invalid-credentials.mfa-unsupported.title\tThis sign-in method isn't supported\n\
invalid-credentials.mfa-unsupported.message\tYour bank asked for a kind of extra verification that we can't complete. Please choose another bank or financial institution to connect.\n\
invalid-credentials.mfa.title\tThat code wasn't accepted\n\
invalid-credentials.mfa.message\tYour bank didn't accept the code or answers you gave. Please start again and enter them carefully.\n\
account-not-accessible-requires-user-action.title\tYour bank needs you to do something\n\
account-not-accessible-requires-user-action.message\tYour bank is showing a message that needs your attention, such as new terms and conditions. Please sign in to your internet banking, open your accounts and transactions, respond to any messages, then come back and try again.\n\
service-unavailable.automatic.title\tWe're still trying to reach your bank\n\
service-unavailable.automatic.message\tYour bank isn't responding right now. We'll keep trying automatically every 2 hours for up to 7 days, and let you know when your data is ready. There's nothing you need to do.\n\
service-unavailable.outage.title\tYour bank is having an outage\n\
service-unavailable.outage.message\tYour bank is having a widespread outage at the moment. We'll let you know when it's over, then you can try again.\n\
service-unavailable.try-later.title\tYour bank isn't available right now\n\
service-unavailable.try-later.message\tWe couldn't get your data from your bank just now. Please try again in {minutes} minutes.\n\
service-unavailable.support.title\tWe still can't reach your bank\n\
service-unavailable.support.message\tWe've tried a few times and still can't get your data from your bank. Please contact support and quote reference {reference}.\n\
service-unavailable.support.no-reference.message\tWe've tried a few times and still can't get your data from your bank. Please contact support.\n\
maintenance.title\tYour bank is under maintenance\n\
maintenance.message\tYour bank's internet banking is down for maintenance. Please try again in about an hour.\n\
system-unavailable.title\tSomething went wrong on our side\n\
system-unavailable.message\tWe couldn't finish connecting to your bank. Please try again in {minutes} minutes.\n\
institution-gone.title\tThis bank can't be connected\n\
institution-gone.message\tWe can't connect to this bank at the moment. Please choose another bank or financial institution.\n\
authorization-failed.title\tAccess wasn't approved\n\
authorization-failed.message\tYour bank didn't give us access to your data. Please start again and approve the request when your bank asks.\n\
invalid-details.title\tSome details are missing\n\
invalid-details.message\tSome of the details needed to sign in to your bank were missing or not accepted. Please check them and enter them again.\n\
invalid-connection.title\tThis bank connection no longer works\n\
invalid-connection.message\tThis connection to your bank can't be used any more. Please connect your bank again.\n\
job-timed-out.title\tThat took too long\n\
job-timed-out.message\tYour bank took too long to respond. Please start again.\n\
job-timed-out.mfa.title\tThe verification expired\n\
job-timed-out.mfa.message\tThe code or question from your bank expired before it was answered. Please start again and answer it promptly.\n\
too-many-requests.title\tToo many attempts\n\
too-many-requests.message\tThere have been too many attempts in a short time. Please wait a minute and try again.\n\
statement.title\tWe couldn't read that file\n\
statement.message\tThe bank statement couldn't be read. Please check it's the right file and upload it again.\n\
statement.fields.title\tSome details in the file are missing\n\
statement.fields.message\tSome of the information in your file is missing or isn't in the expected format. Please correct the file, or download a fresh copy from your bank, and upload it again.\n\
statement.empty.title\tThat file is empty\n\
statement.empty.message\tThe file you uploaded has nothing in it. Please check you chose the right file and upload it again.\n\
statement.too-many-rows.title\tThat file is too big\n\
statement.too-many-rows.message\tYour file has more rows than we can accept. Please upload a file covering a shorter period.\n\
statement.account-differs.title\tThat file is for a different account\n\
statement.account-differs.message\tThe account details in your file don't match the account it was uploaded for. Please upload a statement for the same account.\n\
statement.dates.title\tThe dates in that file don't add up\n\
statement.dates.message\tYour file has transactions dated after the date the statement says it was last updated. Please upload the statement exactly as your bank provided it.\n\
too-many-sandbox-connections.title\tThe connection limit has been reached\n\
too-many-sandbox-connections.message\tThis test account already has as many bank connections as it's allowed. Please contact support and quote reference {reference}.\n\
too-many-sandbox-connections.no-reference.message\tThis test account already has as many bank connections as it's allowed. Please contact support.\n\
payment.details.title\tCheck the payment details\n\
payment.details.message\tSome of the details of this payment were missing or not accepted. Please check them and send the payment again.\n\
payment.payee.title\tCheck who you're paying\n\
payment.payee.message\tThe details of the account you're paying were missing or not accepted. Please check them, then send the payment again.\n\
payment.payer.title\tCheck the account you're paying from\n\
payment.payer.message\tThe details of the account you're paying from were missing or not accepted. Please check them and send the payment again.\n\
payment.bank-action.title\tYour bank needs you to do something\n\
payment.bank-action.message\tYour bank is showing a message that needs your attention before this payment can go ahead. Please open your internet banking, respond to any messages, then try the payment again.\n\
payment.processing.title\tWe couldn't confirm your payment\n\
payment.processing.message\tYour payment couldn't be confirmed. So that you aren't charged twice, please don't send it again yet: contact support and quote reference {reference}.\n\
payment.processing.no-reference.message\tYour payment couldn't be confirmed. So that you aren't charged twice, please don't send it again yet: contact support.\n\
payment.try-later.title\tYour payment couldn't be made right now\n\
payment.try-later.message\tWe couldn't process your payment just now. Please try again in {minutes} minutes.\n\
payment.too-many-requests.title\tToo many attempts\n\
payment.too-many-requests.message\tThere have been too many attempts in a short time. Please wait a minute and try the payment again.\n\
payment.support.title\tWe still can't make your payment\n\
payment.support.message\tWe've tried a few times and still can't process your payment. Please contact support and quote reference {reference}.\n\
payment.support.no-reference.message\tWe've tried a few times and still can't process your payment. Please contact support.\n\
payment.institution.title\tThis bank can't be used for payments\n\
payment.institution.message\tWe can't make payments with this bank at the moment. Please choose another bank account to pay from.\n\
unknown.title\tWe couldn't connect to your bank\n\
unknown.message\tSomething went wrong while connecting to your bank. Please try again in {minutes} minutes.\n\
unknown.support.title\tWe still can't connect to your bank\n\
unknown.support.message\tSomething keeps going wrong while connecting to your bank. Please contact support and quote reference {reference}.\n\
unknown.support.no-reference.message\tSomething keeps going wrong while connecting to your bank. Please contact support.\n\
error.network.title\tConnection problem\n\
error.network.message\tWe couldn't reach the server. Please check your internet connection and try again.\n\
error.http.title\tSomething went wrong\n\
error.http.message\tThe server ran into a problem while checking on your bank connection. Please try again in a few minutes.\n\
error.unauthorized.title\tYour session has expired\n\
error.unauthorized.message\tFor your security, your session has ended. Please start again.\n\
error.not-found.title\tWe lost track of this request\n\
error.not-found.message\tWe couldn't find this bank connection request any more. Please start again.\n\
error.invalid-response.title\tSomething went wrong\n\
error.invalid-response.message\tWe received an unexpected answer while checking on your bank connection. Please try again in a few minutes.\n\
error.untrusted-url.title\tSomething went wrong\n\
error.untrusted-url.message\tWe stopped checking on your bank connection for your security. Please contact support and quote reference {reference}.\n\
error.untrusted-url.no-reference.message\tWe stopped checking on your bank connection for your security. Please contact support.\n\
error.internal.title\tSomething went wrong\n\
error.internal.message\tSomething went wrong on our side while checking on your bank connection. Please reload the page and try again.\n\
error.expired.title\tWe couldn't reach your bank in time\n\
error.expired.message\tWe tried for 7 days but couldn't get your data from your bank. Please connect your bank again.\n\
error.mfa.title\tYour answer couldn't be sent\n\
error.mfa.message\tWe couldn't send your answer to your bank. Please try again.\n\
step.verify-credentials\tSigning in to your bank\n\
step.mfa-challenge\tConfirming it's you\n\
step.retrieve-accounts\tGetting your accounts\n\
step.retrieve-transactions\tGetting your transactions\n\
step.retrieve-statements\tGetting your statements\n\
step.create-report\tPreparing your report\n\
step.other\tWorking with your bank\n";

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
            .lookup(key)
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
        let variant = format!("{base}.no-reference.message");
        let key = if no_reference && self.lookup(&variant).is_some() {
            variant
        } else {
            format!("{base}.message")
        };
        self.text(&key, vars)
    }

    /// The end-user label of a step title.
    pub fn step_label(&self, title: &str) -> String {
        let key = format!("step.{title}");
        let known = self.lookup(&key).is_some();
        self.text(if known { &key } else { "step.other" }, &[])
    }

    /// The override or bundled text for `key`, as written.
    fn lookup(&self, key: &str) -> Option<&str> {
        self.overrides
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| bundled(key))
    }
}

fn bundled(key: &str) -> Option<&'static str> {
    entries().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The bundled (key, text) pairs, in order.
fn entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    EN_AU.lines().filter_map(|line| line.split_once('\t'))
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
        assert_eq!(entries().count(), 105);
        for (k, v) in entries() {
            assert!(!v.trim().is_empty(), "{k}");
            assert!(!v.contains('<') && !v.contains('`'), "{k}");
        }
    }
}
