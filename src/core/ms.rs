//! Milliseconds, timestamps and counts on their way out: JS numbers, exact up to 2^53.

use serde::Serializer;

/// The largest whole number a JS number holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// Writes `n` as a whole number, or as the nearest float past 2^53 (where JS numbers stop being
/// exact, and a whole-number writer for JS would refuse it).
pub fn serialize<S: Serializer>(n: &u64, s: S) -> Result<S::Ok, S::Error> {
    if *n <= MAX_SAFE {
        s.serialize_u64(*n)
    } else {
        s.serialize_f64(*n as f64)
    }
}

/// [`serialize`] for a field that may be absent (and is skipped when it is).
pub fn serialize_opt<S: Serializer>(n: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => serialize(n, s),
        None => s.serialize_none(),
    }
}
