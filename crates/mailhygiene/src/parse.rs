//! Parsing and validating one address exactly as given.
//!
//! The default grammar is the mailbox of RFC 5321 §4.1.2 as mail is sent on the public internet:
//! an unquoted dot-atom local part (RFC 5322 §3.2.3 `atext`, plus any non-ASCII character allowed
//! by RFC 6531 §3.3 `UTF8-non-ascii`) and a domain name of LDH labels (RFC 5321 §4.1.2 `Domain`)
//! after UTS-46 / IDNA2008 processing. Options widen the grammar for old lists and special uses.
use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::error::{ErrorKind, ParseError};

/// What the parser accepts beyond the default public-internet grammar.
///
/// ```
/// use mailhygiene::{parse_with, ParseOptions};
/// let opts = ParseOptions::new().allow_quoted_local(true);
/// assert!(parse_with("\"john doe\"@example.com", &opts).is_ok());
/// assert!(mailhygiene::parse("\"john doe\"@example.com").is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    quoted_local: bool,
    domain_literal: bool,
    single_label: bool,
    lenient_lengths: bool,
}

impl ParseOptions {
    /// The default: dot-atom local part, DNS domain of two or more labels, RFC length limits.
    pub fn new() -> Self {
        Self::default()
    }
    /// Accept quoted local parts (`"john doe"@example.com`, RFC 5322 §3.2.4).
    pub fn allow_quoted_local(mut self, yes: bool) -> Self {
        self.quoted_local = yes;
        self
    }
    /// Accept IP address literals (`user@[192.0.2.1]`, `user@[IPv6:2001:db8::1]`, RFC 5321 §4.1.3).
    pub fn allow_domain_literal(mut self, yes: bool) -> Self {
        self.domain_literal = yes;
        self
    }
    /// Accept single-label domains (`root@localhost`): intranets, not the public internet.
    pub fn allow_single_label(mut self, yes: bool) -> Self {
        self.single_label = yes;
        self
    }
    /// Skip the 64-octet local-part and 254-octet address limits, which real mailboxes
    /// (Substack replies, Google Docs notifications) and old lists exceed. DNS limits stay.
    pub fn lenient_lengths(mut self, yes: bool) -> Self {
        self.lenient_lengths = yes;
        self
    }
}

/// A valid address, normalized for delivery: local part in NFC as written, domain lowercased.
///
/// ```
/// let a = mailhygiene::parse("Jürgen@Bücher.Example").unwrap();
/// assert_eq!(a.as_str(), "Jürgen@bücher.example");
/// assert_eq!(a.domain_ascii(), "xn--bcher-kva.example");
/// assert_eq!(a.to_ascii(), "Jürgen@xn--bcher-kva.example");
/// ```
///
/// It serializes as its parts (`local`, `domain`, `domain_ascii`), which deserialize to the
/// same address whatever options parsed it: nothing is parsed again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "AddressParts", try_from = "AddressParts")]
pub struct Address {
    /// `local@domain` with the Unicode domain.
    text: String,
    at: usize,
    /// The A-label domain, when it differs from the Unicode one.
    ascii_domain: Option<Box<str>>,
}

impl Address {
    /// Assemble a parsed local part and a validated domain (lengths already checked).
    pub(crate) fn from_parts(local: &str, domain: &DomainForms) -> Address {
        let mut text = String::with_capacity(local.len() + 1 + domain.unicode.len());
        text.push_str(local);
        text.push('@');
        text.push_str(&domain.unicode);
        Address {
            text,
            at: local.len(),
            ascii_domain: domain.ascii.clone(),
        }
    }

