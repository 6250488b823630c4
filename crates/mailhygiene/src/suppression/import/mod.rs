//! Importers: read one export file of one mail system into [`SuppressionRecord`]s.
//!
//! The format is detected from the file's header (CSV) or shape (JSON), with the file name as a
//! secondary hint, or named with [`ImportOptions::system`]. A bare address list (one address
//! per line, no header: a "do-not-mail.txt") is read as [`System::Generic`], every line a
//! `manual` block on all mail (see [`System::Generic`]). Column meanings and their sources
//! are documented in each system's module; the mapping to reasons and scopes follows
//! `shared/research/suppression-semantics.md` §5 and §7.
//!
//! Every row read is either used (it yields zero or more records) or rejected with its line
//! number and a stable code: [`Imported::rows_read`] `==` [`Imported::rows_used`] `+`
//! `rejects.len()`.
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::suppression::bounce::{self, BounceClass};
use crate::suppression::time::{Stamp, TimeFormat};
use crate::suppression::{Provenance, Reason, Reject, Scope, SuppressionRecord};
use crate::text::{self, DecodeError, Encoding, UnknownEncoding};
use crate::Checker;

mod brevo;
mod generic;
mod hubspot;
mod klaviyo;
mod mailchimp;
mod mailgun;
mod mandrill;
mod postmark;
mod sendgrid;
mod ses;
mod sfmc;
pub(crate) mod table;

use table::{Row, Table};

/// A mail system whose export format we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum System {
    /// Mailchimp Marketing audience exports (subscribed, unsubscribed, cleaned CSVs).
    Mailchimp,
    /// Mailchimp Transactional (Mandrill) rejection list.
    Mandrill,
    /// Twilio SendGrid suppression lists (bounces, blocks, spam reports, invalid emails,
    /// global unsubscribes, group unsubscribes), CSV or API JSON.
    Sendgrid,
    /// Mailgun bounces, unsubscribes and complaints, CSV or API JSON.
    Mailgun,
    /// Amazon SES v2 account suppression list (API JSON or the import CSV).
    Ses,
    /// Postmark suppressions dump of one message stream.
    Postmark,
    /// Brevo (Sendinblue) transactional blocked contacts.
    Brevo,
    /// Salesforce Marketing Cloud bounce tracking extract.
    Sfmc,
    /// HubSpot unsubscribes and bounces export (column names unverified).
    Hubspot,
    /// Klaviyo suppressed profiles (CSV unverified; profile API JSON documented).
    Klaviyo,
    /// Any CSV, with the columns named in [`GenericColumns`]; also a bare address list (one
    /// address per line, no header), detected when no system or columns are given.
    ///
    /// A bare list's records are [`Reason::Manual`] with that reason's default scope,
    /// [`Scope::All`]: the list names no reason, and a list someone keeps on purpose is an
    /// operator's block, as a generic reason cell `do not mail` / `dnc` or Mandrill's `custom`
    /// rejects are (research §7 maps Mandrill's to `manual_block`; §5 ranks it above
    /// complaints, and no opt-in clears it). `clean` read such lists this way before the
    /// importer did.
    Generic,
}

impl System {
    /// Every system, in declaration order.
    pub const ALL: [System; 11] = [
        System::Mailchimp,
        System::Mandrill,
        System::Sendgrid,
        System::Mailgun,
        System::Ses,
        System::Postmark,
        System::Brevo,
        System::Sfmc,
        System::Hubspot,
        System::Klaviyo,
        System::Generic,
    ];

