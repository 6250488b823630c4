//! Export files as rows: CSV (delimiter `,` `;` or TAB, BOM tolerated, header names compared
//! case-insensitively) or JSON (an array of objects, found at the top level or under a known
//! key; NDJSON too). Each row keeps its 1-based line and raw text for provenance and rejects.
use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::Value;

use super::ImportError;

/// One data row, borrowed from its file's text.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    /// The 1-based line where the row starts.
    pub line: u64,
    /// The row's text as in the file.
    pub raw: &'a str,
    cells: Cells<'a>,
}

#[derive(Debug, Clone)]
enum Cells<'a> {
    /// The file's lower-cased header and this row's fields, read into one buffer reused for
    /// every row (a merge reads millions).
    Csv(&'a [String], &'a csv::StringRecord),
    Json(Value),
}

impl Row<'_> {
    /// The first non-empty value among `keys` (case-insensitive; JSON keys may be dotted paths
    /// into nested objects), trimmed. Numbers and booleans are given as text.
    pub fn get(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.get_one(k))
    }

    fn get_one(&self, key: &str) -> Option<String> {
        let value = match &self.cells {
            Cells::Csv(header, record) => header
                .iter()
                .position(|name| name.eq_ignore_ascii_case(key))
                .and_then(|i| record.get(i))
                .map(|v| v.trim().to_string()),
            Cells::Json(_) => self.value(key).and_then(scalar),
        }?;
        (!value.is_empty()).then_some(value)
    }

    /// The JSON value at a dotted path (case-insensitive keys); `None` for CSV rows.
    pub fn value(&self, path: &str) -> Option<&Value> {
        let Cells::Json(root) = &self.cells else {
            return None;
        };
        let mut v = root;
        if path.is_empty() {
            return Some(v);
        }
        for part in path.split('.') {
            v = match v {
                Value::Object(map) => map.get(part).or_else(|| {
                    map.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(part))
                        .map(|(_, v)| v)
                })?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// A JSON row that is a bare string (SendGrid group suppression lists are arrays of
    /// addresses).
    pub fn as_str(&self) -> Option<&str> {
        match &self.cells {
            Cells::Json(Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A file read as rows.
#[derive(Debug, Clone)]
pub(crate) struct Table<'a> {
    /// Lower-cased column names (CSV) or the union of the first rows' keys (JSON), for
    /// detection and messages.
    pub columns: Vec<String>,
    /// The header line as written (CSV) or a JSON shape summary.
    pub header: String,
    /// The key the JSON array was found under (`Suppressions`, `items` …), lower-cased; empty
    /// for CSV and top-level arrays.
    pub json_key: Option<String>,
    /// The rows of a JSON file; a CSV file's rows are read as they are visited
    /// ([`Table::for_each_row`]), so a large file is never held as rows.
    pub json_rows: Vec<Row<'a>>,
    csv: Option<CsvBody<'a>>,
}

/// The part of a CSV file after its header.
#[derive(Debug, Clone)]
struct CsvBody<'a> {
    text: &'a str,
    delimiter: u8,
    /// Whether the text's first record is the header.
    has_header: bool,
}

impl Table<'_> {
    /// Whether this is JSON with no rows at all (an API dump with nothing in it).
    pub fn is_empty_json(&self) -> bool {
        self.csv.is_none() && self.json_rows.is_empty()
    }

    /// Whether a column exists (case-insensitive).
    pub fn has(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.columns.contains(&name)
    }

    /// Whether all the named columns exist.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.has(n))
    }

    /// Whether any of the named columns exists.
    pub fn has_any(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.has(n))
    }

    pub fn is_json(&self) -> bool {
        self.json_key.is_some()
    }

    /// Visit every data row in file order. Returns the rows that could not be read at all, as
    /// (line, message, raw).
    pub fn for_each_row(&self, mut f: impl FnMut(&Row)) -> Vec<(u64, String, String)> {
        let Some(body) = &self.csv else {
            self.json_rows.iter().for_each(f);
            return Vec::new();
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(body.delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(body.text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut unreadable = Vec::new();
        let mut header = body.has_header;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) if header => header = false,
                Ok(true) => {
                    let (start, line) = record
                        .position()
                        .map_or((0, 0), |p| record_start(body.text.as_bytes(), p));
                    // The raw text runs to where the reader stopped: the record, its line end
                    // and any blank lines after it.
                    let end = reader.position().byte() as usize;
                    f(&Row {
                        line,
                        raw: body.text[start..end].trim_end_matches(['\r', '\n']),
                        cells: Cells::Csv(&self.columns, &record),
                    });
                }
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(0, |p| record_start(body.text.as_bytes(), p).1);
                    unreadable.push((line, e.to_string(), String::new()));
                }
            }
        }
        unreadable
    }
}

/// Where a record that the csv crate read really starts in `data`, and its 1-based line.
///
/// The reader places a record right after the previous record's terminator, and it ends a
/// `\r\n` terminator at the `\r`: its position is then on the `\n`, a line early, and blank
/// lines before the record are counted in neither. The record starts after those bytes.
pub(crate) fn record_start(data: &[u8], p: &csv::Position) -> (usize, u64) {
    let from = (p.byte() as usize).min(data.len());
    let ends = data[from..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    let line_feeds = data[from..from + ends]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    (from + ends, p.line() + line_feeds as u64)
}

fn line_of(prefix: &[u8]) -> u64 {
    prefix.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The first line, for messages.
pub(crate) fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

/// Reads a file as CSV or JSON, by its first non-blank character.
pub(crate) fn read<'a>(file: &str, text: &'a str) -> Result<Table<'a>, ImportError> {
    match text.trim_start().as_bytes().first() {
        Some(b'[' | b'{') => read_json(file, text),
        _ => Ok(read_csv(text)),
    }
}

