//! Typo correction of domains: suggest only when confident, abstain otherwise.
//!
//! The rules are documented on [`TypoCorrector`], which is public.
use std::sync::Arc;

use once_cell::sync::Lazy;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::data::rows;
use crate::lists::is_tld;

/// A suggested correction of a mistyped address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The full corrected address (the local part unchanged).
    pub address: String,
    /// The corrected domain.
    pub domain: String,
    /// Edit distance between the typed and the suggested domain.
    pub distance: u32,
    /// Confidence in (0, 1].
    pub confidence: f32,
}

/// A corrected domain: the result of [`TypoCorrector::suggest_domain`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainSuggestion {
    /// The corrected domain: lowercase, A-labels unless the typed domain was an IDN, in which
    /// case Unicode (as in [`Check::address`](crate::Check::address)).
    pub domain: String,
    /// Edits between the typed and the suggested domain (label edits, suffix edits, added
    /// dots, syntax repairs).
    pub distance: u32,
    /// Confidence in (0, 1]: each edit multiplies it down (see [`TypoCorrector`]).
    pub confidence: f32,
}

/// Whether a table domain may be reached by editing its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A big consumer domain: a typo may be corrected to it.
    Target,
    /// A real domain: never corrected, reached only by a suffix repair of its exact label, and
    /// a competitor that makes the corrector abstain.
    Real,
}

#[derive(Debug, Clone)]
struct Entry {
    label: Box<str>,
    suffix: Box<str>,
    /// Letters, digits and `-` present in the label, one bit each (see [`letter_mask`]).
    mask: u64,
    kind: Kind,
}

impl Entry {
    /// The largest label distance at which this entry takes part: a target's edit budget, or
    /// for a real domain the largest budget of any target (so it can block a target).
    fn bound(&self) -> u32 {
        match self.kind {
            Kind::Target => label_budget(self.label.len()),
            Kind::Real => MAX_LABEL_EDITS,
        }
    }
    /// The label distance at which this entry may be *suggested*.
    fn budget(&self) -> u32 {
        match self.kind {
            Kind::Target => label_budget(self.label.len()),
            Kind::Real => 0,
        }
    }
}

const MAX_LABEL_EDITS: u32 = 2;

/// Edits allowed in a second-level label of `len` characters. Short labels sit among many
/// real names (`sun`, `msn`, `mac`, `mail`), so they get none.
fn label_budget(len: usize) -> u32 {
    match len {
        0..=4 => 0,
        5..=7 => 1,
        _ => MAX_LABEL_EDITS,
    }
}

/// Longest DNS label; also bounds the distance computation's stack rows.
const MAX_LABEL: usize = 63;

/// TLDs a non-existent TLD is repaired to, most common first: among equally close candidates
/// the first wins (`.con` is one edit from `.com`, `.cn` and `.co`; it is `.com`).
const TLD_REPAIRS: [&str; 26] = [
    "com", "net", "org", "edu", "de", "uk", "fr", "it", "es", "nl", "br", "au", "ca", "jp", "ru",
    "info", "biz", "in", "mx", "ar", "ch", "be", "at", "se", "pl", "us",
];

/// Confidence factor of a repaired TLD that was not a real one.
const CONF_TLD: f32 = 0.9;
/// … when several TLDs were equally close and the most common one was taken.
const CONF_TLD_RANKED: f32 = 0.75;
/// … of a real suffix replaced for a single-domain provider (`gmail.co`).
const CONF_REAL_SUFFIX: f32 = 0.6;
/// … of an added dot or a syntax repair.
const CONF_SYNTAX: f32 = 0.95;

#[derive(Debug, Default, Clone)]
struct Table {
    /// Every table domain, for the syntax repairs (`gmail .com` is a table domain once joined).
    exact: FxHashSet<Box<str>>,
    /// Table entries under each suffix.
    by_suffix: FxHashMap<Box<str>, Group>,
    /// The suffixes of each label (`hotmail` → `com`, `co.uk`, …), for exact-label rules.
    by_label: FxHashMap<Box<str>, Vec<Box<str>>>,
    /// Every entry, for the rare paths (unknown TLD, missing dot) that search everything.
    all: Vec<Entry>,
    /// A one-hash Bloom filter of the labels: most typed labels are rejected without hashing
    /// them for `by_label` (never cleared by a removal, which only costs a false positive).
    label_bloom: [u64; 16],
}

/// The Bloom filter bit of a label: from its length and first and last bytes.
fn bloom_bit(label: &str) -> usize {
    let b = label.as_bytes();
    let (first, last) = (
        *b.first().unwrap_or(&0) as usize,
        *b.last().unwrap_or(&0) as usize,
    );
    (b.len().wrapping_mul(0x9E37) ^ first.wrapping_mul(31) ^ last.wrapping_mul(0x2F1)) & 1023
}

/// The entries under one suffix, targets and real domains apart.
///
/// The targets are sorted by label length, with a compact [`Key`] per target and the index of
/// the first target of each length, so the hot loop reads 16 bytes per target within reach.
#[derive(Debug, Default, Clone)]
struct Group {
    targets: Vec<Entry>,
    keys: Vec<Key>,
    /// `window[len]`: the targets a label of `len` characters can reach within their edit
    /// budgets (a contiguous range, as budgets grow with length).
    window: Vec<(u16, u16)>,
    /// Real domains, bucketed by label length (index = length).
    reals: Vec<Vec<Entry>>,
}

