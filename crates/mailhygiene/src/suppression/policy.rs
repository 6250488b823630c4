//! The merge policy: precedence, scope per reason, soft-bounce escalation and sunset numbers.
//!
//! The default is `data/policy.toml`, embedded; every value there cites its source in
//! `shared/research/suppression-semantics.md`. A policy file may give only the keys it changes.
use std::fmt;

use serde::{Deserialize, Serialize};

use super::record::Reason;

const DEFAULT_TOML: &str = include_str!("../../data/policy.toml");

/// Seconds in a day: policy numbers are in days, record times in Unix seconds.
pub(crate) const DAY: i64 = 86_400;

/// Which mail a restriction covers, whatever scope its source gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeRule {
    /// Every message, critical transactional ones included.
    All,
    /// Every message except transactional messages the caller marks critical.
    AllButCritical,
    /// All marketing mail; never transactional.
    Marketing,
    /// The source's own marketing scope (list / group / topic / stream); `all`, `marketing` and
    /// `transactional` become `marketing`. Never transactional.
    Source,
}

/// Per-reason scope rules (the `[scope]` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeRules {
    /// Legal erasure.
    pub erasure: ScopeRule,
    /// Operator block.
    pub manual: ScopeRule,
    /// Spam complaint.
    pub complaint: ScopeRule,
    /// Hard bounce.
    pub hard_bounce: ScopeRule,
    /// Invalid address.
    pub invalid: ScopeRule,
    /// Unsubscribe.
    pub unsubscribe: ScopeRule,
    /// Escalated soft bounces.
    pub soft_bounce_escalated: ScopeRule,
    /// Sunset (unengaged).
    pub sunset: ScopeRule,
}

/// Soft-bounce escalation (the `[escalation]` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Consecutive counting soft bounces needed (no delivery or engagement in between).
    pub consecutive: u32,
    /// The first and last of them must be at least this many days apart.
    pub min_span_days: u32,
    /// Only soft bounces within this many days of the latest one count.
    pub lookback_days: u32,
    /// How long the first escalation lasts.
    pub expiry_days: u32,
    /// Each repeat lasts this many times longer than the one before (2: doubling).
    pub expiry_multiplier: u32,
    /// Soft bounces with one of these sub-reasons never count.
    pub ignore_sub_reasons: Vec<String>,
    /// Soft bounces whose enhanced status starts with one of these never count.
    pub ignore_status_prefixes: Vec<String>,
}

/// Sunset from engagement data (the `[sunset]` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sunset {
    /// N: an address with no engagement in its last N sends is sunset.
    pub sends: u32,
    /// M: an address with no engagement in the last M days is sunset.
    pub days: u32,
    /// How long an open keeps an address alive, as a multiple of N and M.
    pub open_weight: f64,
    /// How long a click keeps an address alive, as a multiple of N and M.
    pub click_weight: f64,
}

/// A complete merge policy. [`Policy::default`] is `data/policy.toml`.
///
/// ```
/// use mailhygiene::suppression::Policy;
/// let p = Policy::from_toml("[escalation]\nconsecutive = 7\n").unwrap();
/// assert_eq!(p.escalation.consecutive, 7);
/// assert_eq!(p.escalation.expiry_days, 90); // the rest stays default
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Tiers, most restrictive first; `a = b` ranks equal; `unsubscribe:all` / `unsubscribe:scoped`.
    pub precedence: Vec<String>,
    /// Scope per reason.
    pub scope: ScopeRules,
    /// Soft-bounce escalation.
    pub escalation: Escalation,
    /// Sunset.
    pub sunset: Sunset,
}

/// Why a policy could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    message: String,
}

impl PolicyError {
    /// The stable code: always `invalid_policy`.
    pub fn code(&self) -> &'static str {
        "invalid_policy"
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid policy: {}", self.message)
    }
}

impl std::error::Error for PolicyError {}

impl Default for Policy {
    fn default() -> Self {
        Policy::from_toml("").expect("the embedded policy is valid")
    }
}

