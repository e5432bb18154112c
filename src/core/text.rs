//! Building and searching text without `core::fmt`, whose machinery costs kilobytes of wasm.

use crate::prelude::*;

/// Joins string pieces into one `String`, like `format!` with only `{}` of strings.
macro_rules! cat {
    ($($piece:expr),+ $(,)?) => {
        [$(::core::convert::AsRef::<str>::as_ref(&$piece)),+].concat()
    };
}
pub(crate) use cat;

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
    fn finds_and_splits_on_substrings() {
        assert_eq!(find("https://x", "://"), Some(5));
        assert_eq!(find("ab", "abc"), None);
        assert_eq!(find("aab", "ab"), Some(1));
        assert_eq!(find("é/connections/c", "/connections/"), Some(2));
        assert_eq!(split_once("a::b::c", "::"), Some(("a", "b::c")));
        assert_eq!(split_once("abc", "::"), None);
    }
}
