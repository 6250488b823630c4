//! Conversion at the boundary: JavaScript values in, core values out, and back.
//!
//! Nothing here decides anything about an address; it only moves data. A batch's strings are
//! copied into one buffer (no allocation per row).
use std::ffi::CString;
use std::marker::PhantomData;
use std::ptr;

use mailhygiene::ParseError;
use napi::bindgen_prelude::*;
use napi::sys;

/// Throw a `TypeError` (code `ERR_INVALID_ARG_TYPE`, as Node's own functions do) and return the
/// error that tells napi-rs an exception is already pending.
pub(crate) fn type_error(env: sys::napi_env, message: &str) -> Error {
    throw(env, "ERR_INVALID_ARG_TYPE", message, true)
}

/// Throw the core's error as a JavaScript `Error` whose `code` is the core's stable code and
/// whose message is the core's message.
pub(crate) fn parse_error(env: Env, error: &ParseError) -> Error {
    throw(env.raw(), error.code(), &error.to_string(), false)
}

pub(crate) fn throw(env: sys::napi_env, code: &str, message: &str, type_error: bool) -> Error {
    let code_c = CString::new(code).unwrap_or_default();
    let message_c = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    unsafe {
        if type_error {
            sys::napi_throw_type_error(env, code_c.as_ptr(), message_c.as_ptr());
        } else {
            sys::napi_throw_error(env, code_c.as_ptr(), message_c.as_ptr());
        }
    }
    Error::new(Status::PendingException, message.to_owned())
}

/// The `this` of class `T`'s constructor: the object `new` made. napi-rs takes whatever `this`
/// a constructor is called with, and would make it an instance: called without `new`
/// (`mh.Checker()`), that is the module's exports or the global object. Anything but an object
/// of the class (or a subclass) that is not an instance yet is the `TypeError` a JavaScript
/// class throws.
pub struct NewInstance<T>(PhantomData<T>);

impl<T: 'static> FromNapiValue for NewInstance<T>
where
    &'static T: ValidateNapiValue + TypeName,
{
    unsafe fn from_napi_value(env: sys::napi_env, this: sys::napi_value) -> Result<Self> {
        let mut wrapped = ptr::null_mut();
        let fresh = <&T>::validate(env, this).is_ok()
            && sys::napi_unwrap(env, this, &mut wrapped) != sys::Status::napi_ok;
        if fresh {
            return Ok(NewInstance(PhantomData));
        }
        let class = <&T>::type_name();
        Err(throw(
            env,
            "ERR_CONSTRUCT_CALL_REQUIRED",
            &format!("Class constructor {class} cannot be invoked without 'new'"),
            true,
        ))
    }
}

/// An instance of class `T` as an argument. Unlike napi-rs's `&T`, it borrows nothing when
/// converted, so that a `&mut self` method can be given its own object (`list.merge(list)`)
/// and decide what that means instead of failing. Anything but an instance is a `TypeError`.
pub struct Instance<T>(*const T);

impl<T: TypeTag + 'static> FromNapiValue for Instance<T>
where
    &'static T: TypeName,
{
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let class = <&T>::type_name();
        let mut wrapped = ptr::null_mut();
        // The tag, not `instanceof`: a prototype can be swapped, a tag cannot.
        if sys::napi_unwrap(env, value, &mut wrapped) == sys::Status::napi_ok
            && validate_type_tag(env, value, &T::type_tag(), class).is_ok()
        {
            return Ok(Instance(wrapped.cast()));
        }
        let got = describe(env, value);
        Err(type_error(env, &format!("expected a {class}, got {got}")))
    }
}