impl Policy {
    /// Read a policy from TOML; keys it does not give keep their default.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let err = |e: &dyn fmt::Display| PolicyError {
            message: e.to_string(),
        };
        let mut base: toml::Table = toml::from_str(DEFAULT_TOML).map_err(|e| err(&e))?;
        let over: toml::Table = toml::from_str(text).map_err(|e| err(&e))?;
        overlay(&mut base, over);
        let policy: Policy = base.try_into().map_err(|e| err(&e))?;
        policy.validate()?;
        Ok(policy)
    }

    /// Check the numbers and the precedence tiers.
    pub fn validate(&self) -> Result<(), PolicyError> {
        self.ranks().map(|_| ())?;
        let e = &self.escalation;
        if e.consecutive == 0 || e.expiry_multiplier == 0 {
            return Err(PolicyError {
                message: "escalation.consecutive and expiry_multiplier must be at least 1".into(),
            });
        }
        let s = &self.sunset;
        if !(s.open_weight > 0.0 && s.click_weight > 0.0) {
            return Err(PolicyError {
                message: "sunset weights must be positive".into(),
            });
        }
        Ok(())
    }

    /// The scope rule for a restriction reason (`None` for observations).
    pub fn scope_rule(&self, reason: Reason) -> Option<ScopeRule> {
        let s = &self.scope;
        Some(match reason {
            Reason::Erasure => s.erasure,
            Reason::Manual => s.manual,
            Reason::Complaint => s.complaint,
            Reason::HardBounce => s.hard_bounce,
            Reason::Invalid => s.invalid,
            Reason::Unsubscribe => s.unsubscribe,
            Reason::SoftBounceEscalated => s.soft_bounce_escalated,
            Reason::Sunset => s.sunset,
            _ => return None,
        })
    }

    /// Rank of each precedence slot: `[reason as usize][0 = all / 1 = scoped]`, 0 = most restrictive.
    pub(crate) fn ranks(&self) -> Result<[[u8; 2]; 8], PolicyError> {
        let mut ranks = [[u8::MAX; 2]; 8];
        for (tier, line) in self.precedence.iter().enumerate() {
            for item in line.split('=').map(str::trim) {
                let (code, which) = match item.split_once(':') {
                    Some((c, "all")) => (c, &[0usize][..]),
                    Some((c, "scoped")) => (c, &[1usize][..]),
                    None => (item, &[0usize, 1][..]),
                    Some(_) => {
                        return Err(PolicyError {
                            message: format!("bad precedence item '{item}'"),
                        })
                    }
                };
                let reason: Reason = code.parse().map_err(|m| PolicyError { message: m })?;
                if !reason.is_restriction() {
                    return Err(PolicyError {
                        message: format!("'{code}' is an observation, not a restriction"),
                    });
                }
                for &w in which {
                    ranks[reason as usize][w] = tier as u8;
                }
            }
        }
        for r in Reason::ALL.into_iter().filter(|r| r.is_restriction()) {
            if ranks[r as usize].contains(&u8::MAX) {
                return Err(PolicyError {
                    message: format!("precedence does not rank '{r}'"),
                });
            }
        }
        Ok(ranks)
    }
}

/// Recursively replace `base` values by `over` values (tables merge, everything else replaces).
fn overlay(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => overlay(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_ranks_like_the_issue() {
        let r = Policy::default().ranks().unwrap();
        let rank = |x: Reason, w: usize| r[x as usize][w];
        assert!(rank(Reason::Erasure, 0) < rank(Reason::Manual, 0));
        assert!(rank(Reason::Manual, 0) < rank(Reason::Complaint, 0));
        assert!(rank(Reason::Complaint, 0) < rank(Reason::HardBounce, 0));
        assert_eq!(rank(Reason::HardBounce, 0), rank(Reason::Invalid, 0));
        assert!(rank(Reason::Invalid, 0) < rank(Reason::Unsubscribe, 0));
        assert!(rank(Reason::Unsubscribe, 0) < rank(Reason::Unsubscribe, 1));
        assert!(rank(Reason::Unsubscribe, 1) < rank(Reason::SoftBounceEscalated, 0));
        assert!(rank(Reason::SoftBounceEscalated, 0) < rank(Reason::Sunset, 0));
    }

    #[test]
    fn rejects_incomplete_precedence_and_unknown_keys() {
        assert!(Policy::from_toml("precedence = [\"erasure\"]").is_err());
        assert!(Policy::from_toml("[escalation]\nconsecutiv = 3").is_err());
        assert!(Policy::from_toml("precedence = [\"delivered\"]").is_err());
    }
}
