//! Domain lists (disposable, relay, free) and the role-account list.
//!
//! The built-in lists are plain data files in `data/`, each with a header naming its upstream
//! source and licence, embedded at compile time and parsed once on first use. They are
//! refreshed from their upstream packages by `scripts/refresh-data.py`. Users add and remove
//! entries at runtime through [`CheckerBuilder`](crate::CheckerBuilder); an allow-list entry
//! always wins over the disposable list.
use std::sync::Arc;

use once_cell::sync::Lazy;
use publicsuffix::{List as PslList, Psl};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::canonical::domain_key;
use crate::data::rows;

/// A domain category that comes from a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainList {
    /// Throwaway mailboxes (`mailinator.com`): the domain and its subdomains.
    Disposable,
    /// Privacy relays and forwarders (`privaterelay.appleid.com`, `duck.com`): a real person
    /// behind an alias. Never disposable.
    Relay,
    /// Consumer mailbox providers with a free plan (`gmail.com`): the exact domain only.
    Free,
}

/// The Public Suffix List, embedded (`data/public_suffix_list.dat`, MPL-2.0, publicsuffix.org).
const PSL_TEXT: &str = include_str!("../data/public_suffix_list.dat");

static PSL: Lazy<PslList> = Lazy::new(|| {
    PSL_TEXT
        .parse()
        .expect("the embedded public suffix list parses")
});

/// Every top-level label of the Public Suffix List (A-labels): one hash probe answers "is this
/// a real TLD?", which typo correction asks on its hot path.
static TLDS: Lazy<FxHashSet<Box<str>>> = Lazy::new(|| {
    PSL_TEXT
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|rule| !rule.starts_with("//"))
        .filter_map(|rule| rule.rsplit('.').next())
        .map(|tld| {
            let tld = tld.trim_start_matches(['!', '*']);
            if tld.is_ascii() {
                tld.to_ascii_lowercase().into()
            } else {
                idna::domain_to_ascii(tld)
                    .unwrap_or_else(|_| tld.to_owned())
                    .into()
            }
        })
        .collect()
});

/// Whether `label` (lowercase A-label) is a top-level domain of the Public Suffix List
/// (`com`, `uk`, `cm`, `xn--p1ai`), as opposed to a typo such as `con`.
pub(crate) fn is_tld(label: &str) -> bool {
    TLDS.contains(label)
}

/// Whether `domain` (lowercase A-labels) is itself a public suffix such as `co.uk` or `com`.
pub fn is_public_suffix(domain: &str) -> bool {
    PSL.suffix(domain.as_bytes())
        .is_some_and(|s| s.is_known() && s.as_bytes().len() == domain.len())
}

/// The public suffix of a domain (`co.uk` for `yaho.co.uk`), if the list knows it.
pub fn public_suffix(domain: &str) -> Option<&str> {
    let s = PSL.suffix(domain.as_bytes()).filter(|s| s.is_known())?;
    Some(&domain[domain.len() - s.as_bytes().len()..])
}

/// Which lists a domain is on, one bit each: one hash probe per label answers every list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Bits(u8);

impl Bits {
    const DISPOSABLE: u8 = 1;
    const RELAY: u8 = 2;
    const FREE: u8 = 4;
    const ALLOW: u8 = 8;

    fn of(list: DomainList) -> u8 {
        match list {
            DomainList::Disposable => Self::DISPOSABLE,
            DomainList::Relay => Self::RELAY,
            DomainList::Free => Self::FREE,
        }
    }

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

type DomainIndex = Arc<FxHashMap<Box<str>, Bits>>;

/// The built-in lists in one index. Data files: the first tab-separated column is the domain;
/// later columns are the row's source.
static BUILTIN: Lazy<DomainIndex> = Lazy::new(|| {
    let mut index: FxHashMap<Box<str>, Bits> = FxHashMap::default();
    for (text, bit) in [
        (include_str!("../data/disposable.txt"), Bits::DISPOSABLE),
        (include_str!("../data/relay.txt"), Bits::RELAY),
        (include_str!("../data/free.txt"), Bits::FREE),
    ] {
        for line in rows(text) {
            let domain = line.split('\t').next().unwrap_or(line);
            index.entry(domain.into()).or_default().0 |= bit;
        }
    }
    Arc::new(index)
});

/// The flags a domain gets from the lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainFlags {
    /// Listed as disposable (itself or a parent), not a relay, and not allowed by the user.
    pub disposable: bool,
    /// Listed as a privacy relay (itself or a parent).
    pub relay: bool,
    /// A free consumer provider (the exact domain), and neither disposable nor relay.
    pub free: bool,
}

