//! The canonical key: the form under which two spellings of one mailbox compare equal, for
//! de-duplication and suppression matching. It is *not* an address to send to.
//!
//! Steps: local part NFC, then Unicode lowercase (not case folding: `ß` stays `ß`); domain as
//! lowercase A-labels; then the provider rule for the *whole* domain name, if any (see
//! `data/providers.tsv`, one source per row). Every other domain keeps dots and `+tag`.
use std::sync::Arc;

use once_cell::sync::Lazy;
use rustc_hash::FxHashMap;
use serde::Serialize;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::parse::Address;

/// A provider rule that changed the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CanonicalRule {
    /// The domain was replaced by the provider's canonical domain (`googlemail.com` → `gmail.com`).
    DomainAlias,
    /// Dots were removed from the local part (Gmail).
    StripDots,
    /// A `+tag` sub-address was removed from the local part.
    StripTag,
}

impl CanonicalRule {
    /// Every rule, in declaration order: what a binding reads codes back with.
    pub const ALL: [CanonicalRule; 3] = [
        CanonicalRule::DomainAlias,
        CanonicalRule::StripDots,
        CanonicalRule::StripTag,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            CanonicalRule::DomainAlias => "domain_alias",
            CanonicalRule::StripDots => "strip_dots",
            CanonicalRule::StripTag => "strip_tag",
        }
    }
}

/// How one mail provider treats the local parts of one of its domains.
///
/// ```
/// use mailhygiene::{Checker, ProviderRule};
/// // "Our Google Workspace domain ignores dots and +tags."
/// let checker = Checker::builder()
///     .provider_rule(ProviderRule::new("example.com").strip_dots(true).strip_tag(true))
///     .build();
/// assert_eq!(checker.canonical("J.Doe+news@example.com").unwrap(), "jdoe@example.com");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRule {
    /// The domain the rule applies to (exactly; never its subdomains).
    pub domain: String,
    /// The domain in the key, when it differs (`googlemail.com` → `gmail.com`).
    pub canonical_domain: Option<String>,
    /// Whether dots in the local part are ignored by the provider.
    pub strip_dots: bool,
    /// Whether a `+tag` is delivered to the same mailbox.
    pub strip_tag: bool,
    /// Provider name, e.g. `gmail`.
    pub provider: String,
    /// Where the rule is documented.
    pub source: String,
}

impl ProviderRule {
    /// A rule for `domain` that changes nothing yet; set what the domain does with the builders.
    /// The domain is converted to lowercase A-labels.
    pub fn new(domain: &str) -> Self {
        ProviderRule {
            domain: domain_key(domain),
            canonical_domain: None,
            strip_dots: false,
            strip_tag: false,
            provider: "custom".into(),
            source: "user".into(),
        }
    }
    /// Ignore dots in the local part.
    pub fn strip_dots(mut self, yes: bool) -> Self {
        self.strip_dots = yes;
        self
    }
    /// Ignore a `+tag` in the local part.
    pub fn strip_tag(mut self, yes: bool) -> Self {
        self.strip_tag = yes;
        self
    }
    /// Use another domain in the key.
    pub fn canonical_domain(mut self, domain: &str) -> Self {
        self.canonical_domain = Some(domain_key(domain));
        self
    }
    /// Name the provider (reported by [`ProviderRules::get`]).
    pub fn provider(mut self, name: &str) -> Self {
        self.provider = name.into();
        self
    }
}

/// Lowercase A-label form of a domain given by a user or a data file.
pub(crate) fn domain_key(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.');
    if d.is_ascii() {
        d.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(d).unwrap_or_else(|_| d.to_lowercase())
    }
}

/// The provider rules in force, keyed by A-label domain.
#[derive(Debug, Clone, Default)]
pub struct ProviderRules {
    rules: FxHashMap<String, Arc<ProviderRule>>,
}

static BUILTIN: &str = include_str!("../data/providers.tsv");

static DEFAULT_RULES: Lazy<ProviderRules> = Lazy::new(|| {
    let mut rules = ProviderRules::empty();
    for line in crate::data::rows(BUILTIN).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (domain, canonical, dots, tag, provider, source) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        rules.insert(ProviderRule {
            domain: domain.into(),
            canonical_domain: (canonical != domain).then(|| canonical.into()),
            strip_dots: dots == "yes",
            strip_tag: tag == "yes",
            provider: provider.into(),
            source: source.into(),
        });
    }
    rules
});

