//! [`Checker`]: one configured engine, and [`Check`]: everything known about one input.
use std::sync::Arc;

use once_cell::sync::Lazy;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use crate::canonical::{canonical_key_into, CanonicalRule, ProviderRule, ProviderRules};
use crate::error::{ErrorKind, ParseError};
use crate::extract::{extract, Warning};
use crate::lists::{DomainFlags, DomainList, DomainLists, RoleList};
use crate::parse::{
    check_lengths, parse_domain_forms, parse_local, parse_with, Address, DomainForms, ParseOptions,
};
use crate::typo::{Suggestion, TypoCorrector};

/// Everything known about one input: the result of [`Checker::check`].
///
/// Serializes to JSON with exactly these keys (the CLI's `--format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The input as given.
    pub input: String,
    /// Whether the (extracted) input is a valid address.
    pub valid: bool,
    /// The error code when invalid (see [`ErrorKind::code`]).
    pub error: Option<&'static str>,
    /// The human message when invalid.
    pub message: Option<String>,
    /// The deliverable address: local part NFC, domain lowercased Unicode.
    pub address: Option<String>,
    /// The same with the domain in A-labels.
    pub address_ascii: Option<String>,
    /// The canonical key for de-duplication and suppression matching.
    pub canonical: Option<String>,
    /// A corrected full address when the domain looks mistyped (also for invalid input).
    pub suggestion: Option<String>,
    /// A role account (`info@`, `noreply@`).
    pub role: bool,
    /// A disposable domain.
    pub disposable: bool,
    /// A privacy relay or forwarder.
    pub relay: bool,
    /// A free consumer provider.
    pub free: bool,
    /// What extraction changed.
    pub warnings: Vec<Warning>,
    /// The provider rules that shaped the canonical key.
    pub rules: Vec<CanonicalRule>,
}

/// The classification of a valid address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// The role category when the local part is a role account: `noreply`, `rfc2142`,
    /// `marketing`, … (see [`RoleList`](crate::RoleList)).
    pub role: Option<String>,
    /// Domain list flags.
    #[serde(flatten)]
    pub domain: DomainFlags,
}

/// A configured address engine. Cheap to clone; share one across threads.
///
/// ```
/// use mailhygiene::Checker;
/// let checker = Checker::default();
/// let c = checker.check(" Jane.Doe+news@GoogleMail.com ");
/// assert!(c.valid);
/// assert_eq!(c.address.as_deref(), Some("Jane.Doe+news@googlemail.com"));
/// assert_eq!(c.canonical.as_deref(), Some("janedoe@gmail.com"));
/// assert!(c.free);
/// ```
#[derive(Debug, Clone)]
pub struct Checker {
    inner: Arc<Inner>,
}

#[derive(Debug, Clone)]
struct Inner {
    /// Unique per built checker: keys the per-thread domain cache of [`Checker::check`].
    id: u64,
    options: ParseOptions,
    providers: ProviderRules,
    lists: DomainLists,
    roles: RoleList,
    typos: TypoCorrector,
}

static DEFAULT: Lazy<Checker> = Lazy::new(|| CheckerBuilder::new().build());

