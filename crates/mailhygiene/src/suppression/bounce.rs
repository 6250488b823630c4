//! Bounce classification: SMTP reply code + RFC 3463 enhanced status + diagnostic text →
//! [`BounceClass`] (hard / soft / block) and a sub-reason.
//!
//! The rules are data (`data/bounce_rules.tsv`, embedded; [`BounceRules::parse`] loads
//! another set at run time), read top to bottom, **first match wins**. Text patterns come
//! before codes because providers reuse codes for other meanings (Office 365 writes
//! `5.4.1 … Access denied` and `5.1.10 RecipientNotFound` for unknown users). The decision follows
//! the research consensus (`shared/research/suppression-semantics.md` §2): address problems are
//! hard; mailbox full (`x.2.2`, even as `5.2.2`, RFC 3463 §3.3), greylisting, rate limits,
//! timeouts and expiry are soft; policy, spam, reputation and authentication rejections are
//! blocks, about the sender, and never suppress the address.
//!
//! ```
//! use mailhygiene::suppression::bounce::{classify, BounceClass};
//! let b = classify(Some(550), Some("5.1.1"), Some("The email account that you tried to reach does not exist"));
//! assert_eq!((b.class, b.sub_reason.as_deref()), (BounceClass::Hard, Some("user_unknown")));
//! let b = classify(Some(552), Some("5.2.2"), Some("mailbox full"));
//! assert_eq!((b.class, b.sub_reason.as_deref()), (BounceClass::Soft, Some("mailbox_full")));
//! // Codes read from the text when the source has no separate columns.
//! let b = classify(None, None, Some("smtp;554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"));
//! assert_eq!((b.class, b.sub_reason.as_deref()), (BounceClass::Block, Some("reputation")));
//! ```
use std::fmt;

use once_cell::sync::Lazy;
use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};

/// The class of a bounce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BounceClass {
    /// A permanent problem with the address: suppress it.
    Hard,
    /// A transient problem with the address: count it, do not suppress alone.
    Soft,
    /// A rejection about the sender or the message (policy, spam, reputation, auth): never
    /// suppresses the address.
    Block,
    /// No rule matched.
    Unknown,
}

impl BounceClass {
    /// The stable code: `hard`, `soft`, `block`, `unknown`.
    pub fn code(self) -> &'static str {
        match self {
            BounceClass::Hard => "hard",
            BounceClass::Soft => "soft",
            BounceClass::Block => "block",
            BounceClass::Unknown => "unknown",
        }
    }

    fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "hard" => BounceClass::Hard,
            "soft" => BounceClass::Soft,
            "block" => BounceClass::Block,
            _ => return None,
        })
    }
}

impl fmt::Display for BounceClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounce {
    /// The class.
    pub class: BounceClass,
    /// `user_unknown`, `mailbox_full`, `policy` …; `None` when no rule matched.
    pub sub_reason: Option<String>,
    /// The SMTP reply used: the one given, else one read from the diagnostic text.
    pub smtp_reply: Option<u16>,
    /// The enhanced status used: the one given, else one read from the diagnostic text.
    pub enhanced_status: Option<String>,
    /// The 1-based line of the rule that matched in its file.
    pub rule_line: Option<usize>,
}

/// A rule file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bounce rules line {line}: {message}")]
pub struct RulesError {
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// An enhanced status pattern part: a number, or `x` for any.
type Part = Option<u16>;

#[derive(Debug, Clone)]
struct Rule {
    line: usize,
    /// `Some(550)`: exact reply; `class_digit`: `4xx` / `5xx`.
    reply: Option<u16>,
    class_digit: Option<u16>,
    status: Option<[Part; 3]>,
    /// Index into the regex set.
    pattern: Option<usize>,
    class: BounceClass,
    sub_reason: String,
}

/// An ordered rule set.
#[derive(Debug, Clone)]
pub struct BounceRules {
    rules: Vec<Rule>,
    set: RegexSet,
}

static BUILTIN_TEXT: &str = include_str!("../../data/bounce_rules.tsv");
static BUILTIN: Lazy<BounceRules> =
    Lazy::new(|| BounceRules::parse(BUILTIN_TEXT).expect("data/bounce_rules.tsv is valid"));
/// `550`, `550-5.1.1`, `smtp; 550 5.1.1`, `#5.1.1`: a reply code at the start or after `;`.
static REPLY_IN_TEXT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?:^|[;:]\s*|\s)([245][0-5][0-9])(?:[\s\-]|$)").unwrap());
static STATUS_IN_TEXT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?:[^\d.]|$)").unwrap());

