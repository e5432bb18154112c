//! Building and searching text without `core::fmt`, whose machinery costs kilobytes of wasm.

use crate::prelude::*;

/// Joins string pieces into one `String`, like `format!` with only `{}` of strings.
///
/// Not `[..].concat()`: its length checks carry panic messages that format numbers.
macro_rules! cat {
    ($($piece:expr),+ $(,)?) => {
        $crate::core::text::concat(&[$(::core::convert::AsRef::<str>::as_ref(&$piece)),+])
    };
}
pub(crate) use cat;

/// The pieces joined, in one allocation.
pub fn concat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for p in pieces {
        out.push_str(p);
    }
    out
}

/// `n` in decimal.
pub fn num(n: u64) -> String {
    let mut s = String::new();
    push_num(&mut s, n);
    s
}

/// Appends `n` in decimal.
pub fn push_num(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n;
    for slot in digits.iter_mut() {
        *slot = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from(*d));
    }
}

/// A non-empty run of ASCII digits as a number; `None` for anything else or on overflow.
///
/// One reader for every integer on the wire, rather than a `str::parse` per integer type.
pub fn digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// Appends `byte` as two uppercase hex digits (for `%XX` and `\u00XX` escapes).
pub fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for nibble in [byte >> 4, byte & 15] {
        out.push(char::from(
            HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
        ));
    }
}

/// Where `needle` first occurs in `hay` (a plain byte search: our needles are a few bytes).
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// `hay` split around the first `needle`.
pub fn split_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(hay, needle)?;
    Some((hay.get(..at)?, hay.get(at + needle.len()..)?))
}

// Byte-level stand-ins for `str`'s char-pattern methods (`split(':')`, `trim()`,
// `rsplit_once('/')`…). Those go through core's searchers, whose slicing panics format their
// indices and so link the number formatter; every separator here is ASCII, so bytes will do.

/// The pieces of `s` between `sep` bytes, as `s.split(sep)` gives them.
pub fn split(s: &str, sep: u8) -> Split<'_> {
    Split { rest: Some(s), sep }
}

/// The iterator of [`split`].
pub struct Split<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| b == self.sep) {
            Some(at) => {
                self.rest = rest.get(at + 1..);
                rest.get(..at)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// `s` up to the first of `stops` (all of `s` if none occurs).
pub fn before_any<'a>(s: &'a str, stops: &[u8]) -> &'a str {
    // Not `stops.contains(&b)`, which links a `memchr` for a list of two or three bytes.
    #[allow(clippy::manual_contains)]
    let end = s
        .bytes()
        .position(|b| stops.iter().any(|s| *s == b))
        .unwrap_or(s.len());
    s.get(..end).unwrap_or(s)
}

/// `s` split around the last `sep` byte.
pub fn rsplit_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let at = s.bytes().rposition(|b| b == sep)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// `s` without trailing `byte`s.
pub fn trim_end(s: &str, byte: u8) -> &str {
    let end = s.bytes().rposition(|b| b != byte).map_or(0, |i| i + 1);
    s.get(..end).unwrap_or(s)
}

/// `s` without leading and trailing ASCII whitespace (all the whitespace HTTP and JSON allow).
pub fn trim(s: &str) -> &str {
    let start = s.bytes().position(|b| !b.is_ascii_whitespace());
    let end = s.bytes().rposition(|b| !b.is_ascii_whitespace());
    match (start, end) {
        (Some(a), Some(b)) => s.get(a..b + 1).unwrap_or(s),
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_formatter_writes_them() {
        for n in [0, 7, 10, 99, 100, 1_700_000_000_000, u64::MAX] {
            assert_eq!(num(n), n.to_string());
        }
    }

    #[test]
    fn digits_read_plain_decimal_only() {
        assert_eq!(digits("0"), Some(0));
        assert_eq!(digits("0042"), Some(42));
        assert_eq!(digits("18446744073709551615"), Some(u64::MAX));
        assert_eq!(digits("18446744073709551616"), None);
        for bad in ["", "+1", "-1", " 1", "1 ", "1.0", "1e3", "١"] {
            assert_eq!(digits(bad), None, "{bad}");
        }
    }

    #[test]
    fn hex_digits_are_two_uppercase() {
        let mut s = String::new();
        for b in [0x00, 0x1f, 0xab, 0xff] {
            push_hex(&mut s, b);
        }
        assert_eq!(s, "001FABFF");
    }

    #[test]
    fn cat_joins_strs_strings_and_numbers() {
        let owned = String::from("b");
        assert_eq!(cat!("a", owned, num(3), &owned), "ab3b");
    }

    #[test]
    fn byte_splits_and_trims_act_as_the_str_methods() {
        for s in ["", "a", "a:b", ":a::b:", "é:ü", "::"] {
            assert_eq!(
                split(s, b':').collect::<Vec<_>>(),
                s.split(':').collect::<Vec<_>>()
            );
            assert_eq!(rsplit_once(s, b':'), s.rsplit_once(':'));
            assert_eq!(
                before_any(s, b"?#:"),
                s.split(['?', '#', ':']).next().unwrap()
            );
        }
        for s in ["", "/", "a//", "/a/b", "é/"] {
            assert_eq!(trim_end(s, b'/'), s.trim_end_matches('/'));
        }
        for s in ["", "  ", " a b \r\n", "\ta", "é "] {
            assert_eq!(trim(s), s.trim());
        }
    }

    #[test]
    fn finds_and_splits_on_substrings() {
        assert_eq!(find("https://x", "://"), Some(5));
        assert_eq!(find("ab", "abc"), None);
        assert_eq!(find("aab", "ab"), Some(1));
        assert_eq!(find("é/connections/c", "/connections/"), Some(2));
        assert_eq!(split_once("a::b::c", "::"), Some(("a", "b::c")));
        assert_eq!(split_once("abc", "::"), None);
    }
}
