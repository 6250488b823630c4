//! Files as text: byte order marks, legacy encodings, and what to say about a file that is
//! not UTF-8.
//!
//! Exports are UTF-8 almost always, but Excel on Windows saves "CSV" in the system's ANSI code
//! page (Windows-1252 in Western Europe and the Americas) and "Unicode text" as UTF-16 with a
//! byte order mark. [`decode`] reads all of them by one rule:
//!
//! 1. A byte order mark decides (UTF-8, UTF-16LE, UTF-16BE; WHATWG Encoding §4.1 "decode").
//! 2. Otherwise bytes that are valid UTF-8 are UTF-8, whatever encoding the caller gives: a
//!    legacy file is practically never valid UTF-8 beyond ASCII, and decoding UTF-8 again would
//!    turn `José` into `JosÃ©` (a mangled address misses its suppression).
//! 3. Otherwise the caller's [`Encoding`] decodes the file; without one the file is refused
//!    with the line, column and byte that are not UTF-8 and a guess of the real encoding. A
//!    guess is not good enough to rewrite someone's list with, so it is only ever a hint.
//!
//! Nothing is ever replaced by U+FFFD: a byte that is not valid in the encoding is an error.
//! UTF-8 text is borrowed, never copied; only decoded text is a new `String`.
//!
//! ```
//! use mailhygiene::text::{decode, Encoding};
//! let cp1252 = b"email\r\nj\xe9r\xf4me@example.com\r\n";
//! let err = decode(cp1252, None).unwrap_err();
//! assert_eq!(err.code(), "not_utf8");
//! assert!(err.to_string().starts_with("line 2, column 2: byte 0xE9 is not UTF-8"));
//! let enc: Encoding = "windows-1252".parse().unwrap();
//! assert_eq!(decode(cp1252, Some(enc)).unwrap().text, "email\r\njérôme@example.com\r\n");
//! // UTF-8 stays UTF-8 even when told otherwise.
//! assert_eq!(decode("José".as_bytes(), Some(enc)).unwrap().text, "José");
//! ```
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// A text encoding, named by a WHATWG Encoding Standard label (`utf-8`, `windows-1252`,
/// `latin1`, `iso-8859-15`, `utf-16le`, `shift_jis` …; encoding.spec.whatwg.org §4.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encoding(&'static encoding_rs::Encoding);

impl Encoding {
    /// UTF-8.
    pub const UTF_8: Encoding = Encoding(encoding_rs::UTF_8);

    /// The encoding a label names (case-insensitive, surrounding space ignored), or `None`.
    /// As the WHATWG standard says, `latin1` and `iso-8859-1` name Windows-1252.
    pub fn for_label(label: &str) -> Option<Encoding> {
        encoding_rs::Encoding::for_label(label.trim().as_bytes()).map(Encoding)
    }

    /// The canonical name (`UTF-8`, `windows-1252`, `UTF-16LE` …).
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl fmt::Debug for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = UnknownEncoding;
    fn from_str(label: &str) -> Result<Self, UnknownEncoding> {
        Encoding::for_label(label).ok_or_else(|| UnknownEncoding {
            label: label.into(),
        })
    }
}

/// A label that names no encoding (code `unknown_encoding`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown encoding {label:?} (try utf-8, windows-1252, iso-8859-15, utf-16le …)")]
pub struct UnknownEncoding {
    /// The label given.
    pub label: String,
}

impl UnknownEncoding {
    /// The stable code, `unknown_encoding`.
    pub fn code(&self) -> &'static str {
        "unknown_encoding"
    }
}

/// A file's text and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, byte order mark removed; borrowed from the bytes when they were UTF-8.
    pub text: Cow<'a, str>,
    /// The encoding the text was read in.
    pub encoding: Encoding,
    /// Whether the bytes started with a UTF-8 byte order mark.
    pub utf8_bom: bool,
}

