//! `SuppressionList` and its value types: conversion only; the merge rules live in the core's
//! `suppression` module.
//!
//! Reasons, scopes, systems and mail kinds cross the boundary as their stable strings
//! (`"complaint"`, `"group:7"`, `"ses"`, `"marketing"`); times as Unix seconds UTC (a `Date` is
//! accepted wherever a time goes in).
use std::collections::HashMap;
use std::path::Path;
use std::ptr;

use mailhygiene::suppression::import::GenericColumns;
use mailhygiene::suppression::{
    self as core, import_bytes, ImportOptions, KeyHash, MailKind, MasterRow, Policy, Reason,
    Reject, Restriction, Scope, StreamInfo, StreamKind, System,
};
use mailhygiene::text::Encoding;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use crate::checker::Checker;
use crate::convert::{
    describe, flag, option_keys, throw, type_error, Flag, Instance, Known, NewInstance, RawValue,
    Text,
};

/// The core's error for a file, policy or name that cannot be used at all: an `Error` whose
/// `code` is the core's stable code (`unknown_format`, `bad_format`, `io`, `invalid_policy`, …).
fn error(env: Env, code: &str, message: String) -> Error {
    throw(env.raw(), code, &message, false)
}

fn system(env: Env, name: Option<&Text>) -> Result<Option<System>> {
    name.map(|s| s.0.parse::<System>())
        .transpose()
        .map_err(|e| error(env, e.code(), e.to_string()))
}

/// The encoding a label names (`"windows-1252"`, …); throws `unknown_encoding` otherwise.
fn encoding(env: Env, label: Option<&Text>) -> Result<Option<Encoding>> {
    label
        .map(|l| l.0.parse::<Encoding>())
        .transpose()
        .map_err(|e| error(env, e.code(), e.to_string()))
}

fn parse<T: std::str::FromStr>(env: Env, what: &str, s: &str) -> Result<T> {
    s.parse().map_err(|_| {
        error(
            env,
            &format!("unknown_{what}"),
            format!("unknown {what} {s:?}"),
        )
    })
}

/// A time: Unix seconds (a number) or a `Date`.
pub struct Time(pub i64);

impl FromNapiValue for Time {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut t = 0;
        sys::napi_typeof(env, value, &mut t);
        if t == sys::ValueType::napi_number {
            let mut f = 0.0;
            check_status!(sys::napi_get_value_double(env, value, &mut f))?;
            if f.is_finite() {
                return Ok(Time(f.floor() as i64));
            }
        }
        let mut is_date = false;
        sys::napi_is_date(env, value, &mut is_date);
        if is_date {
            let mut ms = 0.0;
            check_status!(sys::napi_get_date_value(env, value, &mut ms))?;
            if ms.is_finite() {
                return Ok(Time((ms / 1000.0).floor() as i64));
            }
        }
        let got = describe(env, value);
        Err(type_error(
            env,
            &format!("expected Unix seconds (a finite number) or a valid Date, got {got}"),
        ))
    }
}

impl TypeName for Time {
    fn type_name() -> &'static str {
        "number | Date"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Time {}

/// Bytes: a string (as UTF-8) or a `Buffer` / `Uint8Array`.
pub struct Bytes(pub Vec<u8>);

impl FromNapiValue for Bytes {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut t = 0;
        sys::napi_typeof(env, value, &mut t);
        if t == sys::ValueType::napi_string {
            return Ok(Bytes(Text::from_napi_value(env, value)?.0.into_bytes()));
        }
        let mut is_typed = false;
        sys::napi_is_typedarray(env, value, &mut is_typed);
        if is_typed {
            let mut kind = 0;
            let mut len = 0;
            let mut data = ptr::null_mut();
            let mut buffer = ptr::null_mut();
            let mut offset = 0;
            check_status!(sys::napi_get_typedarray_info(
                env,
                value,
                &mut kind,
                &mut len,
                &mut data,
                &mut buffer,
                &mut offset
            ))?;
            if kind == sys::TypedarrayType::uint8_array {
                let bytes = if len == 0 {
                    Vec::new()
                } else {
                    std::slice::from_raw_parts(data.cast::<u8>(), len).to_vec()
                };
                return Ok(Bytes(bytes));
            }
        }
        let got = describe(env, value);
        Err(type_error(
            env,
            &format!("expected a string or a Buffer, got {got}"),
        ))
    }
}