    /// The stable lower-case code (`"mailchimp"`, `"ses"`, …), used as
    /// [`SuppressionRecord::source_system`].
    pub fn code(self) -> &'static str {
        match self {
            System::Mailchimp => "mailchimp",
            System::Mandrill => "mandrill",
            System::Sendgrid => "sendgrid",
            System::Mailgun => "mailgun",
            System::Ses => "ses",
            System::Postmark => "postmark",
            System::Brevo => "brevo",
            System::Sfmc => "sfmc",
            System::Hubspot => "hubspot",
            System::Klaviyo => "klaviyo",
            System::Generic => "generic",
        }
    }
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for System {
    type Err = ImportError;
    fn from_str(s: &str) -> Result<Self, ImportError> {
        let s = s.trim().to_ascii_lowercase();
        System::ALL
            .into_iter()
            .find(|sys| sys.code() == s)
            .ok_or(ImportError::UnknownSystem { name: s })
    }
}

/// Which SendGrid suppression list a file holds. Bounces and blocks have the same shape, so
/// the file name (`bounces.csv`, `blocks.json`) or this option must say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendgridList {
    /// `/v3/suppression/bounces`.
    Bounces,
    /// `/v3/suppression/blocks`.
    Blocks,
    /// `/v3/suppression/spam_reports`.
    SpamReports,
    /// `/v3/suppression/invalid_emails`.
    InvalidEmails,
    /// `/v3/suppression/unsubscribes` (global).
    GlobalUnsubscribes,
    /// `/v3/asm/suppressions` (unsubscribe groups).
    GroupUnsubscribes,
}

/// The columns of a generic CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenericColumns {
    /// The header of the address column (case-insensitive).
    pub email: String,
    /// The header of the reason column; its values are reason codes or common words
    /// (`bounce`, `unsubscribed`, `spam` …). An unknown value rejects the row.
    pub reason: Option<String>,
    /// The header of the date column.
    pub date: Option<String>,
    /// The reason when there is no reason column or the cell is empty.
    pub default_reason: Option<Reason>,
    /// A `strftime` layout for the date column (jiff syntax, e.g. `%d/%m/%Y %H:%M`). Without it,
    /// only unambiguous forms are read: Unix seconds, RFC 3339 / ISO 8601 with an offset,
    /// RFC 2822 with a zone, or `YYYY-MM-DD HH:MM:SS` when [`date_zone`](Self::date_zone) is set.
    pub date_format: Option<String>,
    /// The zone of dates written without one: `UTC`, an offset (`-06:00`) or an IANA name
    /// (`Europe/Paris`). Without it, such dates reject the row (`bad_date`).
    pub date_zone: Option<String>,
    /// The scope of every record; default: the reason's default scope.
    pub scope: Option<Scope>,
}

/// What to import and how.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The system; `None` detects it from the file.
    pub system: Option<System>,
    /// The company's stream this export belongs to (`newsletter`, `crm` …), copied to every
    /// record's `source_stream`.
    pub stream: String,
    /// Computes canonical keys.
    pub checker: Checker,
    /// The columns of a generic CSV. Setting them selects the generic importer (no detection)
    /// unless [`system`](Self::system) names another system.
    pub generic: Option<GenericColumns>,
    /// The list or audience the file belongs to when the file does not say (Mailchimp audience
    /// id, SendGrid unsubscribe group id for a bare address list). Unsubscribes and opt-ins are
    /// then scoped `list:<id>` (`group:<id>` for SendGrid) instead of `marketing`.
    pub list_id: Option<String>,
    /// The account inside the system when the file does not say (Mailgun domain, SES region,
    /// Postmark message stream id, SendGrid subuser). Copied to `source_account`; a Postmark
    /// stream id also scopes its unsubscribes (`stream:<id>`).
    pub account: Option<String>,
    /// Which SendGrid list the file holds, when its name does not say.
    pub sendgrid_list: Option<SendgridList>,
    /// The encoding of a file that is not UTF-8 (Excel on Windows saves CSV in Windows-1252).
    /// A file that is valid UTF-8, or starts with a byte order mark, is read by that whatever
    /// this says ([`text::decode`]); without it, a file that is not UTF-8 is refused
    /// ([`ImportError::Decode`], code `not_utf8`).
    pub encoding: Option<Encoding>,
}

