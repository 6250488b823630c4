//! The `Checker` class, and the one implementation behind it and the module-level functions.
use mailhygiene::{Address, CheckerBuilder, DomainList, ParseOptions, ProviderRule};
use std::ptr;

use mailhygiene::Check;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use crate::convert::{
    flag, option_keys, parse_error, Flag, JsStrings, Known, List, Map, NewInstance, RawValue, Text,
    Texts,
};
use crate::results::{array_of, call_helper, Batch, CheckResult, Helper, Js, Packed};

/// Options of `check`.
#[napi(object, object_to_js = false)]
pub struct CheckOptions {
    /// Judge the input exactly as given: no trimming, no display name or `mailto:` removal.
    #[napi(ts_type = "boolean")]
    pub exact: Option<Flag>,
}

option_keys!(CheckOptions, "options", ["exact"]);

/// Rows per chunk of the columnar pipelines (sync and async): small enough that filling and
/// draining the pipeline is short, large enough that each chunk's fixed costs (a few Node-API
/// calls, a task) vanish. One chunk is one work unit of the core's `check_columns` (8,192 rows),
/// so the chunks in flight, not the core, spread the work over the cores.
const PIPELINE_CHUNK: usize = 1 << 13;

/// Chunks in flight ahead of the one being filled: enough to keep both cores busy while the
/// main thread converts and fills.
const PIPELINE_AHEAD: usize = 3;

/// Options of `checkMany` and `checkManyAsync`.
#[napi(object, object_to_js = false)]
pub struct CheckManyOptions {
    /// Judge each input exactly as given: no trimming, no display name or `mailto:` removal.
    #[napi(ts_type = "boolean")]
    pub exact: Option<Flag>,
    /// Return one array per field (`CheckColumns`) instead of one object per input.
    #[napi(ts_type = "boolean")]
    pub columns: Option<Flag>,
}

option_keys!(CheckManyOptions, "options", ["exact", "columns"]);

/// Domains per list, for `CheckerOptions.addDomains` and `removeDomains`.
#[napi(object, object_to_js = false)]
pub struct DomainListsInit {
    /// Disposable (throwaway) domains; a listed domain covers its subdomains.
    #[napi(ts_type = "string[]")]
    pub disposable: Option<List<Text>>,
    /// Privacy relay and forwarding domains; a listed domain covers its subdomains.
    #[napi(ts_type = "string[]")]
    pub relay: Option<List<Text>>,
    /// Free consumer mailbox providers (exact domains).
    #[napi(ts_type = "string[]")]
    pub free: Option<List<Text>>,
}

option_keys!(
    DomainListsInit,
    "addDomains / removeDomains",
    ["disposable", "relay", "free"]
);

/// How one mail provider treats the local parts of one of its domains.
#[napi(object, object_to_js = false)]
pub struct ProviderRuleInit {
    /// The domain the rule applies to (exactly; never its subdomains).
    #[napi(ts_type = "string")]
    pub domain: Text,
    /// The domain to use in the canonical key, when it differs (`googlemail.com` → `gmail.com`).
    #[napi(ts_type = "string")]
    pub canonical_domain: Option<Text>,
    /// Dots in the local part are ignored by the provider.
    #[napi(ts_type = "boolean")]
    pub strip_dots: Option<Flag>,
    /// A `+tag` in the local part reaches the same mailbox.
    #[napi(ts_type = "boolean")]
    pub strip_tag: Option<Flag>,
    /// A provider name, for your own records.
    #[napi(ts_type = "string")]
    pub provider: Option<Text>,
}

option_keys!(
    ProviderRuleInit,
    "providerRules[]",
    [
        "domain",
        "canonicalDomain",
        "stripDots",
        "stripTag",
        "provider"
    ]
);

option_keys!(
    CheckerOptions,
    "options",
    [
        "allowQuotedLocal",
        "allowDomainLiteral",
        "allowSingleLabel",
        "lenientLengths",
        "addDomains",
        "removeDomains",
        "allowDomains",
        "addRoles",
        "removeRoles",
        "providerRules",
        "removeProviderRules",
    ]
);