impl TypeName for Bytes {
    fn type_name() -> &'static str {
        "string | Buffer"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Bytes {}

/// Options of `new SuppressionList()`.
#[napi(object, object_to_js = false)]
pub struct SuppressionListOptions {
    /// The merge policy as TOML (see the core's `Policy`); the default policy otherwise.
    #[napi(ts_type = "string")]
    pub policy: Option<Text>,
    /// The checker that computes canonical keys (its provider rules decide which spellings match).
    #[napi(ts_type = "Checker")]
    pub checker: Option<Instance<Checker>>,
    /// "The present" the list answers for: Unix seconds or a `Date` (default: now).
    #[napi(ts_type = "number | Date")]
    pub now: Option<Time>,
    /// The secret of HMAC-SHA-256 hashed lists (a string or bytes); without it only plain
    /// SHA-256 hashed keys match.
    #[napi(ts_type = "string | Uint8Array")]
    pub hash_key: Option<Bytes>,
}

option_keys!(
    SuppressionListOptions,
    "options",
    ["policy", "checker", "now", "hashKey"]
);

/// Options of `SuppressionList#load`.
#[napi(object, object_to_js = false)]
pub struct LoadOptions {
    /// The mail system (`"ses"`, `"sendgrid"`, `"mailchimp"`, …); detected per file when absent.
    #[napi(ts_type = "string")]
    pub system: Option<Text>,
    /// The company's stream the export belongs to (`"newsletter"`, `"crm"`, …).
    #[napi(ts_type = "string")]
    pub stream: Option<Text>,
    /// The list or audience the files belong to when they do not say (a Mailchimp audience id,
    /// a SendGrid group): it scopes their unsubscribes.
    #[napi(ts_type = "string")]
    pub list_id: Option<Text>,
    /// The account inside the system when the files do not say (Postmark stream, SES region, …).
    #[napi(ts_type = "string")]
    pub account: Option<Text>,
    /// The columns of a CRM's own CSV (system `"generic"`, implied by giving them).
    #[napi(ts_type = "GenericColumnsInit")]
    pub columns: Option<Known<GenericColumnsInit>>,
    /// The encoding of files that are not UTF-8 (`"windows-1252"`, as Excel on Windows saves
    /// CSV; `"iso-8859-15"`, …). Files that are UTF-8, or start with a byte order mark, are read
    /// as such whatever it says; without it a file that is not UTF-8 throws `not_utf8`, naming
    /// its line and likely encoding. An unknown label throws `unknown_encoding`.
    #[napi(ts_type = "string")]
    pub encoding: Option<Text>,
}

option_keys!(
    LoadOptions,
    "options",
    ["system", "stream", "listId", "account", "columns", "encoding"]
);

/// The columns of a generic CSV export (a CRM's do-not-contact list), by header.
#[napi(object, object_to_js = false)]
pub struct GenericColumnsInit {
    /// The header of the address column (case-insensitive).
    #[napi(ts_type = "string")]
    pub email: Text,
    /// The header of the reason column (reason codes or common words: `bounce`, `spam`, …).
    #[napi(ts_type = "string")]
    pub reason: Option<Text>,
    /// The header of the date column.
    #[napi(ts_type = "string")]
    pub date: Option<Text>,
    /// A strftime layout of the date column (e.g. `%d/%m/%Y %H:%M`).
    #[napi(ts_type = "string")]
    pub date_format: Option<Text>,
    /// The zone of dates written without one (`UTC`, `-05:00`, `Europe/Paris`).
    #[napi(ts_type = "string")]
    pub date_zone: Option<Text>,
    /// The reason of rows without one (e.g. `manual`).
    #[napi(ts_type = "string")]
    pub default_reason: Option<Text>,
    /// The scope of every record (default: the reason's own).
    #[napi(ts_type = "string")]
    pub scope: Option<Text>,
}

option_keys!(
    GenericColumnsInit,
    "options.columns",
    [
        "email",
        "reason",
        "date",
        "dateFormat",
        "dateZone",
        "defaultReason",
        "scope"
    ]
);

/// The core's import options from a binding call's.
fn import_options(
    env: Env,
    stream: Option<&Text>,
    sys: Option<&Text>,
    list_id: Option<&Text>,
    account: Option<&Text>,
    columns: Option<&GenericColumnsInit>,
    label: Option<&Text>,
) -> Result<ImportOptions> {
    let mut opts = ImportOptions::new(stream.map_or("", |s| &s.0));
    opts.encoding = encoding(env, label)?;
    if let Some(s) = system(env, sys)? {
        opts = opts.system(s);
    }
    if let Some(id) = list_id {
        opts = opts.list_id(&id.0);
    }
    if let Some(a) = account {
        opts = opts.account(&a.0);
    }
    if let Some(c) = columns {
        let text = |t: &Option<Text>| t.as_ref().map(|t| t.0.clone());
        opts = opts.generic(GenericColumns {
            email: c.email.0.clone(),
            reason: text(&c.reason),
            date: text(&c.date),
            date_format: text(&c.date_format),
            date_zone: text(&c.date_zone),
            default_reason: c
                .default_reason
                .as_ref()
                .map(|r| parse::<Reason>(env, "reason", &r.0))
                .transpose()?,
            scope: c
                .scope
                .as_ref()
                .map(|s| parse::<Scope>(env, "scope", &s.0))
                .transpose()?,
        });
    }
    Ok(opts)
}

/// Options of `SuppressionList#loadContent`.
#[napi(object, object_to_js = false)]
pub struct LoadContentOptions {
    /// The file name the content came from: detection and SendGrid list names use it, rejects
    /// name it (default `"content"`).
    #[napi(ts_type = "string")]
    pub file_name: Option<Text>,
    /// The mail system; detected from the content when absent.
    #[napi(ts_type = "string")]
    pub system: Option<Text>,
    /// The company's stream the export belongs to.
    #[napi(ts_type = "string")]
    pub stream: Option<Text>,
    /// The list or audience the file belongs to when the file does not say.
    #[napi(ts_type = "string")]
    pub list_id: Option<Text>,
    /// The account inside the system when the file does not say (Mailgun domain, SES region, …).
    #[napi(ts_type = "string")]
    pub account: Option<Text>,
    /// The columns of a CRM's own CSV (system `"generic"`, implied by giving them).
    #[napi(ts_type = "GenericColumnsInit")]
    pub columns: Option<Known<GenericColumnsInit>>,
    /// The encoding of content given as bytes that are not UTF-8 (`"windows-1252"`, …), as
    /// for `load`. A string is already text: its content is UTF-8 and this never applies to
    /// it. An unknown label throws `unknown_encoding`.
    #[napi(ts_type = "string")]
    pub encoding: Option<Text>,
}

option_keys!(
    LoadContentOptions,
    "options",
    ["fileName", "system", "stream", "listId", "account", "columns", "encoding"]
);

/// One fact to add: `list.add({ address, reason, system, ... })`.
#[napi(object, object_to_js = false)]
pub struct SuppressionRecordInit {
    /// The address as the source wrote it.
    #[napi(ts_type = "string")]
    pub address: Text,
    /// What happened: `"hard_bounce"`, `"complaint"`, `"unsubscribe"`, … (see `suppressionReasons()`).
    #[napi(ts_type = "string")]
    pub reason: Text,
    /// The mail system that reported it (`"ses"`, `"crm"`, …).
    #[napi(ts_type = "string")]
    pub system: Text,
    /// Which mail it covers: `"all"` (default), `"marketing"`, `"transactional"`,
    /// `"list:<id>"`, `"group:<id>"`, `"topic:<id>"`, `"stream:<id>"`.
    #[napi(ts_type = "string")]
    pub scope: Option<Text>,
    /// The company's stream (`"newsletter"`, …).
    #[napi(ts_type = "string")]
    pub stream: Option<Text>,
    /// The canonical key when already known; computed from the address otherwise.
    #[napi(ts_type = "string")]
    pub canonical: Option<Text>,
    /// When it happened: Unix seconds or a `Date`.
    #[napi(ts_type = "number | Date")]
    pub event_time: Option<Time>,
    /// Finer detail (`user_unknown`, `mailbox_full`, …).
    #[napi(ts_type = "string")]
    pub sub_reason: Option<Text>,
    /// The account inside the system.
    #[napi(ts_type = "string")]
    pub source_account: Option<Text>,
    /// The source's own reason text.
    #[napi(ts_type = "string")]
    pub source_reason: Option<Text>,
    /// RFC 3463 enhanced status (`5.1.1`).
    #[napi(ts_type = "string")]
    pub enhanced_status: Option<Text>,
    /// Diagnostic text from the receiving server.
    #[napi(ts_type = "string")]
    pub diagnostic: Option<Text>,
}

option_keys!(
    SuppressionRecordInit,
    "record",
    [
        "address",
        "reason",
        "system",
        "scope",
        "stream",
        "canonical",
        "eventTime",
        "subReason",
        "sourceAccount",
        "sourceReason",
        "enhancedStatus",
        "diagnostic"
    ]
);

/// Options of `SuppressionList#setStream`.
#[napi(object, object_to_js = false)]
pub struct StreamOptions {
    /// The stream sends transactional mail (default: marketing).
    #[napi(ts_type = "boolean")]
    pub transactional: Option<Flag>,
    /// The mail system of its export (decides the format of what it is missing).
    #[napi(ts_type = "string")]
    pub system: Option<Text>,
}

option_keys!(StreamOptions, "options", ["transactional", "system"]);

/// Options of `SuppressionList#blocks`.
#[napi(object, object_to_js = false)]
pub struct BlocksOptions {
    /// `"marketing"` (default), `"transactional"` or `"critical"` (password resets, receipts).
    #[napi(ts_type = "string")]
    pub kind: Option<Text>,
    /// The list, group, topic or stream the message goes to (`"group:7"`, `"stream:news"`).
    #[napi(ts_type = "string")]
    pub scope: Option<Text>,
    /// The time to answer for: Unix seconds or a `Date` (default: the list's present).
    #[napi(ts_type = "number | Date")]
    pub at: Option<Time>,
}

option_keys!(BlocksOptions, "options", ["kind", "scope", "at"]);

/// Options of `SuppressionList#toHashedCsv`.
#[napi(object, object_to_js = false)]
pub struct HashedOptions {
    /// HMAC-SHA-256 with this secret instead of plain SHA-256.
    #[napi(ts_type = "string | Uint8Array")]
    pub hmac_key: Option<Bytes>,
}

option_keys!(HashedOptions, "options", ["hmacKey"]);

/// One active restriction of an address.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct RestrictionResult {
    /// Why (`"complaint"`, `"hard_bounce"`, …).
    pub reason: &'static str,
    /// The mail it covers (`"all"`, `"marketing"`, `"group:7"`, …).
    pub scope: String,
    /// Whether critical transactional mail is still allowed (complaints, by default).
    pub spares_critical: bool,
    /// The latest event time, Unix seconds; `null` when undated.
    pub since: Option<i64>,
    /// When it lapses, Unix seconds; `null`: never by time.
    pub expires: Option<i64>,
    /// The sources that reported it: `system:stream`, sorted.
    pub sources: Vec<String>,
}

