//! Suppression lookups for `clean`, through the core's merge engine.
//!
//! [`SuppressionSource`] is what `clean` needs from a suppression list: given a row's
//! canonical key, must mail to it not be sent, why, and according to whom. [`MergedList`]
//! answers with the core's [`SuppressionList`]: every file given to `--suppressions` (the
//! master list from `merge`, a hashed list, raw ESP exports, folders of them) is loaded into
//! one list and merged by the same rules as `mailhygiene merge` — a later confirmed opt-in
//! clears an unsubscribe, soft bounces escalate, observations never suppress alone.
//!
//! A plain CSV of addresses that no importer recognises (a CRM "do not contact" export) is
//! read as a generic export: the email column found by its header, a `reason` column when
//! there is one, `manual` otherwise. A bare address list, one per line and no header, is the
//! core importer's (`manual` blocks on all mail).
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use mailhygiene::suppression::{import, MailKind, Reason, Reject, SuppressionList};
use mailhygiene::Checker;

use super::{input, scan};

/// Why a row is suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The deciding reason code (`hard_bounce`, `unsubscribe`, `complaint`, …).
    pub reason: String,
    /// The sources that hold it (`sendgrid:exports`, `mailchimp:welcome`, …).
    pub sources: Vec<String>,
}

/// A suppression list as `clean` sees it.
pub trait SuppressionSource: Sync {
    /// The suppression that applies to a row with this canonical key, if any.
    fn status(&self, canonical: &str) -> Option<Arc<Suppressed>>;
}

/// The merged suppression list, asked about one kind of mail.
pub struct MergedList {
    list: SuppressionList,
    kind: MailKind,
    has_hash_key: bool,
    /// The encoding of files that are not UTF-8 (`--suppressions-encoding`).
    encoding: Option<String>,
    /// Per loaded file: (path and format, records added).
    pub loaded: Vec<(String, u64)>,
    /// Per file with rows that could not be used: what to tell the user.
    pub warnings: Vec<String>,
}

impl SuppressionSource for MergedList {
    fn status(&self, canonical: &str) -> Option<Arc<Suppressed>> {
        // The allocation-free check first: most rows are not suppressed.
        self.list.blocked_key(canonical, self.kind)?;
        let top = self.list.blocking(canonical, self.kind)?;
        Some(Arc::new(Suppressed {
            reason: top.reason.code().to_owned(),
            sources: top.sources,
        }))
    }
}

/// The option that gives the encoding of suppression files, named in messages.
const ENCODING_FLAG: &str = "--suppressions-encoding";

/// The bytes after a UTF-8 byte order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Whether a hashed list holds HMAC-SHA-256 hashes (header `hmac_sha256,…`).
fn is_hmac_list(bytes: &[u8]) -> bool {
    without_bom(bytes).starts_with(b"hmac_sha256,")
}

/// Whether a suppression file must be decoded before it is read: it is not UTF-8 (Excel's CSV
/// on Windows is Windows-1252; its "Unicode text" is UTF-16, whose byte order mark is not
/// UTF-8 either). A master or hashed list is `merge`'s UTF-8 output and is not scanned: it is
/// the million-row list of a big clean.
fn needs_decoding(bytes: &[u8]) -> bool {
    !SuppressionList::is_master_list(bytes) && std::str::from_utf8(without_bom(bytes)).is_err()
}