/// The disposable, relay and free lists plus the user's allow-list, in one index.
///
/// Lookups are O(number of labels) hash probes: the domain, then each parent at a label
/// boundary, so `hotmail.com` never matches a listed `tmail.com`. A parent that is a public
/// suffix (`co.uk`) never matches, even if a list holds it by mistake.
#[derive(Debug, Clone)]
pub struct DomainLists {
    index: DomainIndex,
}

impl Default for DomainLists {
    fn default() -> Self {
        Self::builtin()
    }
}

impl DomainLists {
    /// The built-in lists.
    pub fn builtin() -> Self {
        DomainLists {
            index: BUILTIN.clone(),
        }
    }

    /// Empty lists.
    pub fn empty() -> Self {
        DomainLists {
            index: DomainIndex::default(),
        }
    }

    fn set(&mut self, domain: &str, bit: u8, on: bool) {
        let index = Arc::make_mut(&mut self.index);
        let key = domain_key(domain);
        if on {
            index.entry(key.into()).or_default().0 |= bit;
        } else if let Some(bits) = index.get_mut(key.as_str()) {
            bits.0 &= !bit;
            if bits.0 == 0 {
                index.remove(key.as_str());
            }
        }
    }

    /// Add a domain to a list (converted to lowercase A-labels).
    pub fn add(&mut self, list: DomainList, domain: &str) {
        self.set(domain, Bits::of(list), true);
    }

    /// Remove a domain from a list.
    pub fn remove(&mut self, list: DomainList, domain: &str) {
        self.set(domain, Bits::of(list), false);
    }

    /// Allow a domain (and its subdomains): it is never disposable, and never typo-corrected.
    pub fn allow(&mut self, domain: &str) {
        self.set(domain, Bits::ALLOW, true);
    }

    /// The bits of the exact domain, and the union of the bits of its listed parents.
    fn lookup(&self, domain: &str) -> (Bits, Bits) {
        let mut exact = Bits::default();
        let mut inherited = Bits::default();
        let mut d = domain;
        loop {
            if let Some(&bits) = self.index.get(d) {
                if d.len() == domain.len() {
                    exact = bits;
                } else if !is_public_suffix(d) {
                    // Checked only on a hit, so the common miss costs hash probes alone.
                    inherited.0 |= bits.0;
                }
            }
            // A byte loop: `str::find(char)` sets up a searcher costing more than the probe.
            match d.bytes().position(|b| b == b'.') {
                Some(i) => d = &d[i + 1..],
                None => return (exact, inherited),
            }
        }
    }

    /// Whether the domain is on the list (the free list: exactly; others: itself or a parent).
    pub fn contains(&self, list: DomainList, domain_ascii: &str) -> bool {
        let (exact, inherited) = self.lookup(domain_ascii);
        let any = Bits(exact.0 | inherited.0);
        match list {
            DomainList::Disposable => any.has(Bits::DISPOSABLE) && !any.has(Bits::ALLOW),
            DomainList::Relay => any.has(Bits::RELAY),
            DomainList::Free => exact.has(Bits::FREE),
        }
    }

    /// Whether the user allowed this domain (or a parent).
    pub fn is_allowed(&self, domain_ascii: &str) -> bool {
        let (exact, inherited) = self.lookup(domain_ascii);
        exact.has(Bits::ALLOW) || inherited.has(Bits::ALLOW)
    }

    /// Whether the exact domain is a known, real mailbox domain that typo correction must leave
    /// alone: on the relay or free list, or allowed. The disposable list does not count: it
    /// holds typosquats such as `gmial.com`, which are exactly what correction is for.
    pub fn is_known(&self, domain_ascii: &str) -> bool {
        self.index
            .get(domain_ascii)
            .is_some_and(|b| b.has(Bits::RELAY | Bits::FREE | Bits::ALLOW))
    }