impl Default for Checker {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

/// Builds a [`Checker`] with options, extra list entries and provider rules.
///
/// ```
/// use mailhygiene::{Checker, DomainList, ParseOptions};
/// let checker = Checker::builder()
///     .options(ParseOptions::new().allow_single_label(true))
///     .add_domain(DomainList::Disposable, "throwaway.example")
///     .allow_domain("mailinator.com")
///     .build();
/// assert!(checker.check("x@throwaway.example").disposable);
/// assert!(!checker.check("x@mailinator.com").disposable);
/// assert!(checker.check("root@localhost").valid);
/// ```
#[derive(Debug, Clone)]
pub struct CheckerBuilder {
    inner: Inner,
}

impl Default for CheckerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CheckerBuilder {
    /// Built-in lists and rules, default parse options.
    pub fn new() -> Self {
        CheckerBuilder {
            inner: Inner {
                id: 0,
                options: ParseOptions::default(),
                providers: ProviderRules::builtin(),
                lists: DomainLists::builtin(),
                roles: RoleList::builtin(),
                typos: TypoCorrector::builtin(),
            },
        }
    }
    /// Parse options (quoted local parts, literals, single labels, lenient lengths).
    pub fn options(mut self, options: ParseOptions) -> Self {
        self.inner.options = options;
        self
    }
    /// Add or replace a provider rule.
    pub fn provider_rule(mut self, rule: ProviderRule) -> Self {
        self.inner.providers.insert(rule);
        self
    }
    /// Remove the provider rule of a domain.
    pub fn remove_provider_rule(mut self, domain: &str) -> Self {
        self.inner.providers.remove(domain);
        self
    }
    /// Add a domain to a list.
    pub fn add_domain(mut self, list: DomainList, domain: &str) -> Self {
        self.inner.lists.add(list, domain);
        self
    }
    /// Remove a domain from a list.
    pub fn remove_domain(mut self, list: DomainList, domain: &str) -> Self {
        self.inner.lists.remove(list, domain);
        self
    }
    /// Allow a domain: never disposable, never typo-corrected.
    pub fn allow_domain(mut self, domain: &str) -> Self {
        self.inner.lists.allow(domain);
        self
    }
    /// Add a role word with its category.
    pub fn add_role(mut self, local: &str, category: &str) -> Self {
        self.inner.roles.add(local, category);
        self
    }
    /// Remove a role word.
    pub fn remove_role(mut self, local: &str) -> Self {
        self.inner.roles.remove(local);
        self
    }
    /// The configured checker.
    pub fn build(mut self) -> Checker {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        self.inner.id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Checker {
            inner: Arc::new(self.inner),
        }
    }
}

impl Checker {
    /// Start configuring a checker.
    pub fn builder() -> CheckerBuilder {
        CheckerBuilder::new()
    }

    /// The parse options in force.
    pub fn options(&self) -> &ParseOptions {
        &self.inner.options
    }

    /// Parse exactly as given, with this checker's options.
    pub fn parse(&self, input: &str) -> Result<Address, ParseError> {
        parse_with(input, &self.inner.options)
    }

    /// Extract (trim, display name, `mailto:`) then parse: the deliverable address.
    pub fn normalize(&self, input: &str) -> Result<Address, ParseError> {
        let value = extract(input).value;
        self.with_cache(None, |cache| {
            let (local, entry) = self.parse_cached(&value, &mut cache.domains)?;
            Ok(Address::from_parts(&local, &entry.forms))
        })
    }

    /// The canonical key of an input (extracted, then parsed).
    pub fn canonical(&self, input: &str) -> Result<String, ParseError> {
        let value = extract(input).value;
        self.with_cache(None, |cache| {
            let (local, entry) = self.parse_cached(&value, &mut cache.domains)?;
            let mut key = String::new();
            canonical_key_into(&local, entry.ascii(), entry.rule.as_deref(), &mut key);
            Ok(key)
        })
    }

    /// The canonical key of a parsed address, and the provider rules that fired.
    pub fn canonical_of(&self, address: &Address) -> (String, Vec<CanonicalRule>) {
        self.inner.providers.canonical(address)
    }

    /// Role, disposable, relay and free flags of a parsed address.
    pub fn classify(&self, address: &Address) -> Classification {
        Classification {
            role: self
                .inner
                .roles
                .category(address.local())
                .map(str::to_owned),
            domain: self.inner.lists.flags(address.domain_ascii()),
        }
    }

    /// Whether typo correction must leave this (lowercase, A-label) domain alone: it is a
    /// known mailbox domain (see [`DomainLists::is_known`]), has a provider rule, or was
    /// allowed by the user.
    pub fn is_known_domain(&self, domain_ascii: &str) -> bool {
        self.inner.lists.is_known(domain_ascii)
            || self.inner.lists.is_allowed(domain_ascii)
            || self.inner.providers.get(domain_ascii).is_some()
    }