/// The configuration of a `Checker`. Every field is optional; the default is the built-in
/// lists and rules with the strict public-internet grammar.
#[napi(object, object_to_js = false)]
pub struct CheckerOptions {
    /// Accept quoted local parts (`"john doe"@example.com`, RFC 5322 §3.2.4).
    #[napi(ts_type = "boolean")]
    pub allow_quoted_local: Option<Flag>,
    /// Accept IP address literals (`user@[192.0.2.1]`, RFC 5321 §4.1.3).
    #[napi(ts_type = "boolean")]
    pub allow_domain_literal: Option<Flag>,
    /// Accept single-label domains (`root@localhost`).
    #[napi(ts_type = "boolean")]
    pub allow_single_label: Option<Flag>,
    /// Skip the 64-octet local-part and 254-octet address limits (DNS limits stay).
    #[napi(ts_type = "boolean")]
    pub lenient_lengths: Option<Flag>,
    /// Domains to add to the built-in lists.
    #[napi(ts_type = "DomainListsInit")]
    pub add_domains: Option<Known<DomainListsInit>>,
    /// Domains to remove from the built-in lists.
    #[napi(ts_type = "DomainListsInit")]
    pub remove_domains: Option<Known<DomainListsInit>>,
    /// Domains (and their subdomains) that are never disposable and never typo-corrected.
    #[napi(ts_type = "string[]")]
    pub allow_domains: Option<List<Text>>,
    /// Role words to add, with their category: `{ billing: 'finance' }`.
    #[napi(ts_type = "Record<string, string>")]
    pub add_roles: Option<Map<Text>>,
    /// Role words to remove.
    #[napi(ts_type = "string[]")]
    pub remove_roles: Option<List<Text>>,
    /// Provider rules to add or replace (e.g. your Google Workspace domain ignores dots and tags).
    #[napi(ts_type = "Array<ProviderRuleInit>")]
    pub provider_rules: Option<List<Known<ProviderRuleInit>>>,
    /// Domains whose built-in provider rule is removed.
    #[napi(ts_type = "string[]")]
    pub remove_provider_rules: Option<List<Text>>,
}

/// A valid address, normalized for delivery.
#[napi(object, object_from_js = false)]
pub struct AddressResult {
    /// `local@domain` with the Unicode domain.
    pub address: String,
    /// The same with the domain in A-labels.
    pub address_ascii: String,
    /// The local part, NFC as written.
    pub local: String,
    /// The domain, lowercased Unicode.
    pub domain: String,
    /// The domain as lowercase A-labels.
    pub domain_ascii: String,
}

impl From<Address> for AddressResult {
    fn from(a: Address) -> Self {
        AddressResult {
            address_ascii: a.to_ascii(),
            local: a.local().to_owned(),
            domain: a.domain().to_owned(),
            domain_ascii: a.domain_ascii().to_owned(),
            address: a.as_str().to_owned(),
        }
    }
}

/// A suggested correction of a mistyped domain.
#[napi(object, object_from_js = false)]
pub struct SuggestionResult {
    /// The full corrected address (the local part unchanged).
    pub address: String,
    /// The corrected domain.
    pub domain: String,
    /// Edit distance between the typed and the suggested domain.
    pub distance: u32,
    /// Confidence in (0, 1].
    pub confidence: f64,
}

/// The classification of a valid address.
#[napi(object, use_nullable = true, object_from_js = false)]
pub struct ClassificationResult {
    /// The role category (`technical`, `noreply`, …) when the local part is a role account.
    pub role: Option<String>,
    /// A disposable domain.
    pub disposable: bool,
    /// A privacy relay or forwarder.
    pub relay: bool,
    /// A free consumer mailbox provider.
    pub free: bool,
}

fn texts(v: Option<List<Text>>) -> Vec<String> {
    v.map(|l| l.0)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.0)
        .collect()
}