    /// The local part, NFC.
    pub fn local(&self) -> &str {
        &self.text[..self.at]
    }
    /// The domain, lowercased Unicode form (U-labels).
    pub fn domain(&self) -> &str {
        &self.text[self.at + 1..]
    }
    /// The domain as lowercase A-labels (punycode).
    pub fn domain_ascii(&self) -> &str {
        self.ascii_domain
            .as_deref()
            .unwrap_or_else(|| self.domain())
    }
    /// The address with the Unicode domain.
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// The address with the A-label domain (the local part stays as written).
    pub fn to_ascii(&self) -> String {
        match &self.ascii_domain {
            None => self.text.clone(),
            Some(d) => format!("{}@{}", self.local(), d),
        }
    }
    /// The address with the Unicode domain, as an owned string.
    pub fn into_string(self) -> String {
        self.text
    }
    /// Whether the domain is an IP literal such as `[192.0.2.1]`.
    pub fn is_domain_literal(&self) -> bool {
        self.domain().starts_with('[')
    }
}

/// The serialized form of an [`Address`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressParts {
    local: String,
    domain: String,
    domain_ascii: String,
}

impl From<Address> for AddressParts {
    fn from(a: Address) -> Self {
        AddressParts {
            local: a.local().into(),
            domain: a.domain().into(),
            domain_ascii: a.domain_ascii().into(),
        }
    }
}

impl TryFrom<AddressParts> for Address {
    type Error = String;
    /// Refuses parts that no parse gives: an empty local part or domain, an `@` in the domain,
    /// an A-label form that is not ASCII or that differs from an ASCII domain.
    fn try_from(p: AddressParts) -> Result<Self, String> {
        if p.local.is_empty() || p.domain.is_empty() || p.domain.contains('@') {
            return Err(format!("not an address: {:?} @ {:?}", p.local, p.domain));
        }
        let ascii_domain = match p.domain.is_ascii() {
            true if p.domain_ascii == p.domain => None,
            false if p.domain_ascii.is_ascii() && !p.domain_ascii.is_empty() => {
                Some(p.domain_ascii.into_boxed_str())
            }
            _ => {
                return Err(format!(
                    "{:?} is not the A-label form of {:?}",
                    p.domain_ascii, p.domain
                ))
            }
        };
        let at = p.local.len();
        let mut text = p.local;
        text.push('@');
        text.push_str(&p.domain);
        Ok(Address {
            text,
            at,
            ascii_domain,
        })
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Address {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        parse(s)
    }
}

/// Parse with the default options. See [`parse_with`].
///
/// ```
/// assert_eq!(mailhygiene::parse("a@b").unwrap_err().code(), "single_label_domain");
/// assert_eq!(mailhygiene::parse("John.Doe@Example.COM").unwrap().as_str(), "John.Doe@example.com");
/// ```
pub fn parse(input: &str) -> Result<Address, ParseError> {
    parse_with(input, &ParseOptions::default())
}

/// Parse and validate `input` exactly as given (no trimming, no display name: see
/// [`extract`](crate::extract) for that).
pub fn parse_with(input: &str, options: &ParseOptions) -> Result<Address, ParseError> {
    let err = |kind| ParseError::new(input, kind);
    let (local, at) = parse_local(input, options)?;
    let domain_text = &input[at + 1..];
    // One allocation for the whole address: the domain is appended in its Unicode form.
    let mut text = String::with_capacity(local.len() + 1 + domain_text.len());
    text.push_str(&local);
    text.push('@');
    let local_octets = local.len();
    let ascii_domain = parse_domain(domain_text, at + 1, input, options, &mut text).map_err(err)?;
    let domain_octets = ascii_domain
        .as_deref()
        .map_or(text.len() - local_octets - 1, str::len);
    check_lengths(local_octets, domain_octets, options).map_err(err)?;
    Ok(Address {
        text,
        at: local_octets,
        ascii_domain: ascii_domain.map(String::into_boxed_str),
    })
}

/// The first step of [`parse_with`]: the local part (NFC) and the byte offset of the `@` that
/// ends it. The domain is `input[at + 1..]`, judged by [`parse_domain_forms`].
pub(crate) fn parse_local<'a>(
    input: &'a str,
    options: &ParseOptions,
) -> Result<(Cow<'a, str>, usize), ParseError> {
    let err = |kind| ParseError::new(input, kind);
    if input.is_empty() {
        return Err(err(ErrorKind::Empty));
    }
    if input.starts_with('"') {
        parse_quoted_local(input, options).map_err(err)
    } else {
        scan_local(input).map_err(err)
    }
}