    /// A corrected address when the domain looks mistyped; works on invalid input too.
    ///
    /// ```
    /// let s = mailhygiene::Checker::default().suggest("john@gmial.com").unwrap();
    /// assert_eq!(s.address, "john@gmail.com");
    /// ```
    pub fn suggest(&self, input: &str) -> Option<Suggestion> {
        let value = extract(input).value;
        let (local, domain) = typo_parts(&value)?;
        let known = |d: &str| self.is_known_domain(d);
        let fixed = self.inner.typos.suggest_domain(&domain, &known)?;
        Some(Suggestion {
            address: format!("{local}@{}", fixed.domain),
            domain: fixed.domain,
            distance: fixed.distance,
            confidence: fixed.confidence,
        })
    }

    /// The suggested address of [`suggest`](Self::suggest) for input that did not parse, with
    /// the domain's answer kept in `cache`: bad cells repeat their bad domains too.
    fn suggest_cached(&self, input: &str, typos: &mut InvalidTypos) -> Option<String> {
        let value = extract(input).value;
        let (local, domain) = typo_parts(&value)?;
        let fixed = typos.get_or_insert(domain, |d| self.corrected_domain(d))?;
        Some(format!("{local}@{fixed}"))
    }

    /// Extract, parse, normalize, classify and suggest: everything about one input.
    pub fn check(&self, input: &str) -> Check {
        self.check_one(input, false, None)
    }

    /// Like [`check`](Self::check) but judging the input exactly as given (no extraction).
    pub fn check_exact(&self, input: &str) -> Check {
        self.check_one(input, true, None)
    }

    /// The result for a line that is not valid UTF-8 (CLI, bindings).
    pub fn check_invalid_utf8(&self, lossy_input: &str) -> Check {
        let error = ParseError::new(lossy_input, ErrorKind::InvalidUtf8);
        invalid(lossy_input, &error, None, Vec::new())
    }

    /// List flags and typo correction depend on the domain alone: the caches keep them.
    fn domain_verdict(&self, domain_ascii: &str) -> DomainVerdict {
        DomainVerdict {
            flags: self.inner.lists.flags(domain_ascii),
            suggestion: self.corrected_domain(domain_ascii),
        }
    }

    /// The typo corrector's domain for `domain`, if it is confident.
    fn corrected_domain(&self, domain: &str) -> Option<Box<str>> {
        // The corrector asks `known` itself, only once it has a candidate: the common
        // no-suggestion path then costs no list lookups.
        let known = |d: &str| self.is_known_domain(d);
        self.inner
            .typos
            .suggest_domain(domain, &known)
            .map(|s| s.domain.into())
    }

    /// Run `f` with the given cache, or with this thread's cache for this checker: single
    /// calls share it, so a loop of `check` calls (a Python or Node script) pays for each
    /// domain once too.
    #[inline(always)]
    pub(crate) fn with_cache<R>(
        &self,
        cache: Option<&mut DomainCache>,
        f: impl FnOnce(&mut DomainCache) -> R,
    ) -> R {
        match cache {
            Some(cache) => f(cache),
            None => THREAD_CACHE.with_borrow_mut(|(id, cache)| {
                if *id != self.inner.id {
                    *id = self.inner.id;
                    *cache = DomainCache::default();
                }
                f(cache)
            }),
        }
    }

    /// [`parse`](Self::parse) with the domain's validation, forms and provider rule taken
    /// from `domains`: the local part and the domain entry.
    fn parse_cached<'v, 'c>(
        &self,
        value: &'v str,
        domains: &'c mut DomainMap,
    ) -> Result<(Cow<'v, str>, &'c mut DomainEntry), ParseError> {
        let options = &self.inner.options;
        let (local, at) = parse_local(value, options)?;
        let entry = domains.entry(&value[at + 1..], || {
            let forms = parse_domain_forms(value, at + 1, options)?;
            let rule = self
                .inner
                .providers
                .get_shared(forms.ascii.as_deref().unwrap_or(&forms.unicode));
            Ok(DomainEntry {
                written_is_unicode: *forms.unicode == value[at + 1..],
                forms,
                rule,
                verdict: None,
            })
        })?;
        check_lengths(local.len(), entry.ascii().len(), options)
            .map_err(|kind| ParseError::new(value, kind))?;
        Ok((local, entry))
    }