impl ImportOptions {
    /// Options for one stream, with the default checker and detection.
    pub fn new(stream: &str) -> Self {
        ImportOptions {
            stream: stream.into(),
            ..Default::default()
        }
    }

    /// Names the system instead of detecting it.
    pub fn system(mut self, system: System) -> Self {
        self.system = Some(system);
        self
    }

    /// Uses this checker for canonical keys.
    pub fn checker(mut self, checker: Checker) -> Self {
        self.checker = checker;
        self
    }

    /// Reads a generic CSV with these columns.
    pub fn generic(mut self, columns: GenericColumns) -> Self {
        self.generic = Some(columns);
        self
    }

    /// Sets the list / audience id.
    pub fn list_id(mut self, id: &str) -> Self {
        self.list_id = Some(id.into());
        self
    }

    /// Sets the account inside the system.
    pub fn account(mut self, account: &str) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Says which SendGrid list the file holds.
    pub fn sendgrid_list(mut self, list: SendgridList) -> Self {
        self.sendgrid_list = Some(list);
        self
    }

    /// Decodes a file that is not UTF-8 from `encoding`.
    ///
    /// ```
    /// use mailhygiene::suppression::import::{import_bytes, ImportOptions};
    /// let cp1252 = b"email,reason\r\nj\xe9r\xf4me@example.com,bounce\r\n";
    /// let opts = ImportOptions::new("crm").encoding("windows-1252".parse().unwrap());
    /// let imported = import_bytes("bounces.csv", cp1252, &opts).unwrap();
    /// assert_eq!(imported.records[0].address, "jérôme@example.com");
    /// ```
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = Some(encoding);
        self
    }
}

/// The result of importing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The system the file was read as.
    pub system: System,
    /// The file name, as given.
    pub file: String,
    /// The records, in file order.
    pub records: Vec<SuppressionRecord>,
    /// The rows that could not be used, in file order.
    pub rejects: Vec<Reject>,
    /// Data rows read (header excluded).
    pub rows_read: u64,
    /// Rows that were used (each yields zero or more records).
    pub rows_used: u64,
}

/// A failure that stops reading a whole file. Row-level problems are [`Reject`]s instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No known format matches; the first line is shown.
    #[error(
        "{file}: unknown export format (header: {header:?}); name the system or generic columns"
    )]
    UnknownFormat {
        /// The file.
        file: String,
        /// The first line (truncated to 200 characters).
        header: String,
    },
    /// The file is not UTF-8 and no encoding was given (code `not_utf8`), or it is not valid
    /// in the encoding given or named by its byte order mark (code `bad_encoding`).
    #[error("{file}: {error}")]
    Decode {
        /// The file.
        file: String,
        /// Where and what, with a guess of the encoding.
        #[source]
        error: DecodeError,
    },
    /// The file looks like JSON but does not parse, or has no record array we know.
    #[error("{file}:{line}: bad JSON: {message}")]
    Json {
        /// The file.
        file: String,
        /// The 1-based line of the error.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// The file is in the named system's format but lacks a required column.
    #[error("{file}: {system} export lacks the {column:?} column (header: {header:?})")]
    MissingColumn {
        /// The file.
        file: String,
        /// The system.
        system: System,
        /// The column (or JSON field) that is missing.
        column: String,
        /// The header line as read.
        header: String,
    },
    /// The file fits more than one format and nothing tells which.
    #[error("{file}: ambiguous {system} export: {hint}")]
    Ambiguous {
        /// The file.
        file: String,
        /// The system.
        system: System,
        /// How to resolve it.
        hint: String,
    },
    /// An unknown system name.
    #[error("unknown system {name:?}")]
    UnknownSystem {
        /// The name given.
        name: String,
    },
    /// An encoding label that names no encoding.
    #[error(transparent)]
    UnknownEncoding(#[from] UnknownEncoding),
    /// An option is invalid (a bad date zone or layout for generic columns).
    #[error("invalid option: {message}")]
    BadOption {
        /// What is wrong.
        message: String,
    },
}

impl ImportError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Io { .. } => "io",
            ImportError::UnknownFormat { .. } => "unknown_format",
            ImportError::Decode { error, .. } => error.code(),
            ImportError::Json { .. } => "bad_json",
            ImportError::MissingColumn { .. } => "missing_column",
            ImportError::Ambiguous { .. } => "ambiguous_format",
            ImportError::UnknownSystem { .. } => "unknown_system",
            ImportError::UnknownEncoding(e) => e.code(),
            ImportError::BadOption { .. } => "bad_option",
        }
    }
}