impl<T: 'static> TypeName for Instance<T>
where
    &'static T: TypeName,
{
    fn type_name() -> &'static str {
        <&T>::type_name()
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl<T: TypeTag + 'static> ValidateNapiValue for Instance<T> where &'static T: TypeName {}

impl<T> Instance<T> {
    /// Whether this is the object of `other`.
    pub fn is(&self, other: &T) -> bool {
        ptr::eq(self.0, other)
    }

    /// The instance.
    ///
    /// # Safety
    /// No `&mut T` to the same object may be live (compare a `&mut self` with [`Self::is`]
    /// first). The object lives at least as long as the call that received it.
    pub unsafe fn get(&self) -> &T {
        &*self.0
    }
}

/// `typeof` of a JavaScript value, as a word for error messages (`null`, not `object`).
pub(crate) unsafe fn describe(env: sys::napi_env, value: sys::napi_value) -> &'static str {
    let mut t = 0;
    sys::napi_typeof(env, value, &mut t);
    match t {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "boolean",
        sys::ValueType::napi_number => "number",
        sys::ValueType::napi_string => "string",
        sys::ValueType::napi_symbol => "symbol",
        sys::ValueType::napi_function => "function",
        sys::ValueType::napi_bigint => "bigint",
        _ => {
            let mut is_array = false;
            sys::napi_is_array(env, value, &mut is_array);
            if is_array {
                "an array"
            } else {
                "an object"
            }
        }
    }
}

unsafe fn is_string(env: sys::napi_env, value: sys::napi_value) -> bool {
    let mut t = 0;
    sys::napi_typeof(env, value, &mut t) == sys::Status::napi_ok && t == sys::ValueType::napi_string
}

/// Append a JavaScript string to `buf` as UTF-8 (lone surrogates become U+FFFD).
///
/// One call for strings that fit the spare capacity, two for longer ones.
unsafe fn read_string_into(
    env: sys::napi_env,
    value: sys::napi_value,
    buf: &mut Vec<u8>,
) -> Result<()> {
    const GUESS: usize = 256;
    buf.reserve(GUESS);
    let start = buf.len();
    let spare = buf.capacity() - start;
    let mut written = 0;
    check_status!(sys::napi_get_value_string_utf8(
        env,
        value,
        buf.as_mut_ptr().add(start).cast(),
        spare,
        &mut written,
    ))?;
    if written + 1 < spare {
        buf.set_len(start + written);
        return Ok(());
    }
    // Possibly truncated: ask for the length, then copy again.
    let mut len = 0;
    check_status!(sys::napi_get_value_string_utf8(
        env,
        value,
        ptr::null_mut(),
        0,
        &mut len
    ))?;
    buf.reserve(len + 1);
    check_status!(sys::napi_get_value_string_utf8(
        env,
        value,
        buf.as_mut_ptr().add(start).cast(),
        len + 1,
        &mut written,
    ))?;
    buf.set_len(start + written);
    Ok(())
}

/// A string argument. Anything else (`null`, `undefined`, a number, an object) is a
/// `TypeError`, never a silent `String(value)`.
pub struct Text(pub String);

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        if !is_string(env, value) {
            let got = describe(env, value);
            return Err(type_error(env, &format!("expected a string, got {got}")));
        }
        let mut buf = Vec::new();
        read_string_into(env, value, &mut buf)?;
        // napi_get_value_string_utf8 always writes valid UTF-8.
        Ok(Text(String::from_utf8(buf).unwrap_or_else(|e| {
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        })))
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Text {}

/// A boolean option. Anything but `true`, `false` or `undefined` is a `TypeError`.
pub struct Flag(pub bool);

impl FromNapiValue for Flag {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut b = false;
        if sys::napi_get_value_bool(env, value, &mut b) != sys::Status::napi_ok {
            let got = describe(env, value);
            return Err(type_error(env, &format!("expected a boolean, got {got}")));
        }
        Ok(Flag(b))
    }
}

impl TypeName for Flag {
    fn type_name() -> &'static str {
        "boolean"
    }
    fn value_type() -> ValueType {
        ValueType::Boolean
    }
}

impl ValidateNapiValue for Flag {}

pub(crate) fn flag(f: &Option<Flag>) -> bool {
    f.as_ref().is_some_and(|f| f.0)
}