/// What the hot loop needs of a target: its letter set, length and edit budget.
#[derive(Debug, Clone, Copy)]
struct Key {
    mask: u64,
    len: u8,
    budget: u8,
}

impl Group {
    /// Rebuild the sorted targets, keys and length index after a change.
    fn reindex(&mut self) {
        self.targets
            .sort_by(|a, b| (a.label.len(), &a.label).cmp(&(b.label.len(), &b.label)));
        self.keys = self
            .targets
            .iter()
            .map(|e| Key {
                mask: e.mask,
                len: e.label.len() as u8,
                budget: e.budget() as u8,
            })
            .collect();
        let reach = |n: usize, e: &Entry| n.abs_diff(e.label.len()) <= e.budget() as usize;
        self.window = (0..=MAX_LABEL)
            .map(|n| {
                let lo = self.targets.iter().position(|e| reach(n, e));
                let hi = self.targets.iter().rposition(|e| reach(n, e));
                match (lo, hi) {
                    (Some(lo), Some(hi)) => (lo as u16, hi as u16 + 1),
                    _ => (0, 0),
                }
            })
            .collect();
    }
}

impl Table {
    fn may_have_label(&self, label: &str) -> bool {
        let bit = bloom_bit(label);
        self.label_bloom[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn insert(&mut self, domain: &str, kind: Kind) {
        let domain = crate::canonical::domain_key(domain);
        let Some((label, suffix)) = domain.split_once('.') else {
            return;
        };
        if label.is_empty() || suffix.is_empty() || label.len() > MAX_LABEL {
            return;
        }
        let entry = Entry {
            label: label.into(),
            suffix: suffix.into(),
            mask: letter_mask(label.as_bytes()),
            kind,
        };
        self.remove(&domain);
        let group = self.by_suffix.entry(suffix.into()).or_default();
        match kind {
            Kind::Target => group.targets.push(entry.clone()),
            Kind::Real => {
                if group.reals.len() <= label.len() {
                    group.reals.resize(label.len() + 1, Vec::new());
                }
                group.reals[label.len()].push(entry.clone());
            }
        }
        group.reindex();
        self.by_label
            .entry(label.into())
            .or_default()
            .push(suffix.into());
        let bit = bloom_bit(label);
        self.label_bloom[bit / 64] |= 1 << (bit % 64);
        self.exact.insert(domain.as_str().into());
        self.all.push(entry);
    }

    fn remove(&mut self, domain: &str) {
        let Some((label, suffix)) = domain.split_once('.') else {
            return;
        };
        let same = |e: &Entry| &*e.label == label && &*e.suffix == suffix;
        if let Some(group) = self.by_suffix.get_mut(suffix) {
            group.targets.retain(|e| !same(e));
            for bucket in &mut group.reals {
                bucket.retain(|e| !same(e));
            }
            group.reindex();
        }
        if let Some(suffixes) = self.by_label.get_mut(label) {
            suffixes.retain(|s| &**s != suffix);
            if suffixes.is_empty() {
                self.by_label.remove(label);
            }
        }
        self.exact.remove(domain);
        self.all.retain(|e| !same(e));
    }
}

static BUILTIN: Lazy<Arc<Table>> = Lazy::new(|| {
    let mut table = Table::default();
    for row in rows(include_str!("../data/typo-domains.tsv")).skip(1) {
        let mut f = row.split('\t');
        let (Some(domain), Some(kind)) = (f.next(), f.next()) else {
            continue;
        };
        let kind = if kind == "target" {
            Kind::Target
        } else {
            Kind::Real
        };
        table.insert(domain, kind);
    }
    Arc::new(table)
});

/// Corrects mistyped domains towards a small table of big consumer domains, and abstains
/// whenever it is not confident.
///
/// The top complaint about mailcheck and its descendants is that they "correct" real domains:
/// `mac.com` → `mail.com` (smashsend #25), `.com.ar` → `.com` (mailcheck #30), `hotmail.nl` →
/// `hotmail.ca` (flanker #60), `.org.uk` → `.org` (smashsend #36), `mailo.com` and
/// `pacific.co` (deep-email-validator #84, #68). The design works against that:
///
/// * **Curated, small domain table** (`data/typo-domains.tsv`). *Targets* are big consumer
///   domains a typo may be corrected to; *real* domains (short or word-like labels, real
///   neighbours of targets such as `wahoo.com` or `cloud.com`) are never reached by an edit.
///   Nothing in the table, nothing the caller knows (lists, provider rules, the user's
///   allow-list) is ever corrected.
/// * **A real public suffix is kept.** The second-level label is corrected only against targets
///   *under the same suffix*, so `yaho.co.uk` → `yahoo.co.uk` and `acme.com.ar` stays alone.
/// * **A suffix is repaired only when it is not real**, the Public Suffix List being the judge:
///   `.con`, `.cmo`, `.ocm`, `.comm` are repaired; `.co` (Colombia) and `.cm` (Cameroon) are
///   real and kept — with one narrow exception: a provider label typed exactly whose provider
///   has a single domain, one edit away (`gmail.co`, `gmail.cm` → `gmail.com`; nobody has a
///   mailbox at Google's defensive registrations). `gmail.fr` is not one edit from `.com` and is
///   left alone (mailcheck #151); `hotmail.co` is one edit from both `hotmail.com` and
///   `hotmail.cl`, a tie, so it gets nothing. A non-existent TLD of any other domain is
///   repaired to the most common TLD one edit away (`acme.con` → `acme.com`): the typed
///   domain cannot exist, so nothing real is "corrected".
/// * **Only the registrable label is edited**: `mail.gmial.com` is a host, and gets nothing.
/// * **Small edit budgets.** Optimal-string-alignment distance (insertions, deletions,
///   substitutions, adjacent transpositions) of 1 for labels of 5 to 7 characters and 2 from 8;
///   labels shorter than 5 (`aol`, `msn`, `gmx`, `live`) are never reached by an edit.
/// * **Abstain on ties** between different domains, and when a real domain is as close to the
///   typed one as the best target. No ordering of a hash map ever decides.
/// * **Missing dots and broken syntax** (`gmailcom`, `gmail..com`, `gmail,com`): a suggestion
///   is made even when the input is not a valid address.
/// * **IDN-safe**: punycode (`xn--`) labels are never edited into ASCII provider names; a
///   suggestion for an IDN domain is given back in Unicode.
///
/// Performance: [`Checker::check`](crate::Checker::check) calls the corrector for every valid
/// address, and most domains are corporate ones it has nothing to say about. That path costs a
/// split, one or two hash probes and a scan of the few table labels of similar length under the
/// same suffix, each rejected by a letter-set bitmask before any distance is computed. It
/// allocates nothing, and asks the caller's `known` predicate only once a candidate exists.
///
/// Confidence starts at 1 and is multiplied by `1 - 1/len` per edit of a label of `len`
/// characters, by 0.9 for a repaired non-existent TLD (0.75 when several were equally close),
/// 0.6 for a replaced real suffix (`gmail.co`), and 0.95 per added dot or syntax repair.
///
/// ```
/// use mailhygiene::TypoCorrector;
/// let typos = TypoCorrector::builtin();
/// let none = |_: &str| false;
/// let s = typos.suggest_domain("yaho.co.uk", &none).unwrap();
/// assert_eq!((s.domain.as_str(), s.distance), ("yahoo.co.uk", 1));
/// assert_eq!(typos.suggest_domain("gmailcom", &none).unwrap().domain, "gmail.com");
/// assert_eq!(typos.suggest_domain("hotmail.con", &none).unwrap().domain, "hotmail.com");
/// // Real domains and real suffixes are left alone.
/// assert_eq!(typos.suggest_domain("mac.com", &none), None);
/// assert_eq!(typos.suggest_domain("acme.com.ar", &none), None);
/// ```
#[derive(Debug, Clone)]
pub struct TypoCorrector {
    table: Arc<Table>,
}

impl Default for TypoCorrector {
    fn default() -> Self {
        Self::builtin()
    }
}

/// A candidate correction: the domain, its edits and confidence.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    label: String,
    suffix: String,
    distance: u32,
    confidence: f32,
}

/// The result of comparing a typed label with a group of table entries.
enum Nearest<'a> {
    /// The typed label is a target label under this suffix: the domain is a target.
    Exact,
    /// One target is strictly nearest, at this distance.
    Target(&'a Entry, u32),
    /// Nothing within budget, a tie, or a real domain as close as the best target.
    None,
}

impl TypoCorrector {
    /// The built-in table (`data/typo-domains.tsv`).
    pub fn builtin() -> Self {
        TypoCorrector {
            table: BUILTIN.clone(),
        }
    }