impl From<Restriction> for RestrictionResult {
    fn from(r: Restriction) -> Self {
        RestrictionResult {
            reason: r.reason.code(),
            scope: r.scope.to_string(),
            spares_critical: r.spares_critical,
            since: r.since,
            expires: r.expires,
            sources: r.sources,
        }
    }
}

/// Whether a message of each kind, outside any particular list, must not be sent.
#[napi(object, object_from_js = false)]
pub struct Blocks {
    /// Bulk mail.
    pub marketing: bool,
    /// Transactional mail.
    pub transactional: bool,
    /// Critical transactional mail (password resets, receipts).
    pub critical: bool,
}

/// The status of one address at one time.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct StatusResult {
    /// The input as given.
    pub input: String,
    /// Its canonical key; `null` when the input is not a valid address and not a key in the list.
    pub canonical: Option<String>,
    /// Whether any restriction is active (for some mail; see `blocks`).
    pub suppressed: bool,
    /// The deciding (most restrictive) restriction's reason.
    pub reason: Option<&'static str>,
    /// Its scope.
    pub scope: Option<String>,
    /// Its time, Unix seconds.
    pub since: Option<i64>,
    /// Its expiry, Unix seconds.
    pub expires: Option<i64>,
    /// Its sources.
    pub sources: Vec<String>,
    /// Every active restriction, most restrictive first.
    pub restrictions: Vec<RestrictionResult>,
    /// What each kind of mail may do.
    pub blocks: Blocks,
    /// A one-line human explanation.
    pub why: String,
}

