//! Reading the embedded data files: `#` comment lines and blank lines are skipped.

/// The data rows of a plain-text data file (header rows are the caller's business).
pub(crate) fn rows(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}
