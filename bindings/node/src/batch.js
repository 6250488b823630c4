// JavaScript half of the batch conversion, compiled once per environment by `results.rs`
// (`include_str!` + `napi_run_script`). Pure type conversion: no address logic.
//
// Why JavaScript: moving a million strings through Node-API one call at a time costs more than
// checking them. Here V8 does the per-element work (`typeof`, `join`, `slice`, array stores) at
// JIT speed, and Rust sees a few large strings and typed arrays.
//
// The script's completion value is `[object, pack, columns]`.
(function () {
  'use strict'

  // Elements per joined chunk, and a bound on a chunk's length: chunks of a few thousand join
  // about twice as fast as one huge join, and stay far below V8's maximum string length.
  const CHUNK_ROWS = 8192
  const CHUNK_CHARS = 1 << 22

  /** One `CheckResult`: one call builds the object with a fixed shape (see `Js::object`). */
  function object(input, valid, error, message, address, addressAscii, canonical, suggestion, role, disposable, relay, free, warnings, rules) {
    return { input, valid, error, message, address, addressAscii, canonical, suggestion, role, disposable, relay, free, warnings, rules }
  }

  /** `typeof` as a word for error messages, as `convert.rs` `describe` words it. */
  function describe(value) {
    if (value === null) return 'null'
    const t = typeof value
    if (t !== 'object') return t
    return Array.isArray(value) ? 'an array' : 'an object'
  }

  /**
   * Check that every element is a string and join them, `'\0'`-separated, in chunks.
   * Returns `[copy, chunk, ...]`: `copy` holds the elements as read (each read once, so
   * getters run once and a later change to the caller's array does not matter); Rust converts
   * the chunks and counts the pieces, falling back to `copy` element by element when an
   * element itself contains `'\0'`. The separator keeps lone surrogates of neighbouring
   * elements apart, so each is replaced exactly as when read alone.
   */
  function pack(array) {
    const n = array.length
    const copy = new Array(n)
    const out = [copy]
    let from = 0
    let chars = 0
    for (let i = 0; i < n; i++) {
      const s = array[i]
      if (typeof s !== 'string') {
        const e = new TypeError(`expected a string at index ${i}, got ${describe(s)}`)
        e.code = 'ERR_INVALID_ARG_TYPE'
        throw e
      }
      if (chars + s.length > CHUNK_CHARS && i > from) {
        out.push(copy.slice(from, i).join('\0'))
        from = i
        chars = 0
      }
      // Flatten in place (V8 does it on first character access): `join` copies a string built
      // by concatenation by walking its parts every time, at twice the cost of a flat one.
      // Reading the string through Node-API flattened it too.
      s.charCodeAt(0)
      copy[i] = s
      chars += s.length + 1
      if (i + 1 - from === CHUNK_ROWS) {
        out.push(copy.slice(from, i + 1).join('\0'))
        from = i + 1
        chars = 0
      }
    }
    if (from < n) out.push(copy.slice(from, n).join('\0'))
    return out
  }

  /** The strings of a `Pieces` (results.rs): slices of a few large strings, cut at UTF-16 ends. */
  function texts([chunks, counts, ends]) {
    const out = new Array(ends.length)
    let k = 0
    for (let c = 0; c < chunks.length; c++) {
      const s = chunks[c]
      let start = 0
      for (const stop = k + counts[c]; k < stop; k++) {
        const end = ends[k]
        out[k] = s.slice(start, end)
        start = end
      }
    }
    return out
  }

  /**
   * The `CheckColumns` object from `Packed` (results.rs). `input` is `pack`'s copy and becomes
   * the input column. Per row, `src` says where each text comes from (bits: input replaced 1;
   * address 2-3; ASCII address 4-5; canonical 6-7; suggestion 8; a 2-bit source is 0 null,
   * 1 the input, 2 the address, 3 the column's next new string) and `flags` holds the booleans
   * (valid 1, role 2, disposable 4, relay 8, free 16). Codes, messages and lists are indexes
   * into tables of shared values, whose entry 0 is `null` (codes, messages) or `[]` (lists).
   */
  function columns(n, input, flags, src, errorIdx, codes, messageIdx, messageP, warningIdx, warningLists, ruleIdx, ruleLists, inputP, addressP, asciiP, canonicalP, suggestionP) {
    const messages = [null].concat(texts(messageP))
    const newInput = texts(inputP)
    const newAddress = texts(addressP)
    const newAscii = texts(asciiP)
    const newCanonical = texts(canonicalP)
    const newSuggestion = texts(suggestionP)
    const valid = new Array(n)
    const error = new Array(n)
    const message = new Array(n)
    const address = new Array(n)
    const addressAscii = new Array(n)
    const canonical = new Array(n)
    const suggestion = new Array(n)
    const role = new Array(n)
    const disposable = new Array(n)
    const relay = new Array(n)
    const free = new Array(n)
    const warnings = new Array(n)
    const rules = new Array(n)
    let ki = 0
    let ka = 0
    let kx = 0
    let kc = 0
    let ks = 0
    for (let i = 0; i < n; i++) {
      const s = src[i]
      let inp
      if ((s & 1) !== 0) {
        inp = newInput[ki++]
        input[i] = inp
      } else {
        inp = input[i]
      }
      const sa = (s >> 1) & 3
      const a = sa === 0 ? null : sa === 1 ? inp : newAddress[ka++]
      address[i] = a
      const sx = (s >> 3) & 3
      addressAscii[i] = sx === 0 ? null : sx === 1 ? inp : sx === 2 ? a : newAscii[kx++]
      const sc = (s >> 5) & 3
      canonical[i] = sc === 0 ? null : sc === 1 ? inp : sc === 2 ? a : newCanonical[kc++]
      suggestion[i] = (s & 128) !== 0 ? newSuggestion[ks++] : null
      const f = flags[i]
      valid[i] = (f & 1) !== 0
      role[i] = (f & 2) !== 0
      disposable[i] = (f & 4) !== 0
      relay[i] = (f & 8) !== 0
      free[i] = (f & 16) !== 0
      error[i] = codes[errorIdx[i]]
      message[i] = messages[messageIdx[i]]
      warnings[i] = warningLists[warningIdx[i]]
      rules[i] = ruleLists[ruleIdx[i]]
    }
    return { input, valid, error, message, address, addressAscii, canonical, suggestion, role, disposable, relay, free, warnings, rules }
  }

  return [object, pack, columns]
})()
