//! Writing rows back: original cells as read, appended cells quoted only when needed,
//! formula triggers neutralised, files replaced atomically.
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::atomic::AtomicFile;
use anyhow::{Context, Result};

use super::scan::{value_offset, Record, Table};

/// Whether a spreadsheet would run a cell with this value as a formula (OWASP "CSV
/// injection"): it starts with `=`, `+`, `-`, `@`, TAB or CR.
pub fn is_formula_trigger(value: &[u8]) -> bool {
    matches!(
        value.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// How rows are written.
#[derive(Debug, Clone, Copy)]
pub struct RowWriter {
    /// The input's delimiter, used for output too.
    pub delimiter: u8,
    /// Prefix formula-trigger cells with `'`.
    pub neutralize: bool,
    /// The header's number of columns: shorter rows are padded with empty cells so that the
    /// appended columns stay under their headers.
    pub columns: usize,
}

impl RowWriter {
    /// Write `record` (its original cells, with the email cell replaced when `replace` is
    /// given), then `extra` cells, then `terminator`. Returns whether an original cell had to
    /// be neutralised.
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        data: &[u8],
        table: &Table,
        record: &Record,
        replace: Option<(usize, &str)>,
        extra: &[&str],
        terminator: &[u8],
    ) -> bool {
        let fields = record.fields as usize;
        let triggered = |i: usize| {
            let raw = table.raw_field(data, record, i).unwrap_or_default();
            is_formula_trigger(&raw[value_offset(raw)..])
        };
        // More cells than the header (an unquoted delimiter in a cell): the surplus stays, as
        // text, in the last column, so that the appended columns stay under their headers.
        let overflow = self.columns > 0 && fields > self.columns;
        let rewrite =
            overflow || replace.is_some() || (self.neutralize && (0..fields).any(triggered));
        let mut neutralized = false;
        if !rewrite {
            out.extend_from_slice(&data[record.start..record.end]);
        } else {
            for i in 0..fields.min(self.columns.max(1)) {
                if i > 0 {
                    out.push(self.delimiter);
                }
                let last = overflow && i + 1 == self.columns;
                match replace {
                    _ if last => {
                        let from = table.field_range(record, i).map_or(record.end, |r| r.start);
                        neutralized |= self.neutralize && is_formula_trigger(&data[from..]);
                        self.cell(out, &data[from..record.end]);
                    }
                    Some((col, value)) if col == i => self.cell(out, value.as_bytes()),
                    _ => {
                        let raw = table.raw_field(data, record, i).unwrap_or_default();
                        let at = value_offset(raw);
                        if self.neutralize && is_formula_trigger(&raw[at..]) {
                            out.extend_from_slice(&raw[..at]);
                            out.push(b'\'');
                            out.extend_from_slice(&raw[at..]);
                            neutralized = true;
                        } else {
                            out.extend_from_slice(raw);
                        }
                    }
                }
            }
        }
        for _ in fields..self.columns {
            out.push(self.delimiter);
        }
        for value in extra {
            out.push(self.delimiter);
            self.cell(out, value.as_bytes());
        }
        out.extend_from_slice(terminator);
        neutralized
    }

    /// Write one cell of ours: neutralised when needed, quoted only when it must be.
    pub fn cell(&self, out: &mut Vec<u8>, value: &[u8]) {
        let prefix = self.neutralize && is_formula_trigger(value);
        // Folded without an early exit, so that the compiler can compare many bytes at once.
        let d = self.delimiter;
        let quote = value.iter().fold(false, |q, &b| {
            q | (b == d) | (b == b'"') | (b == b'\n') | (b == b'\r')
        });
        if quote {
            out.push(b'"');
        }
        if prefix {
            out.push(b'\'');
        }
        if quote {
            for &b in value {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(value);
        }
    }
}

/// An output: a file written atomically ([`AtomicFile`]), or `-` for standard output (not
/// atomic).
pub enum Output {
    /// A file being written.
    File(AtomicFile),
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
}

impl Output {
    /// Start writing `path`.
    pub fn create(path: &Path) -> Result<Self> {
        if path.as_os_str() == "-" {
            return Ok(Output::Stdout(BufWriter::with_capacity(
                1 << 20,
                io::stdout(),
            )));
        }
        Ok(Output::File(AtomicFile::create(path)?))
    }

    /// Flush and rename into place.
    pub fn commit(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("writing standard output"),
            Output::File(f) => f.commit(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::File(f) => f.write(buf),
            Output::Stdout(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::File(f) => f.write_all(buf),
            Output::Stdout(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::File(f) => f.flush(),
            Output::Stdout(w) => w.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan;
    use super::*;

    fn rewrite(input: &str, neutralize: bool, extra: &[&str]) -> String {
        let t = scan(input.as_bytes(), b',', usize::MAX).unwrap();
        let w = RowWriter {
            delimiter: b',',
            neutralize,
            columns: 3,
        };
        let mut out = Vec::new();
        for r in &t.records {
            w.write(
                &mut out,
                input.as_bytes(),
                &t,
                r,
                None,
                extra,
                r.terminator(input.as_bytes()),
            );
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn original_bytes_stay() {
        let s = "a, \"b\" ,\"c\"\"d\"\r\n";
        assert_eq!(rewrite(s, true, &["x"]), "a, \"b\" ,\"c\"\"d\",x\r\n");
    }

    #[test]
    fn short_rows_are_padded() {
        assert_eq!(rewrite("a\n", true, &["x"]), "a,,,x\n");
    }

    #[test]
    fn formulas_are_neutralised_inside_quotes() {
        let s = "=1+2,\"@SUM(A1)\",-3\n";
        assert_eq!(rewrite(s, true, &["+x"]), "'=1+2,\"'@SUM(A1)\",'-3,'+x\n");
        assert_eq!(rewrite(s, false, &["+x"]), "=1+2,\"@SUM(A1)\",-3,+x\n");
    }

    #[test]
    fn our_cells_are_quoted_when_needed() {
        assert_eq!(
            rewrite("a,b,c\n", true, &["x,y", "q\"", "ok"]),
            "a,b,c,\"x,y\",\"q\"\"\",ok\n"
        );
    }
}