    /// Judge one input and hand the findings, borrowed from the input and the cache, to
    /// `store`, which builds whatever result form the caller wants: a [`Check`] or a row of
    /// columns. One implementation behind both, so they cannot disagree.
    #[inline(always)]
    pub(crate) fn judge<R>(
        &self,
        input: &str,
        exact: bool,
        cache: &mut DomainCache,
        store: impl FnOnce(Judged<'_>) -> R,
    ) -> R {
        let (value, warnings) = if exact {
            (Cow::Borrowed(input), Vec::new())
        } else {
            let extracted = extract(input);
            (extracted.value, extracted.warnings)
        };
        let DomainCache {
            domains,
            invalid_typos,
            key,
        } = cache;
        let (local, entry) = match self.parse_cached(&value, domains) {
            Ok(parts) => parts,
            Err(error) => {
                let suggestion = self.suggest_cached(&value, invalid_typos);
                return store(Judged {
                    warnings,
                    outcome: Err(Invalid { error, suggestion }),
                });
            }
        };
        // An IP literal is on no list and has no typo.
        let literal = entry.forms.unicode.starts_with('[');
        if entry.verdict.is_none() && !literal {
            entry.verdict = Some(self.domain_verdict(entry.ascii()));
        }
        let entry = &*entry;
        let verdict = entry.verdict.as_ref().unwrap_or(&DomainVerdict::NONE);
        let rules = canonical_key_into(&local, entry.ascii(), entry.rule.as_deref(), key);
        let written =
            (entry.written_is_unicode && matches!(local, Cow::Borrowed(_))).then_some(&*value);
        store(Judged {
            warnings,
            outcome: Ok(Valid {
                local: &local,
                written,
                domain: &entry.forms,
                canonical: key,
                rules,
                role: self.inner.roles.category(&local).is_some(),
                flags: verdict.flags,
                suggestion: verdict.suggestion.as_deref(),
            }),
        })
    }

    /// Check one input, with a batch's domain cache when given (else this thread's).
    pub(crate) fn check_one(
        &self,
        input: &str,
        exact: bool,
        cache: Option<&mut DomainCache>,
    ) -> Check {
        self.with_cache(cache, |cache| {
            self.judge(input, exact, cache, |j| {
                CheckView::new(input, &j).to_check()
            })
        })
    }

    /// [`check`](Self::check) (or with `exact`, [`check_exact`](Self::check_exact)) without
    /// building the [`Check`]: `f` gets the result borrowed from the input and this thread's
    /// domain cache, and returns what the caller keeps. For bindings and bulk writers that copy
    /// the fields into their own storage: it skips allocating and freeing the result's four or
    /// five strings per input.
    ///
    /// The view reads exactly as the [`Check`] of the same input; [`CheckView::to_check`]
    /// makes that `Check`.
    ///
    /// ```
    /// let checker = mailhygiene::Checker::default();
    /// let key_len = checker.check_with(" J.Doe+news@gmail.com", false, |view| {
    ///     assert!(view.valid());
    ///     assert_eq!(view.address().unwrap(), "J.Doe+news@gmail.com");
    ///     assert_eq!(view.warnings()[0].code(), "trimmed_whitespace");
    ///     view.canonical().map(str::len)
    /// });
    /// assert_eq!(key_len, Some("jdoe@gmail.com".len()));
    /// let error = checker.check_with("a..b@example.com", false, |view| view.error());
    /// assert_eq!(error, Some("consecutive_dots"));
    /// ```
    pub fn check_with<R>(
        &self,
        input: &str,
        exact: bool,
        f: impl FnOnce(&CheckView<'_>) -> R,
    ) -> R {
        self.with_cache(None, |cache| {
            self.judge(input, exact, cache, |j| f(&CheckView::new(input, &j)))
        })
    }
}

/// The result of one input, borrowed: what a [`Check`] holds, without owning its strings.
/// Given to the closure of [`Checker::check_with`]; each accessor returns the [`Check`] field
/// of the same name.
pub struct CheckView<'a> {
    input: &'a str,
    judged: &'a Judged<'a>,
}

impl<'a> CheckView<'a> {
    fn new(input: &'a str, judged: &'a Judged<'a>) -> Self {
        CheckView { input, judged }
    }

    fn valid_parts(&self) -> Option<&'a Valid<'a>> {
        self.judged.outcome.as_ref().ok()
    }

