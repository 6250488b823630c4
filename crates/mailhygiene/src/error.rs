//! The one error type of the address engine, with its stable codes.
//!
//! A [`ParseError`] carries the input it rejected and an [`ErrorKind`]. The kind's
//! [`code`](ErrorKind::code) is the contract shared by Rust, Python, Node and the CLI: it never
//! changes once published. The human message (`Display`) names the offending character and its
//! position, or the octet count, and may be improved over time.
//!
//! # Error codes
//!
//! | code | meaning |
//! |---|---|
//! | `empty` | the input is empty (after extraction, if extraction ran) |
//! | `invalid_utf8` | the input bytes are not UTF-8 (CLI and bindings) |
//! | `missing_at` | there is no `@` |
//! | `multiple_at` | an unquoted local part contains a second `@` |
//! | `empty_local` | nothing before the `@` |
//! | `empty_domain` | nothing after the `@` |
//! | `local_too_long` | the local part exceeds 64 octets (RFC 5321 §4.5.3.1.1) |
//! | `address_too_long` | the address exceeds 254 octets (RFC 5321 §4.5.3.1.3 path limit less the angle brackets) |
//! | `domain_too_long` | the domain exceeds 253 octets in A-label form (RFC 1035 §2.3.4) |
//! | `domain_label_too_long` | a label exceeds 63 octets in A-label form (RFC 1035 §2.3.4) |
//! | `leading_dot` | the local part starts with `.` (RFC 5322 §3.2.3 dot-atom) |
//! | `trailing_dot` | the local part ends with `.` |
//! | `consecutive_dots` | the local part contains `..` |
//! | `invalid_local_char` | a character outside RFC 5322 atext / RFC 6531 UTF-8 in the local part |
//! | `whitespace` | a space, tab, line break or other Unicode White_Space character |
//! | `control_char` | a C0/C1 control character |
//! | `invisible_char` | an invisible formatting character (zero-width space, bidi controls, BOM …) |
//! | `quoted_local` | a quoted local part, when quoted local parts are not allowed |
//! | `invalid_quoted_local` | a quoted local part that is malformed or holds a forbidden character |
//! | `domain_literal` | an IP address literal `[…]`, when literals are not allowed |
//! | `invalid_domain_literal` | a literal that is not a valid IPv4 or `IPv6:` address |
//! | `comment` | an RFC 5322 comment `(…)` |
//! | `empty_label` | the domain has an empty label (`a..b`, leading or trailing dot) |
//! | `invalid_domain_char` | a character that is not a letter, digit or hyphen in the domain |
//! | `label_hyphen` | a domain label starts or ends with `-` |
//! | `single_label_domain` | the domain has one label (`user@localhost`), when not allowed |
//! | `numeric_tld` | the last label is all digits (RFC 3696 §2) |
//! | `invalid_idna` | the domain fails UTS-46 / IDNA2008 (bad punycode, CONTEXTJ, bidi rule, disallowed code point) |
use std::fmt;