/// An array of strings as `strings` in `batch.js` copied it: every element type-checked (a
/// non-array or a non-string element is a `TypeError` naming the index), nothing converted yet.
/// `Texts::read` converts a range of it.
pub struct JsStrings {
    /// The copy, reused as the input column.
    pub(crate) copy: RawValue,
    pub(crate) len: usize,
}

impl JsStrings {
    /// `value`'s copy; with `check`, every element type-checked now, else by the caller, range
    /// by range, before it reads one (`checkStrings` in `batch.js`).
    pub(crate) unsafe fn copy(
        env: sys::napi_env,
        value: sys::napi_value,
        check: bool,
    ) -> Result<Self> {
        let mut is_array = false;
        sys::napi_is_array(env, value, &mut is_array);
        if !is_array {
            let got = describe(env, value);
            return Err(type_error(
                env,
                &format!("expected an array of strings, got {got}"),
            ));
        }
        let mut checking = ptr::null_mut();
        check_status!(sys::napi_get_boolean(env, check, &mut checking))?;
        let copy =
            crate::results::call_helper(env, crate::results::Helper::Strings, &[value, checking])?;
        let mut len = 0u32;
        check_status!(sys::napi_get_array_length(env, copy, &mut len))?;
        Ok(JsStrings {
            copy: RawValue(copy),
            len: len as usize,
        })
    }
}

impl FromNapiValue for JsStrings {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        JsStrings::copy(env, value, true)
    }
}

impl TypeName for JsStrings {
    fn type_name() -> &'static str {
        "Array<string>"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for JsStrings {}

/// Strings converted from JavaScript, in one buffer (no allocation per row).
///
/// Read through `join` in `batch.js`: Rust converts a few large strings instead of one string
/// per element (one Node-API call per chunk of thousands of rows, not three per row).
#[derive(Default)]
pub struct Texts {
    /// The strings in order, each followed by one separator byte.
    buf: String,
    /// Where each string ends in `buf` (it starts one byte after the previous end).
    ends: Vec<usize>,
    /// Whether any string lost lone surrogates to U+FFFD when converted, so that its text here
    /// differs from the JavaScript string (then the input column cannot reuse the caller's).
    lossy: bool,
}

/// Refuse a value that is not an object, or is an array: `{expected}, got {what it is}`.
unsafe fn expect_object(
    env: sys::napi_env,
    value: sys::napi_value,
    expected: impl FnOnce() -> String,
) -> Result<()> {
    let mut t = 0;
    check_status!(sys::napi_typeof(env, value, &mut t))?;
    let mut is_array = false;
    check_status!(sys::napi_is_array(env, value, &mut is_array))?;
    if t != sys::ValueType::napi_object || is_array {
        let got = describe(env, value);
        return Err(type_error(env, &format!("{}, got {got}", expected())));
    }
    Ok(())
}

/// An object used as a map from names to `T` (`addRoles`). napi-rs reads a number as an empty
/// map and an array as a map from its indexes; both are a `TypeError` here.
pub struct Map<T>(pub std::collections::HashMap<String, T>);

impl<T: FromNapiValue> FromNapiValue for Map<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        expect_object(env, value, || "expected an object of names".to_owned())?;
        Ok(Map(FromNapiValue::from_napi_value(env, value)?))
    }
}

/// An array of `T`. napi-rs's `Vec` refuses anything else with a plain `Error`; here it is a
/// `TypeError`, like every other argument of the wrong type.
pub struct List<T>(pub Vec<T>);

impl<T: FromNapiValue> FromNapiValue for List<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut is_array = false;
        check_status!(sys::napi_is_array(env, value, &mut is_array))?;
        if !is_array {
            let got = describe(env, value);
            return Err(type_error(env, &format!("expected an array, got {got}")));
        }
        Ok(List(FromNapiValue::from_napi_value(env, value)?))
    }
}

