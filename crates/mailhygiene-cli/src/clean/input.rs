//! Reading a real-world contact file: byte order marks, encodings, the email column.
use std::borrow::Cow;
use std::ops::Deref;
use std::path::Path;

use anyhow::{bail, Context, Result};
use mailhygiene::text::{self, Encoding};

/// A file's bytes: mapped when possible (no copy, no zeroed pages for a big file), read
/// otherwise.
pub enum Bytes {
    /// Memory-mapped.
    Mapped(memmap2::Mmap),
    /// In memory.
    Owned(Vec<u8>),
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.len())
    }
}

/// Read a whole file.
pub fn read_file(path: &Path) -> Result<Bytes> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > 0 {
        // SAFETY: the map is read-only and private; a file truncated by another process
        // while we read it could fault, the same trade-off ripgrep makes for big inputs.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(Bytes::Mapped(map));
        }
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Bytes::Owned(bytes))
}

/// What the file started with and how it was decoded.
#[derive(Debug)]
pub struct Decoded {
    /// The bytes (UTF-8 from `offset` on).
    bytes: Bytes,
    /// Where the text starts (after a UTF-8 byte order mark).
    offset: usize,
    /// The encoding the file was read in (`UTF-8`, `UTF-16LE`, `windows-1252`, …).
    pub encoding: &'static str,
    /// Whether the file started with a UTF-8 byte order mark (written back on output, so
    /// Excel keeps reading the file as UTF-8).
    pub utf8_bom: bool,
}

impl Decoded {
    /// The text as UTF-8, byte order mark removed.
    pub fn text(&self) -> &[u8] {
        &self.bytes[self.offset..]
    }
}

/// Decode a file's bytes to UTF-8, by the core's rules ([`text::decode`]): a byte order mark
/// decides (a UTF-16 one is Excel's "Unicode text"), else UTF-8, else `encoding`; bytes that
/// are not UTF-8 without `encoding` are refused with their line and a guess of the real
/// encoding, never replaced by U+FFFD. Messages name `flag`, the option that gives `encoding`
/// (`--encoding`).
///
/// Two rules are `clean`'s own: a file that is not delimited text at all (a workbook, an
/// archive, UTF-16 without a byte order mark) is named as such, and an explicit legacy
/// encoding for text that is UTF-8 beyond ASCII is refused rather than ignored: the user
/// believes the file is in another encoding, and the output would say otherwise.
pub fn decode(bytes: Bytes, encoding: Option<&str>, flag: &str) -> Result<Decoded> {
    let encoding = encoding
        .map(|label| label.parse::<Encoding>())
        .transpose()?;
    let has_bom = encoding_rs::Encoding::for_bom(&bytes).is_some();
    if encoding.is_none() && !has_bom {
        if let Some(what) = not_text(&bytes, flag) {
            bail!("{what}");
        }
    }
    let decoded = text::decode(&bytes, encoding)
        .map_err(|e| anyhow::anyhow!(e.message_with_option(&format!("{flag} "))))?;
    if let Some(enc) = encoding.filter(|&e| e != Encoding::UTF_8) {
        if !has_bom && decoded.encoding == Encoding::UTF_8 && !bytes.is_ascii() {
            bail!("the file is valid UTF-8, not {enc}: run without {flag}");
        }
    }
    let (name, utf8_bom) = (decoded.encoding.name(), decoded.utf8_bom);
    // Decoded text is a new string; UTF-8 stays in the mapping, after its byte order mark.
    let text = match decoded.text {
        Cow::Owned(text) => Ok(text),
        Cow::Borrowed(text) => Err(bytes.len() - text.len()),
    };
    Ok(match text {
        Ok(text) => Decoded {
            bytes: Bytes::Owned(text.into_bytes()),
            offset: 0,
            encoding: name,
            utf8_bom,
        },
        Err(offset) => Decoded {
            bytes,
            offset,
            encoding: name,
            utf8_bom,
        },
    })
}

/// What a file that is not delimited text is, with what to do: a workbook or an archive is
/// not an encoding problem, and UTF-16 without a byte order mark can even pass for UTF-8 (its
/// ASCII is letters and NUL bytes).
fn not_text(bytes: &[u8], flag: &str) -> Option<String> {
    // File signatures: ZIP (PKWARE APPNOTE 4.3.7), OLE2 compound file (MS-CFB 2.2), gzip
    // (RFC 1952 2.3.1).
    if bytes.starts_with(b"PK\x03\x04") {
        return Some("the file is a zip archive (an Excel .xlsx workbook?), not a CSV file: save it as CSV UTF-8".into());
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(
            "the file is an Excel .xls workbook, not a CSV file: save it as CSV UTF-8".into(),
        );
    }
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return Some("the file is gzip-compressed: decompress it first".into());
    }
    // UTF-16: ASCII text has a NUL in every other byte, at odd offsets in little-endian.
    let head = &bytes[..bytes.len().min(4096) & !1];
    let nul_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let pairs = head.len() / 2;
    if pairs >= 8 {
        for (parity, name) in [(1, "utf-16le"), (0, "utf-16be")] {
            if nul_at(parity) * 10 >= pairs * 8 && nul_at(1 - parity) * 10 < pairs {
                return Some(format!(
                    "the file looks like UTF-16 without a byte order mark: re-run with {flag} {name}"
                ));
            }
        }
    }
    None
}

