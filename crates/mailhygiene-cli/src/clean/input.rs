//! Reading a real-world contact file: byte order marks, encodings, the email column.
use std::borrow::Cow;
use std::ops::Deref;
use std::path::Path;

use anyhow::{bail, Context, Result};
use encoding_rs::Encoding;

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

/// Decode a file's bytes to UTF-8.
///
/// - A UTF-8 BOM is removed (and remembered); a UTF-16 BOM (Excel's "Unicode text" export)
///   means UTF-16, decoded.
/// - Otherwise the bytes must be UTF-8 unless `encoding` names another encoding. Bytes that
///   are not UTF-8 are refused with the line they are on and a guess of the real encoding:
///   a guess is not good enough to rewrite someone's customer list with. Messages name
///   `flag`, the option that gives `encoding` (`--encoding`).
/// - An explicit legacy encoding decodes; a byte that is not valid in it is refused too, so
///   nothing is ever replaced by U+FFFD.
pub fn decode(bytes: Bytes, encoding: Option<&str>, flag: &str) -> Result<Decoded> {
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        if enc == encoding_rs::UTF_8 {
            return validate_utf8(bytes, bom_len, true, flag);
        }
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            bail!(
                "the file starts with a {} byte order mark but is not valid {}",
                enc.name(),
                enc.name()
            );
        }
        return Ok(Decoded {
            bytes: Bytes::Owned(text.into_owned().into_bytes()),
            offset: 0,
            encoding: enc.name(),
            utf8_bom: false,
        });
    }
    match encoding {
        None => {
            if let Some(what) = not_text(&bytes, flag) {
                bail!("{what}");
            }
            validate_utf8(bytes, 0, false, flag)
        }
        Some(label) => {
            let enc = Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown encoding '{label}' (try utf-8, windows-1252, iso-8859-15, …)"
                )
            })?;
            if enc == encoding_rs::UTF_8 {
                return validate_utf8(bytes, 0, false, flag);
            }
            // Text beyond ASCII that is valid UTF-8 is UTF-8 (a legacy file almost never is):
            // decoding it again would turn `José` into `JosÃ©`.
            if !bytes.is_ascii() && std::str::from_utf8(&bytes).is_ok() {
                bail!(
                    "the file is valid UTF-8, not {}: run without {flag}",
                    enc.name()
                );
            }
            let mut decoder = enc.new_decoder_without_bom_handling();
            let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
            // Decode line by line so that an invalid byte can be reported with its line.
            for (line, chunk) in (1u64..).zip(bytes.split_inclusive(|&b| b == b'\n')) {
                text.reserve(chunk.len() * 3 + 16);
                let (res, _read, had_errors) = decoder.decode_to_string(chunk, &mut text, false);
                debug_assert_eq!(res, encoding_rs::CoderResult::InputEmpty);
                if had_errors {
                    bail!(
                        "line {line}: bytes that are not valid {}: the file is in another encoding",
                        enc.name()
                    );
                }
            }
            let (_, _, had_errors) = decoder.decode_to_string(b"", &mut text, true);
            if had_errors {
                bail!("the file ends inside a {} character", enc.name());
            }
            Ok(Decoded {
                bytes: Bytes::Owned(text.into_bytes()),
                offset: 0,
                encoding: enc.name(),
                utf8_bom: false,
            })
        }
    }
}

fn validate_utf8(bytes: Bytes, offset: usize, utf8_bom: bool, flag: &str) -> Result<Decoded> {
    let text = &bytes[offset..];
    if let Err(e) = std::str::from_utf8(text) {
        let at = e.valid_up_to();
        let line = 1 + memchr::memchr_iter(b'\n', &text[..at]).count();
        let line_start = text[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = at - line_start + 1;
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(text, true);
        let guess = detector.guess(None, true);
        let hint = if guess == encoding_rs::UTF_8 {
            "re-save it as UTF-8".to_owned()
        } else {
            format!(
                "it looks like {name}; re-run with {flag} {name} to decode it, or re-save it as UTF-8",
                name = guess.name()
            )
        };
        bail!(
            "line {line}, column {column}: byte 0x{byte:02X} is not UTF-8, so the file is not UTF-8: {hint}",
            byte = text[at],
        );
    }
    Ok(Decoded {
        bytes,
        offset,
        encoding: "UTF-8",
        utf8_bom,
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