fn builder(options: CheckerOptions) -> CheckerBuilder {
    let mut b = mailhygiene::Checker::builder().options(
        ParseOptions::new()
            .allow_quoted_local(flag(&options.allow_quoted_local))
            .allow_domain_literal(flag(&options.allow_domain_literal))
            .allow_single_label(flag(&options.allow_single_label))
            .lenient_lengths(flag(&options.lenient_lengths)),
    );
    let lists = |init: Option<Known<DomainListsInit>>| {
        let init = init.map_or(
            DomainListsInit {
                disposable: None,
                relay: None,
                free: None,
            },
            |Known(init)| init,
        );
        [
            (DomainList::Disposable, texts(init.disposable)),
            (DomainList::Relay, texts(init.relay)),
            (DomainList::Free, texts(init.free)),
        ]
    };
    for (list, domains) in lists(options.add_domains) {
        for d in domains {
            b = b.add_domain(list, &d);
        }
    }
    for (list, domains) in lists(options.remove_domains) {
        for d in domains {
            b = b.remove_domain(list, &d);
        }
    }
    for d in texts(options.allow_domains) {
        b = b.allow_domain(&d);
    }
    let mut roles: Vec<_> = options
        .add_roles
        .map(|m| m.0)
        .unwrap_or_default()
        .into_iter()
        .collect();
    roles.sort_by(|a, b| a.0.cmp(&b.0));
    for (local, category) in roles {
        b = b.add_role(&local, &category.0);
    }
    for r in texts(options.remove_roles) {
        b = b.remove_role(&r);
    }
    for d in texts(options.remove_provider_rules) {
        b = b.remove_provider_rule(&d);
    }
    for r in options.provider_rules.map(|l| l.0).unwrap_or_default() {
        let mut rule = ProviderRule::new(&r.domain.0)
            .strip_dots(flag(&r.strip_dots))
            .strip_tag(flag(&r.strip_tag));
        if let Some(d) = &r.canonical_domain {
            rule = rule.canonical_domain(&d.0);
        }
        if let Some(p) = &r.provider {
            rule = rule.provider(&p.0);
        }
        b = b.provider_rule(rule);
    }
    b
}

/// The single implementation of every address operation; `Checker` methods and the module
/// functions (which use the default checker) both call these.
pub(crate) mod ops {
    use super::*;

    pub fn check(
        c: &mailhygiene::Checker,
        input: &str,
        options: Option<Known<CheckOptions>>,
    ) -> CheckResult {
        let exact = options.is_some_and(|o| flag(&o.exact));
        if exact {
            c.check_exact(input).into()
        } else {
            c.check(input).into()
        }
    }

    /// The core's columns for `texts`, packed for `fill` in `batch.js`.
    pub(crate) fn pack_chunk(c: &mailhygiene::Checker, texts: &Texts, exact: bool) -> Packed {
        let cells: Vec<Option<&str>> = (0..texts.len()).map(|i| Some(texts.get(i))).collect();
        let cols = c.check_columns(&cells, exact);
        Packed::new(texts, &cols)
    }

    /// The core's row batch.
    pub(crate) fn check_rows(c: &mailhygiene::Checker, inputs: &Texts, exact: bool) -> Vec<Check> {
        let strs = inputs.as_strs();
        if exact {
            c.check_many_exact(&strs)
        } else {
            c.check_many(&strs)
        }
    }