    fn invalid_parts(&self) -> Option<&'a Invalid> {
        self.judged.outcome.as_ref().err()
    }

    /// `local@domain`, borrowed.
    fn join(local: &'a str, domain: &'a str) -> JoinedStr<'a> {
        JoinedStr([local, "@", domain])
    }

    /// The input as given.
    pub fn input(&self) -> &'a str {
        self.input
    }

    /// Whether the (extracted) input is a valid address.
    pub fn valid(&self) -> bool {
        self.judged.outcome.is_ok()
    }

    /// The error code when invalid (see [`ErrorKind::code`]).
    pub fn error(&self) -> Option<&'static str> {
        self.invalid_parts().map(|i| i.error.code())
    }

    /// The error when invalid; its `Display` is [`Check::message`].
    pub fn parse_error(&self) -> Option<&'a ParseError> {
        self.invalid_parts().map(|i| &i.error)
    }

    /// The deliverable address: local part NFC, domain lowercased Unicode.
    pub fn address(&self) -> Option<JoinedStr<'a>> {
        let v = self.valid_parts()?;
        Some(match v.written {
            Some(text) => text.into(),
            None => Self::join(v.local, &v.domain.unicode),
        })
    }

    /// The same with the domain in A-labels.
    pub fn address_ascii(&self) -> Option<JoinedStr<'a>> {
        let v = self.valid_parts()?;
        match &v.domain.ascii {
            Some(ascii) => Some(Self::join(v.local, ascii)),
            None => self.address(),
        }
    }

    /// The canonical key for de-duplication and suppression matching.
    pub fn canonical(&self) -> Option<&'a str> {
        self.valid_parts().map(|v| v.canonical.as_str())
    }

    /// A corrected full address when the domain looks mistyped (also for invalid input).
    pub fn suggestion(&self) -> Option<JoinedStr<'a>> {
        match &self.judged.outcome {
            Ok(v) => v.suggestion.map(|domain| Self::join(v.local, domain)),
            Err(i) => i.suggestion.as_deref().map(JoinedStr::from),
        }
    }

    /// A role account (`info@`, `noreply@`).
    pub fn role(&self) -> bool {
        self.valid_parts().is_some_and(|v| v.role)
    }

    /// A disposable domain.
    pub fn disposable(&self) -> bool {
        self.valid_parts().is_some_and(|v| v.flags.disposable)
    }

    /// A privacy relay or forwarder.
    pub fn relay(&self) -> bool {
        self.valid_parts().is_some_and(|v| v.flags.relay)
    }

    /// A free consumer provider.
    pub fn free(&self) -> bool {
        self.valid_parts().is_some_and(|v| v.flags.free)
    }

    /// What extraction changed.
    pub fn warnings(&self) -> &'a [Warning] {
        &self.judged.warnings
    }

    /// The provider rules that shaped the canonical key.
    pub fn rules(&self) -> &'a [CanonicalRule] {
        self.valid_parts().map_or(&[], |v| &v.rules)
    }

    /// The owned [`Check`], as [`Checker::check`] returns it.
    pub fn to_check(&self) -> Check {
        let address = self.address().map(String::from);
        // Only a domain with non-ASCII labels has an A-label form of its own; otherwise it is
        // the address again: one copy, not a second join.
        let address_ascii = match self.valid_parts().and_then(|v| v.domain.ascii.as_ref()) {
            Some(_) => self.address_ascii().map(String::from),
            None => address.clone(),
        };
        Check {
            input: self.input.to_owned(),
            valid: self.valid(),
            error: self.error(),
            message: self.parse_error().map(ParseError::to_string),
            address,
            address_ascii,
            canonical: self.canonical().map(str::to_owned),
            suggestion: self.suggestion().map(String::from),
            role: self.role(),
            disposable: self.disposable(),
            relay: self.relay(),
            free: self.free(),
            warnings: self.warnings().to_vec(),
            rules: self.rules().to_vec(),
        }
    }
}