impl From<core::Status> for StatusResult {
    fn from(s: core::Status) -> Self {
        let blocks = Blocks {
            marketing: s.blocks(MailKind::Marketing),
            transactional: s.blocks(MailKind::Transactional),
            critical: s.blocks(MailKind::Critical),
        };
        StatusResult {
            input: s.input,
            canonical: s.canonical,
            suppressed: s.suppressed,
            reason: s.reason.map(Reason::code),
            scope: s.scope.map(|x| x.to_string()),
            since: s.since,
            expires: s.expires,
            sources: s.sources,
            restrictions: s.restrictions.into_iter().map(Into::into).collect(),
            blocks,
            why: s.why,
        }
    }
}

/// One row of the master list.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct MasterRowResult {
    /// The canonical key.
    pub canonical: String,
    /// The smallest spelling of the address seen.
    pub address: String,
    /// The restriction.
    pub reason: &'static str,
    /// The effective scope.
    pub scope: String,
    /// Whether critical transactional mail is spared.
    pub spares_critical: bool,
    /// Latest event time, Unix seconds; `null` when undated.
    pub since: Option<i64>,
    /// Expiry, Unix seconds; `null`: never by time.
    pub expires: Option<i64>,
    /// `system:stream` labels.
    pub sources: Vec<String>,
}