/// A valid domain in its two forms: what [`parse_with`] finds out about the text after the `@`.
/// It depends on that text and the options alone, so a checker caches it per domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DomainForms {
    /// Lowercase Unicode (U-label) form, or the literal as written (`[192.0.2.1]`).
    pub unicode: Box<str>,
    /// The A-label form when it differs from `unicode`.
    pub ascii: Option<Box<str>>,
}

impl DomainForms {
    /// The A-label form (the Unicode one when they are the same).
    pub(crate) fn ascii(&self) -> &str {
        self.ascii.as_deref().unwrap_or(&self.unicode)
    }
}

/// The second step of [`parse_with`]: validate the domain of `input`, which starts at byte `start`.
pub(crate) fn parse_domain_forms(
    input: &str,
    start: usize,
    options: &ParseOptions,
) -> Result<DomainForms, ParseError> {
    let mut unicode = String::new();
    let ascii = parse_domain(&input[start..], start, input, options, &mut unicode)
        .map_err(|kind| ParseError::new(input, kind))?;
    Ok(DomainForms {
        unicode: unicode.into_boxed_str(),
        ascii: ascii.map(String::into_boxed_str),
    })
}

/// The last step of [`parse_with`]: RFC 5321 §4.5.3.1 limits on the local part (64 octets) and
/// the whole address (254 octets, the 256-octet path less its angle brackets), unless lenient.
pub(crate) fn check_lengths(
    local_octets: usize,
    domain_ascii_octets: usize,
    options: &ParseOptions,
) -> Result<(), ErrorKind> {
    if options.lenient_lengths {
        return Ok(());
    }
    if local_octets > 64 {
        return Err(ErrorKind::LocalTooLong {
            octets: local_octets,
        });
    }
    let total = local_octets + 1 + domain_ascii_octets;
    if total > 254 {
        return Err(ErrorKind::AddressTooLong { octets: total });
    }
    Ok(())
}

/// Zero-width and bidi formatting characters that render as nothing: they make two different
/// strings look the same, so we never accept them (Unicode Default_Ignorable_Code_Point, less
/// the joiners that IDNA judges by context).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// RFC 5322 §3.2.3 `atext`, ASCII part.
fn is_atext(b: u8) -> bool {
    ATEXT[b as usize]
}

/// `atext` as a lookup table: the local-part scan is the hottest loop of the parser.
static ATEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    let specials = b"!#$%&'*+-/=?^_`{|}~";
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] = true;
        i += 1;
    }
    table
};

/// The error for a character that is never allowed anywhere, or `None`.
fn forbidden_anywhere(c: char, position: usize) -> Option<ErrorKind> {
    // White_Space first: a tab or line break is reported as whitespace, not as a control.
    if c.is_whitespace() {
        Some(ErrorKind::Whitespace { ch: c, position })
    } else if c.is_control() {
        Some(ErrorKind::ControlChar { ch: c, position })
    } else if is_invisible(c) {
        Some(ErrorKind::InvisibleChar { ch: c, position })
    } else {
        None
    }
}