    /// No table: only non-existent TLDs and broken syntax are repaired.
    pub fn empty() -> Self {
        TypoCorrector {
            table: Arc::default(),
        }
    }

    fn table_mut(&mut self) -> &mut Table {
        Arc::make_mut(&mut self.table)
    }

    /// Add a target: typos of its second-level label (under the same suffix) are corrected to
    /// it. `domain` is a registrable domain such as `example.co.uk`.
    pub fn add_target(&mut self, domain: &str) {
        self.table_mut().insert(domain, Kind::Target);
    }

    /// Add a real domain: never corrected, never suggested through a label edit, and a
    /// competitor that makes the corrector abstain when it is as close as a target.
    pub fn add_real(&mut self, domain: &str) {
        self.table_mut().insert(domain, Kind::Real);
    }

    /// Remove a domain from the table.
    pub fn remove(&mut self, domain: &str) {
        let domain = crate::canonical::domain_key(domain);
        self.table_mut().remove(&domain);
    }

    /// A corrected domain for `domain` (lowercase; A-labels when it is a valid domain, else the
    /// raw text after the last `@`), or `None` when the corrector is not confident.
    ///
    /// `known` says whether a domain is real and must be left alone (the caller's lists,
    /// provider rules and allow-list); it is asked about the typed domain only once a
    /// correction has been found.
    pub fn suggest_domain(
        &self,
        domain: &str,
        known: &dyn Fn(&str) -> bool,
    ) -> Option<DomainSuggestion> {
        let candidate = match scan(domain) {
            Shape::Clean => self.correct(domain)?,
            Shape::Broken => self.repaired(domain, known)?,
            Shape::NotADomain => return None,
        };
        if known(domain) {
            return None;
        }
        let fixed = format!("{}.{}", candidate.label, candidate.suffix);
        let domain = if fixed.split('.').any(|l| l.starts_with("xn--")) {
            idna::domain_to_unicode(&fixed).0
        } else {
            fixed
        };
        Some(DomainSuggestion {
            domain,
            distance: candidate.distance,
            confidence: candidate.confidence,
        })
    }

