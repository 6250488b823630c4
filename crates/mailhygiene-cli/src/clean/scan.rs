//! A CSV scanner that keeps the raw bytes: record boundaries and raw field spans, so that
//! original cells can be written back exactly as they were read.
//!
//! The csv crate hands out *unescaped* fields, which loses the original quoting; re-quoting
//! them would change bytes that the user never asked us to touch. This scanner only finds
//! where each record and each field starts and ends (RFC 4180 quoting, with the same
//! leniency as the csv crate: a quote inside an unquoted field is a literal, text after a
//! closing quote belongs to the field), and unescapes a field only when asked.
use std::borrow::Cow;
use std::ops::Range;

use memchr::{memchr, memchr3, memchr_iter};

/// One record: where it is in the input, its first line, and its fields.
#[derive(Debug, Clone, Copy)]
pub struct Record {
    /// Byte offset of the first byte of the record.
    pub start: usize,
    /// Byte offset just past the last field (before the line terminator).
    pub end: usize,
    /// Byte offset just past the line terminator (== `end` for a last line without one).
    pub next: usize,
    /// 1-based physical line of the record's first byte.
    pub line: u64,
    /// Index of the record's first field in [`Table::spans`].
    pub first_field: u32,
    /// Number of fields.
    pub fields: u32,
}

impl Record {
    /// The line terminator as read (`\r\n`, `\n`, `\r`, or empty at end of input).
    pub fn terminator<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        &data[self.end..self.next]
    }
}

/// Every record of an input, in order.
#[derive(Debug, Default)]
pub struct Table {
    /// The records, header included.
    pub records: Vec<Record>,
    /// Field spans, relative to their record's `start`; `[start, end)`.
    pub spans: Vec<(u32, u32)>,
    /// Lines that held nothing at all (not even a delimiter); not records.
    pub blank_lines: Vec<u64>,
}

impl Table {
    /// The raw bytes of field `i` of `record` (quotes included), or `None` past its last field.
    pub fn raw_field<'a>(&self, data: &'a [u8], record: &Record, i: usize) -> Option<&'a [u8]> {
        let span = self.field_range(record, i)?;
        Some(&data[span])
    }

    /// Absolute byte range of field `i` of `record`.
    pub fn field_range(&self, record: &Record, i: usize) -> Option<Range<usize>> {
        if i >= record.fields as usize {
            return None;
        }
        let (s, e) = self.spans[record.first_field as usize + i];
        Some(record.start + s as usize..record.start + e as usize)
    }
}

/// Why the input cannot be scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// A quoted field is never closed.
    UnterminatedQuote {
        /// The line the quoted field starts on.
        line: u64,
    },
    /// A record is longer than 4 GiB.
    RecordTooLong {
        /// The line the record starts on.
        line: u64,
    },
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::UnterminatedQuote { line } => write!(
                f,
                "line {line}: a quoted field starts here and is never closed (a missing \" ?)"
            ),
            ScanError::RecordTooLong { line } => {
                write!(f, "line {line}: record longer than 4 GiB")
            }
        }
    }
}

impl std::error::Error for ScanError {}

/// Scan `data` (already UTF-8, BOM removed) with `delimiter`; at most `limit` records.
pub fn scan(data: &[u8], delimiter: u8, limit: usize) -> Result<Table, ScanError> {
    scan_from_line(data, delimiter, limit, 1)
}

/// [`scan`] for data whose first byte is on line `first_line` of the file.
pub fn scan_from_line(
    data: &[u8],
    delimiter: u8,
    limit: usize,
    first_line: u64,
) -> Result<Table, ScanError> {
    let mut table = Table::default();
    if limit == usize::MAX {
        // Reserved once from counts: growing by doubling copies into fresh pages, which on a
        // million-row file cost more than counting. Quoted delimiters and line ends only make
        // these over-estimates.
        let lines = memchr_iter(b'\n', data).count() + 1;
        table.records.reserve(lines);
        table
            .spans
            .reserve(lines + memchr_iter(delimiter, data).count());
    }
    Scanner::new(data, delimiter, first_line).next_into(limit, &mut table)?;
    Ok(table)
}

/// Scans an input a batch of records at a time, so that a big file's field positions need
/// not all be held at once: a batch's [`Table`] indexes the whole `data`, as [`scan`]'s does.
pub struct Scanner<'a> {
    data: &'a [u8],
    delimiter: u8,
    /// Where the next record (or blank line) starts.
    pos: usize,
    /// The physical line at `pos`.
    line: u64,
}