/// Scan an unquoted local part up to the `@`; returns it in NFC and the byte offset of the `@`.
fn scan_local(input: &str) -> Result<(Cow<'_, str>, usize), ErrorKind> {
    let bytes = input.as_bytes();
    // ASCII fast path: most addresses never leave it.
    let mut i = 0;
    let mut prev_dot = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            break;
        }
        let position = i + 1; // ASCII so far: byte index = char index
        match b {
            b'@' => {
                // All ASCII: already NFC, no need for `finish_local`'s normalization.
                if i == 0 {
                    return Err(ErrorKind::EmptyLocal);
                }
                if prev_dot {
                    return Err(ErrorKind::TrailingDot);
                }
                return Ok((Cow::Borrowed(&input[..i]), i));
            }
            b'.' => {
                if i == 0 {
                    return Err(ErrorKind::LeadingDot);
                }
                if prev_dot {
                    return Err(ErrorKind::ConsecutiveDots { position });
                }
                prev_dot = true;
            }
            _ if is_atext(b) => prev_dot = false,
            b'(' => return Err(ErrorKind::Comment { position }),
            _ => {
                let c = b as char;
                return Err(forbidden_anywhere(c, position)
                    .unwrap_or(ErrorKind::InvalidLocalChar { ch: c, position }));
            }
        }
        i += 1;
    }
    if i == bytes.len() {
        return Err(ErrorKind::MissingAt);
    }
    // Non-ASCII: continue char by char.
    let mut position = input[..i].chars().count();
    for (offset, c) in input[i..].char_indices() {
        position += 1;
        let idx = i + offset;
        match c {
            '@' => return finish_local(input, idx, prev_dot),
            '.' => {
                if idx == 0 {
                    return Err(ErrorKind::LeadingDot);
                }
                if prev_dot {
                    return Err(ErrorKind::ConsecutiveDots { position });
                }
                prev_dot = true;
            }
            '(' => return Err(ErrorKind::Comment { position }),
            c if c.is_ascii() && is_atext(c as u8) => prev_dot = false,
            c => {
                if let Some(kind) = forbidden_anywhere(c, position) {
                    return Err(kind);
                }
                if c.is_ascii() || matches!(c as u32, 0xFFFD..=0xFFFF) {
                    return Err(ErrorKind::InvalidLocalChar { ch: c, position });
                }
                prev_dot = false;
            }
        }
    }
    Err(ErrorKind::MissingAt)
}

fn finish_local(
    input: &str,
    at: usize,
    prev_dot: bool,
) -> Result<(Cow<'_, str>, usize), ErrorKind> {
    if at == 0 {
        return Err(ErrorKind::EmptyLocal);
    }
    if prev_dot {
        return Err(ErrorKind::TrailingDot);
    }
    Ok((nfc(&input[..at]), at))
}

fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// RFC 5322 §3.2.4 quoted-string as a whole local part. Returns the quoted text as written.
fn parse_quoted_local<'a>(
    input: &'a str,
    options: &ParseOptions,
) -> Result<(Cow<'a, str>, usize), ErrorKind> {
    if !options.quoted_local {
        return Err(ErrorKind::QuotedLocal);
    }
    let mut escaped = false;
    for (idx, c) in input.char_indices().skip(1) {
        if escaped {
            // quoted-pair: VCHAR or WSP (RFC 5322 §3.2.1), plus UTF-8 (RFC 6532).
            if c.is_control() && c != '\t' {
                return Err(ErrorKind::InvalidQuotedLocal {
                    detail: "an escaped control character",
                });
            }
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => {
                let end = idx + 1;
                if input.as_bytes().get(end) != Some(&b'@') {
                    return Err(if end >= input.len() {
                        ErrorKind::MissingAt
                    } else {
                        ErrorKind::InvalidQuotedLocal {
                            detail: "text after the closing quote",
                        }
                    });
                }
                if end == 2 {
                    return Err(ErrorKind::InvalidQuotedLocal {
                        detail: "the quotes are empty",
                    });
                }
                return Ok((nfc(&input[..end]), end));
            }
            c if c.is_control() || is_invisible(c) => {
                return Err(ErrorKind::InvalidQuotedLocal {
                    detail: "a control or invisible character inside the quotes",
                })
            }
            _ => {}
        }
    }
    Err(ErrorKind::InvalidQuotedLocal {
        detail: "the closing quote is missing",
    })
}