/// Detects the system of a file from its header or JSON shape (file name as a secondary hint).
/// `None` when nothing matches, or when the file is not UTF-8 (or UTF-16 with a byte order
/// mark) or not readable as CSV/JSON.
///
/// ```
/// use mailhygiene::suppression::import::{detect, System};
/// let csv = b"Email Address,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LEID,EUID\n";
/// assert_eq!(detect("members.csv", csv), Some(System::Mailchimp));
/// let json = br#"{"SuppressedDestinationSummaries": [], "NextToken": null}"#;
/// assert_eq!(detect("suppressed.json", json), Some(System::Ses));
/// ```
pub fn detect(file_name: &str, data: &[u8]) -> Option<System> {
    let decoded = text::decode(data, None).ok()?;
    let (table, shape) = load(file_name, &decoded.text).ok()?;
    match shape {
        Shape::AddressList => Some(System::Generic),
        Shape::Table => sniff(&table, file_name),
    }
}

/// Detectors, most specific first. Each looks at column names (case-insensitive) or JSON keys.
/// Looks at a table and the lower-cased base file name.
type Sniffer = fn(&Table, &str) -> bool;

const DETECTORS: [(System, Sniffer); 10] = [
    (System::Mailchimp, mailchimp::sniff),
    (System::Sfmc, sfmc::sniff),
    (System::Postmark, postmark::sniff),
    (System::Ses, ses::sniff),
    (System::Brevo, brevo::sniff),
    (System::Mandrill, mandrill::sniff),
    (System::Mailgun, mailgun::sniff),
    (System::Klaviyo, klaviyo::sniff),
    (System::Hubspot, hubspot::sniff),
    (System::Sendgrid, sendgrid::sniff),
];

fn sniff(table: &Table, file_name: &str) -> Option<System> {
    let name = base_name(file_name);
    DETECTORS
        .iter()
        .find(|(_, f)| f(table, &name))
        .map(|(system, _)| *system)
}

/// The lower-cased file name without directories, for name hints (`bounces.csv`).
fn base_name(file_name: &str) -> String {
    file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase()
}

/// What a file holds, as far as reading it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Rows under a header, or JSON records.
    Table,
    /// A bare address list: one address per line, no header.
    AddressList,
}

/// Reads the file as a table. A CSV whose first cell holds an address has no header line; its
/// columns are read as `email`, `reason` (the SES import CSV, docs.aws.amazon.com/ses/latest/dg/
/// sending-email-suppression-list.html "bulk import": `recipient@example.com,BOUNCE`). When
/// that first line is a single cell, the file is a bare address list ([`address_list`]).
fn load<'a>(file: &str, text: &'a str) -> Result<(Table<'a>, Shape), ImportError> {
    let table = table::read(file, text)?;
    if !table.is_json() && table.columns.first().is_some_and(|c| c.contains('@')) {
        let shape = match table.columns.len() {
            1 => Shape::AddressList,
            _ => Shape::Table,
        };
        return Ok((
            table::read_csv_headerless(text, &["email", "reason"]),
            shape,
        ));
    }
    Ok((table, Shape::Table))
}