impl BounceRules {
    /// The embedded rules (`data/bounce_rules.tsv`).
    pub fn builtin() -> &'static BounceRules {
        &BUILTIN
    }

    /// Reads a rule file (same format as `data/bounce_rules.tsv`).
    pub fn parse(text: &str) -> Result<BounceRules, RulesError> {
        let mut rules = Vec::new();
        let mut patterns = Vec::new();
        let mut header_seen = false;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| RulesError { line, message };
            if raw.starts_with('#') || raw.trim().is_empty() {
                continue;
            }
            if !header_seen {
                header_seen = true;
                continue;
            }
            let cols: Vec<&str> = raw.split('\t').collect();
            if cols.len() < 5 {
                return Err(err(format!("expected 6 columns, got {}", cols.len())));
            }
            let (reply, class_digit) = match cols[0].trim() {
                "" => (None, None),
                c if c.len() == 3 && c.ends_with("xx") => (
                    None,
                    Some(parse_num(&c[..1]).ok_or_else(|| err(format!("bad code {c:?}")))?),
                ),
                c => (
                    Some(parse_num(c).ok_or_else(|| err(format!("bad code {c:?}")))?),
                    None,
                ),
            };
            let status = match cols[1].trim() {
                "" => None,
                s => Some(parse_status_pattern(s).ok_or_else(|| err(format!("bad status {s:?}")))?),
            };
            let pattern = match cols[2].trim() {
                "" => None,
                p => {
                    let p = format!("(?i){p}");
                    Regex::new(&p).map_err(|e| err(e.to_string()))?;
                    patterns.push(p);
                    Some(patterns.len() - 1)
                }
            };
            let class = BounceClass::from_code(cols[3].trim())
                .ok_or_else(|| err(format!("bad class {:?}", cols[3])))?;
            let sub_reason = cols[4].trim().to_string();
            if sub_reason.is_empty() {
                return Err(err("empty sub_reason".into()));
            }
            rules.push(Rule {
                line,
                reply,
                class_digit,
                status,
                pattern,
                class,
                sub_reason,
            });
        }
        let set = RegexSet::new(&patterns).map_err(|e| RulesError {
            line: 0,
            message: e.to_string(),
        })?;
        Ok(BounceRules { rules, set })
    }

    /// Classifies one bounce. Missing reply or status are read from the diagnostic text.
    pub fn classify(
        &self,
        smtp_reply: Option<u16>,
        enhanced_status: Option<&str>,
        diagnostic: Option<&str>,
    ) -> Bounce {
        let text = diagnostic.unwrap_or("");
        let (text_reply, text_status) = codes_in_text(text);
        let smtp_reply = smtp_reply.or(text_reply);
        let enhanced_status = enhanced_status
            .map(str::trim)
            .filter(|s| parse_status(s).is_some())
            .map(str::to_string)
            .or(text_status);
        let status = enhanced_status.as_deref().and_then(parse_status);
        // The class digit: the enhanced status's when there is one (more specific), else the
        // reply's.
        let digit = status.map(|s| s[0]).or(smtp_reply.map(|r| r / 100));
        let matched = self.set.matches(text);
        let rule = self.rules.iter().find(|r| {
            r.reply.map_or(true, |want| smtp_reply == Some(want))
                && r.class_digit.map_or(true, |want| digit == Some(want))
                && r.status.map_or(true, |want| {
                    status.is_some_and(|have| {
                        want.iter()
                            .zip(have)
                            .all(|(w, h)| w.map_or(true, |w| w == h))
                    })
                })
                && r.pattern.map_or(true, |p| matched.matched(p))
        });
        Bounce {
            class: rule.map_or(BounceClass::Unknown, |r| r.class),
            sub_reason: rule.map(|r| r.sub_reason.clone()),
            smtp_reply,
            enhanced_status,
            rule_line: rule.map(|r| r.line),
        }
    }
}