/// Validate and normalize the domain, appending its Unicode form to `out`. Returns the A-label
/// form when it differs from the Unicode one.
fn parse_domain(
    domain: &str,
    offset: usize,
    input: &str,
    options: &ParseOptions,
    out: &mut String,
) -> Result<Option<String>, ErrorKind> {
    if domain.is_empty() {
        return Err(ErrorKind::EmptyDomain);
    }
    if domain.starts_with('[') {
        parse_domain_literal(domain, options)?;
        out.push_str(domain);
        return Ok(None);
    }
    let start = out.len();
    // Fast path: letters, digits, hyphens and dots only (nearly every real address).
    if let Some(ace) = push_ascii_domain(domain, options, out)? {
        if !ace {
            return Ok(None);
        }
        // A-labels must decode to valid U-labels (well-formed punycode, CONTEXTJ, bidi).
        let ascii = out.split_off(start);
        let (unicode, result) = Uts46::new().to_unicode(
            ascii.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
        );
        if result.is_err() {
            return Err(ErrorKind::InvalidIdna {
                domain: domain.to_owned(),
            });
        }
        out.push_str(&unicode);
        return Ok((unicode != ascii).then_some(ascii));
    }

    // Character screening, with positions in the whole input.
    let mut position = if input[..offset].is_ascii() {
        offset
    } else {
        input[..offset].chars().count()
    };
    for c in domain.chars() {
        position += 1;
        if let Some(kind) = forbidden_anywhere(c, position) {
            // Joiners are judged by IDNA's CONTEXTJ rule, not rejected outright.
            if !matches!(c, '\u{200C}' | '\u{200D}') {
                return Err(kind);
            }
        }
        match c {
            '@' => return Err(ErrorKind::MultipleAt { position }),
            '(' => return Err(ErrorKind::Comment { position }),
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' => {}
            c if c.is_ascii() => return Err(ErrorKind::InvalidDomainChar { ch: c, position }),
            _ => {}
        }
    }
    // Non-ASCII: UTS-46 non-transitional mapping, then IDNA2008 validity.
    let invalid = || ErrorKind::InvalidIdna {
        domain: domain.to_owned(),
    };
    let ascii = Uts46::new()
        .to_ascii(
            domain.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
            DnsLength::Ignore,
        )
        .map_err(|_| invalid())?
        .into_owned();
    check_labels(&ascii, options)?;
    let (unicode, result) = Uts46::new().to_unicode(
        ascii.as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::CheckFirstLast,
    );
    if result.is_err() {
        return Err(invalid());
    }
    out.push_str(&unicode);
    Ok((unicode != ascii).then_some(ascii))
}