impl MergedList {
    /// An empty list checked for `kind` mail, with `checker`'s canonical keys; `hash_key` is
    /// the key of HMAC-SHA-256 hashed lists.
    pub fn new(kind: MailKind, checker: &Checker, hash_key: Option<&[u8]>) -> Self {
        let mut list = SuppressionList::default().with_checker(checker.clone());
        list.set_hash_key(hash_key);
        MergedList {
            list,
            kind,
            has_hash_key: hash_key.is_some(),
            encoding: None,
            loaded: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Decode files that are not UTF-8 from `encoding` (`--suppressions-encoding`) rather than
    /// refusing them.
    pub fn with_encoding(mut self, encoding: Option<&str>) -> Self {
        self.encoding = encoding.map(str::to_owned);
        self
    }

    /// Load one file for `stream` (sources show as `system:stream`). Returns `Ok(false)` for a
    /// file that is not a suppression list at all (no known format and no email column): a
    /// caller walking a folder may skip it (a README).
    ///
    /// A file that is not UTF-8 is decoded as the contacts are ([`input::decode`]): from
    /// `--suppressions-encoding`, else refused with its line and a guess of its encoding, never
    /// read with replaced characters (a mangled address would miss its suppression).
    pub fn load(&mut self, path: &Path, stream: &str) -> Result<bool> {
        // A master or hashed list is read from a mapping and parsed on all threads: the usual
        // suppression list of a big clean is a million-row master list.
        let mut mapped = path.is_file().then(|| input::read_file(path)).transpose()?;
        // Decoded text is read as the same list in UTF-8 would be.
        let transcoded = match mapped.take_if(|b| needs_decoding(b)) {
            Some(bytes) => {
                let decoded = input::decode(bytes, self.encoding.as_deref(), ENCODING_FLAG)
                    .with_context(|| path.display().to_string())?;
                mapped = Some(input::Bytes::Owned(decoded.text().to_vec()));
                true
            }
            None => false,
        };
        let name = path.display().to_string();
        let loaded = match &mapped {
            Some(bytes) if SuppressionList::is_master_list(bytes) => {
                if is_hmac_list(bytes) && !self.has_hash_key {
                    bail!(
                        "{}: an HMAC-SHA-256 hashed list matches only with the key it was made \
                         with: give it with --hash-key-file",
                        path.display()
                    );
                }
                self.list.load_master_bytes(&name, bytes, stream)
            }
            Some(bytes) if transcoded => {
                let opts = import::ImportOptions::new(stream).checker(self.list.checker().clone());
                match import::import_bytes(&name, bytes, &opts) {
                    Ok(imported) => {
                        let format = imported.system.code();
                        return self.add_imported(&name, format, imported);
                    }
                    Err(e) if e.code() == "unknown_format" => {
                        return self.load_generic(&name, bytes, stream)
                    }
                    Err(e) => return Err(e).with_context(|| format!("loading {name}")),
                }
            }
            _ => self.list.load_path(path, None, stream),
        };
        match loaded {
            Ok(summary) => {
                for f in &summary.files {
                    let n = f.records.values().sum();
                    self.loaded.push((format!("{} ({})", f.file, f.format), n));
                    let rejects = summary.rejects.iter().filter(|r| r.file == f.file);
                    self.note_rejects(&f.file, n, rejects.collect())?;
                }
                Ok(true)
            }
            Err(e) if e.code() == "unknown_format" => match &mapped {
                Some(bytes) => self.load_generic(&name, without_bom(bytes), stream),
                None => Ok(false),
            },
            Err(e) => Err(e).with_context(|| format!("loading {name}")),
        }
    }

    fn import_generic(
        &self,
        name: &str,
        data: &[u8],
        stream: &str,
        columns: import::GenericColumns,
    ) -> Result<import::Imported> {
        let opts = import::ImportOptions::new(stream)
            .checker(self.list.checker().clone())
            .generic(columns);
        import::import_bytes(name, data, &opts)
            .with_context(|| format!("importing {name} as a generic list"))
    }

    fn add_imported(
        &mut self,
        name: &str,
        format: &str,
        imported: import::Imported,
    ) -> Result<bool> {
        let n = imported.records.len() as u64;
        self.list.extend(imported.records);
        self.loaded.push((format!("{name} ({format})"), n));
        self.note_rejects(name, n, imported.rejects.iter().collect())?;
        Ok(true)
    }

    /// Rows of a suppression file that could not be used are never dropped silently: a file
    /// none of whose rows could be used is an error, others a warning.
    fn note_rejects(&mut self, file: &str, used: u64, rejects: Vec<&Reject>) -> Result<()> {
        let Some(first) = rejects.first() else {
            return Ok(());
        };
        let detail = format!("line {}: {} ({})", first.line, first.message, first.code);
        if used == 0 {
            bail!(
                "{file}: none of its {} rows could be used as suppressions; {detail}",
                rejects.len()
            );
        }
        self.warnings.push(format!(
            "{file}: {} rows could not be used as suppressions, e.g. {detail}",
            rejects.len()
        ));
        Ok(())
    }

    /// Load UTF-8 `data` as a generic export: the email column found by its header.
    fn load_generic(&mut self, name: &str, data: &[u8], stream: &str) -> Result<bool> {
        let head = &data[..data.len().min(64 * 1024)];
        let delimiter = scan::sniff_delimiter(head);
        let Ok(table) = scan::scan(data, delimiter, 1) else {
            return Ok(false);
        };
        let Some(header) = table.records.first() else {
            return Ok(false);
        };
        let headers: Vec<Cow<'_, str>> = (0..header.fields as usize)
            .map(|i| {
                let raw = table.raw_field(data, header, i).unwrap_or_default();
                Cow::Owned(String::from_utf8_lossy(&scan::unescape(raw)).into_owned())
            })
            .collect();
        let Ok(col) = input::find_column(&headers, None) else {
            return Ok(false);
        };
        let reason = headers
            .iter()
            .find(|h| h.trim().eq_ignore_ascii_case("reason"))
            .map(|h| h.trim().to_owned());
        let columns = import::GenericColumns {
            email: headers[col].trim().to_owned(),
            reason,
            default_reason: Some(Reason::Manual),
            ..Default::default()
        };
        let imported = self.import_generic(name, data, stream, columns)?;
        self.add_imported(name, "generic", imported)
    }

    /// Compute the verdicts once, before the rows are checked on all threads.
    pub fn finalize(&self) {
        self.list.finalize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_and_generic_lists_merge() {
        let dir = tempfile::tempdir().unwrap();
        let master = dir.path().join("master.csv");
        let plain = dir.path().join("dnc.csv");
        std::fs::write(
            &master,
            "canonical,address,reason,scope,since,expires,sources\n\
             janedoe@gmail.com,Jane.Doe@gmail.com,unsubscribe,marketing,2024-05-20T07:45:10Z,,mailchimp:welcome\n\
             x@example.com,x@example.com,manual,all,,,crm:crm\n",
        )
        .unwrap();
        std::fs::write(&plain, "Email,Name\nJane.Doe+x@googlemail.com,Jane\n").unwrap();
        let mut list = MergedList::new(MailKind::Marketing, &Checker::default(), None);
        assert!(list.load(&master, "master").unwrap());
        assert!(list.load(&plain, "dnc").unwrap());
        list.finalize();
        // `manual` (the generic list's default) is more restrictive than `unsubscribe`.
        let s = list.status("janedoe@gmail.com").unwrap();
        assert_eq!(s.reason, "manual");
        assert_eq!(list.status("x@example.com").unwrap().reason, "manual");
        assert!(list.status("y@example.com").is_none());
        let readme = dir.path().join("README.md");
        std::fs::write(&readme, "# not a list\n").unwrap();
        assert!(!list.load(&readme, "x").unwrap());
    }
}