/// Bytes that could not be read as text. Positions are 1-based; a column counts characters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not UTF-8 and no encoding was given (code `not_utf8`).
    NotUtf8 {
        /// The line of the first byte that is not UTF-8.
        line: u64,
        /// Its column: the characters before it on its line, plus one.
        column: u64,
        /// The byte.
        byte: u8,
        /// The encoding the bytes look like, when it is not UTF-8.
        guess: Option<Encoding>,
    },
    /// The bytes are not valid in the encoding given or named by their byte order mark
    /// (code `bad_encoding`).
    Invalid {
        /// The encoding.
        encoding: Encoding,
        /// The line of the first invalid sequence.
        line: u64,
    },
}

impl DecodeError {
    /// A stable snake_case code: `not_utf8` or `bad_encoding`.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::NotUtf8 { .. } => "not_utf8",
            DecodeError::Invalid { .. } => "bad_encoding",
        }
    }

    /// The message with what to do said in the caller's words: `option` followed by an
    /// encoding's name is how the caller's user gives the encoding (`--encoding ` for a
    /// command-line flag, `--set crm.encoding=` …).
    pub fn message_with_option(&self, option: &str) -> String {
        self.message(&|name| format!("re-run with {option}{name} to decode it"))
    }

    fn message(&self, decode_as: &dyn Fn(&str) -> String) -> String {
        match self {
            DecodeError::NotUtf8 {
                line,
                column,
                byte,
                guess,
            } => {
                let hint = match guess {
                    Some(enc) => format!(
                        "it looks like {name}; {}, or re-save it as UTF-8",
                        decode_as(enc.name()),
                        name = enc.name()
                    ),
                    None => "re-save it as UTF-8".into(),
                };
                format!(
                    "line {line}, column {column}: byte 0x{byte:02X} is not UTF-8, so the file \
                     is not UTF-8: {hint}"
                )
            }
            DecodeError::Invalid { encoding, line } => format!(
                "line {line}: bytes that are not valid {encoding}: the file is in another encoding"
            ),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(&|name| format!("give its encoding as {name} to decode it")))
    }
}

impl std::error::Error for DecodeError {}

/// Reads bytes as text by the rules of the [module](self): byte order mark, else UTF-8, else
/// `encoding`, else a [`DecodeError::NotUtf8`] with a guess.
pub fn decode(data: &[u8], encoding: Option<Encoding>) -> Result<Decoded<'_>, DecodeError> {
    let (bom, body) = match encoding_rs::Encoding::for_bom(data) {
        Some((enc, len)) => (Some(Encoding(enc)), &data[len..]),
        None => (None, data),
    };
    // UTF-16 is decoded without a UTF-8 check: its ASCII (letters and NUL bytes) is valid UTF-8.
    if let Some(enc) = bom.filter(|&e| e != Encoding::UTF_8) {
        return transcode(body, enc);
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: Encoding::UTF_8,
            utf8_bom: bom.is_some(),
        }),
        // The caller's encoding does not apply under a UTF-8 byte order mark.
        Err(e) => match encoding.filter(|&enc| bom.is_none() && enc != Encoding::UTF_8) {
            Some(enc) => transcode(body, enc),
            None => Err(not_utf8(body, e.valid_up_to())),
        },
    }
}

/// Decodes bytes without a byte order mark from a legacy encoding or UTF-16.
fn transcode(body: &[u8], enc: Encoding) -> Result<Decoded<'_>, DecodeError> {
    let mut decoder = enc.0.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let mut read = 0;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&body[read..], &mut text, true);
        read += n;
        match result {
            encoding_rs::DecoderResult::InputEmpty => {
                return Ok(Decoded {
                    text: Cow::Owned(text),
                    encoding: enc,
                    utf8_bom: false,
                })
            }
            encoding_rs::DecoderResult::OutputFull => text.reserve(body.len() - read + 16),
            // The text so far ends where the invalid sequence starts.
            encoding_rs::DecoderResult::Malformed(..) => {
                return Err(DecodeError::Invalid {
                    encoding: enc,
                    line: 1 + memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64,
                })
            }
        }
    }
}