    /// Broken syntax (`gmail..com`, `gmail,com`, `gmail .com`): repair it mechanically, then
    /// correct the result like any other domain. A repaired domain is suggested on its own
    /// only when its TLD is real.
    fn repaired(&self, domain: &str, known: &dyn Fn(&str) -> bool) -> Option<Candidate> {
        let (fixed, edits, spaces) = repair_syntax(domain);
        if scan(&fixed) != Shape::Clean {
            return None;
        }
        let syntax = |mut c: Candidate| {
            c.distance += edits;
            c.confidence *= CONF_SYNTAX.powi(edits as i32);
            c
        };
        if let Some(c) = self.correct(&fixed) {
            return Some(syntax(c));
        }
        let (label, suffix) = fixed.split_once('.')?;
        let tld = suffix.rsplit('.').next()?;
        // Joining the pieces around a space is a guess (`acme corp.com`): only a table
        // domain, found above, makes it safe.
        let plausible = is_tld(tld) && !label.is_empty() && !spaces;
        (plausible || self.table.exact.contains(fixed.as_str()) || known(&fixed)).then(|| {
            syntax(Candidate {
                label: label.to_owned(),
                suffix: suffix.to_owned(),
                distance: 0,
                confidence: 1.0,
            })
        })
    }

    /// Correct a syntactically clean domain (see [`scan`]).
    fn correct(&self, domain: &str) -> Option<Candidate> {
        // No separate probe for table domains: under a table suffix the scan below meets a
        // target at distance 0 (or a real domain at distance 0 that blocks every target), and
        // a table label under its own suffix is never "fixed" by `provider_suffix_fix`.
        let bytes = domain.as_bytes();
        let Some(dot) = bytes.iter().position(|&b| b == b'.') else {
            return self.missing_dot(domain);
        };
        let (label, suffix) = (&domain[..dot], &domain[dot + 1..]);
        if label.is_empty() || suffix.is_empty() {
            return None;
        }
        if let Some(group) = self.table.by_suffix.get(suffix) {
            // A table suffix is a real public suffix (tests/data_files.rs checks it).
            return match nearest(label, group) {
                Nearest::Exact => None,
                Nearest::Target(e, d) => Some(Candidate {
                    label: e.label.to_string(),
                    suffix: suffix.to_owned(),
                    distance: d,
                    confidence: label_confidence(e.label.len(), d),
                }),
                Nearest::None => self.provider_suffix_fix(label, suffix),
            };
        }
        let last_dot = bytes.iter().rposition(|&b| b == b'.').unwrap_or(dot);
        if is_tld(&domain[last_dot + 1..]) {
            self.provider_suffix_fix(label, suffix)
        } else {
            self.unknown_tld(label, suffix)
        }
    }

    /// A provider's own suffix typed twice (`gmail.com.com` → `gmail.com`), or a provider label
    /// typed exactly, under a real suffix that is not the provider's, one edit from the
    /// provider's only suffix: `gmail.co` → `gmail.com`. Providers with several
    /// domains (`hotmail.co`: `.com` or `.cl`?) and short labels (`aol.co`) get nothing.
    fn provider_suffix_fix(&self, label: &str, suffix: &str) -> Option<Candidate> {
        if !self.table.may_have_label(label) {
            return None;
        }
        let suffixes = self.table.by_label.get(label)?;
        if let Some(c) = doubled_suffix(label, suffix, suffixes) {
            return Some(c);
        }
        match &suffixes[..] {
            // Single-label suffixes only: `terra.com.ar` is Terra's real Argentine domain,
            // one edit from `terra.com.br` (mailcheck #30).
            [only]
                if label.len() >= 4
                    && !suffix.contains('.')
                    && !only.contains('.')
                    && osa(suffix, only, 1) == Some(1) =>
            {
                Some(Candidate {
                    label: label.to_owned(),
                    suffix: only.to_string(),
                    distance: 1,
                    confidence: CONF_REAL_SUFFIX,
                })
            }
            _ => None,
        }
    }

    /// The TLD does not exist: search every table domain for the nearest (label edits within
    /// budget, suffix within one edit), else repair the TLD alone.
    fn unknown_tld(&self, label: &str, suffix: &str) -> Option<Candidate> {
        let joint = self.nearest_anywhere(|e| Some((label, osa(suffix, &e.suffix, 1)?)));
        if joint.is_some() {
            return joint;
        }
        if let Some(suffixes) = self.table.by_label.get(label) {
            // A provider's label: only its own domains would be right (`gmail.comcom`), and
            // `gmail.c` must not become `gmail.ca`.
            return doubled_suffix(label, suffix, suffixes);
        }
        // A TLD repair of an arbitrary domain: the typed TLD does not exist, so no real
        // domain is being "corrected". A single letter is too little to go on (`.c`: `.ca`,
        // `.ch` or `.com`?).
        let (head, tld) = match suffix.rsplit_once('.') {
            Some((head, tld)) => (Some(head), tld),
            None => (None, suffix),
        };
        if tld.len() < 2 {
            return None;
        }
        let mut best: Option<(&str, u32)> = None;
        let mut ties = 0;
        for cand in TLD_REPAIRS {
            match (osa(tld, cand, 1), best) {
                (Some(d), None) => best = Some((cand, d)),
                (Some(d), Some((_, b))) if d < b => (best, ties) = (Some((cand, d)), 0),
                (Some(d), Some((_, b))) if d == b => ties += 1,
                _ => {}
            }
        }
        let (tld, d) = best?;
        let suffix = match head {
            Some(head) => format!("{head}.{tld}"),
            None => tld.to_owned(),
        };
        Some(Candidate {
            label: label.to_owned(),
            suffix,
            distance: d,
            confidence: if ties > 0 { CONF_TLD_RANKED } else { CONF_TLD },
        })
    }