/// Keys under which APIs return their record arrays, by system: SES
/// `SuppressedDestinationSummaries`, Postmark `Suppressions`, Brevo `contacts`, Mailgun `items`,
/// Klaviyo `data`, HubSpot `results` / `subscriptionStatuses`, generic `suppressions` /
/// `records`.
const ARRAY_KEYS: [&str; 9] = [
    "SuppressedDestinationSummaries",
    "Suppressions",
    "contacts",
    "items",
    "data",
    "results",
    "subscriptionStatuses",
    "suppressions",
    "records",
];

fn read_json<'a>(file: &str, text: &'a str) -> Result<Table<'a>, ImportError> {
    let json_err = |e: serde_json::Error| ImportError::Json {
        file: file.into(),
        line: e.line() as u64,
        message: e.to_string(),
    };
    let (key, items): (String, Vec<&RawValue>) = match text.trim_start().as_bytes()[0] {
        b'[' => (String::new(), serde_json::from_str(text).map_err(json_err)?),
        _ => match serde_json::from_str::<BTreeMap<String, &RawValue>>(text) {
            Ok(map) => {
                let find = |name: &str| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
                if let Some((k, v)) = ARRAY_KEYS.iter().find_map(|n| find(n)) {
                    let items = serde_json::from_str(v.get()).map_err(json_err)?;
                    (k.to_ascii_lowercase(), items)
                } else if let Some((k, v)) = find("SuppressedDestination") {
                    // SES GetSuppressedDestination: one object.
                    (k.to_ascii_lowercase(), vec![*v])
                } else {
                    // One record object.
                    (
                        String::from("."),
                        vec![serde_json::from_str(text).map_err(json_err)?],
                    )
                }
            }
            Err(e) => {
                // NDJSON (SES import jobs): one object per line.
                let mut items = Vec::new();
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    match serde_json::from_str::<&RawValue>(line) {
                        Ok(v) => items.push(v),
                        Err(_) => return Err(json_err(e)),
                    }
                }
                (String::from("ndjson"), items)
            }
        },
    };
    let base = text.as_ptr() as usize;
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for raw in items {
        let offset = raw.get().as_ptr() as usize - base;
        let line = line_of(&text.as_bytes()[..offset]);
        let value: Value = serde_json::from_str(raw.get()).map_err(json_err)?;
        if let Value::Object(map) = &value {
            for k in map.keys() {
                let k = k.to_ascii_lowercase();
                if !columns.contains(&k) {
                    columns.push(k);
                }
            }
        }
        rows.push(Row {
            line,
            raw: raw.get(),
            cells: Cells::Json(value),
        });
    }
    let header = if key.is_empty() {
        format!("JSON array of {{{}}}", columns.join(", "))
    } else {
        format!("JSON {key}[] of {{{}}}", columns.join(", "))
    };
    Ok(Table {
        columns,
        header,
        json_key: Some(key),
        json_rows: rows,
        csv: None,
    })
}

/// The delimiter with most occurrences outside quotes in the first line; `,` by default.
fn sniff_delimiter(first: &str) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

fn read_csv(text: &str) -> Table<'_> {
    let first = first_line(text);
    let delimiter = sniff_delimiter(&first);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut header = csv::StringRecord::new();
    // A header that cannot be read leaves no columns; the row visit reports it.
    let columns = match reader.read_record(&mut header) {
        Ok(true) => header
            .iter()
            .map(|c| c.trim().to_ascii_lowercase())
            .collect(),
        _ => Vec::new(),
    };
    Table {
        columns,
        header: first,
        json_key: None,
        json_rows: Vec::new(),
        csv: Some(CsvBody {
            text,
            delimiter,
            has_header: true,
        }),
    }
}

/// Reads a header-less CSV whose columns are named by the caller (SES import CSV
/// `email,reason` without a header line).
pub(crate) fn read_csv_headerless<'a>(text: &'a str, names: &[&str]) -> Table<'a> {
    Table {
        columns: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
        header: first_line(text),
        json_key: None,
        json_rows: Vec::new(),
        csv: Some(CsvBody {
            text,
            // The names are joined with commas, which is what the delimiter sniffing saw.
            delimiter: b',',
            has_header: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &Table) -> Vec<(u64, String, Option<String>)> {
        let mut out = Vec::new();
        let unreadable =
            t.for_each_row(|r| out.push((r.line, r.raw.to_string(), r.get(&["email"]))));
        assert!(unreadable.is_empty());
        out
    }

    #[test]
    fn csv_rows_keep_their_line_and_raw_text() {
        let text = "Email,reason\na@x.com,BOUNCE\n\"b\nc\"@x.com,COMPLAINT\nlast@x.com, BOUNCE";
        let t = read("f.csv", text).unwrap();
        assert_eq!(t.columns, ["email", "reason"]);
        assert_eq!(
            rows(&t),
            [
                (2, "a@x.com,BOUNCE".into(), Some("a@x.com".into())),
                (
                    3,
                    "\"b\nc\"@x.com,COMPLAINT".into(),
                    Some("b\nc@x.com".into())
                ),
                (5, "last@x.com, BOUNCE".into(), Some("last@x.com".into())),
            ]
        );
    }

    #[test]
    fn headerless_rows_start_at_line_one() {
        let t = read_csv_headerless("a@x.com,BOUNCE\nb@x.com,COMPLAINT\n", &["email", "reason"]);
        assert_eq!(t.header, "a@x.com,BOUNCE");
        assert_eq!(
            rows(&t),
            [
                (1, "a@x.com,BOUNCE".into(), Some("a@x.com".into())),
                (2, "b@x.com,COMPLAINT".into(), Some("b@x.com".into())),
            ]
        );
    }
}
