//! Importers: read one export file of one mail system into [`SuppressionRecord`]s.
//!
//! The format is detected from the file's header (CSV) or shape (JSON), with the file name as a
//! secondary hint, or named with [`ImportOptions::system`]. Column meanings and their sources
//! are documented in each system's module; the mapping to reasons and scopes follows
//! `shared/research/suppression-semantics.md` §5 and §7.
//!
//! Every row read is either used (it yields zero or more records) or rejected with its line
//! number and a stable code: [`Imported::rows_read`] `==` [`Imported::rows_used`] `+`
//! `rejects.len()`.
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::suppression::{Reason, Reject, Scope, SuppressionRecord};
use crate::Checker;

/// A mail system whose export format we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
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
    /// Any CSV, with the columns named in [`GenericColumns`].
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
    /// The columns of a generic CSV; also used when no system is detected.
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
    /// The file is not UTF-8.
    #[error("{file}:{line}: not UTF-8")]
    NotUtf8 {
        /// The file.
        file: String,
        /// The 1-based line of the first invalid byte.
        line: u64,
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
            ImportError::NotUtf8 { .. } => "not_utf8",
            ImportError::Json { .. } => "bad_json",
            ImportError::MissingColumn { .. } => "missing_column",
            ImportError::Ambiguous { .. } => "ambiguous_format",
            ImportError::UnknownSystem { .. } => "unknown_system",
            ImportError::BadOption { .. } => "bad_option",
        }
    }
}

/// Detects the system of a file from its header or JSON shape (file name as a secondary hint).
/// `None` when nothing matches.
pub fn detect(file_name: &str, data: &[u8]) -> Option<System> {
    let _ = (file_name, data);
    None
}

/// Imports one file's bytes.
pub fn import_bytes(
    file_name: &str,
    data: &[u8],
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let _ = (data, opts);
    Err(ImportError::UnknownFormat {
        file: file_name.into(),
        header: String::new(),
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