    /// No dot at all: `gmailcom`, `hotmailcouk`, `gmialcom`, or a bare `gmail`. Only table
    /// domains are suggested (`telecom` must not become `tele.com`).
    fn missing_dot(&self, domain: &str) -> Option<Candidate> {
        if let Some([only]) = self.table.by_label.get(domain).map(|s| &s[..]) {
            // The bare label of a single-domain provider: `gmail` → `gmail.com`.
            return (domain.len() >= 4).then(|| Candidate {
                label: domain.to_owned(),
                suffix: only.to_string(),
                distance: 1,
                confidence: CONF_SYNTAX * CONF_TLD,
            });
        }
        self.nearest_anywhere(|e| {
            let squashed = e.suffix.bytes().filter(|&b| b != b'.');
            let split = domain.len().checked_sub(squashed.clone().count())?;
            (split > 0 && domain.as_bytes()[split..].iter().copied().eq(squashed))
                .then_some((&domain[..split], 0))
        })
        .map(|mut c| {
            c.distance += 1;
            c.confidence *= CONF_SYNTAX;
            c
        })
    }

    /// The nearest table domain over the whole table (the rare paths). `split` gives, per
    /// entry, the typed label to compare with the entry's label and the edits of the suffix,
    /// or `None` when the entry's suffix does not fit. Abstains on a tie between different
    /// domains and when the nearest may not be reached by a label edit (a real domain).
    fn nearest_anywhere<'s>(
        &self,
        split: impl Fn(&Entry) -> Option<(&'s str, u32)>,
    ) -> Option<Candidate> {
        let mut best: Option<(&Entry, u32, u32)> = None; // entry, label edits, suffix edits
        let mut tie = false;
        for e in &self.table.all {
            let Some((label, ds)) = split(e) else {
                continue;
            };
            if label.starts_with("xn--") && *e.label != *label {
                continue;
            }
            let Some(dl) = osa(label, &e.label, e.bound()) else {
                continue;
            };
            match best {
                Some((_, bl, bs)) if dl + ds > bl + bs => {}
                Some((_, bl, bs)) if dl + ds == bl + bs => tie = true,
                _ => (best, tie) = (Some((e, dl, ds)), false),
            }
        }
        let (e, dl, ds) = best?;
        if tie || dl > e.budget() {
            return None;
        }
        let mut confidence = label_confidence(e.label.len(), dl);
        if ds > 0 {
            confidence *= CONF_TLD;
        }
        Some(Candidate {
            label: e.label.to_string(),
            suffix: e.suffix.to_string(),
            distance: dl + ds,
            confidence,
        })
    }
}

/// A provider's own suffix typed twice, with or without the dot between (`gmail.com.com`,
/// `gmail.comcom`, `hotmail.co.uk.co.uk`).
fn doubled_suffix(label: &str, suffix: &str, suffixes: &[Box<str>]) -> Option<Candidate> {
    let doubled = |s: &str| {
        let sep = suffix.len().checked_sub(2 * s.len())?;
        let ok = sep <= 1
            && suffix.starts_with(s)
            && suffix.ends_with(s)
            && (sep == 0 || suffix.as_bytes()[s.len()] == b'.');
        ok.then_some(())
    };
    let s = suffixes.iter().find(|s| doubled(s).is_some())?;
    Some(Candidate {
        label: label.to_owned(),
        suffix: s.to_string(),
        distance: 1,
        confidence: CONF_SYNTAX,
    })
}

/// The nearest target to `label` under one suffix. This is the hot path: no allocation, and
/// most entries are rejected by length and letter set before any distance is computed. Real
/// domains are consulted only once a target is within budget, to abstain when one is as close.
fn nearest<'a>(label: &str, group: &'a Group) -> Nearest<'a> {
    let n = label.len();
    if n > MAX_LABEL || label.starts_with("xn--") {
        // Punycode is never edited into an ASCII provider name.
        return Nearest::None;
    }
    let mask = letter_mask(label.as_bytes());
    // Exact pre-filter: within `bound` edits, lengths differ by at most `bound` and letter
    // sets by at most `2 * bound` symbols.
    // Branch-free (`&`, a population count): almost every entry fails, and a loop of
    // unpredictable short-circuits costs more than the arithmetic.
    let reachable = |len: usize, other: u64, bound: u32| {
        (n.abs_diff(len) <= bound as usize) & ((mask ^ other).count_ones() <= 2 * bound)
    };
    let (lo, hi) = group.window[n];
    let (lo, hi) = (lo as usize, hi as usize);
    let mut best: Option<(&Entry, u32)> = None;
    let mut tie = false;
    for (i, k) in group.keys[lo..hi].iter().enumerate() {
        let budget = u32::from(k.budget);
        if !reachable(k.len.into(), k.mask, budget) {
            continue;
        }
        let e = &group.targets[lo + i];
        let Some(d) = osa(label, &e.label, budget) else {
            continue;
        };
        if d == 0 {
            return Nearest::Exact;
        }
        match best {
            Some((_, b)) if d > b => {}
            Some((b, bd)) if d == bd => tie |= b.label != e.label,
            _ => (best, tie) = (Some((e, d)), false),
        }
    }
    let Some((e, d)) = best else {
        return Nearest::None;
    };
    let reals = group
        .reals
        .get(n.saturating_sub(d as usize)..)
        .unwrap_or(&[]);
    let real_as_close = reals
        .iter()
        .take(2 * d as usize + 1)
        .flatten()
        .any(|r| reachable(r.label.len(), r.mask, d) && osa(label, &r.label, d).is_some());
    if tie || real_as_close {
        Nearest::None
    } else {
        Nearest::Target(e, d)
    }
}