/// The columns a bare address list is read with when the options name no system (the reason
/// and scope are explained on [`System::Generic`]). A line that is not an address is a reject
/// with its line, like any other row.
fn address_list() -> GenericColumns {
    GenericColumns {
        email: "email".into(),
        default_reason: Some(Reason::Manual),
        ..Default::default()
    }
}

/// Imports one file's bytes.
///
/// ```
/// use mailhygiene::suppression::import::{import_bytes, ImportOptions, System};
/// use mailhygiene::suppression::{Reason, Scope};
/// let csv = "email,reason\nJane.Doe@example.com,BOUNCE\nnot-an-address,COMPLAINT\n";
/// let imported = import_bytes("ses.csv", csv.as_bytes(), &ImportOptions::new("newsletter")).unwrap();
/// assert_eq!(imported.system, System::Ses);
/// assert_eq!(imported.records[0].canonical, "jane.doe@example.com");
/// assert_eq!((imported.records[0].reason, &imported.records[0].scope), (Reason::HardBounce, &Scope::All));
/// assert_eq!((imported.rejects[0].line, imported.rejects[0].code.as_str()), (3, "missing_at"));
/// assert_eq!(imported.rows_read, imported.rows_used + imported.rejects.len() as u64);
/// ```
pub fn import_bytes(
    file_name: &str,
    data: &[u8],
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut records = Vec::new();
    let counts = import_each(file_name, data, opts, &mut |r| records.push(r))?;
    Ok(Imported {
        system: counts.system,
        file: file_name.into(),
        records,
        rejects: counts.rejects,
        rows_read: counts.rows_read,
        rows_used: counts.rows_used,
    })
}

/// What [`import_each`] read, besides the records it handed on.
pub(crate) struct ImportCounts {
    pub system: System,
    pub rejects: Vec<Reject>,
    pub rows_read: u64,
    pub rows_used: u64,
}

/// [`import_bytes`], handing each record to `sink` as its row is read instead of collecting
/// them: a merge reads millions of rows and keeps only a compact form of each.
pub(crate) fn import_each(
    file_name: &str,
    data: &[u8],
    opts: &ImportOptions,
    sink: &mut dyn FnMut(SuppressionRecord),
) -> Result<ImportCounts, ImportError> {
    // Borrowed when the file is UTF-8: a merge reads millions of rows.
    let decoded = text::decode(data, opts.encoding).map_err(|error| ImportError::Decode {
        file: file_name.into(),
        error,
    })?;
    let text: &str = &decoded.text;
    let (table, shape) = load(file_name, text)?;
    let with_address_list;
    let (system, opts) = match (opts.system, &opts.generic) {
        (Some(system), _) => (system, opts),
        (None, Some(_)) => (System::Generic, opts),
        (None, None) if shape == Shape::AddressList => {
            with_address_list = opts.clone().generic(address_list());
            (System::Generic, &with_address_list)
        }
        // An API dump with nothing in it (SendGrid `[]`, a Mailgun last page `{"items": []}`)
        // names no system, and has no row to lose: an empty export, not an unknown format.
        (None, None)
            if table.is_empty_json()
                && (table.json_key.is_some() || text.trim_start().starts_with('[')) =>
        {
            return Ok(ImportCounts {
                system: System::Generic,
                rejects: Vec::new(),
                rows_read: 0,
                rows_used: 0,
            })
        }
        (None, None) => {
            let system = sniff(&table, file_name).ok_or_else(|| ImportError::UnknownFormat {
                file: file_name.into(),
                header: table.header.clone(),
            })?;
            (system, opts)
        }
    };
    let mut cx = Ctx {
        opts,
        system,
        file: file_name.into(),
        name: base_name(file_name),
        sink,
        rejects: Vec::new(),
        rows_read: 0,
        rows_used: 0,
    };
    match system {
        System::Mailchimp => mailchimp::import(&table, &mut cx)?,
        System::Mandrill => mandrill::import(&table, &mut cx)?,
        System::Sendgrid => sendgrid::import(&table, &mut cx)?,
        System::Mailgun => mailgun::import(&table, &mut cx)?,
        System::Ses => ses::import(&table, &mut cx)?,
        System::Postmark => postmark::import(&table, &mut cx)?,
        System::Brevo => brevo::import(&table, &mut cx)?,
        System::Sfmc => sfmc::import(&table, &mut cx)?,
        System::Hubspot => hubspot::import(&table, &mut cx)?,
        System::Klaviyo => klaviyo::import(&table, &mut cx)?,
        System::Generic => generic::import(&table, &mut cx)?,
    }
    cx.rejects.sort_by_key(|r| r.line);
    Ok(ImportCounts {
        system,
        rejects: cx.rejects,
        rows_read: cx.rows_read,
        rows_used: cx.rows_used,
    })
}