    /// The sync columnar batch as a pipeline over chunks: while the main thread converts chunk
    /// k + `PIPELINE_AHEAD` and fills the result arrays from chunk k, rayon's threads check the
    /// chunks in between. Sequentially, the main thread's JavaScript work and the check would
    /// each leave one core idle for about half the call.
    fn check_columns_pipelined(
        env: Env,
        c: &mailhygiene::Checker,
        strings: JsStrings,
        exact: bool,
    ) -> Result<Batch> {
        let raw = env.raw();
        let n = strings.len;
        let starts: Vec<usize> = (0..n).step_by(PIPELINE_CHUNK).collect();
        let mut js = unsafe { Js::new(raw)? };
        type Done = std::thread::Result<(Texts, Packed)>;
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Done)>();
        let mut done: Vec<Option<Packed>> = starts.iter().map(|_| None).collect();
        // Converted chunks' buffers, reused: fresh pages cost more than the copy into them.
        let mut spare: Vec<Texts> = Vec::new();
        rayon::in_place_scope(|scope| {
            let submit = |k: usize, spare: &mut Vec<Texts>| -> Result<()> {
                let mut texts = spare.pop().unwrap_or_default();
                let from = starts[k];
                unsafe { texts.read(raw, strings.copy, from, (from + PIPELINE_CHUNK).min(n))? };
                let tx = tx.clone();
                scope.spawn(move |_| {
                    let packed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let p = pack_chunk(c, &texts, exact);
                        (texts, p)
                    }));
                    // The receiver is gone only when the main thread gave up (an exception).
                    let _ = tx.send((k, packed));
                });
                Ok(())
            };
            for k in 0..starts.len().min(PIPELINE_AHEAD) {
                submit(k, &mut spare)?;
            }
            // Allocated while the first chunks are checked.
            let cols = unsafe { js.columns(strings.copy, n)? };
            for k in 0..starts.len() {
                while done[k].is_none() {
                    let (j, packed) = rx.recv().expect("a sender is alive");
                    let (texts, p) = packed.map_err(|p| crate::panic_error(&*p))?;
                    spare.push(texts);
                    done[j] = Some(p);
                }
                if k + PIPELINE_AHEAD < starts.len() {
                    submit(k + PIPELINE_AHEAD, &mut spare)?;
                }
                let p = done[k].take().expect("received");
                unsafe { js.fill(cols, starts[k], &p)? };
            }
            Ok(Batch::Built(cols))
        })
    }

    fn batch_options(options: Option<Known<CheckManyOptions>>) -> (bool, bool) {
        options
            .map(|o| (flag(&o.exact), flag(&o.columns)))
            .unwrap_or_default()
    }

    /// All of `strings`, converted (on the main thread).
    fn read_all(env: Env, strings: &JsStrings) -> Result<Texts> {
        let mut texts = Texts::default();
        unsafe { texts.read(env.raw(), strings.copy, 0, strings.len)? };
        Ok(texts)
    }

    pub fn check_many(
        env: Env,
        c: &mailhygiene::Checker,
        strings: JsStrings,
        options: Option<Known<CheckManyOptions>>,
    ) -> Result<Batch> {
        let (exact, columns) = batch_options(options);
        if columns {
            check_columns_pipelined(env, c, strings, exact)
        } else {
            Ok(Batch::Rows(check_rows(c, &read_all(env, &strings)?, exact)))
        }
    }

    /// `checkManyAsync`: a promise. Rows: one task on libuv's pool. Columns: the pipeline of
    /// `check_columns_pipelined`, driven by `pipeline` in `batch.js` with one task per chunk,
    /// so that the main thread fills the result arrays while later chunks are checked, and the
    /// event loop runs between chunks.
    pub fn check_many_async(
        env: Env,
        c: &mailhygiene::Checker,
        addresses: RawValue,
        options: Option<RawValue>,
    ) -> Result<RawValue> {
        // Arguments are converted here rather than by the binding's glue, so that a bad one
        // rejects the promise instead of throwing at the call.
        crate::convert::rejecting(env, || {
            let raw = env.raw();
            // Only copied here: the pipeline type-checks a chunk at a time.
            let strings = unsafe { JsStrings::copy(raw, addresses.0, false)? };
            let options = Known::from_arg(&env, options)?;
            pipelined_async(env, c, strings, options)
        })
    }

    fn pipelined_async(
        env: Env,
        c: &mailhygiene::Checker,
        strings: JsStrings,
        options: Option<Known<CheckManyOptions>>,
    ) -> Result<RawValue> {
        let (exact, columns) = batch_options(options);
        let raw = env.raw();
        let checker = c.clone();
        let start = env.create_function_from_closure::<(), _, _>("start", move |ctx| {
            let copy: RawValue = ctx.get(0)?;
            let from: u32 = ctx.get(1)?;
            let to: u32 = ctx.get(2)?;
            let mut texts = Texts::default();
            unsafe { texts.read(ctx.env.raw(), copy, from as usize, to as usize)? };
            Ok(AsyncTask::new(CheckManyTask {
                checker: checker.clone(),
                inputs: Some(texts),
                exact,
            }))
        })?;
        let mut chunk = ptr::null_mut();
        let mut ahead = ptr::null_mut();
        let mut rows = ptr::null_mut();
        unsafe {
            // Rows too go through the columns, chunk by chunk: a million result objects built
            // at once would hold the event loop for seconds.
            check_status!(sys::napi_get_boolean(raw, !columns, &mut rows))?;
            check_status!(sys::napi_create_uint32(
                raw,
                PIPELINE_CHUNK as u32,
                &mut chunk
            ))?;
            check_status!(sys::napi_create_uint32(
                raw,
                PIPELINE_AHEAD as u32,
                &mut ahead
            ))?;
            let args = [strings.copy.0, start.raw(), chunk, ahead, rows];
            Ok(RawValue(call_helper(raw, Helper::Pipeline, &args)?))
        }
    }

    pub fn normalize(env: Env, c: &mailhygiene::Checker, input: &str) -> Result<AddressResult> {
        c.normalize(input)
            .map(Into::into)
            .map_err(|e| parse_error(env, &e))
    }

    pub fn canonical(env: Env, c: &mailhygiene::Checker, input: &str) -> Result<String> {
        c.canonical(input).map_err(|e| parse_error(env, &e))
    }

    pub fn suggest(c: &mailhygiene::Checker, input: &str) -> Option<SuggestionResult> {
        c.suggest(input).map(|s| SuggestionResult {
            address: s.address,
            domain: s.domain,
            distance: s.distance,
            // The shortest decimal form: `0.9`, not `0.8999999761581421`.
            confidence: s
                .confidence
                .to_string()
                .parse()
                .unwrap_or(f64::from(s.confidence)),
        })
    }

    pub fn classify(
        env: Env,
        c: &mailhygiene::Checker,
        input: &str,
    ) -> Result<ClassificationResult> {
        let address = c.normalize(input).map_err(|e| parse_error(env, &e))?;
        let k = c.classify(&address);
        Ok(ClassificationResult {
            role: k.role,
            disposable: k.domain.disposable,
            relay: k.domain.relay,
            free: k.domain.free,
        })
    }
}

