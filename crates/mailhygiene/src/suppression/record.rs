//! The canonical suppression record: one fact about one address, from one source.
//!
//! Field meanings follow `shared/research/suppression-semantics.md` §6. Times are Unix seconds
//! UTC; the raw text and the zone it was read in are kept beside them.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a record exists. The first eight restrict mail; the rest are observations that never
/// suppress alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A legal deletion request (GDPR art. 17): keep suppressing, never mail again.
    Erasure,
    /// An operator blocked the address.
    Manual,
    /// The recipient reported the mail as spam (ARF feedback, FBL).
    Complaint,
    /// A permanent failure about the address (user unknown, host unknown, moved, disabled).
    HardBounce,
    /// The address is syntactically invalid or was declared invalid by a source.
    Invalid,
    /// The recipient opted out (of everything, or of one list / group / topic / stream).
    Unsubscribe,
    /// Repeated address-type soft bounces, escalated by the merge policy.
    SoftBounceEscalated,
    /// No engagement over the policy's window.
    Sunset,
    /// A transient failure about the address (mailbox full, greylisting, timeout). Observation.
    SoftBounce,
    /// A rejection about the sender (policy, reputation, content, authentication). Observation.
    Block,
    /// A delivery. Observation; clears a hard bounce when later.
    Delivered,
    /// An open or click. Observation; resets soft-bounce counting and sunset.
    Engaged,
    /// A subscription; clears an unsubscribe only when later and with consent evidence.
    OptIn,
}

impl Reason {
    /// Every reason, most restrictive first.
    pub const ALL: [Reason; 13] = [
        Reason::Erasure,
        Reason::Manual,
        Reason::Complaint,
        Reason::HardBounce,
        Reason::Invalid,
        Reason::Unsubscribe,
        Reason::SoftBounceEscalated,
        Reason::Sunset,
        Reason::SoftBounce,
        Reason::Block,
        Reason::Delivered,
        Reason::Engaged,
        Reason::OptIn,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Erasure => "erasure",
            Reason::Manual => "manual",
            Reason::Complaint => "complaint",
            Reason::HardBounce => "hard_bounce",
            Reason::Invalid => "invalid",
            Reason::Unsubscribe => "unsubscribe",
            Reason::SoftBounceEscalated => "soft_bounce_escalated",
            Reason::Sunset => "sunset",
            Reason::SoftBounce => "soft_bounce",
            Reason::Block => "block",
            Reason::Delivered => "delivered",
            Reason::Engaged => "engaged",
            Reason::OptIn => "opt_in",
        }
    }

    /// Whether a record with this reason restricts mail by itself.
    pub fn is_restriction(self) -> bool {
        matches!(
            self,
            Reason::Erasure
                | Reason::Manual
                | Reason::Complaint
                | Reason::HardBounce
                | Reason::Invalid
                | Reason::Unsubscribe
                | Reason::SoftBounceEscalated
                | Reason::Sunset
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Reason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Reason::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| format!("unknown reason '{s}'"))
    }
}

/// Which mail a restriction covers.
///
/// `all` ⊃ `marketing` ⊃ {`list:<id>`, `group:<id>`, `topic:<id>`}; `all` ⊃ `transactional` ⊃
/// {`stream:<id>`}. Written as those strings in files and bindings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Every message.
    All,
    /// Every marketing (bulk, non-transactional) message.
    Marketing,
    /// Every transactional message.
    Transactional,
    /// One marketing list or audience.
    List(String),
    /// One unsubscribe group (SendGrid ASM).
    Group(String),
    /// One topic, tag or subscription type (SES topics, HubSpot subscription types, Mailgun tags).
    Topic(String),
    /// One transactional sending stream (a Postmark message stream, one of the company's streams).
    Stream(String),
}

