//! Node.js bindings for [mailhygiene](../../crates/mailhygiene): registration, conversion and
//! error mapping — nothing else. Every decision about an address is the core's.
//!
//! - `checker.rs`: the `Checker` class and the module-level functions, one implementation
//!   (`checker::ops`) behind both and behind the sync and async batch.
//! - `convert.rs`: strings and arrays in (a `TypeError` for anything that is not a string), and
//!   the core's errors as `Error`s with its stable `code`.
//! - `results.rs`: results out, as objects or as columns.
//! - `batch.js`: the JavaScript half of batch conversion (joining the input array, building the
//!   column arrays), compiled once per environment by `results.rs`.
//! - `suppression.rs`: `SuppressionList` and its value types.
#![deny(clippy::all)]

mod checker;
mod convert;
mod results;
mod suppression;

use std::sync::LazyLock;

use napi::bindgen_prelude::*;
use napi_derive::napi;

pub use checker::*;
use convert::{JsStrings, Known, Text};
use results::Batch;
pub use results::{CheckColumns, CheckResult};
pub use suppression::*;

static DEFAULT: LazyLock<mailhygiene::Checker> = LazyLock::new(mailhygiene::Checker::default);

/// A panic payload as a JavaScript error (code `GenericFailure`): the process survives.
pub(crate) fn panic_error(payload: &(dyn std::any::Any + Send)) -> Error {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Error::new(
        Status::GenericFailure,
        format!("internal error (panic): {msg}"),
    )
}

/// Everything about one input with the default checker: validity, error code and message, the
/// deliverable address, canonical key, suggestion, flags, warnings and provider rules. Never
/// throws for an invalid address: that is a result (`valid: false`).
///
/// ```js
/// check('"Jane" <Jane.Doe+promo@googlemail.com>').canonical // 'janedoe@gmail.com'
/// check('john..doe@example.com').error                       // 'consecutive_dots'
/// ```
#[napi(catch_unwind)]
pub fn check(
    #[napi(ts_arg_type = "string")] address: Text,
    #[napi(ts_arg_type = "CheckOptions | undefined | null")] options: Option<Known<CheckOptions>>,
) -> CheckResult {
    checker::ops::check(&DEFAULT, &address.0, options)
}

/// `check` on many inputs (on all cores), in input order; one result per input, never stopping
/// at a bad row. With `{ columns: true }`, one array per field instead of one object per input.
#[napi(
    catch_unwind,
    ts_generic_types = "O extends CheckManyOptions = {}",
    ts_args_type = "addresses: ReadonlyArray<string>, options?: O",
    ts_return_type = "O extends { columns: true } ? CheckColumns : O extends { columns: false | undefined } | { exact?: boolean; columns?: undefined } ? CheckResult[] : CheckColumns | CheckResult[]"
)]
pub fn check_many(
    env: Env,
    addresses: JsStrings,
    options: Option<Known<CheckManyOptions>>,
) -> Result<Batch> {
    checker::ops::check_many(env, &DEFAULT, addresses, options)
}

/// `checkMany` off the main thread (libuv's pool, then all cores): the event loop keeps running
/// while the batch is checked. Reading the array and building the results happen on the main
/// thread (a JavaScript engine allows nothing else), a chunk of rows at a time with the event
/// loop running in between; `{ columns: true }` keeps that part smallest for large batches.
#[napi(
    catch_unwind,
    ts_generic_types = "O extends CheckManyOptions = {}",
    ts_args_type = "addresses: ReadonlyArray<string>, options?: O",
    ts_return_type = "Promise<O extends { columns: true } ? CheckColumns : O extends { columns: false | undefined } | { exact?: boolean; columns?: undefined } ? CheckResult[] : CheckColumns | CheckResult[]>"
)]
pub fn check_many_async(
    env: Env,
    addresses: convert::RawValue,
    options: Option<convert::RawValue>,
) -> Result<convert::RawValue> {
    checker::ops::check_many_async(env, &DEFAULT, addresses, options)
}

/// Extract (trim, display name, `mailto:`) then parse: the deliverable address. Throws an
/// `Error` whose `code` is the core's error code (e.g. `missing_at`) when invalid.
#[napi(catch_unwind)]
pub fn normalize(env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<AddressResult> {
    checker::ops::normalize(env, &DEFAULT, &address.0)
}

/// The canonical key for de-duplication and suppression matching (`J.Doe+x@gmail.com` →
/// `jdoe@gmail.com`). Throws an `Error` with the core's `code` when invalid.
#[napi(catch_unwind)]
pub fn canonical(env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<String> {
    checker::ops::canonical(env, &DEFAULT, &address.0)
}

/// A corrected address when the domain looks mistyped (`bob@yaho.com` → `bob@yahoo.com`), or
/// `null` when unsure. Works on invalid input too.
#[napi(catch_unwind)]
pub fn suggest(#[napi(ts_arg_type = "string")] address: Text) -> Option<SuggestionResult> {
    checker::ops::suggest(&DEFAULT, &address.0)
}

/// Role category and list flags of a valid address. Throws an `Error` with the core's `code`
/// when invalid.
#[napi(catch_unwind)]
pub fn classify(
    env: Env,
    #[napi(ts_arg_type = "string")] address: Text,
) -> Result<ClassificationResult> {
    checker::ops::classify(env, &DEFAULT, &address.0)
}

/// Whether a valid address is a role account (`info@`, `noreply@`). Throws for an invalid one.
#[napi(catch_unwind)]
pub fn is_role(env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<bool> {
    Ok(checker::ops::classify(env, &DEFAULT, &address.0)?
        .role
        .is_some())
}

/// Whether a valid address is at a disposable domain. Throws for an invalid one.
#[napi(catch_unwind)]
pub fn is_disposable(env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<bool> {
    Ok(checker::ops::classify(env, &DEFAULT, &address.0)?.disposable)
}

/// Whether a valid address is at a privacy relay or forwarder. Throws for an invalid one.
#[napi(catch_unwind)]
pub fn is_relay(env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<bool> {
    Ok(checker::ops::classify(env, &DEFAULT, &address.0)?.relay)
}

/// Whether a valid address is at a free consumer provider. Throws for an invalid one.
#[napi(catch_unwind)]
pub fn is_free(env: Env, #[napi(ts_arg_type = "string")] address: Text) -> Result<bool> {
    Ok(checker::ops::classify(env, &DEFAULT, &address.0)?.free)
}

/// Every error code the core can report, in its documented order. Codes never change once
/// published; branch on them, not on messages.
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    mailhygiene::ErrorKind::ALL_CODES.to_vec()
}

/// Test hook: panics inside the binding. Used by the tests to prove a panic becomes a
/// JavaScript `Error` instead of killing the process. Not part of the API.
#[doc(hidden)]
#[napi(catch_unwind, js_name = "__panicForTests")]
pub fn panic_for_tests() {
    panic!("deliberate panic from __panicForTests");
}

/// Test hook: `checkManyAsync` whose background work panics; the promise must reject.
#[doc(hidden)]
#[napi(catch_unwind, js_name = "__panicAsyncForTests")]
pub fn panic_async_for_tests() -> AsyncTask<PanicTask> {
    AsyncTask::new(PanicTask)
}

#[doc(hidden)]
pub struct PanicTask;

impl Task for PanicTask {
    type Output = ();
    type JsValue = ();
    fn compute(&mut self) -> Result<()> {
        std::panic::catch_unwind(|| panic!("deliberate panic on the thread pool"))
            .map_err(|p| panic_error(&*p))
    }
    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}
