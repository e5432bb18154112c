//! Timestamps on the wire (RFC 3339 job times, HTTP dates) as Unix milliseconds.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Reads an RFC 3339 time (`2024-09-25T04:22:25Z`, fraction and `±hh:mm` offset allowed) as Unix
/// ms; `None` for anything else, impossible dates included, and for times before 1970.
pub fn rfc3339_ms(s: &str) -> Option<u64> {
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Reads an HTTP date (IMF-fixdate, or the obsolete RFC 850 and asctime forms HTTP still allows)
/// as Unix ms; `None` when it is not one, a weekday that does not match the date included.
pub fn http_date_ms(s: &str) -> Option<u64> {
    let t: SystemTime = httpdate::parse_http_date(s).ok()?;
    let since = t.duration_since(UNIX_EPOCH).ok()?;
    u64::try_from(since.as_millis()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_variants() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(rfc3339_ms("2024-09-25T04:22:25Z"), Some(1_727_238_145_000));
        assert_eq!(
            rfc3339_ms("2024-09-25T04:22:25.5Z"),
            Some(1_727_238_145_500)
        );
        assert_eq!(
            rfc3339_ms("2024-09-25T14:22:25+10:00"),
            Some(1_727_238_145_000)
        );
        assert_eq!(rfc3339_ms("2024-09-25T04:22:25"), None);
        assert_eq!(rfc3339_ms("2024-13-25T04:22:25Z"), None);
        assert_eq!(rfc3339_ms("yesterday"), None);
        assert_eq!(rfc3339_ms(""), None);
    }

    #[test]
    fn impossible_rfc3339_times_are_refused() {
        assert_eq!(rfc3339_ms("2024-02-31T00:00:00Z"), None);
        assert_eq!(rfc3339_ms("2023-02-29T00:00:00Z"), None);
        assert_eq!(rfc3339_ms("2024-09-25T04:22:25+99:99"), None);
        assert_eq!(rfc3339_ms("2024-09-25T24:00:00Z"), None);
        assert_eq!(rfc3339_ms("1969-12-31T23:59:59Z"), None);
        assert_eq!(rfc3339_ms("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(
            http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(
            http_date_ms("Sun Nov  6 08:49:37 1994"),
            Some(784_111_777_000)
        );
        assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(http_date_ms("120"), None);
    }

    #[test]
    fn http_dates_with_a_wrong_weekday_or_day_are_refused() {
        assert_eq!(http_date_ms("Mon, 06 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(http_date_ms("Sun, 31 Feb 1994 08:49:37 GMT"), None);
    }
}