impl Scope {
    /// Whether this scope includes all of `other`.
    pub fn covers(&self, other: &Scope) -> bool {
        use Scope::*;
        match (self, other) {
            (All, _) => true,
            (Marketing, Marketing | List(_) | Group(_) | Topic(_)) => true,
            (Transactional, Transactional | Stream(_)) => true,
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("all"),
            Scope::Marketing => f.write_str("marketing"),
            Scope::Transactional => f.write_str("transactional"),
            Scope::List(id) => write!(f, "list:{id}"),
            Scope::Group(id) => write!(f, "group:{id}"),
            Scope::Topic(id) => write!(f, "topic:{id}"),
            Scope::Stream(id) => write!(f, "stream:{id}"),
        }
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "all" => Scope::All,
            "marketing" => Scope::Marketing,
            "transactional" => Scope::Transactional,
            _ => match s.split_once(':') {
                Some(("list", id)) => Scope::List(id.into()),
                Some(("group", id)) => Scope::Group(id.into()),
                Some(("topic", id)) => Scope::Topic(id.into()),
                Some(("stream", id)) => Scope::Stream(id.into()),
                _ => return Err(format!("unknown scope '{s}'")),
            },
        })
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Evidence that a person consented (double opt-in confirmation, or a recorded legal basis).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Consent {
    /// How consent was given (`double_opt_in`, `form`, `api`, a source's own word).
    pub method: Option<String>,
    /// When consent was given, Unix seconds UTC.
    pub at: Option<i64>,
    /// The IP address consent came from.
    pub ip: Option<String>,
    /// Whether a confirmation (double opt-in) is recorded.
    pub confirmed: bool,
    /// A recorded legal basis (HubSpot `legalBasis`, e.g. `CONSENT_WITH_NOTICE`).
    pub legal_basis: Option<String>,
}

impl Consent {
    /// Whether this is evidence strong enough to re-open an unsubscribe: a double opt-in
    /// confirmation or a recorded legal basis.
    pub fn is_evidence(&self) -> bool {
        self.confirmed || self.legal_basis.is_some()
    }
}

/// Where a record came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Provenance {
    /// The file it was read from (empty for records added through the API).
    pub file: String,
    /// The 1-based line (CSV: the record's first line) or JSON array index.
    pub line: u64,
}

/// One fact about one address from one source.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SuppressionRecord {
    /// The canonical key ([`crate::Checker::canonical`]).
    pub canonical: String,
    /// The address as the source wrote it.
    pub address: String,
    /// What happened.
    pub reason: Reason,
    /// Finer detail: `user_unknown`, `mailbox_full`, `policy`, a source's category …
    pub sub_reason: Option<String>,
    /// Which mail it covers.
    pub scope: Scope,
    /// When it happened, Unix seconds UTC; `None` when the source has no date.
    pub event_time: Option<i64>,
    /// The source's time text, verbatim.
    pub event_time_raw: Option<String>,
    /// The zone the raw time was read in (`UTC`, `UTC-06:00`, `America/Los_Angeles`, an offset).
    pub source_zone: Option<String>,
    /// The mail system (`mailchimp`, `sendgrid`, `ses`, … or `generic`).
    pub source_system: String,
    /// The company's stream the export belongs to (`welcome`, `crm`, …).
    pub source_stream: String,
    /// The account inside the system (subaccount, Mailgun domain, SES region, Postmark stream).
    pub source_account: Option<String>,
    /// The source's own reason text, verbatim.
    pub source_reason: Option<String>,
    /// SMTP reply code (`550`).
    pub smtp_reply: Option<u16>,
    /// RFC 3463 enhanced status (`5.1.1`).
    pub enhanced_status: Option<String>,
    /// Diagnostic text from the receiving server.
    pub diagnostic: Option<String>,
    /// Consent evidence, for opt-ins.
    pub consent: Option<Consent>,
    /// The file and line it came from.
    pub provenance: Provenance,
}

impl SuppressionRecord {
    /// A record with only the required fields; the rest are `None` / empty.
    pub fn new(
        canonical: &str,
        address: &str,
        reason: Reason,
        scope: Scope,
        source_system: &str,
    ) -> Self {
        SuppressionRecord {
            canonical: canonical.into(),
            address: address.into(),
            reason,
            sub_reason: None,
            scope,
            event_time: None,
            event_time_raw: None,
            source_zone: None,
            source_system: source_system.into(),
            source_stream: String::new(),
            source_account: None,
            source_reason: None,
            smtp_reply: None,
            enhanced_status: None,
            diagnostic: None,
            consent: None,
            provenance: Provenance::default(),
        }
    }
}

/// A source row that could not be turned into a record. Never dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// The file.
    pub file: String,
    /// The 1-based line.
    pub line: u64,
    /// A stable snake_case code (`invalid_address`, `unreadable_row`, `bad_date`, an address error code …).
    pub code: String,
    /// A human explanation.
    pub message: String,
    /// The raw row text.
    pub raw: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_listed_in_declaration_order() {
        // Counting by `reason as usize` indexes into arrays ordered like `Reason::ALL`.
        for (i, r) in Reason::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i, "{r}");
            assert_eq!(r.code().parse::<Reason>(), Ok(*r));
        }
    }
}