/// A string borrowed in pieces (such as local part, `@` and domain), joined only on request:
/// [`CheckView`] hands out addresses this way so that reading one allocates nothing.
///
/// ```
/// let checker = mailhygiene::Checker::default();
/// checker.check_with("Jane@Example.COM", false, |view| {
///     let address = view.address().unwrap();
///     assert_eq!(address, "Jane@example.com");
///     assert_eq!(address.len(), 16);
///     assert_eq!(address.to_string(), "Jane@example.com");
///     assert_eq!(address.parts().concat(), "Jane@example.com");
/// });
/// ```
#[derive(Debug, Clone, Copy)]
pub struct JoinedStr<'a>([&'a str; 3]);

impl<'a> JoinedStr<'a> {
    /// The pieces, in order (some may be empty).
    pub fn parts(&self) -> [&'a str; 3] {
        self.0
    }

    /// The length in bytes of the joined string.
    pub fn len(&self) -> usize {
        self.0.iter().map(|p| p.len()).sum()
    }

    /// Whether the joined string is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|p| p.is_empty())
    }
}

impl<'a> From<&'a str> for JoinedStr<'a> {
    /// One piece.
    fn from(s: &'a str) -> Self {
        JoinedStr([s, "", ""])
    }
}

impl PartialEq<str> for JoinedStr<'_> {
    fn eq(&self, other: &str) -> bool {
        if self.len() != other.len() {
            return false;
        }
        let mut rest = other.as_bytes();
        for part in self.0 {
            match rest.strip_prefix(part.as_bytes()) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }
}

impl PartialEq<&str> for JoinedStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl std::fmt::Display for JoinedStr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|p| f.write_str(p))
    }
}

impl From<JoinedStr<'_>> for String {
    fn from(s: JoinedStr<'_>) -> String {
        s.0.concat()
    }
}

/// What [`Checker::judge`] found about one input.
pub(crate) struct Judged<'a> {
    /// What extraction changed.
    pub warnings: Vec<Warning>,
    pub outcome: Result<Valid<'a>, Invalid>,
}

/// The findings about a valid input, borrowed.
pub(crate) struct Valid<'a> {
    /// The local part, NFC.
    pub local: &'a str,
    pub domain: &'a DomainForms,
    /// The extracted input when it already is the address (local part NFC as written, domain
    /// lowercase Unicode): one copy instead of assembling the address from its parts.
    pub written: Option<&'a str>,
    /// The canonical key, in the cache's scratch buffer.
    pub canonical: &'a mut String,
    pub rules: Vec<CanonicalRule>,
    pub role: bool,
    pub flags: DomainFlags,
    /// The corrected domain, when the domain looks mistyped.
    pub suggestion: Option<&'a str>,
}

/// Why an input is invalid, and the address it may have meant.
pub(crate) struct Invalid {
    pub error: ParseError,
    pub suggestion: Option<String>,
}

thread_local! {
    /// The domain cache of single calls on this thread, for the checker with the given id (a
    /// thread rarely alternates between checkers; when it does, the cache starts over).
    static THREAD_CACHE: std::cell::RefCell<(u64, DomainCache)> = std::cell::RefCell::new((0, DomainCache::default()));
}

/// What the lists and the typo corrector say about one domain.
#[derive(Debug, Clone, Default)]
struct DomainVerdict {
    flags: DomainFlags,
    suggestion: Option<Box<str>>,
}

impl DomainVerdict {
    const NONE: DomainVerdict = DomainVerdict {
        flags: DomainFlags {
            disposable: false,
            relay: false,
            free: false,
        },
        suggestion: None,
    };
}

/// Everything a checker knows about one domain as written in inputs (any case): its validated
/// forms and provider rule, and, once a check asked, its list flags and typo suggestion.
#[derive(Debug)]
pub(crate) struct DomainEntry {
    forms: DomainForms,
    /// Whether the domain as written (the cache key) is already its lowercase Unicode form.
    written_is_unicode: bool,
    rule: Option<Arc<ProviderRule>>,
    verdict: Option<DomainVerdict>,
}

impl DomainEntry {
    /// The lowercase A-label form.
    fn ascii(&self) -> &str {
        self.forms.ascii()
    }
}

/// One thread's memory for checking: the domains it has seen and a scratch buffer for keys.
#[derive(Default)]
pub(crate) struct DomainCache {
    domains: DomainMap,
    /// Typo suggestions for the domains of inputs that did not parse (see [`typo_parts`]).
    invalid_typos: InvalidTypos,
    /// The canonical key of the input being judged, reused from input to input.
    key: String,
}