/// Refuse a value that is not a plain object (a number, a string, an array, …) or that has a
/// key `T` does not know: a misspelt option would otherwise silently be the default.
unsafe fn known_keys<T: OptionKeys>(env: sys::napi_env, value: sys::napi_value) -> Result<()> {
    let (arg, ts_type) = (T::ARG, T::TS_TYPE);
    expect_object(env, value, || {
        format!("{arg}: expected an object ({ts_type})")
    })?;
    let mut names = ptr::null_mut();
    check_status!(sys::napi_get_property_names(env, value, &mut names))?;
    let mut len = 0;
    check_status!(sys::napi_get_array_length(env, names, &mut len))?;
    for i in 0..len {
        let mut key = ptr::null_mut();
        check_status!(sys::napi_get_element(env, names, i, &mut key))?;
        // Read into the stack, not a `String`: options are read on every call of `check`. A
        // longer key than the buffer holds is cut, and then known to no one.
        let mut buf = [0u8; 32];
        let mut n = 0;
        check_status!(sys::napi_get_value_string_utf8(
            env,
            key,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n
        ))?;
        let known = std::str::from_utf8(&buf[..n]).is_ok_and(|k| T::KEYS.contains(&k));
        if !known {
            let key = String::from_napi_value(env, key)?;
            let keys = T::KEYS.join(", ");
            return Err(type_error(
                env,
                &format!("{arg}: unknown key {key:?} ({ts_type} has {keys})"),
            ));
        }
    }
    Ok(())
}

/// An object argument (options, a record) whose keys are all ones `T` knows: a value that is
/// not an object, or a key `T` does not have, is a `TypeError` (see [`known_keys`]). A nested
/// object is checked when its field is `Known` too.
pub struct Known<T>(pub T);

impl<T> std::ops::Deref for Known<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// What [`Known`] checks an object against.
pub trait OptionKeys: FromNapiValue {
    /// What the object is, for messages (`options`, `record`).
    const ARG: &'static str;
    /// Its TypeScript type.
    const TS_TYPE: &'static str;
    /// Its keys.
    const KEYS: &'static [&'static str];
}

/// `OptionKeys` for a `#[napi(object)]` type: what the argument is, and its keys (in camelCase,
/// as JavaScript writes them).
macro_rules! option_keys {
    ($type:ident, $arg:literal, [$($key:literal),* $(,)?]) => {
        impl crate::convert::OptionKeys for $type {
            const ARG: &'static str = $arg;
            const TS_TYPE: &'static str = stringify!($type);
            const KEYS: &'static [&'static str] = &[$($key),*];
        }
    };
}
pub(crate) use option_keys;

impl<T: OptionKeys> FromNapiValue for Known<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        known_keys::<T>(env, value)?;
        Ok(Known(T::from_napi_value(env, value)?))
    }
}

impl<T: OptionKeys> Known<T> {
    /// Options converted in the function's body rather than by napi-rs's glue, which converts
    /// every argument before anything else: after a constructor's `this` is checked (a class
    /// called without `new` says so first), or where a bad option must reject a promise.
    pub(crate) fn from_arg(env: &Env, value: Option<RawValue>) -> Result<Option<Self>> {
        value
            .map(|v| unsafe { Self::from_napi_value(env.raw(), v.0) })
            .transpose()
    }
}