fn label_confidence(len: usize, edits: u32) -> f32 {
    (1.0 - 1.0 / len.max(2) as f32).powi(edits as i32)
}

/// What a typed domain looks like, from one pass over its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Lowercase letters, digits, `-` and single inner dots: the shape of an A-label domain.
    Clean,
    /// Otherwise clean, with repairable syntax: `..`, a leading or trailing dot, `,`, spaces.
    Broken,
    /// Anything else (raw invalid input, Unicode that IDNA refused, `<>` …): no suggestion.
    NotADomain,
}

/// Byte classes for [`scan`]: an A-label domain byte, a dot, a repairable byte, anything else.
const LDH: u8 = 0;
const DOT: u8 = 1;
const REPAIRABLE: u8 = 2;
const FOREIGN: u8 = 3;
static CLASS: [u8; 256] = {
    let mut t = [FOREIGN; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' | b'0'..=b'9' | b'-' => LDH,
            b'.' => DOT,
            b',' | b' ' | b'\t' => REPAIRABLE,
            _ => FOREIGN,
        };
        b += 1;
    }
    t
};

/// One pass, one table lookup per byte: this runs on every checked address.
fn scan(domain: &str) -> Shape {
    let bytes = domain.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return Shape::NotADomain;
    };
    let (mut worst, mut prev_dot, mut double_dot) = (LDH, false, false);
    for &b in bytes {
        let class = CLASS[b as usize];
        let dot = class == DOT;
        double_dot |= dot & prev_dot;
        prev_dot = dot;
        worst = worst.max(class);
    }
    match worst {
        FOREIGN => Shape::NotADomain,
        REPAIRABLE => Shape::Broken,
        _ if double_dot || first == b'.' || last == b'.' => Shape::Broken,
        _ => Shape::Clean,
    }
}

/// One bit per letter, digit and `-` present. An edit changes at most two bits (a
/// substitution removes one symbol and adds another; a transposition none), so two labels
/// within `k` edits differ in at most `2k` bits: a cheap, exact pre-filter.
fn letter_mask(s: &[u8]) -> u64 {
    s.iter().fold(0, |m, &b| m | 1 << SYMBOL[b as usize])
}

/// The bit of each byte in [`letter_mask`]: letters, digits, `-`, and one for anything else.
static SYMBOL: [u8; 256] = {
    let mut t = [37u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'a'..=b'z' => c - b'a',
            b'0'..=b'9' => 26 + c - b'0',
            b'-' => 36,
            _ => 37,
        };
        b += 1;
    }
    t
};

/// Optimal-string-alignment distance (Damerau–Levenshtein without repeated edits of one
/// substring) between two ASCII strings, or `None` when it exceeds `bound`. Stack only; the
/// common prefix and suffix are skipped first, so near-identical strings cost almost nothing.
fn osa(a: &str, b: &str, bound: u32) -> Option<u32> {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > bound as usize {
        return None;
    }
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            break;
        }
        (a, b) = (&a[1..], &b[1..]);
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if x != y {
            break;
        }
        (a, b) = (&a[..a.len() - 1], &b[..b.len() - 1]);
    }
    if a.is_empty() || b.is_empty() {
        return Some(a.len().max(b.len()) as u32).filter(|&d| d <= bound);
    }
    const W: usize = MAX_LABEL + 2;
    if b.len() >= W {
        return None;
    }
    // Three rolling rows: i-2, i-1 and i.
    let mut rows = [[0u8; W]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i.min(255) as u8;
        let mut row_min = rows[cur][0];
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = v;
            row_min = row_min.min(v);
        }
        if u32::from(row_min) > bound {
            return None;
        }
    }
    Some(u32::from(rows[a.len() % 3][b.len()])).filter(|&d| d <= bound)
}