    /// All the flags of one domain. The categories exclude each other: a relay is never
    /// disposable (a real person reads it, however the lists say otherwise), and a relay or
    /// disposable domain is never free.
    pub fn flags(&self, domain_ascii: &str) -> DomainFlags {
        let (exact, inherited) = self.lookup(domain_ascii);
        let any = Bits(exact.0 | inherited.0);
        let relay = any.has(Bits::RELAY);
        let disposable = !relay && any.has(Bits::DISPOSABLE) && !any.has(Bits::ALLOW);
        let free = !disposable && !relay && exact.has(Bits::FREE);
        DomainFlags {
            disposable,
            relay,
            free,
        }
    }

    /// The domains of one list, unordered.
    pub fn domains(&self, list: DomainList) -> impl Iterator<Item = &str> {
        let bit = Bits::of(list);
        self.index
            .iter()
            .filter(move |(_, b)| b.has(bit))
            .map(|(d, _)| &**d)
    }
}

/// Role accounts (`info@`, `postmaster@`) by local part, with a category for each.
///
/// A local part is a role when, lowercased, without its `+tag` and without `.`, `-` and `_`,
/// it equals a listed word: `No-Reply+x` is `noreply`; `info.john` is not a role (a role word
/// inside a longer local part is a person's mailbox as often as not).
///
/// Categories of the built-in list (`data/roles.tsv`): `noreply`, `rfc2142` (the mailbox
/// names of RFC 2142 sections 3-5), and mixmax's `marketing`, `notification`, `meeting`,
/// `other`.
#[derive(Debug, Clone)]
pub struct RoleList {
    roles: Arc<RoleMap>,
}

#[derive(Debug, Clone)]
struct RoleMap {
    /// Keys in matching form, as bytes: the hot path builds them in a stack buffer.
    map: FxHashMap<Box<[u8]>, Box<str>>,
    /// The longest key: a longer local part cannot be a role, so it is rejected unread.
    max_len: usize,
    /// One bit per slot of [`prefix_slot`] that some key occupies. Most local parts are
    /// personal names that no role word starts like: three bytes reject them, before the
    /// whole key is built and hashed. (Removals leave bits set: a stale bit only costs a probe.)
    prefixes: Box<[u64]>,
}

impl Default for RoleMap {
    fn default() -> Self {
        RoleMap {
            map: FxHashMap::default(),
            max_len: 0,
            prefixes: vec![0; PREFIX_SLOTS / 64].into_boxed_slice(),
        }
    }
}

/// Slots of the prefix filter: five bits of each of a key's first three bytes.
const PREFIX_SLOTS: usize = 1 << 15;

/// The filter slot of a key's first three bytes (fewer for a shorter key). Different prefixes
/// may share a slot; that only costs a hash probe.
fn prefix_slot(key: &[u8]) -> usize {
    let bits = |i: usize| key.get(i).map_or(0, |&b| usize::from(b & 31));
    (bits(0) << 10) | (bits(1) << 5) | bits(2)
}

impl RoleMap {
    fn insert(&mut self, key: String, category: &str) {
        self.max_len = self.max_len.max(key.len());
        let slot = prefix_slot(key.as_bytes());
        self.prefixes[slot / 64] |= 1 << (slot % 64);
        self.map
            .insert(key.into_bytes().into_boxed_slice(), category.into());
    }

    fn may_start_with(&self, prefix: &[u8]) -> bool {
        let slot = prefix_slot(prefix);
        self.prefixes[slot / 64] & (1 << (slot % 64)) != 0
    }
}

static ROLES: Lazy<Arc<RoleMap>> = Lazy::new(|| {
    let mut roles = RoleMap::default();
    for l in rows(include_str!("../data/roles.tsv")).skip(1) {
        let mut f = l.split('\t');
        if let (Some(local), Some(category)) = (f.next(), f.next()) {
            roles.insert(role_key(local), category);
        }
    }
    Arc::new(roles)
});

impl Default for RoleList {
    fn default() -> Self {
        Self::builtin()
    }
}

/// The local part without its `+tag` (a leading `+` is not a tag separator).
fn untagged(local: &str) -> &str {
    match local.bytes().position(|b| b == b'+') {
        Some(p) if p > 0 => &local[..p],
        _ => local,
    }
}

fn is_role_separator(c: char) -> bool {
    matches!(c, '.' | '-' | '_')
}

