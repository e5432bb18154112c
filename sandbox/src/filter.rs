//! Basiq filter expressions: `field.eq('value')`, the only form the sandbox needs.

/// Parses `filter` as `<field>.eq('<value>')` (single or double quotes) and returns the value.
pub fn eq_value<'a>(filter: &'a str, field: &str) -> Option<&'a str> {
    let rest = filter.trim().strip_prefix(field)?.strip_prefix(".eq(")?;
    let inner = rest.strip_suffix(')')?.trim();
    let value = inner
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .or_else(|| inner.strip_prefix('"').and_then(|v| v.strip_suffix('"')))?;
    Some(value)
}

/// Parses a comma-separated conjunction of `<field>.eq('<value>')` terms, each field one of
/// `fields`; returns the (field, value) pairs, or `None` when any term is of another form.
pub fn eq_terms<'a>(
    filter: &'a str,
    fields: &[&'static str],
) -> Option<Vec<(&'static str, &'a str)>> {
    filter
        .split(',')
        .map(|term| {
            fields
                .iter()
                .find_map(|f| eq_value(term, f).map(|v| (*f, v)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_eq_filters() {
        assert_eq!(
            eq_value("connection.id.eq('abc')", "connection.id"),
            Some("abc")
        );
        assert_eq!(
            eq_value(" connection.id.eq(\"abc\") ", "connection.id"),
            Some("abc")
        );
        assert_eq!(
            eq_value("connector.id.eq('AU00000')", "connector.id"),
            Some("AU00000")
        );
        assert_eq!(eq_value("connector.id.eq('')", "connector.id"), Some(""));
    }

    #[test]
    fn parses_conjunctions() {
        let fields = ["connector.id", "connector.method"];
        assert_eq!(
            eq_terms(
                "connector.id.eq('AU00003'),connector.method.eq('web')",
                &fields
            ),
            Some(vec![
                ("connector.id", "AU00003"),
                ("connector.method", "web")
            ])
        );
        assert_eq!(
            eq_terms("connector.id.eq('AU00003')", &fields),
            Some(vec![("connector.id", "AU00003")])
        );
        assert_eq!(
            eq_terms("connector.id.eq('a'),job.id.eq('b')", &fields),
            None
        );
        assert_eq!(eq_terms("", &fields), None);
    }

    #[test]
    fn rejects_other_forms() {
        assert_eq!(eq_value("connection.id.eq(abc)", "connection.id"), None);
        assert_eq!(eq_value("connection.id.eq('abc'", "connection.id"), None);
        assert_eq!(eq_value("job.id.eq('abc')", "connection.id"), None);
        assert_eq!(eq_value("connection.id.in('a','b')", "connection.id"), None);
        assert_eq!(eq_value("connection.id.eq('a\")", "connection.id"), None);
    }
}