impl<T: OptionKeys> TypeName for Known<T> {
    fn type_name() -> &'static str {
        T::TS_TYPE
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl<T: OptionKeys> ValidateNapiValue for Known<T> {}

/// `f`'s value, or a promise rejected with what `f` threw: for functions that return a
/// promise, whose callers catch errors with `.catch` or `await`, not around the call.
pub(crate) fn rejecting(env: Env, f: impl FnOnce() -> Result<RawValue>) -> Result<RawValue> {
    let error = match f() {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let raw = env.raw();
    unsafe {
        let mut pending = false;
        check_status!(sys::napi_is_exception_pending(raw, &mut pending))?;
        let reason = if pending {
            let mut thrown = ptr::null_mut();
            check_status!(sys::napi_get_and_clear_last_exception(raw, &mut thrown))?;
            thrown
        } else {
            napi::JsError::from(error).into_value(raw)
        };
        let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
        check_status!(sys::napi_create_promise(raw, &mut deferred, &mut promise))?;
        check_status!(sys::napi_reject_deferred(raw, deferred, reason))?;
        Ok(RawValue(promise))
    }
}

/// A JavaScript value handle carried alongside Rust data, valid in the handle scope it came
/// from. It is never touched off the main thread (`Send` and `Sync` are only so that worker
/// threads can borrow the Rust data around it).
#[derive(Clone, Copy)]
pub struct RawValue(pub(crate) sys::napi_value);

unsafe impl Send for RawValue {}
unsafe impl Sync for RawValue {}

impl FromNapiValue for RawValue {
    unsafe fn from_napi_value(_env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        Ok(RawValue(value))
    }
}

impl TypeName for RawValue {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for RawValue {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        Ok(val.0)
    }
}

impl Texts {
    /// The number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// String `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        &self.buf[start..self.ends[i]]
    }

    /// Whether some string's text differs from its JavaScript original (lone surrogates).
    pub fn lossy(&self) -> bool {
        self.lossy
    }

    /// The strings, borrowed from the buffer.
    pub fn as_strs(&self) -> Vec<&str> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }
}

/// The UTF-16 length of a JavaScript string (O(1): no copy).
unsafe fn utf16_len(env: sys::napi_env, value: sys::napi_value) -> Result<usize> {
    let mut len = 0;
    check_status!(sys::napi_get_value_string_utf16(
        env,
        value,
        ptr::null_mut(),
        0,
        &mut len
    ))?;
    Ok(len)
}

unsafe fn element(env: sys::napi_env, array: sys::napi_value, i: u32) -> Result<sys::napi_value> {
    let mut item = ptr::null_mut();
    check_status!(sys::napi_get_element(env, array, i, &mut item))?;
    Ok(item)
}

impl Texts {
    /// Elements `from..to` of `copy` (`JsStrings::copy`), replacing this buffer's contents (its
    /// memory is reused: fresh pages cost more than copying into them).
    pub(crate) unsafe fn read(
        &mut self,
        env: sys::napi_env,
        copy: RawValue,
        from: usize,
        to: usize,
    ) -> Result<()> {
        let mut from_to = [ptr::null_mut(); 2];
        for (v, i) in from_to.iter_mut().zip([from, to]) {
            check_status!(sys::napi_create_uint32(env, i as u32, v))?;
        }
        let joined = crate::results::call_helper(
            env,
            crate::results::Helper::Join,
            &[copy.0, from_to[0], from_to[1]],
        )?;
        let mut parts = 0u32;
        check_status!(sys::napi_get_array_length(env, joined, &mut parts))?;
        let mut chunks = Vec::with_capacity(parts as usize);
        let mut total = 0;
        for p in 0..parts {
            let chunk = element(env, joined, p)?;
            let len = utf16_len(env, chunk)?;
            total += len + 1;
            chunks.push((chunk, len));
        }
        let mut buf = std::mem::take(&mut self.buf).into_bytes();
        buf.clear();
        // At most three UTF-8 bytes per UTF-16 unit; untouched capacity costs no memory.
        buf.reserve(total * 3 + 1);
        for (chunk, len) in chunks {
            let start = buf.len();
            let mut written = 0;
            check_status!(sys::napi_get_value_string_utf8(
                env,
                chunk,
                buf.as_mut_ptr().add(start).cast(),
                len * 3 + 1,
                &mut written,
            ))?;
            buf.set_len(start + written);
            buf.push(0);
        }
        self.ends.clear();
        self.ends.extend(memchr::memchr_iter(0, &buf));
        if self.ends.len() != to - from {
            // Some element contains the separator: read the elements one by one.
            buf.clear();
            self.ends.clear();
            for i in from..to {
                read_string_into(env, element(env, copy.0, i as u32)?, &mut buf)?;
                self.ends.push(buf.len());
                buf.push(0);
            }
        }
        self.lossy = memchr::memmem::find(&buf, "\u{FFFD}".as_bytes()).is_some();
        // napi_get_value_string_utf8 always writes valid UTF-8.
        self.buf = String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Ok(())
    }
}