/// Header names that hold an email address, compared after lowercasing and removing
/// everything that is not a letter or digit ("E-Mail Address" → "emailaddress").
const EMAIL_HEADERS: &[&str] = &[
    "adresseemail",
    "adressemail",
    "businessemail",
    "contactemail",
    "correo",
    "correoelectronico",
    "courriel",
    "email",
    "emailaddr",
    "emailaddress",
    "emailadres",
    "emailadresse",
    "emailid",
    "emails",
    "epost",
    "eposta",
    "mail",
    "mailaddress",
    "personalemail",
    "primaryemail",
    "subscriberemail",
    "useremail",
    "workemail",
];

fn header_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column holds the address: the one named by `--column` (case-insensitive, or a
/// 1-based number), else the only header that is a known email header name.
pub fn find_column(headers: &[Cow<'_, str>], wanted: Option<&str>) -> Result<usize> {
    let list = || {
        headers
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{}: \"{h}\"", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(wanted) = wanted {
        let hits: Vec<usize> = (0..headers.len())
            .filter(|&i| headers[i].trim().eq_ignore_ascii_case(wanted.trim()))
            .collect();
        return match hits[..] {
            [i] => Ok(i),
            [] => match wanted.trim().parse::<usize>() {
                Ok(n) if (1..=headers.len()).contains(&n) => Ok(n - 1),
                _ => bail!("no column named \"{wanted}\"; the columns are {}", list()),
            },
            _ => bail!(
                "{} columns are named \"{wanted}\" (columns {}); name one by number with --column N",
                hits.len(),
                hits.iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
    }
    let hits: Vec<usize> = (0..headers.len())
        .filter(|&i| is_email_header(&headers[i]))
        .collect();
    match hits[..] {
        [i] => Ok(i),
        [] => bail!(
            "no email column found by its header; name it with --column. The columns are {}",
            list()
        ),
        _ => bail!(
            "more than one column could hold the email address: {}; choose one with --column",
            hits.iter()
                .map(|&i| format!("{}: \"{}\"", i + 1, headers[i]))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Whether a header name says "email address".
pub fn is_email_header(name: &str) -> bool {
    let key = header_key(name);
    EMAIL_HEADERS.binary_search(&key.as_str()).is_ok()
        // "Email 1", "Email 2": numbered email columns (Outlook, Google Contacts).
        || key
            .strip_prefix("email")
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_list_is_sorted_and_normalized() {
        let mut sorted = EMAIL_HEADERS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, EMAIL_HEADERS);
        for h in EMAIL_HEADERS {
            assert_eq!(header_key(h), *h);
        }
    }

    #[test]
    fn finds_email_headers() {
        for h in [
            "Email",
            "E-Mail",
            "Email Address",
            "MAIL",
            "email_address",
            "Courriel",
        ] {
            assert!(is_email_header(h), "{h}");
        }
        for h in ["Name", "Email Opt-In", "Mailing list", "Company"] {
            assert!(!is_email_header(h), "{h}");
        }
    }

    #[test]
    fn windows_1252_is_refused_with_line() {
        let bytes = b"name,email\nJos\xe9,jose@example.com\n".to_vec();
        let e = decode(Bytes::Owned(bytes.clone()), None, "--encoding")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 2, column 4: byte 0xE9"), "{e}");
        let d = decode(Bytes::Owned(bytes), Some("windows-1252"), "--encoding").unwrap();
        assert_eq!(d.text(), "name,email\nJosé,jose@example.com\n".as_bytes());
    }

    #[test]
    fn boms() {
        let d = decode(
            Bytes::Owned(b"\xEF\xBB\xBFemail\n".to_vec()),
            None,
            "--encoding",
        )
        .unwrap();
        assert!(d.utf8_bom);
        assert_eq!(d.text(), b"email\n");
        let d = decode(
            Bytes::Owned(b"\xFF\xFEe\0m\0\n\0".to_vec()),
            None,
            "--encoding",
        )
        .unwrap();
        assert_eq!(d.encoding, "UTF-16LE");
        assert_eq!(d.text(), b"em\n");
    }
}