/// The error for bytes whose first `valid` bytes are UTF-8 and the next one is not.
fn not_utf8(text: &[u8], valid: usize) -> DecodeError {
    let line_start = memchr::memrchr(b'\n', &text[..valid]).map_or(0, |p| p + 1);
    let before = std::str::from_utf8(&text[line_start..valid]).unwrap_or_default();
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(text, true);
    let guess = Encoding(detector.guess(None, true));
    DecodeError::NotUtf8 {
        line: 1 + memchr::memchr_iter(b'\n', &text[..valid]).count() as u64,
        column: before.chars().count() as u64 + 1,
        byte: text[valid],
        guess: (guess != Encoding::UTF_8).then_some(guess),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp1252() -> Encoding {
        "windows-1252".parse().unwrap()
    }

    #[test]
    fn utf8_is_borrowed_and_a_utf8_bom_removed() {
        let d = decode("é\n".as_bytes(), Some(cp1252())).unwrap();
        assert!(matches!(d.text, Cow::Borrowed("é\n")));
        assert_eq!((d.encoding, d.utf8_bom), (Encoding::UTF_8, false));
        let d = decode(b"\xEF\xBB\xBFemail\n", None).unwrap();
        assert_eq!((&*d.text, d.utf8_bom), ("email\n", true));
    }

    #[test]
    fn utf16_with_a_bom_is_decoded_and_a_lone_surrogate_refused() {
        let d = decode(b"\xFF\xFEe\0\xe9\0\n\0", None).unwrap();
        assert_eq!((&*d.text, d.encoding.name()), ("eé\n", "UTF-16LE"));
        let d = decode(b"\xFE\xFF\0e\0\n", None).unwrap();
        assert_eq!((&*d.text, d.encoding.name()), ("e\n", "UTF-16BE"));
        // "a\n" then an unpaired high surrogate D800 followed by "b".
        let e = decode(b"\xFF\xFEa\0\n\0\x00\xD8b\0", None).unwrap_err();
        assert_eq!(e.code(), "bad_encoding");
        assert_eq!(
            e.to_string(),
            "line 2: bytes that are not valid UTF-16LE: the file is in another encoding"
        );
    }

    #[test]
    fn not_utf8_names_line_column_byte_and_a_guess() {
        // 0x93/0x94 are Windows-1252's curly double quotes, C1 controls in ISO-8859-1.
        let data = b"email,note\r\nann@example.com,\x93late\x94 caf\xe9\r\n";
        let e = decode(data, None).unwrap_err();
        assert_eq!(
            e,
            DecodeError::NotUtf8 {
                line: 2,
                column: 17,
                byte: 0x93,
                guess: Some(cp1252())
            }
        );
        assert_eq!(e.code(), "not_utf8");
        assert!(e.message_with_option("--encoding ").ends_with(
            "it looks like windows-1252; re-run with --encoding windows-1252 to decode it, or re-save it as UTF-8"
        ));
        let d = decode(data, Some(cp1252())).unwrap();
        assert_eq!(d.text, "email,note\r\nann@example.com,“late” café\r\n");
        // Told UTF-8, the bytes are still not UTF-8.
        let e = decode(data, Some(Encoding::UTF_8)).unwrap_err();
        assert_eq!(e.code(), "not_utf8");
    }

    #[test]
    fn columns_count_characters() {
        let e = decode(b"\xc3\xa9t\xc3\xa9 \xff", None).unwrap_err();
        assert!(
            matches!(
                e,
                DecodeError::NotUtf8 {
                    line: 1,
                    column: 5,
                    byte: 0xFF,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn labels() {
        assert_eq!(cp1252().name(), "windows-1252");
        // WHATWG: latin1 is Windows-1252.
        assert_eq!(" Latin1 ".parse::<Encoding>().unwrap(), cp1252());
        assert_eq!(
            "ISO-8859-15".parse::<Encoding>().unwrap().name(),
            "ISO-8859-15"
        );
        let e = "cp-9999".parse::<Encoding>().unwrap_err();
        assert_eq!(e.code(), "unknown_encoding");
        assert!(
            e.to_string().starts_with("unknown encoding \"cp-9999\""),
            "{e}"
        );
    }
}