impl From<MasterRow> for MasterRowResult {
    fn from(r: MasterRow) -> Self {
        MasterRowResult {
            canonical: r.canonical,
            address: r.address,
            reason: r.reason.code(),
            scope: r.scope.to_string(),
            spares_critical: r.spares_critical,
            since: r.since,
            expires: r.expires,
            sources: r.sources,
        }
    }
}

/// A source row that could not be turned into a record. Never dropped silently.
#[napi(object, object_from_js = false)]
pub struct RejectResult {
    /// The file.
    pub file: String,
    /// The 1-based line.
    pub line: i64,
    /// A stable snake_case code (`invalid_address`, `unreadable_row`, `bad_date`, an address error code …).
    pub code: String,
    /// A human explanation.
    pub message: String,
    /// The raw row text.
    pub raw: String,
}

impl From<Reject> for RejectResult {
    fn from(r: Reject) -> Self {
        RejectResult {
            file: r.file,
            line: r.line as i64,
            code: r.code,
            message: r.message,
            raw: r.raw,
        }
    }
}

/// One file read by `load`.
#[napi(object, object_from_js = false)]
pub struct FileSummaryResult {
    /// The path.
    pub file: String,
    /// The stream it was loaded for.
    pub stream: String,
    /// The format: a system code (`ses`, …), `master`, `hashed` or `engagement`.
    pub format: String,
    /// Data rows read (header excluded): `rowsUsed + rowsRejected`.
    pub rows_read: i64,
    /// Rows that yielded records.
    pub rows_used: i64,
    /// Rows rejected (listed in the summary's `rejects`).
    pub rows_rejected: i64,
    /// Records added, per reason code.
    pub records: HashMap<String, i64>,
}

/// What `load` read: one entry per file, and every rejected row.
#[napi(object, object_from_js = false)]
pub struct ImportSummaryResult {
    /// One entry per file, sorted by path.
    pub files: Vec<FileSummaryResult>,
    /// Every rejected row, sorted by file and line.
    pub rejects: Vec<RejectResult>,
}

impl From<core::ImportSummary> for ImportSummaryResult {
    fn from(s: core::ImportSummary) -> Self {
        ImportSummaryResult {
            files: s
                .files
                .into_iter()
                .map(|f| FileSummaryResult {
                    file: f.file,
                    stream: f.stream,
                    format: f.format,
                    rows_read: f.rows_read as i64,
                    rows_used: f.rows_used as i64,
                    rows_rejected: f.rows_rejected as i64,
                    records: f.records.into_iter().map(|(k, v)| (k, v as i64)).collect(),
                })
                .collect(),
            rejects: s.rejects.into_iter().map(Into::into).collect(),
        }
    }
}

/// What `loadContent` read.
#[napi(object, object_from_js = false)]
pub struct ImportedResult {
    /// The system the content was read as.
    pub system: &'static str,
    /// The file name, as given.
    pub file: String,
    /// Records added.
    pub records: i64,
    /// Data rows read (header excluded).
    pub rows_read: i64,
    /// Rows that were used.
    pub rows_used: i64,
    /// The rows that could not be used, in file order.
    pub rejects: Vec<RejectResult>,
}