/// The lookup form of a local part: lowercase, no `+tag`, no separators.
fn role_key(local: &str) -> String {
    untagged(local)
        .chars()
        .filter(|&c| !is_role_separator(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Stack room for the lookup key; role words are far shorter (the built-in maximum is ~30).
const ROLE_BUF: usize = 64;

impl RoleList {
    /// The built-in list (`data/roles.tsv`).
    pub fn builtin() -> Self {
        RoleList {
            roles: ROLES.clone(),
        }
    }
    /// No roles.
    pub fn empty() -> Self {
        RoleList {
            roles: Default::default(),
        }
    }
    /// Add a role word with its category.
    pub fn add(&mut self, local: &str, category: &str) {
        Arc::make_mut(&mut self.roles).insert(role_key(local), category);
    }
    /// Remove a role word.
    pub fn remove(&mut self, local: &str) {
        Arc::make_mut(&mut self.roles)
            .map
            .remove(role_key(local).as_bytes());
    }
    /// The role category of a local part, if it is a role account.
    ///
    /// ```
    /// let roles = mailhygiene::RoleList::builtin();
    /// assert_eq!(roles.category("No.Reply+2024"), Some("noreply"));
    /// assert_eq!(roles.category("postmaster"), Some("rfc2142"));
    /// assert_eq!(roles.category("infojohn"), None);
    /// ```
    pub fn category(&self, local: &str) -> Option<&str> {
        let roles = &*self.roles;
        if roles.map.is_empty() {
            return None;
        }
        // The hot path (every check), in one pass: build the key (`role_key`) on the stack,
        // give up as soon as it is longer than any listed word or its first three bytes start
        // no listed word.
        let limit = roles.max_len.min(ROLE_BUF);
        let mut buf = [0u8; ROLE_BUF];
        let mut n = 0;
        let mut prefix_checked = false;
        let bytes = local.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'+' if i > 0 => break,
                b'.' | b'-' | b'_' => i += 1,
                0x80.. => {
                    let c = local[i..].chars().next().expect("a char starts here");
                    for lower in c.to_lowercase() {
                        let len = lower.len_utf8();
                        if n + len > limit {
                            return None;
                        }
                        lower.encode_utf8(&mut buf[n..n + len]);
                        n += len;
                    }
                    i += c.len_utf8();
                }
                _ if n == limit => return None,
                _ => {
                    buf[n] = b.to_ascii_lowercase();
                    n += 1;
                    i += 1;
                }
            }
            if n >= 3 && !prefix_checked {
                // The key's first three bytes are final once written, whatever follows.
                if !roles.may_start_with(&buf[..3]) {
                    return None;
                }
                prefix_checked = true;
            }
        }
        if !prefix_checked && !roles.may_start_with(&buf[..n]) {
            return None;
        }
        roles.map.get(&buf[..n]).map(|c| &**c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_keys_lowercase_non_ascii_like_role_key() {
        let mut roles = RoleList::builtin();
        roles.add("Büro", "office");
        roles.add("kontakt", "office");
        for (local, expected) in [
            ("BÜRO", Some("office")),
            ("b.ü.r.o+2024", Some("office")),
            ("\u{212A}ontakt", Some("office")), // KELVIN SIGN lowercases to ASCII `k`
            ("jürgen", None),
            ("zoë.smith", None),
            ("NO_REPLY", Some("noreply")),
            ("+info", None),
        ] {
            assert_eq!(roles.category(local), expected, "{local}");
            let slow = roles
                .roles
                .map
                .get(role_key(local).as_bytes())
                .map(|c| &**c);
            assert_eq!(roles.category(local), slow, "{local}");
        }
    }

    #[test]
    fn parents_match_at_label_boundaries_only() {
        let mut lists = DomainLists::empty();
        lists.add(DomainList::Disposable, "tmail.com");
        assert!(lists.contains(DomainList::Disposable, "tmail.com"));
        assert!(lists.contains(DomainList::Disposable, "x.tmail.com"));
        assert!(!lists.contains(DomainList::Disposable, "hotmail.com"));
    }

    #[test]
    fn a_listed_public_suffix_never_matches_its_children() {
        let mut lists = DomainLists::empty();
        lists.add(DomainList::Disposable, "co.uk");
        assert!(!lists.contains(DomainList::Disposable, "example.co.uk"));
    }

    #[test]
    fn allow_wins() {
        let mut lists = DomainLists::empty();
        lists.add(DomainList::Disposable, "example.com");
        lists.allow("example.com");
        assert!(!lists.contains(DomainList::Disposable, "example.com"));
    }
}