/// What went wrong while parsing an address. Every variant has a stable [`code`](Self::code).
///
/// Positions are 1-based character (not byte) positions in the text given to the parser.
// The variant docs describe their fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is empty.
    Empty,
    /// The input bytes are not valid UTF-8.
    InvalidUtf8,
    /// There is no `@`.
    MissingAt,
    /// A second `@` in an unquoted local part, at this character position.
    MultipleAt { position: usize },
    /// Nothing before the `@`.
    EmptyLocal,
    /// Nothing after the `@`.
    EmptyDomain,
    /// The local part is this many octets (limit 64).
    LocalTooLong { octets: usize },
    /// The address is this many octets (limit 254).
    AddressTooLong { octets: usize },
    /// The domain is this many octets in A-label form (limit 253).
    DomainTooLong { octets: usize },
    /// A domain label is this many octets in A-label form (limit 63).
    DomainLabelTooLong { label: String, octets: usize },
    /// The local part starts with a dot.
    LeadingDot,
    /// The local part ends with a dot.
    TrailingDot,
    /// Two dots in a row in the local part, the second at this character position.
    ConsecutiveDots { position: usize },
    /// A character not allowed in an unquoted local part.
    InvalidLocalChar { ch: char, position: usize },
    /// A Unicode White_Space character.
    Whitespace { ch: char, position: usize },
    /// A control character.
    ControlChar { ch: char, position: usize },
    /// An invisible formatting character.
    InvisibleChar { ch: char, position: usize },
    /// A quoted local part while they are not allowed.
    QuotedLocal,
    /// A malformed quoted local part.
    InvalidQuotedLocal { detail: &'static str },
    /// A domain literal while they are not allowed.
    DomainLiteral,
    /// A malformed domain literal.
    InvalidDomainLiteral,
    /// An RFC 5322 comment, at this character position.
    Comment { position: usize },
    /// An empty domain label.
    EmptyLabel,
    /// A character not allowed in a domain, at this character position.
    InvalidDomainChar { ch: char, position: usize },
    /// A label that starts or ends with a hyphen.
    LabelHyphen { label: String },
    /// A domain with only one label.
    SingleLabelDomain,
    /// The top-level label is all digits.
    NumericTld { tld: String },
    /// UTS-46 / IDNA2008 processing failed.
    InvalidIdna { domain: String },
}

impl ErrorKind {
    /// The stable snake_case code of this kind (see the table in the module docs).
    pub fn code(&self) -> &'static str {
        use ErrorKind::*;
        match self {
            Empty => "empty",
            InvalidUtf8 => "invalid_utf8",
            MissingAt => "missing_at",
            MultipleAt { .. } => "multiple_at",
            EmptyLocal => "empty_local",
            EmptyDomain => "empty_domain",
            LocalTooLong { .. } => "local_too_long",
            AddressTooLong { .. } => "address_too_long",
            DomainTooLong { .. } => "domain_too_long",
            DomainLabelTooLong { .. } => "domain_label_too_long",
            LeadingDot => "leading_dot",
            TrailingDot => "trailing_dot",
            ConsecutiveDots { .. } => "consecutive_dots",
            InvalidLocalChar { .. } => "invalid_local_char",
            Whitespace { .. } => "whitespace",
            ControlChar { .. } => "control_char",
            InvisibleChar { .. } => "invisible_char",
            QuotedLocal => "quoted_local",
            InvalidQuotedLocal { .. } => "invalid_quoted_local",
            DomainLiteral => "domain_literal",
            InvalidDomainLiteral => "invalid_domain_literal",
            Comment { .. } => "comment",
            EmptyLabel => "empty_label",
            InvalidDomainChar { .. } => "invalid_domain_char",
            LabelHyphen { .. } => "label_hyphen",
            SingleLabelDomain => "single_label_domain",
            NumericTld { .. } => "numeric_tld",
            InvalidIdna { .. } => "invalid_idna",
        }
    }

    /// Every code, in table order. Bindings and docs use it; a test keeps it in step.
    pub const ALL_CODES: &'static [&'static str] = &[
        "empty",
        "invalid_utf8",
        "missing_at",
        "multiple_at",
        "empty_local",
        "empty_domain",
        "local_too_long",
        "address_too_long",
        "domain_too_long",
        "domain_label_too_long",
        "leading_dot",
        "trailing_dot",
        "consecutive_dots",
        "invalid_local_char",
        "whitespace",
        "control_char",
        "invisible_char",
        "quoted_local",
        "invalid_quoted_local",
        "domain_literal",
        "invalid_domain_literal",
        "comment",
        "empty_label",
        "invalid_domain_char",
        "label_hyphen",
        "single_label_domain",
        "numeric_tld",
        "invalid_idna",
    ];
}

/// `U+XXXX 'c'` for visible characters, `U+XXXX` alone for invisible ones.
struct CharName(char);

impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        if c.is_control() || c.is_whitespace() || crate::parse::is_invisible(c) {
            write!(f, "U+{:04X}", c as u32)
        } else {
            write!(f, "'{c}' (U+{:04X})", c as u32)
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Empty => write!(f, "the address is empty"),
            InvalidUtf8 => write!(f, "the input is not valid UTF-8"),
            MissingAt => write!(f, "there is no '@' separating local part and domain"),
            MultipleAt { position } => {
                write!(f, "a second '@' at position {position} (only one is allowed outside quotes)")
            }
            EmptyLocal => write!(f, "there is nothing before the '@'"),
            EmptyDomain => write!(f, "there is nothing after the '@'"),
            LocalTooLong { octets } => write!(
                f,
                "the local part is {octets} octets long, {} more than the limit of 64",
                octets - 64
            ),
            AddressTooLong { octets } => write!(
                f,
                "the address is {octets} octets long, {} more than the limit of 254",
                octets - 254
            ),
            DomainTooLong { octets } => write!(
                f,
                "the domain is {octets} octets long in ASCII form, {} more than the limit of 253",
                octets - 253
            ),
            DomainLabelTooLong { label, octets } => write!(
                f,
                "the domain label '{label}' is {octets} octets long in ASCII form, {} more than the limit of 63",
                octets - 63
            ),
            LeadingDot => write!(f, "the local part starts with a dot"),
            TrailingDot => write!(f, "the local part ends with a dot"),
            ConsecutiveDots { position } => {
                write!(f, "two dots in a row in the local part at position {position}")
            }
            InvalidLocalChar { ch, position } => write!(
                f,
                "the character {} at position {position} is not allowed in an unquoted local part",
                CharName(*ch)
            ),
            Whitespace { ch, position } => write!(
                f,
                "whitespace {} at position {position} is not allowed",
                CharName(*ch)
            ),
            ControlChar { ch, position } => write!(
                f,
                "control character {} at position {position} is not allowed",
                CharName(*ch)
            ),
            InvisibleChar { ch, position } => write!(
                f,
                "invisible formatting character {} at position {position} is not allowed",
                CharName(*ch)
            ),
            QuotedLocal => write!(f, "quoted local parts are not accepted (enable them with allow_quoted_local)"),
            InvalidQuotedLocal { detail } => write!(f, "the quoted local part is malformed: {detail}"),
            DomainLiteral => write!(
                f,
                "IP address literals are not accepted as a domain (enable them with allow_domain_literal)"
            ),
            InvalidDomainLiteral => write!(f, "the domain literal is not a valid IPv4 or IPv6 address"),
            Comment { position } => write!(f, "a comment '(' at position {position} is not allowed"),
            EmptyLabel => write!(f, "the domain has an empty label (a leading, trailing or doubled dot)"),
            InvalidDomainChar { ch, position } => write!(
                f,
                "the character {} at position {position} is not allowed in a domain",
                CharName(*ch)
            ),
            LabelHyphen { label } => write!(f, "the domain label '{label}' starts or ends with a hyphen"),
            SingleLabelDomain => write!(f, "the domain has a single label; a public address needs at least two"),
            NumericTld { tld } => write!(f, "the top-level domain '{tld}' is all digits"),
            InvalidIdna { domain } => write!(
                f,
                "the domain '{domain}' is not a valid internationalized domain name (UTS-46 / IDNA2008)"
            ),
        }
    }
}

/// An address that was rejected: the input and what was wrong with it.
///
/// ```
/// let err = mailhygiene::parse("john..doe@example.com").unwrap_err();
/// assert_eq!(err.code(), "consecutive_dots");
/// assert_eq!(err.to_string(), "two dots in a row in the local part at position 6");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ParseError {
    input: String,
    kind: ErrorKind,
}

impl ParseError {
    pub(crate) fn new(input: &str, kind: ErrorKind) -> Self {
        ParseError {
            input: input.to_owned(),
            kind,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The stable code, e.g. `"missing_at"`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The input that was rejected, as given to the parser.
    pub fn input(&self) -> &str {
        &self.input
    }
}