/// Checks one chunk of `checkManyAsync` on libuv's thread pool (and from there on all cores):
/// the event loop keeps running meanwhile. Resolves to `fill`'s arguments for the chunk, for
/// `pipeline` in `batch.js`; reading the input and building the result happen on the main
/// thread, as they must, a chunk at a time.
pub struct CheckManyTask {
    checker: mailhygiene::Checker,
    inputs: Option<Texts>,
    exact: bool,
}

impl Task for CheckManyTask {
    type Output = Box<Packed>;
    type JsValue = RawValue;

    fn compute(&mut self) -> Result<Self::Output> {
        let inputs = self.inputs.take().unwrap_or_default();
        // A panic must reject the promise, not abort the process.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Box::new(ops::pack_chunk(&self.checker, &inputs, self.exact))
        }))
        .map_err(|p| crate::panic_error(&*p))
    }

    fn resolve(&mut self, env: Env, packed: Self::Output) -> Result<Self::JsValue> {
        let env = env.raw();
        unsafe { Ok(RawValue(array_of(env, &Js::new(env)?.fill_args(&packed)?)?)) }
    }
}

/// A configured address engine: parse options, extra or removed list entries, provider rules.
///
/// ```js
/// const checker = new Checker({ allowSingleLabel: true, addDomains: { disposable: ['throwaway.example'] } })
/// checker.check('root@localhost').valid // true
/// ```
#[napi]
pub struct Checker {
    inner: mailhygiene::Checker,
}

/// The object `new Checker()` made (an alias: napi-rs reads `This<…>`'s argument by its name).
type NewChecker = NewInstance<Checker>;