/// Mechanical repairs of broken domain syntax, how many were made, and whether a space was
/// removed: whitespace removed, `,` read as `.`, runs of dots collapsed, dots at the ends
/// dropped.
fn repair_syntax(domain: &str) -> (String, u32, bool) {
    let mut out = String::with_capacity(domain.len());
    let mut edits = 0;
    for c in domain.chars() {
        match c {
            ' ' | '\t' => edits += 1,
            ',' | '.' => {
                if c == ',' {
                    edits += 1;
                }
                if out.is_empty() || out.ends_with('.') {
                    edits += u32::from(c == '.');
                } else {
                    out.push('.');
                }
            }
            c => out.push(c),
        }
    }
    if out.ends_with('.') {
        out.pop();
        edits += 1;
    }
    let spaces = domain.bytes().any(|b| b == b' ' || b == b'\t');
    (out, edits, spaces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggest(domain: &str) -> Option<String> {
        TypoCorrector::builtin()
            .suggest_domain(domain, &|_| false)
            .map(|s| s.domain)
    }

    fn s(domain: &str) -> Option<String> {
        Some(domain.to_owned())
    }

    #[test]
    fn osa_counts_transpositions_as_one_edit() {
        assert_eq!(osa("gmial", "gmail", 2), Some(1));
        assert_eq!(osa("ocm", "com", 2), Some(1));
        assert_eq!(osa("hotmial", "hotmail", 1), Some(1));
        assert_eq!(osa("yahoo", "yahoo", 0), Some(0));
        assert_eq!(osa("abc", "xyz", 2), None);
        assert_eq!(osa("", "com", 3), Some(3));
        assert_eq!(osa("gmai", "gmail", 0), None);
    }

    #[test]
    fn letter_mask_bounds_the_distance() {
        // Substitution: at most two bits differ; transposition: none.
        let m = |s: &str| letter_mask(s.as_bytes());
        assert!((m("gnail") ^ m("gmail")).count_ones() <= 2);
        assert_eq!(m("gmial") ^ m("gmail"), 0);
    }

    #[test]
    fn second_level_label_is_corrected_within_its_suffix() {
        assert_eq!(suggest("gmial.com"), s("gmail.com"));
        assert_eq!(suggest("yaho.co.uk"), s("yahoo.co.uk"));
        assert_eq!(suggest("yahooo.com.br"), s("yahoo.com.br"));
        assert_eq!(suggest("hotmial.fr"), s("hotmail.fr"));
        assert_eq!(suggest("googlemial.com"), s("googlemail.com"));
        // Two edits only for labels of eight characters or more.
        assert_eq!(suggest("gogolemial.com"), s("googlemail.com"));
        assert_eq!(suggest("hptmial.com"), None);
    }

    #[test]
    fn a_real_suffix_is_kept() {
        // mailcheck #30: .com.ar must not become .com.
        assert_eq!(suggest("acme.com.ar"), None);
        // smashsend #36: .org.uk must not become .org.
        assert_eq!(suggest("charity.org.uk"), None);
        // smashsend #26: .tv must not become .tk.
        assert_eq!(suggest("studio.tv"), None);
        // flanker #60: hotmail.nl is real (and nl is a real suffix).
        assert_eq!(suggest("hotmail.nl"), None);
        // gmail.fr is not Google's, but .fr is real and two edits from .com (mailcheck #151).
        assert_eq!(suggest("gmail.fr"), None);
        assert_eq!(suggest("gmail.de"), None);
        assert_eq!(suggest("gmail.co.uk"), None);
    }

    #[test]
    fn provider_suffix_fix_under_a_neighbouring_real_suffix() {
        assert_eq!(suggest("gmail.co"), s("gmail.com"));
        assert_eq!(suggest("gmail.cm"), s("gmail.com"));
        assert_eq!(suggest("icloud.co"), s("icloud.com"));
        // Several domains one edit away: hotmail.com or hotmail.cl? yahoo.com or yahoo.ca?
        assert_eq!(suggest("hotmail.co"), None);
        assert_eq!(suggest("yahoo.co"), None);
        // Short labels never; country second levels never (mailcheck #30).
        assert_eq!(suggest("aol.co"), None);
        assert_eq!(suggest("terra.com.ar"), None);
        // The provider's own suffix twice.
        assert_eq!(suggest("gmail.com.com"), s("gmail.com"));
        assert_eq!(suggest("gmail.comcom"), s("gmail.com"));
        assert_eq!(suggest("hotmail.co.uk.co.uk"), s("hotmail.co.uk"));
        assert_eq!(suggest("gmail.com.br"), None);
        let c = TypoCorrector::builtin()
            .suggest_domain("gmail.co", &|_| false)
            .unwrap();
        assert!(c.confidence < 0.7);
    }

    #[test]
    fn nonexistent_tlds_are_repaired() {
        for typed in [
            "gmail.con",
            "gmail.cmo",
            "gmail.ocm",
            "gmail.comm",
            "gmail.vom",
            "gmail.xom",
        ] {
            assert_eq!(suggest(typed), s("gmail.com"), "{typed}");
        }
        assert_eq!(suggest("yaho.co.ukk"), s("yahoo.co.uk"));
        assert_eq!(suggest("hotmail.co.uj"), s("hotmail.co.uk"));
        assert_eq!(suggest("gmx.nte"), s("gmx.net"));
        // Any domain: the typed TLD does not exist, so nothing real is "corrected".
        assert_eq!(suggest("acme-corp.con"), s("acme-corp.com"));
        assert_eq!(suggest("example.ogr"), s("example.org"));
        // Too far from any TLD.
        assert_eq!(suggest("acme.qqqq"), None);
        assert_eq!(suggest("gmail.c"), None);
        assert_eq!(suggest("acme.c"), None);
    }

    #[test]
    fn the_public_suffix_list_is_the_judge() {
        for tld in TLD_REPAIRS {
            assert!(is_tld(tld), "{tld} must be a real TLD");
        }
        for typo in [
            "con", "cmo", "ocm", "comm", "cpm", "vom", "xom", "nte", "ogr",
        ] {
            assert!(
                !is_tld(typo),
                "{typo} is a TLD now: its repair would correct real domains"
            );
        }
        for real in ["co", "cm", "om", "tv", "tk", "xn--p1ai"] {
            assert!(is_tld(real), "{real}");
        }
    }

    #[test]
    fn ties_abstain() {
        // xmail is one edit from gmail and from ymail.
        assert_eq!(suggest("xmail.com"), None);
    }

    #[test]
    fn real_domains_and_real_neighbours_are_left_alone() {
        for real in [
            "mac.com",
            "me.com",
            "mail.com",
            "msn.com",
            "sun.com",
            "gmx.com",
            "gmx.net",
            "live.com",
            "aol.com",
            "ymail.com",
            "yahoo.co.jp",
            "hotmail.co.uk",
            "outlook.com.ar",
            "web.de",
            "mailo.com",
            "pacific.co",
            "wahoo.com",
            "cloud.com",
            "pocketmail.com",
            "hotmart.com",
            "sina.com",
            "qq.com",
            "163.com",
        ] {
            assert_eq!(suggest(real), None, "{real}");
        }
    }

    #[test]
    fn known_domains_are_never_corrected() {
        let typos = TypoCorrector::builtin();
        assert!(typos.suggest_domain("gmial.com", &|_| false).is_some());
        assert_eq!(
            typos.suggest_domain("gmial.com", &|d| d == "gmial.com"),
            None
        );
    }

    #[test]
    fn corporate_and_short_domains_get_nothing() {
        for d in [
            "acme-corp.com",
            "example.com",
            "mail.acme.com",
            "a.co",
            "x.y.z.com",
        ] {
            assert_eq!(suggest(d), None, "{d}");
        }
        // Subdomains are hosts, not typos of a provider.
        assert_eq!(suggest("mail.gmial.com"), None);
    }

    #[test]
    fn missing_dots_and_broken_syntax() {
        assert_eq!(suggest("gmailcom"), s("gmail.com"));
        assert_eq!(suggest("yahoocom"), s("yahoo.com"));
        assert_eq!(suggest("hotmailcouk"), s("hotmail.co.uk"));
        assert_eq!(suggest("gmialcom"), s("gmail.com"));
        assert_eq!(suggest("gmail"), s("gmail.com"));
        assert_eq!(suggest("telecom"), None);
        assert_eq!(suggest("gmail..com"), s("gmail.com"));
        assert_eq!(suggest("gmail,com"), s("gmail.com"));
        assert_eq!(suggest("gmail .com"), s("gmail.com"));
        assert_eq!(suggest("acme..com"), s("acme.com"));
        assert_eq!(suggest("acme corp.com"), None);
        assert_eq!(suggest(".."), None);
        let c = TypoCorrector::builtin()
            .suggest_domain("gmial..com", &|_| false)
            .unwrap();
        assert_eq!((c.domain.as_str(), c.distance), ("gmail.com", 2));
    }

    #[test]
    fn idn_is_never_edited_into_an_ascii_provider() {
        // gmаil with a Cyrillic а, as A-label.
        let idn = idna::domain_to_ascii("gmаil.com").unwrap();
        assert_eq!(suggest(&idn), None);
        assert_eq!(suggest("xn--mller-kva.de"), None);
        // Raw Unicode that is not a domain: nothing, and no panic.
        assert_eq!(suggest("gmаil.cöm "), None);
        assert_eq!(suggest("ÿ..\u{0}"), None);
        // A non-existent TLD of an IDN domain is repaired, and given back in Unicode.
        assert_eq!(suggest("xn--mller-kva.con"), s("müller.com"));
    }

    #[test]
    fn runtime_targets() {
        let mut typos = TypoCorrector::empty();
        assert_eq!(
            typos
                .suggest_domain("exampel.com", &|_| false)
                .map(|s| s.domain),
            None
        );
        typos.add_target("example.com");
        assert_eq!(
            typos
                .suggest_domain("exampel.com", &|_| false)
                .map(|s| s.domain),
            s("example.com")
        );
        typos.add_real("exampal.com");
        // exampel is one edit from example and from the real exampal: abstain.
        assert_eq!(typos.suggest_domain("exampel.com", &|_| false), None);
        typos.remove("exampal.com");
        assert!(typos.suggest_domain("exampel.com", &|_| false).is_some());
    }

    #[test]
    fn odd_input_never_panics() {
        // A small deterministic generator over an alphabet of troublemakers.
        let alphabet: Vec<char> = "gmail.co,m -xn‐ü\u{0}\u{430}\u{200b}9@..".chars().collect();
        let typos = TypoCorrector::builtin();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let s: String = (0..len)
                .map(|i| alphabet[((seed >> (i % 8 * 8)) as usize + i) % alphabet.len()])
                .collect();
            let _ = typos.suggest_domain(&s, &|_| false);
        }
        let long = "a".repeat(300) + ".com";
        assert_eq!(typos.suggest_domain(&long, &|_| false), None);
        let long_tld = format!("gmail.{}", "c".repeat(300));
        assert_eq!(typos.suggest_domain(&long_tld, &|_| false), None);
    }

    #[test]
    fn deterministic() {
        let a: Vec<_> = ["gmial.com", "gmail.con", "xmail.com", "hotmailcouk"]
            .iter()
            .map(|d| suggest(d))
            .collect();
        for _ in 0..10 {
            let b: Vec<_> = ["gmial.com", "gmail.con", "xmail.com", "hotmailcouk"]
                .iter()
                .map(|d| {
                    TypoCorrector::builtin()
                        .suggest_domain(d, &|_| false)
                        .map(|s| s.domain)
                })
                .collect();
            assert_eq!(a, b);
        }
    }
}
