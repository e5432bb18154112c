//! Timestamps on the wire (RFC 3339 job times, HTTP dates) as Unix milliseconds.

/// Parses `2024-09-25T04:22:25Z` (fraction and `±hh:mm` offset allowed) to Unix ms.
pub fn rfc3339_ms(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> { number(s.get(from..from + len)?) };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(13) != Some(&b':') {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, min, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        // The first three digits are the milliseconds; the rest is finer than we keep.
        let frac = b.get(start..i)?;
        for k in 0..3 {
            millis = millis * 10 + frac.get(k).map_or(0, |d| i64::from(d - b'0'));
        }
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
            let m = num(i + 1, 2)? * 60 + num(i + 4, 2)?;
            if *sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return None,
    };
    to_ms(year, month, day, hour, min, sec, millis, offset_min)
}

fn number(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an IMF-fixdate HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix ms.
pub fn http_date_ms(s: &str) -> Option<u64> {
    let mut parts = s.split(' ').filter(|p| !p.is_empty());
    let _weekday = parts.next()?;
    let day = number(parts.next()?)?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = number(parts.next()?)?;
    let mut hms = parts.next()?.split(':');
    let hour = number(hms.next()?)?;
    let min = number(hms.next()?)?;
    let sec = number(hms.next()?)?;
    if parts.next()? != "GMT" || parts.next().is_some() || hms.next().is_some() {
        return None;
    }
    to_ms(year, month, day, hour, min, sec, 0, 0)
}

#[allow(clippy::too_many_arguments)]
fn to_ms(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    millis: i64,
    offset_min: i64,
) -> Option<u64> {
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&min)
        && (0..=60).contains(&sec);
    if !valid {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset_min * 60;
    u64::try_from(secs * 1000 + millis).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
    fn http_dates() {
        assert_eq!(
            http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(http_date_ms("120"), None);
    }
}