impl ProviderRules {
    /// The built-in rules from `data/providers.tsv`.
    pub fn builtin() -> Self {
        DEFAULT_RULES.clone()
    }
    /// No rules at all: every domain keeps dots and `+tag`.
    pub fn empty() -> Self {
        Self::default()
    }
    /// Add or replace the rule for `rule.domain`.
    pub fn insert(&mut self, rule: ProviderRule) {
        self.rules.insert(rule.domain.clone(), Arc::new(rule));
    }
    /// Remove the rule for a domain.
    pub fn remove(&mut self, domain: &str) {
        self.rules.remove(&domain_key(domain));
    }
    /// The rule for exactly this A-label domain.
    pub fn get(&self, domain_ascii: &str) -> Option<&ProviderRule> {
        self.rules.get(domain_ascii).map(|r| r.as_ref())
    }
    /// The shared rule for exactly this A-label domain, for caches that outlive a borrow.
    pub(crate) fn get_shared(&self, domain_ascii: &str) -> Option<Arc<ProviderRule>> {
        self.rules.get(domain_ascii).cloned()
    }
    /// Every domain with a rule.
    pub fn domains(&self) -> impl Iterator<Item = &str> {
        self.rules.keys().map(String::as_str)
    }

    /// The canonical key of a parsed address and the rules that fired.
    pub fn canonical(&self, address: &Address) -> (String, Vec<CanonicalRule>) {
        let domain = address.domain_ascii();
        let mut key = String::new();
        let rules = canonical_key_into(address.local(), domain, self.get(domain), &mut key);
        (key, rules)
    }
}

/// Write into `key` (replacing its content) the canonical key of a local part (NFC, as
/// parsed) at a lowercase A-label domain whose provider rule is `rule`; returns the rules that
/// fired.
pub(crate) fn canonical_key_into(
    local: &str,
    domain: &str,
    rule: Option<&ProviderRule>,
    key: &mut String,
) -> Vec<CanonicalRule> {
    let mut fired = Vec::new();
    let mut main = local;
    if let Some(rule) = rule.filter(|r| r.strip_tag) {
        // An empty main part (`+x@gmail.com`) is not a tag, and a main part ending in a dot
        // (`a.+x`) would make a key that is no address: keep those whole.
        let keeps_shape = |p: usize| p > 0 && (rule.strip_dots || !local[..p].ends_with('.'));
        if let Some(plus) = local
            .bytes()
            .position(|b| b == b'+')
            .filter(|&p| keeps_shape(p))
        {
            main = &local[..plus];
            fired.push(CanonicalRule::StripTag);
        }
    }
    let strip_dots = rule.is_some_and(|r| r.strip_dots) && main.bytes().any(|b| b == b'.');
    if strip_dots {
        fired.push(CanonicalRule::StripDots);
    }
    let domain = match rule.and_then(|r| r.canonical_domain.as_deref()) {
        Some(alias) => {
            fired.push(CanonicalRule::DomainAlias);
            alias
        }
        None => domain,
    };

    key.clear();
    key.reserve(main.len() + 1 + domain.len());
    if main.is_ascii() {
        if strip_dots {
            main.split('.').for_each(|part| key.push_str(part));
        } else {
            key.push_str(main);
        }
        key.make_ascii_lowercase();
    } else {
        let lowered = lowercase_local(main);
        if strip_dots {
            lowered.split('.').for_each(|part| key.push_str(part));
        } else {
            key.push_str(&lowered);
        }
    }
    key.push('@');
    key.push_str(domain);
    fired
}

/// NFC (done by the parser), then Unicode lowercase, then NFC again: lowercasing can leave a
/// string that is not NFC, and the key must be a fixed point.
fn lowercase_local(local: &str) -> String {
    let lowered = local.to_lowercase();
    // Usually still NFC (the quick check answers without normalizing); recompose only if not.
    if is_nfc_quick(lowered.chars()) == IsNormalized::Yes {
        lowered
    } else {
        lowered.nfc().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        let a = crate::parse(s).unwrap();
        ProviderRules::builtin().canonical(&a).0
    }

    #[test]
    fn provider_rules_match_whole_domains_only() {
        assert_eq!(key("J.Doe+x@googlemail.com"), "jdoe@gmail.com");
        assert_eq!(key("j.doe+x@mail.gmail.com"), "j.doe+x@mail.gmail.com");
        assert_eq!(key("j.doe+x@notgmail.com"), "j.doe+x@notgmail.com");
    }

    #[test]
    fn eszett_is_kept() {
        assert_eq!(key("STRASSE@straße.de"), "strasse@xn--strae-oqa.de");
        assert_ne!(key("a@straße.de"), key("a@strasse.de"));
    }
}
