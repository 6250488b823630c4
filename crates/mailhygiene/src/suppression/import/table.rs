//! Export files as rows: CSV (delimiter `,` `;` or TAB, BOM tolerated, header names compared
//! case-insensitively) or JSON (an array of objects, found at the top level or under a known
//! key; NDJSON too). Each row keeps its 1-based line and raw text for provenance and rejects.
use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::Value;

use super::ImportError;

/// One data row.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The 1-based line where the row starts.
    pub line: u64,
    /// The row's text as in the file.
    pub raw: String,
    cells: Cells,
}

#[derive(Debug, Clone)]
enum Cells {
    /// The file's lower-cased header, shared by every row, and this row's fields (one
    /// allocation per row: a merge reads millions).
    Csv(std::sync::Arc<[String]>, csv::StringRecord),
    Json(Value),
}

impl Row {
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
pub(crate) struct Table {
    /// Lower-cased column names (CSV) or the union of the first rows' keys (JSON), for
    /// detection and messages.
    pub columns: Vec<String>,
    /// The header line as written (CSV) or a JSON shape summary.
    pub header: String,
    /// The key the JSON array was found under (`Suppressions`, `items` …), lower-cased; empty
    /// for CSV and top-level arrays.
    pub json_key: Option<String>,
    pub rows: Vec<Row>,
    /// Rows that could not be read at all (line, message, raw).
    pub unreadable: Vec<(u64, String, String)>,
}

impl Table {
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
}

/// The text of a file: UTF-8 with an optional BOM removed.
pub(crate) fn decode<'a>(file: &str, data: &'a [u8]) -> Result<&'a str, ImportError> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    std::str::from_utf8(data).map_err(|e| ImportError::NotUtf8 {
        file: file.into(),
        line: line_of(&data[..e.valid_up_to()]),
    })
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
pub(crate) fn read(file: &str, text: &str) -> Result<Table, ImportError> {
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

fn read_json(file: &str, text: &str) -> Result<Table, ImportError> {
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
            raw: raw.get().to_string(),
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
        rows,
        unreadable: Vec::new(),
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

fn read_csv(text: &str) -> Table {
    let first = first_line(text);
    let delimiter = sniff_delimiter(&first);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut unreadable = Vec::new();
    for result in reader.records() {
        match result {
            Ok(r) => records.push(r),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                unreadable.push((line, e.to_string(), String::new()));
            }
        }
    }
    // The raw text of a record runs from its byte position to the next record's.
    let starts: Vec<usize> = records
        .iter()
        .map(|r| r.position().map_or(0, |p| p.byte() as usize))
        .chain([text.len()])
        .collect();
    let mut records = records.into_iter().enumerate();
    let header: Vec<String> = match records.next() {
        Some((_, h)) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        None => Vec::new(),
    };
    let shared: std::sync::Arc<[String]> = header.clone().into();
    let rows = records
        .map(|(i, r)| Row {
            line: r.position().map_or(0, |p| p.line()),
            raw: text[starts[i]..starts[i + 1]]
                .trim_end_matches(['\r', '\n'])
                .to_string(),
            cells: Cells::Csv(shared.clone(), r),
        })
        .collect();
    Table {
        columns: header,
        header: first,
        json_key: None,
        rows,
        unreadable,
    }
}

/// Reads a header-less CSV whose columns are named by the caller (SES import CSV
/// `email,reason` without a header line).
pub(crate) fn read_csv_headerless(text: &str, names: &[&str]) -> Table {
    let header_line = names.join(",");
    let mut table = read_csv(&format!("{header_line}\n{text}"));
    for row in &mut table.rows {
        row.line -= 1;
    }
    for u in &mut table.unreadable {
        u.0 = u.0.saturating_sub(1);
    }
    table.header = first_line(text);
    table
}