/// Entries per map before it starts over: bounded, so a list of millions of distinct domains
/// cannot grow a cache without limit.
const CACHE_CAPACITY: usize = 1 << 16;

/// The domains seen, keyed as written (any case): a real list has many addresses per domain,
/// so validation, IDNA, the provider rule, list flags and typo search happen once per domain.
/// Only valid domains are kept: an error names positions in its input.
#[derive(Default)]
pub(crate) struct DomainMap(hashbrown::HashMap<String, DomainEntry, FxBuildHasher>);

impl DomainMap {
    fn entry(
        &mut self,
        domain: &str,
        compute: impl FnOnce() -> Result<DomainEntry, ParseError>,
    ) -> Result<&mut DomainEntry, ParseError> {
        if self.0.len() >= CACHE_CAPACITY && !self.0.contains_key(domain) {
            self.0.clear();
        }
        // One probe on a hit (the hot path); the key is allocated only on a miss.
        match self.0.entry_ref(domain) {
            hashbrown::hash_map::EntryRef::Occupied(hit) => Ok(hit.into_mut()),
            hashbrown::hash_map::EntryRef::Vacant(miss) => Ok(miss.insert(compute()?)),
        }
    }
}

/// Typo suggestions of the domains of invalid inputs, keyed by [`typo_parts`]'s domain.
#[derive(Default)]
pub(crate) struct InvalidTypos(FxHashMap<Box<str>, Option<Box<str>>>);

impl InvalidTypos {
    fn get_or_insert(
        &mut self,
        domain: String,
        compute: impl FnOnce(&str) -> Option<Box<str>>,
    ) -> Option<&str> {
        if self.0.len() >= CACHE_CAPACITY {
            self.0.clear();
        }
        self.0
            .entry(domain.into_boxed_str())
            .or_insert_with_key(|d| compute(d))
            .as_deref()
    }
}

/// The local part and the domain (lowercase A-labels where it converts; a trailing dot kept)
/// that typo correction looks at, or `None` when there is no `local@domain` shape at all.
fn typo_parts(value: &str) -> Option<(&str, String)> {
    let at = value.rfind('@')?;
    let (local, domain) = (&value[..at], &value[at + 1..]);
    // An unquoted `@` left in the local part (`bob@@yaho.com`) stays an error whatever the
    // domain: fixing the domain would suggest another invalid address.
    let stray_at = local.contains('@') && !local.starts_with('"');
    if local.is_empty() || domain.is_empty() || stray_at {
        return None;
    }
    let mut domain = crate::canonical::domain_key(domain);
    if value.trim_end().ends_with('.') {
        // `domain_key` drops a trailing dot; here it is the syntax error to correct.
        domain.push('.');
    }
    Some((local, domain))
}

fn invalid(
    input: &str,
    error: &ParseError,
    suggestion: Option<String>,
    warnings: Vec<Warning>,
) -> Check {
    Check {
        input: input.to_owned(),
        valid: false,
        error: Some(error.code()),
        message: Some(error.to_string()),
        address: None,
        address_ascii: None,
        canonical: None,
        suggestion,
        role: false,
        disposable: false,
        relay: false,
        free: false,
        warnings,
        rules: Vec::new(),
    }
}

/// [`Checker::check`] with the default checker.
pub fn check(input: &str) -> Check {
    DEFAULT.check(input)
}

/// [`Checker::canonical`] with the default checker.
///
/// ```
/// assert_eq!(mailhygiene::canonical("J.Doe+x@gmail.com").unwrap(), "jdoe@gmail.com");
/// assert_eq!(mailhygiene::canonical("J.Doe+x@example.com").unwrap(), "j.doe+x@example.com");
/// ```
pub fn canonical(input: &str) -> Result<String, ParseError> {
    DEFAULT.canonical(input)
}

/// [`Checker::suggest`] with the default checker.
pub fn suggest(input: &str) -> Option<Suggestion> {
    DEFAULT.suggest(input)
}

/// [`Checker::normalize`] with the default checker.
pub fn normalize(input: &str) -> Result<Address, ParseError> {
    DEFAULT.normalize(input)
}