/// Append a letters-digits-hyphens-dots domain lowercased to `out` and check its labels in one
/// pass. `Ok(None)` (with `out` untouched) when another byte occurs: the caller's slow path then
/// finds and names it. `Ok(Some(ace))` tells whether a label is an A-label.
fn push_ascii_domain(
    domain: &str,
    options: &ParseOptions,
    out: &mut String,
) -> Result<Option<bool>, ErrorKind> {
    let bytes = domain.as_bytes();
    if !bytes
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Ok(None);
    }
    let start = out.len();
    out.push_str(domain);
    out[start..].make_ascii_lowercase();
    match check_labels(&out[start..], options) {
        Ok(ace) => Ok(Some(ace)),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// RFC 1035 §2.3.4 lengths and RFC 952/1123 LDH shape, on the lowercase A-label form.
/// Returns whether a label is an A-label (`xn--`), which then needs IDNA validation.
fn check_labels(ascii: &str, options: &ParseOptions) -> Result<bool, ErrorKind> {
    let bytes = ascii.as_bytes();
    let mut labels = 0;
    let mut ace = false;
    let mut label_start = 0;
    let mut last_all_digits = true;
    for i in 0..=bytes.len() {
        if i < bytes.len() && bytes[i] != b'.' {
            continue;
        }
        let label = &bytes[label_start..i];
        labels += 1;
        let text = || ascii[label_start..i].to_owned();
        match label {
            [] => return Err(ErrorKind::EmptyLabel),
            _ if label.len() > 63 => {
                return Err(ErrorKind::DomainLabelTooLong {
                    label: text(),
                    octets: label.len(),
                })
            }
            [b'-', ..] | [.., b'-'] => return Err(ErrorKind::LabelHyphen { label: text() }),
            _ => {}
        }
        ace |= label.starts_with(b"xn--");
        if i == bytes.len() {
            last_all_digits = label.iter().all(u8::is_ascii_digit);
            break;
        }
        label_start = i + 1;
    }
    if ascii.len() > 253 {
        return Err(ErrorKind::DomainTooLong {
            octets: ascii.len(),
        });
    }
    if labels < 2 && !options.single_label {
        return Err(ErrorKind::SingleLabelDomain);
    }
    if last_all_digits {
        let tld = &ascii[label_start..];
        return Err(ErrorKind::NumericTld {
            tld: tld.to_owned(),
        });
    }
    Ok(ace)
}

/// RFC 5321 §4.1.3 address literals: `[IPv4]` or `[IPv6:…]`.
fn parse_domain_literal(domain: &str, options: &ParseOptions) -> Result<(), ErrorKind> {
    if !options.domain_literal {
        return Err(ErrorKind::DomainLiteral);
    }
    let inner = domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .ok_or(ErrorKind::InvalidDomainLiteral)?;
    let valid = match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => inner[5..].parse::<Ipv6Addr>().is_ok(),
        _ => inner.parse::<Ipv4Addr>().is_ok(),
    };
    if valid {
        Ok(())
    } else {
        Err(ErrorKind::InvalidDomainLiteral)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> &'static str {
        parse(s).map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    #[test]
    fn addresses_deserialize_from_their_parts_as_parsed() {
        let single = ParseOptions::default().allow_single_label(true);
        let parsed = [
            parse("Jürgen@Bücher.Example").unwrap(),
            parse_with("root@LocalHost", &single).unwrap(),
        ];
        for a in parsed {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), a, "{json}");
        }
        let json = serde_json::to_string(&parse("Jürgen@Bücher.Example").unwrap()).unwrap();
        assert_eq!(
            json,
            r#"{"local":"Jürgen","domain":"bücher.example","domain_ascii":"xn--bcher-kva.example"}"#
        );
        for bad in [
            r#"{"local":"","domain":"example.com","domain_ascii":"example.com"}"#,
            r#"{"local":"a","domain":"b@example.com","domain_ascii":"b@example.com"}"#,
            r#"{"local":"a","domain":"example.com","domain_ascii":"example.org"}"#,
            r#"{"local":"a","domain":"bücher.example","domain_ascii":"bücher.example"}"#,
            r#"{"local":"a","domain":"example.com"}"#,
        ] {
            assert!(serde_json::from_str::<Address>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positions_are_one_based_characters() {
        let e = parse("jö..hn@example.com").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::ConsecutiveDots { position: 4 });
        let e = parse("john@exa_mple.com").unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::InvalidDomainChar {
                ch: '_',
                position: 9
            }
        );
    }

    #[test]
    fn lengths_count_octets() {
        let local = "é".repeat(33); // 66 octets, 33 characters
        assert_eq!(code(&format!("{local}@example.com")), "local_too_long");
        let ok = "é".repeat(32);
        assert_eq!(code(&format!("{ok}@example.com")), "ok");
    }

    #[test]
    fn ace_labels_are_validated() {
        assert_eq!(code("a@xn--bcher-kva.example"), "ok");
        assert_eq!(code("a@xn--zz.example"), "invalid_idna");
    }
}
