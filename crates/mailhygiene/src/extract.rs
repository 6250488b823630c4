//! Extraction: the explicit, reported clean-up that turns a cell of a real list into the text
//! that [`parse`](crate::parse) judges.
//!
//! Every change is reported as a [`Warning`]; nothing is changed silently.
use std::borrow::Cow;

use serde::Serialize;

/// A change that extraction made to the input. The [`code`](Self::code) is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// Leading or trailing Unicode White_Space was removed (spaces, NBSP, ideographic space, CR/LF, tabs).
    TrimmedWhitespace,
    /// A `Display Name <addr>` form: the display name was dropped.
    RemovedDisplayName,
    /// The address was inside `<…>` without a display name.
    RemovedAngleBrackets,
    /// A `mailto:` prefix (any case) was removed (RFC 6068).
    RemovedMailto,
    /// A `?query` after a `mailto:` address was removed (RFC 6068 §2 `hfields`).
    RemovedQuery,
}

impl Warning {
    /// Every warning, in declaration order: what a binding reads codes back with.
    pub const ALL: [Warning; 5] = [
        Warning::TrimmedWhitespace,
        Warning::RemovedDisplayName,
        Warning::RemovedAngleBrackets,
        Warning::RemovedMailto,
        Warning::RemovedQuery,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Warning::TrimmedWhitespace => "trimmed_whitespace",
            Warning::RemovedDisplayName => "removed_display_name",
            Warning::RemovedAngleBrackets => "removed_angle_brackets",
            Warning::RemovedMailto => "removed_mailto",
            Warning::RemovedQuery => "removed_query",
        }
    }
}

/// The text extraction left, and what it changed to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted<'a> {
    /// The address text to parse.
    pub value: Cow<'a, str>,
    /// What was changed, in the order it was done.
    pub warnings: Vec<Warning>,
}

/// Take the address out of a messy cell.
///
/// ```
/// use mailhygiene::{extract, Warning};
/// let e = extract("  \"Doe, John\" <John@Example.com> ");
/// assert_eq!(e.value, "John@Example.com");
/// assert_eq!(e.warnings, [Warning::TrimmedWhitespace, Warning::RemovedDisplayName]);
///
/// let e = extract("MAILTO:jane@example.com?subject=hi");
/// assert_eq!(e.value, "jane@example.com");
/// assert_eq!(e.warnings, [Warning::RemovedMailto, Warning::RemovedQuery]);
/// ```
pub fn extract(input: &str) -> Extracted<'_> {
    let mut warnings = Vec::new();
    let mut s = trim(input, &mut warnings);

    if s.ends_with('>') {
        if let Some(open) = angle_open(s) {
            let name = s[..open].trim();
            warnings.push(if name.is_empty() {
                Warning::RemovedAngleBrackets
            } else {
                Warning::RemovedDisplayName
            });
            s = trim(&s[open + 1..s.len() - 1], &mut warnings);
        }
    }
    if s.len() >= 7 && s.as_bytes()[..7].eq_ignore_ascii_case(b"mailto:") {
        warnings.push(Warning::RemovedMailto);
        s = &s[7..];
        if let Some(q) = s.find('?') {
            warnings.push(Warning::RemovedQuery);
            s = &s[..q];
        }
    }
    Extracted {
        value: Cow::Borrowed(s),
        warnings,
    }
}

fn trim<'a>(s: &'a str, warnings: &mut Vec<Warning>) -> &'a str {
    // Nearly every cell starts and ends with a printable ASCII character: nothing to decode.
    let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    if printable(s.as_bytes().first()) && printable(s.as_bytes().last()) {
        return s;
    }
    let t = s.trim();
    if t.len() != s.len() && !warnings.contains(&Warning::TrimmedWhitespace) {
        warnings.push(Warning::TrimmedWhitespace);
    }
    t
}

/// The `<` that opens the final `<addr>`, skipping a quoted display name that may itself hold
/// `<`, `>` or something that looks like an address. `None` when an `@` stands unquoted
/// before it: that is a list of addresses (`Jane <jane@a.com>, Bob <bob@b.com>`), not a name
/// (RFC 5322 §3.4: a display name is a phrase, where `@` must be quoted), and keeping only
/// the last address would silently drop the others.
fn angle_open(s: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    let mut open = None;
    let mut at = false;
    let mut at_in_name = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '<' if !in_quotes => {
                open = Some(i);
                at_in_name = at;
            }
            '@' if !in_quotes => at = true,
            _ => {}
        }
    }
    open.filter(|_| !at_in_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_display_name_that_looks_like_an_address() {
        let e = extract("\"evil@attacker.com <x>\" <real@example.com>");
        assert_eq!(e.value, "real@example.com");
        assert_eq!(e.warnings, [Warning::RemovedDisplayName]);
    }

    #[test]
    fn a_list_of_addresses_is_not_a_display_name() {
        for list in [
            "Jane <jane@a.com>, Bob <bob@b.com>",
            "jane@a.com, Bob <bob@b.com>",
        ] {
            let e = extract(list);
            assert_eq!(e.value, list);
            assert!(e.warnings.is_empty());
        }
        // Quoted, an `@` belongs to the name.
        let e = extract("\"jane@a.com\" <bob@b.com>");
        assert_eq!(e.value, "bob@b.com");
        let c = crate::check("Jane <jane@a.com>, Bob <bob@b.com>");
        assert!(!c.valid);
    }

    #[test]
    fn unicode_whitespace_is_trimmed() {
        let e = extract("\u{3000}\u{a0}a@b.com\r\n");
        assert_eq!(e.value, "a@b.com");
        assert_eq!(e.warnings, [Warning::TrimmedWhitespace]);
    }

    #[test]
    fn clean_input_is_borrowed_unchanged() {
        let e = extract("a@b.com");
        assert_eq!(e.value, "a@b.com");
        assert!(e.warnings.is_empty());
    }
}