#[napi]
impl Checker {
    /// A checker with the given options; `new Checker()` is the default configuration.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        _this: This<NewChecker>,
        #[napi(ts_arg_type = "CheckerOptions | undefined | null")] options: Option<RawValue>,
    ) -> Result<Self> {
        let inner = match Known::<CheckerOptions>::from_arg(&env, options)? {
            Some(Known(o)) => builder(o).build(),
            None => mailhygiene::Checker::default(),
        };
        Ok(Checker { inner })
    }

    /// Everything about one input: validity, error code and message, the deliverable address,
    /// canonical key, suggestion, flags, warnings and provider rules. Never throws for an
    /// invalid address: that is a result (`valid: false`).
    #[napi(catch_unwind)]
    pub fn check(
        &self,
        #[napi(ts_arg_type = "string")] address: Text,
        #[napi(ts_arg_type = "CheckOptions | undefined | null")] options: Option<
            Known<CheckOptions>,
        >,
    ) -> CheckResult {
        ops::check(&self.inner, &address.0, options)
    }

    /// `check` on many inputs (on all cores), in input order. With `{ columns: true }`, one
    /// array per field instead of one object per input.
    #[napi(
        catch_unwind,
        ts_generic_types = "O extends CheckManyOptions = {}",
        ts_args_type = "addresses: ReadonlyArray<string>, options?: O",
        ts_return_type = "O extends { columns: true } ? CheckColumns : O extends { columns: false | undefined } | { exact?: boolean; columns?: undefined } ? CheckResult[] : CheckColumns | CheckResult[]"
    )]
    pub fn check_many(
        &self,
        env: Env,
        addresses: JsStrings,
        options: Option<Known<CheckManyOptions>>,
    ) -> Result<Batch> {
        ops::check_many(env, &self.inner, addresses, options)
    }

    /// `checkMany` off the main thread: the event loop keeps running while the batch is checked.
    #[napi(
        catch_unwind,
        ts_generic_types = "O extends CheckManyOptions = {}",
        ts_args_type = "addresses: ReadonlyArray<string>, options?: O",
        ts_return_type = "Promise<O extends { columns: true } ? CheckColumns : O extends { columns: false | undefined } | { exact?: boolean; columns?: undefined } ? CheckResult[] : CheckColumns | CheckResult[]>"
    )]
    pub fn check_many_async(
        &self,
        env: Env,
        addresses: RawValue,
        options: Option<RawValue>,
    ) -> Result<RawValue> {
        ops::check_many_async(env, &self.inner, addresses, options)
    }

    /// Extract (trim, display name, `mailto:`) then parse. Throws an `Error` with the core's
    /// `code` when the address is invalid.
    #[napi(catch_unwind)]
    pub fn normalize(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] address: Text,
    ) -> Result<AddressResult> {
        ops::normalize(env, &self.inner, &address.0)
    }

    /// The canonical key for de-duplication and suppression matching. Throws an `Error` with the
    /// core's `code` when the address is invalid.
    #[napi(catch_unwind)]
    pub fn canonical(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] address: Text,
    ) -> Result<String> {
        ops::canonical(env, &self.inner, &address.0)
    }

    /// A corrected address when the domain looks mistyped, or `null`. Works on invalid input.
    #[napi(catch_unwind)]
    pub fn suggest(
        &self,
        #[napi(ts_arg_type = "string")] address: Text,
    ) -> Option<SuggestionResult> {
        ops::suggest(&self.inner, &address.0)
    }

    /// Role category and list flags of a valid address. Throws an `Error` with the core's `code`
    /// when the address is invalid.
    #[napi(catch_unwind)]
    pub fn classify(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] address: Text,
    ) -> Result<ClassificationResult> {
        ops::classify(env, &self.inner, &address.0)
    }

    /// Whether a valid address is a role account (`info@`, `noreply@`). Throws for an invalid one.
    #[napi(catch_unwind)]
    pub fn is_role(&self, env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<bool> {
        Ok(ops::classify(env, &self.inner, &address.0)?.role.is_some())
    }

    /// Whether a valid address is at a disposable domain. Throws for an invalid one.
    #[napi(catch_unwind)]
    pub fn is_disposable(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] address: Text,
    ) -> Result<bool> {
        Ok(ops::classify(env, &self.inner, &address.0)?.disposable)
    }

    /// Whether a valid address is at a privacy relay or forwarder. Throws for an invalid one.
    #[napi(catch_unwind)]
    pub fn is_relay(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] address: Text,
    ) -> Result<bool> {
        Ok(ops::classify(env, &self.inner, &address.0)?.relay)
    }

    /// Whether a valid address is at a free consumer provider. Throws for an invalid one.
    #[napi(catch_unwind)]
    pub fn is_free(&self, env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<bool> {
        Ok(ops::classify(env, &self.inner, &address.0)?.free)
    }
}

impl Checker {
    /// The core checker (for `SuppressionList`).
    pub(crate) fn core(&self) -> &mailhygiene::Checker {
        &self.inner
    }
}