/// Reads and imports one file.
pub fn import_path(path: &Path, opts: &ImportOptions) -> Result<Imported, ImportError> {
    let data = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.display().to_string(),
        source,
    })?;
    import_bytes(&path.display().to_string(), &data, opts)
}

/// Why one row was rejected.
#[derive(Debug, Clone)]
pub(crate) struct RowError {
    code: String,
    message: String,
}

impl RowError {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        RowError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// A source value we have no mapping for (`reason`, `SuppressionReason` …).
    pub(crate) fn unknown_reason(column: &str, value: &str) -> Self {
        RowError::new("unknown_reason", format!("unknown {column} {value:?}"))
    }
}

type RowResult = Result<Vec<SuppressionRecord>, RowError>;

/// The state of one import: options, counters, output.
pub(crate) struct Ctx<'a> {
    opts: &'a ImportOptions,
    system: System,
    file: String,
    /// The lower-cased base file name, for hints.
    name: String,
    sink: &'a mut dyn FnMut(SuppressionRecord),
    rejects: Vec<Reject>,
    rows_read: u64,
    rows_used: u64,
}

impl Ctx<'_> {
    /// Runs `f` on every row: its records go to the sink, its error becomes a reject.
    fn each_row(&mut self, table: &Table, mut f: impl FnMut(&Self, &Row) -> RowResult) {
        let unreadable = table.for_each_row(|row| {
            self.rows_read += 1;
            match f(self, row) {
                Ok(records) => {
                    self.rows_used += 1;
                    records.into_iter().for_each(&mut *self.sink);
                }
                Err(e) => self.reject(row.line, row.raw, e),
            }
        });
        for (line, message, raw) in unreadable {
            self.rows_read += 1;
            self.reject(line, &raw, RowError::new("unreadable_row", message));
        }
    }

    fn reject(&mut self, line: u64, raw: &str, e: RowError) {
        self.rejects.push(Reject {
            file: self.file.clone(),
            line,
            code: e.code,
            message: e.message,
            raw: raw.to_string(),
        });
    }

    /// The address in the first non-empty of `keys`, with its canonical key.
    fn address(&self, row: &Row, keys: &[&str]) -> Result<(String, String), RowError> {
        let raw = row
            .get(keys)
            .ok_or_else(|| RowError::new("missing_address", format!("no {} value", keys[0])))?;
        self.canonical(&raw)
    }

    /// The canonical key of an address; its parse error code rejects the row.
    fn canonical(&self, raw: &str) -> Result<(String, String), RowError> {
        match self.opts.checker.canonical(raw) {
            Ok(canonical) => Ok((canonical, raw.to_string())),
            Err(e) => Err(RowError::new(
                e.code(),
                format!("invalid address {raw:?}: {e}"),
            )),
        }
    }

    /// The time in the first non-empty of `keys`; empty is `None`, unreadable is `bad_date`.
    fn time(
        &self,
        row: &Row,
        keys: &[&str],
        format: &TimeFormat,
    ) -> Result<Option<Stamp>, RowError> {
        match row.get(keys) {
            None => Ok(None),
            Some(raw) => format
                .parse(&raw)
                .map(Some)
                .map_err(|e| RowError::new("bad_date", format!("{}: {e}", keys[0]))),
        }
    }

    /// A record of this row with the reason's default scope ([`default_scope`]).
    fn record(
        &self,
        row: &Row,
        (canonical, address): &(String, String),
        reason: Reason,
    ) -> SuppressionRecord {
        let mut r = SuppressionRecord::new(
            canonical,
            address,
            reason,
            default_scope(reason),
            self.system.code(),
        );
        r.source_stream = self.opts.stream.clone();
        r.source_account = self.opts.account.clone();
        r.provenance = Provenance {
            file: self.file.clone(),
            line: row.line,
        };
        r
    }

    /// The scope of list-level unsubscribes and opt-ins: `list:<list_id>` when the options name
    /// the list, else `marketing`.
    fn list_scope(&self) -> Scope {
        self.opts
            .list_id
            .as_ref()
            .map_or(Scope::Marketing, |id| Scope::List(id.clone()))
    }
}