impl<'a> Scanner<'a> {
    /// Scan `data` (already UTF-8, BOM removed) whose first byte is on line `first_line`.
    pub fn new(data: &'a [u8], delimiter: u8, first_line: u64) -> Self {
        Scanner {
            data,
            delimiter,
            pos: 0,
            line: first_line,
        }
    }

    /// Clear `table` and scan at most `limit` more records into it, with the blank lines
    /// before and among them. Past the end, `table` stays empty.
    pub fn next_into(&mut self, limit: usize, table: &mut Table) -> Result<(), ScanError> {
        table.records.clear();
        table.spans.clear();
        table.blank_lines.clear();
        let (data, delimiter) = (self.data, self.delimiter);
        let len = data.len();
        let (mut pos, mut line) = (self.pos, self.line);
        while pos < len && table.records.len() < limit {
            // A line with nothing on it is not a record (the csv crate skips them too); we
            // remember it so the summary can say so.
            if data[pos] == b'\n' || data[pos] == b'\r' {
                table.blank_lines.push(line);
                pos += if data[pos] == b'\r' && data.get(pos + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                line += 1;
                continue;
            }
            let start = pos;
            let record_line = line;
            let first_field = table.spans.len() as u32;
            let rel = |p: usize| -> Result<u32, ScanError> {
                u32::try_from(p - start).map_err(|_| ScanError::RecordTooLong { line: record_line })
            };
            loop {
                let field_start = pos;
                if pos < len && data[pos] == b'"' {
                    let quote_line = line;
                    pos += 1;
                    loop {
                        match memchr(b'"', &data[pos..]) {
                            None => return Err(ScanError::UnterminatedQuote { line: quote_line }),
                            Some(i) => {
                                line += memchr_iter(b'\n', &data[pos..pos + i]).count() as u64;
                                pos += i + 1;
                                if pos < len && data[pos] == b'"' {
                                    pos += 1;
                                } else {
                                    break;
                                }
                            }
                        }
                    }
                }
                // Unquoted field, or the tail after a closing quote.
                pos = match memchr3(delimiter, b'\n', b'\r', &data[pos..]) {
                    Some(i) => pos + i,
                    None => len,
                };
                table.spans.push((rel(field_start)?, rel(pos)?));
                if pos < len && data[pos] == delimiter {
                    pos += 1;
                    if pos == len {
                        // "a,b," at end of input: the last field is empty.
                        table.spans.push((rel(pos)?, rel(pos)?));
                        break;
                    }
                    continue;
                }
                break;
            }
            let end = pos;
            if pos < len {
                pos += if data[pos] == b'\r' && data.get(pos + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                line += 1;
            }
            table.records.push(Record {
                start,
                end,
                next: pos,
                line: record_line,
                first_field,
                fields: table.spans.len() as u32 - first_field,
            });
        }
        (self.pos, self.line) = (pos, line);
        Ok(())
    }
}

/// The value of a raw field: quotes removed and `""` unescaped.
pub fn unescape(raw: &[u8]) -> Cow<'_, [u8]> {
    if raw.first() != Some(&b'"') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 1;
    let mut quoted = true;
    while i < raw.len() {
        let b = raw[i];
        if quoted && b == b'"' {
            if raw.get(i + 1) == Some(&b'"') {
                out.push(b'"');
                i += 2;
                continue;
            }
            quoted = false;
            i += 1;
            continue;
        }
        out.push(b);
        i += 1;
    }
    Cow::Owned(out)
}

/// Excel's `sep=;` first line, which names the delimiter: (delimiter, length of the line
/// with its terminator).
pub fn excel_separator_line(data: &[u8]) -> Option<(u8, usize)> {
    let rest = data.strip_prefix(b"sep=")?;
    let (&d, rest) = rest.split_first()?;
    let term = if rest.starts_with(b"\r\n") {
        2
    } else if rest.starts_with(b"\n") {
        1
    } else {
        return None;
    };
    Some((d, 5 + term))
}

/// Where the value of a raw field starts: after the opening quote when quoted.
pub fn value_offset(raw: &[u8]) -> usize {
    usize::from(raw.first() == Some(&b'"'))
}

/// Guess the delimiter from the first records: the candidate that splits them into the
/// same number (> 1) of fields most often wins; ties go to the order `,` `;` TAB `|`.
/// A file whose lines all hold one field gets `,`.
pub fn sniff_delimiter(data: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let sample = &data[..data.len().min(256 * 1024)];
    let mut best = (b',', 0usize, 0usize); // (delimiter, consistent records, fields)
    for &d in &CANDIDATES {
        // A sample may end inside a quoted field; scan what is complete.
        let table = match scan(sample, d, 200) {
            Ok(t) => t,
            Err(_) => match scan(data, d, 200) {
                Ok(t) => t,
                Err(_) => continue,
            },
        };
        let mut records = table.records.iter();
        let Some(header) = records.next() else {
            continue;
        };
        let fields = header.fields as usize;
        if fields < 2 {
            continue;
        }
        let consistent = 1 + table
            .records
            .iter()
            .skip(1)
            .filter(|r| r.fields as usize == fields)
            .count();
        let total = table.records.len();
        // Most records agreeing with the header is what makes a delimiter; a complete sample
        // whose last record is cut can disagree once.
        if consistent * 10 >= total * 9 && (consistent, fields) > (best.1, best.2) {
            best = (d, consistent, fields);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(data: &str, d: u8) -> Vec<Vec<String>> {
        let t = scan(data.as_bytes(), d, usize::MAX).unwrap();
        t.records
            .iter()
            .map(|r| {
                (0..r.fields as usize)
                    .map(|i| {
                        String::from_utf8(t.raw_field(data.as_bytes(), r, i).unwrap().to_vec())
                            .unwrap()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn raw_fields_keep_quotes() {
        let f = fields("a,\"b,\"\"c\"\"\"\r\n\"x\ny\",z", b',');
        assert_eq!(f, [vec!["a", "\"b,\"\"c\"\"\""], vec!["\"x\ny\"", "z"]]);
    }

    #[test]
    fn lines_count_embedded_newlines() {
        let t = scan(b"h\n\"a\nb\nc\"\nd\n", b',', usize::MAX).unwrap();
        let lines: Vec<u64> = t.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 5]);
    }

    #[test]
    fn trailing_delimiter_gives_empty_field() {
        assert_eq!(fields("a,b,", b','), [vec!["a", "b", ""]]);
        assert_eq!(fields("a,b,\n", b','), [vec!["a", "b", ""]]);
    }

    #[test]
    fn blank_lines_are_noted_not_records() {
        let t = scan(b"h\n\nx\r\n\r\ny", b',', usize::MAX).unwrap();
        assert_eq!(t.records.len(), 3);
        assert_eq!(t.blank_lines, [2, 4]);
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        assert_eq!(
            scan(b"h\nok\n\"open\nmore", b',', usize::MAX).unwrap_err(),
            ScanError::UnterminatedQuote { line: 3 }
        );
    }

    #[test]
    fn batches_scan_like_one_pass() {
        let data = b"h,x\n\"a\nb\",1\r\n\r\nc,2\nd,\"3\"\"\"\n\ne,5";
        let whole = scan(data, b',', usize::MAX).unwrap();
        for limit in 1..4 {
            let mut scanner = Scanner::new(data, b',', 1);
            let (mut records, mut blank) = (Vec::new(), Vec::new());
            let mut batch = Table::default();
            loop {
                scanner.next_into(limit, &mut batch).unwrap();
                if batch.records.is_empty() && batch.blank_lines.is_empty() {
                    break;
                }
                assert!(batch.records.len() <= limit);
                for r in &batch.records {
                    let fields: Vec<&[u8]> = (0..r.fields as usize)
                        .map(|i| batch.raw_field(data, r, i).unwrap())
                        .collect();
                    records.push((r.start, r.next, r.line, fields));
                }
                blank.extend_from_slice(&batch.blank_lines);
            }
            let expected: Vec<_> = whole
                .records
                .iter()
                .map(|r| {
                    let fields: Vec<&[u8]> = (0..r.fields as usize)
                        .map(|i| whole.raw_field(data, r, i).unwrap())
                        .collect();
                    (r.start, r.next, r.line, fields)
                })
                .collect();
            assert_eq!(records, expected, "batches of {limit}");
            assert_eq!(blank, whole.blank_lines, "batches of {limit}");
        }
    }

    #[test]
    fn unescape_values() {
        assert_eq!(&*unescape(b"\"a\"\"b\""), b"a\"b");
        assert_eq!(&*unescape(b"plain"), b"plain");
        assert_eq!(&*unescape(b"\"a\"tail"), b"atail");
    }

    #[test]
    fn sniffs_each_delimiter() {
        for d in [b',', b';', b'\t', b'|'] {
            let s = format!(
                "name{0}email{0}x\na{0}b@c.de{0}1\n\"q{0}r\"{0}d@e.fr{0}2\n",
                d as char
            );
            assert_eq!(sniff_delimiter(s.as_bytes()), d, "{}", d as char);
        }
        assert_eq!(sniff_delimiter(b"email\na@b.c\n"), b',');
    }
}