/// Classifies a bounce with the built-in rules ([`BounceRules::builtin`]).
pub fn classify(
    smtp_reply: Option<u16>,
    enhanced_status: Option<&str>,
    diagnostic: Option<&str>,
) -> Bounce {
    // Exports repeat the same few replies over millions of rows, and the rules are regex
    // sets: remember this thread's recent answers (bounded).
    type Key = (Option<u16>, Option<Box<str>>, Option<Box<str>>);
    thread_local! {
        static SEEN: std::cell::RefCell<rustc_hash::FxHashMap<Key, Bounce>> = Default::default();
    }
    let key: Key = (
        smtp_reply,
        enhanced_status.map(Into::into),
        diagnostic.map(Into::into),
    );
    SEEN.with_borrow_mut(|seen| {
        if let Some(b) = seen.get(&key) {
            return b.clone();
        }
        let b = BUILTIN.classify(smtp_reply, enhanced_status, diagnostic);
        if seen.len() >= 4096 {
            seen.clear();
        }
        seen.insert(key, b.clone());
        b
    })
}

/// The SMTP reply code and RFC 3463 enhanced status written in a diagnostic text
/// (`smtp;550 5.1.1 <a@b>: user unknown` → `550`, `5.1.1`).
pub fn codes_in_text(text: &str) -> (Option<u16>, Option<String>) {
    let reply = REPLY_IN_TEXT.captures(text).and_then(|c| c[1].parse().ok());
    let status = STATUS_IN_TEXT
        .captures(text)
        .map(|c| c[1].to_string())
        .filter(|s| parse_status(s).is_some());
    (reply, status)
}

fn parse_num(s: &str) -> Option<u16> {
    s.parse().ok()
}

/// `5.1.1` → `[5, 1, 1]`; class must be 2, 4 or 5 (RFC 3463 §3.1).
fn parse_status(s: &str) -> Option<[u16; 3]> {
    let mut it = s.split('.');
    let parts = [it.next()?, it.next()?, it.next()?];
    if it.next().is_some() {
        return None;
    }
    let [a, b, c] = parts.map(parse_num);
    let status = [a?, b?, c?];
    matches!(status[0], 2 | 4 | 5).then_some(status)
}

fn parse_status_pattern(s: &str) -> Option<[Part; 3]> {
    let mut it = s.split('.');
    let mut out = [None; 3];
    for slot in &mut out {
        let p = it.next()?;
        *slot = if p == "x" { None } else { Some(parse_num(p)?) };
    }
    it.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        assert!(BounceRules::builtin().rules.len() > 40);
    }

    #[test]
    fn every_builtin_rule_cites_a_source() {
        let mut header_seen = false;
        for (i, line) in BUILTIN_TEXT.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !std::mem::replace(&mut header_seen, true) {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 6, "bounce_rules.tsv:{}", i + 1);
            assert!(
                !cols[5].trim().is_empty(),
                "bounce_rules.tsv:{}: no source",
                i + 1
            );
        }
    }

    #[test]
    fn codes_from_text() {
        assert_eq!(
            codes_in_text("smtp;550 5.1.1 <a@b.example>: user unknown"),
            (Some(550), Some("5.1.1".into()))
        );
        assert_eq!(
            codes_in_text("550-5.1.1 The email account"),
            (Some(550), Some("5.1.1".into()))
        );
        assert_eq!(codes_in_text("Too old"), (None, None));
        // An IP address is not a status.
        assert_eq!(codes_in_text("host [192.0.2.1] said"), (None, None));
    }

    #[test]
    fn bad_rules_are_reported_with_line() {
        let e = BounceRules::parse(
            "code\tstatus\tpattern\tclass\tsub_reason\tsource\n\t5.x.1\t(\tsoft\tx\t\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
    }
}