/// The scope a reason covers unless the source says narrower (research §5 "Scope"): address
/// facts (bounces, invalid, erasure, manual blocks) cover all mail; complaints and
/// unsubscribes cover marketing (transactional mail is exempt from opt-outs under CAN-SPAM
/// and the SFMC send-classification matrix; a complaint's originating stream is the merge
/// policy's concern).
fn default_scope(reason: Reason) -> Scope {
    match reason {
        Reason::Complaint | Reason::Unsubscribe | Reason::OptIn | Reason::Sunset => {
            Scope::Marketing
        }
        _ => Scope::All,
    }
}

/// Sets a record's time fields.
fn set_time(record: &mut SuppressionRecord, stamp: Option<Stamp>) {
    if let Some(s) = stamp {
        record.event_time = Some(s.utc);
        record.event_time_raw = Some(s.raw);
        record.source_zone = Some(s.zone);
    }
}

/// How much a source's bounce verdict is trusted against the classifier.
#[derive(Debug, Clone, Copy)]
enum Verdict {
    /// The source's reason stands (SendGrid blocks, SFMC `BounceCategory`, Mandrill
    /// `soft-bounce`); the classifier adds a sub-reason only when it agrees.
    Source(Reason),
    /// The classifier decides (a SendGrid "bounce" with `5.2.2` is a soft-bounce
    /// observation, research §2); the source's reason stands only when no rule matches.
    Classify(Reason),
}

/// Fills a bounce record's reason, sub-reason, scope and SMTP fields from the source's codes
/// and text.
fn apply_bounce(
    record: &mut SuppressionRecord,
    verdict: Verdict,
    smtp_reply: Option<&str>,
    enhanced_status: Option<&str>,
    diagnostic: Option<String>,
) {
    // A reply may be written "550" or "550 5.1.1"; only a leading 3-digit number counts.
    let reply = smtp_reply
        .and_then(|r| r.get(..3))
        .and_then(|r| r.parse().ok());
    let b = bounce::classify(reply, enhanced_status, diagnostic.as_deref());
    let class_reason = match b.class {
        BounceClass::Hard => Some(Reason::HardBounce),
        BounceClass::Soft => Some(Reason::SoftBounce),
        BounceClass::Block => Some(Reason::Block),
        BounceClass::Unknown => None,
    };
    let (reason, sub_reason) = match verdict {
        Verdict::Source(r) => (r, b.sub_reason.filter(|_| class_reason == Some(r))),
        Verdict::Classify(r) => match class_reason {
            Some(c) => (c, b.sub_reason),
            None => (r, None),
        },
    };
    record.reason = reason;
    record.scope = default_scope(reason);
    record.sub_reason = sub_reason;
    record.smtp_reply = b.smtp_reply;
    record.enhanced_status = b.enhanced_status;
    record.diagnostic = diagnostic;
}
