//! Bounce classification: SMTP reply code + RFC 3463 enhanced status + diagnostic text →
//! hard / soft / block, with a sub-reason. Rules live in `data/bounce_rules.tsv`.

/// The class of a bounce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BounceClass {
    /// A permanent problem with the address: suppress it.
    Hard,
    /// A transient problem with the address: count it, do not suppress alone.
    Soft,
    /// A rejection about the sender or message (policy, spam, reputation, auth): never
    /// suppresses the address.
    Block,
    /// Nothing matched.
    Unknown,
}

/// A classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The class.
    pub class: BounceClass,
    /// `user_unknown`, `mailbox_full`, `policy` …; `None` when unknown.
    pub sub_reason: Option<String>,
}

/// Classifies a bounce with the built-in rules.
pub fn classify(
    smtp_reply: Option<u16>,
    enhanced_status: Option<&str>,
    diagnostic: Option<&str>,
) -> Bounce {
    let _ = (smtp_reply, enhanced_status, diagnostic);
    Bounce {
        class: BounceClass::Unknown,
        sub_reason: None,
    }
}