/// Every suppression record from every source (ESP exports, your own records, other lists),
/// merged by explicit rules; answers "may I mail this address?" and writes the master list.
///
/// Addresses match by canonical key, so `Jane.Doe+x@googlemail.com` matches a complaint
/// recorded for `janedoe@gmail.com`; hashed lists (`sha256:` / `hmac-sha256:` keys) match too.
#[napi]
pub struct SuppressionList {
    inner: core::SuppressionList,
}

/// The object `new SuppressionList()` made (an alias: napi-rs reads `This<…>`'s argument by its
/// name).
type NewSuppressionList = NewInstance<SuppressionList>;

#[napi]
impl SuppressionList {
    /// An empty list. Throws an `Error` with code `invalid_policy` (or the policy's own code)
    /// for a policy that cannot be used.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        _this: This<NewSuppressionList>,
        #[napi(ts_arg_type = "SuppressionListOptions | undefined | null")] options: Option<
            RawValue,
        >,
    ) -> Result<Self> {
        let Some(Known(o)) = Known::<SuppressionListOptions>::from_arg(&env, options)? else {
            return Ok(SuppressionList {
                inner: core::SuppressionList::default(),
            });
        };
        let policy = match &o.policy {
            Some(text) => {
                Policy::from_toml(&text.0).map_err(|e| error(env, e.code(), e.to_string()))?
            }
            None => Policy::default(),
        };
        let mut inner = core::SuppressionList::new(policy);
        if let Some(c) = &o.checker {
            // SAFETY: a `Checker` is never borrowed mutably (it has no `&mut self` method).
            inner = inner.with_checker(unsafe { c.get() }.core().clone());
        }
        if let Some(t) = o.now {
            inner.set_now(t.0);
        }
        if let Some(k) = &o.hash_key {
            inner.set_hash_key(Some(&k.0));
        }
        Ok(SuppressionList { inner })
    }

    /// Load a file, or a folder of files, for a stream: raw exports of a mail system, a master
    /// list written by `toCsv`, a hashed list written by `toHashedCsv`, an engagement file, or
    /// a bare address list, one per line and no header (read as `manual` blocks on all mail).
    /// Bad rows do not stop the load: they are the summary's `rejects`. A file that cannot be
    /// used at all throws an `Error` with the core's `code`.
    #[napi(catch_unwind)]
    pub fn load(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "string")] path: Text,
        #[napi(ts_arg_type = "LoadOptions | undefined | null")] options: Option<Known<LoadOptions>>,
    ) -> Result<ImportSummaryResult> {
        let opts = match &options {
            Some(o) => import_options(
                env,
                o.stream.as_ref(),
                o.system.as_ref(),
                o.list_id.as_ref(),
                o.account.as_ref(),
                o.columns.as_deref(),
                o.encoding.as_ref(),
            )?,
            None => ImportOptions::new(""),
        };
        self.inner
            .load_path_with(Path::new(&path.0), &opts)
            .map(Into::into)
            .map_err(|e| error(env, e.code(), e.to_string()))
    }

    /// Load one export given as content (a string, or bytes: a `Buffer` or `Uint8Array`)
    /// rather than a path: the mail system is named or detected; without a system, what
    /// `toCsv` / `toHashedCsv` wrote is read back too. Bad rows are `rejects`; content that
    /// cannot be used at all throws an `Error` with the core's `code` (`unknown_format`, …).
    #[napi(catch_unwind)]
    pub fn load_content(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "string | Uint8Array")] content: Bytes,
        #[napi(ts_arg_type = "LoadContentOptions | undefined | null")] options: Option<
            Known<LoadContentOptions>,
        >,
    ) -> Result<ImportedResult> {
        let o = match options {
            Some(Known(o)) => o,
            None => LoadContentOptions {
                file_name: None,
                system: None,
                stream: None,
                list_id: None,
                account: None,
                columns: None,
                encoding: None,
            },
        };
        let opts = import_options(
            env,
            o.stream.as_ref(),
            o.system.as_ref(),
            o.list_id.as_ref(),
            o.account.as_ref(),
            o.columns.as_deref(),
            o.encoding.as_ref(),
        )?
        .checker(self.inner.checker().clone());
        let file = o.file_name.as_ref().map_or("content", |f| &f.0);
        if o.system.is_none()
            && mailhygiene::suppression::SuppressionList::is_master_list(&content.0)
        {
            // What `toCsv` / `toHashedCsv` wrote: read back like a file of them.
            let stream = o.stream.as_ref().map_or("", |s| &s.0);
            let summary = self
                .inner
                .load_master_bytes(file, &content.0, stream)
                .map_err(|e| error(env, e.code(), e.to_string()))?;
            let f = summary.files.into_iter().next();
            return Ok(ImportedResult {
                system: "mailhygiene",
                file: file.to_owned(),
                records: f
                    .as_ref()
                    .map_or(0, |f| f.records.values().sum::<u64>() as i64),
                rows_read: f.as_ref().map_or(0, |f| f.rows_read as i64),
                rows_used: f.as_ref().map_or(0, |f| f.rows_used as i64),
                rejects: summary.rejects.into_iter().map(Into::into).collect(),
            });
        }
        let imported = import_bytes(file, &content.0, &opts)
            .map_err(|e| error(env, e.code(), e.to_string()))?;
        let records = imported.records.len() as i64;
        self.inner.extend(imported.records);
        Ok(ImportedResult {
            system: imported.system.code(),
            file: imported.file,
            records,
            rows_read: imported.rows_read as i64,
            rows_used: imported.rows_used as i64,
            rejects: imported.rejects.into_iter().map(Into::into).collect(),
        })
    }

    /// Add one record. Its address must be valid (else an `Error` with the core's `code`) and
    /// is stored normalized (`Bob <Bob@Example.com>` → `Bob@example.com`); a record with its
    /// `canonical` key given (a hashed key) is added as it is. Throws an `Error`
    /// (`unknown_reason`, `unknown_scope`) for a reason or scope that is not a stable code.
    #[napi(catch_unwind)]
    pub fn add(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "SuppressionRecordInit")] record: Known<SuppressionRecordInit>,
    ) -> Result<()> {
        let Known(record) = record;
        let scope = match &record.scope {
            Some(s) => parse::<Scope>(env, "scope", &s.0)?,
            None => Scope::All,
        };
        let mut r = core::SuppressionRecord::new(
            record.canonical.as_ref().map_or("", |c| &c.0),
            &record.address.0,
            parse::<Reason>(env, "reason", &record.reason.0)?,
            scope,
            &record.system.0,
        );
        let text = |t: Option<Text>| t.map(|t| t.0);
        r.source_stream = text(record.stream).unwrap_or_default();
        r.event_time = record.event_time.map(|t| t.0);
        r.sub_reason = text(record.sub_reason);
        r.source_account = text(record.source_account);
        r.source_reason = text(record.source_reason);
        r.enhanced_status = text(record.enhanced_status);
        r.diagnostic = text(record.diagnostic);
        self.inner
            .add_checked(r)
            .map_err(|e| crate::convert::parse_error(env, &e))
    }

    /// Merge every record of `other` into this list (set union). This list's policy, present
    /// and stream declarations win.
    #[napi(catch_unwind)]
    pub fn merge(
        &mut self,
        #[napi(ts_arg_type = "SuppressionList")] other: Instance<SuppressionList>,
    ) {
        // Merging is idempotent, so a list merged with itself is unchanged (and `&mut self`
        // cannot be borrowed twice).
        if other.is(self) {
            return;
        }
        // SAFETY: `other` is another object, and nothing else borrows it during this call.
        self.inner.merge(&unsafe { other.get() }.inner);
    }

    /// Declare a stream: transactional or marketing (the default), and the mail system its
    /// export comes from (decides the format of what it is missing).
    #[napi(catch_unwind)]
    pub fn set_stream(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "string")] name: Text,
        #[napi(ts_arg_type = "StreamOptions | undefined | null")] options: Option<
            Known<StreamOptions>,
        >,
    ) -> Result<()> {
        let (transactional, sys) = match &options {
            Some(o) => (flag(&o.transactional), system(env, o.system.as_ref())?),
            None => (false, None),
        };
        let kind = if transactional {
            StreamKind::Transactional
        } else {
            StreamKind::Marketing
        };
        self.inner
            .set_stream(&name.0, StreamInfo { kind, system: sys });
        Ok(())
    }

    /// "The present" the list answers for, Unix seconds.
    #[napi(getter)]
    pub fn now(&self) -> i64 {
        // Unless set, the current time, not the time the list was made.
        self.inner.present()
    }

    /// Set "the present" (Unix seconds or a `Date`), for reproducible runs.
    #[napi(catch_unwind)]
    pub fn set_now(&mut self, #[napi(ts_arg_type = "number | Date")] at: Time) {
        self.inner.set_now(at.0);
    }

    /// The status of an address (or canonical key, or `sha256:<hex>` key) at `at` (Unix seconds
    /// or a `Date`; default: the list's present), with the deciding reason and every
    /// restriction. An invalid address is looked up by its text; it is never an error.
    #[napi(catch_unwind)]
    pub fn status(
        &self,
        #[napi(ts_arg_type = "string")] address: Text,
        #[napi(ts_arg_type = "number | Date")] at: Option<Time>,
    ) -> StatusResult {
        self.inner.status(&address.0, at.map(|t| t.0)).into()
    }

    /// Whether a message must not be sent to this address: of `kind` (default marketing), to
    /// `scope` (a list, group, topic or stream) when given, at `at` (default: the present).
    #[napi(catch_unwind)]
    pub fn blocks(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] address: Text,
        #[napi(ts_arg_type = "BlocksOptions | undefined | null")] options: Option<
            Known<BlocksOptions>,
        >,
    ) -> Result<bool> {
        let (kind, scope, at) = match options {
            Some(Known(o)) => (o.kind, o.scope, o.at),
            None => (None, None, None),
        };
        let kind = match kind.as_ref().map(|k| k.0.as_str()) {
            None | Some("marketing") => MailKind::Marketing,
            Some("transactional") => MailKind::Transactional,
            Some("critical") => MailKind::Critical,
            Some(other) => {
                return Err(error(
                    env,
                    "unknown_mail_kind",
                    format!("unknown mail kind {other:?}: expected 'marketing', 'transactional' or 'critical'"),
                ))
            }
        };
        let status = self.inner.status(&address.0, at.map(|t| t.0));
        Ok(match scope {
            Some(s) => status.blocks_in(kind, &parse::<Scope>(env, "scope", &s.0)?),
            None => status.blocks(kind),
        })
    }

    /// The master rows that `stream` is missing: their scope covers the stream and its own
    /// export held no record with the same reason and a covering scope.
    #[napi(catch_unwind)]
    pub fn missing_for(
        &mut self,
        #[napi(ts_arg_type = "string")] stream: Text,
    ) -> Vec<MasterRowResult> {
        self.inner.follow_clock();
        self.inner
            .missing_for(&stream.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The master list at the present: one row per key and active (reason, scope), sorted.
    #[napi(catch_unwind)]
    pub fn rows(&mut self) -> Vec<MasterRowResult> {
        self.inner.follow_clock();
        self.inner.rows().into_iter().map(Into::into).collect()
    }

    /// The master list as CSV (header `canonical,address,reason,scope,since,expires,sources`),
    /// readable back with `load`.
    #[napi(catch_unwind)]
    pub fn to_csv(&mut self, env: Env) -> Result<String> {
        self.inner.follow_clock();
        let mut out = Vec::new();
        self.inner
            .write_csv(&mut out)
            .map_err(|e| error(env, "io", e.to_string()))?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// The hashed list as CSV: SHA-256 of each canonical key, or HMAC-SHA-256 with `hmacKey`
    /// (share it without sharing addresses; load it back with `load`).
    #[napi(catch_unwind)]
    pub fn to_hashed_csv(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "HashedOptions | undefined | null")] options: Option<
            Known<HashedOptions>,
        >,
    ) -> Result<String> {
        self.inner.follow_clock();
        let hash = match options.and_then(|Known(o)| o.hmac_key) {
            Some(k) => KeyHash::HmacSha256(k.0),
            None => KeyHash::Sha256,
        };
        let mut out = Vec::new();
        self.inner
            .write_hashed(&mut out, &hash)
            .map_err(|e| error(env, "io", e.to_string()))?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// The number of distinct records.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }

    /// The number of distinct canonical keys (plain or hashed).
    #[napi(getter)]
    pub fn key_count(&self) -> u32 {
        self.inner.key_count() as u32
    }
}

/// Every suppression reason code, most restrictive first.
#[napi]
pub fn suppression_reasons() -> Vec<&'static str> {
    Reason::ALL.iter().map(|r| r.code()).collect()
}

/// Every mail system code whose exports `load` reads.
#[napi]
pub fn suppression_systems() -> Vec<&'static str> {
    System::ALL.iter().map(|s| s.code()).collect()
}
