// JavaScript half of the batch conversion, compiled once per environment by `results.rs`
// (`include_str!` + `napi_run_script`). Pure type conversion: no address logic.
//
// Why JavaScript: moving a million strings through Node-API one call at a time costs more than
// checking them. Here V8 does the per-element work (`typeof`, `join`, `slice`, array stores) at
// JIT speed, and Rust sees a few large strings and typed arrays.
//
// The script's completion value is `[object, strings, join, columns, fill, pipeline]`.
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
   * Copy an array of strings: the copy holds the elements as read (each read once, so getters
   * run once and a later change to the caller's array does not matter), and becomes the input
   * column. With `check`, every element is type-checked now; without, `pipeline` checks each
   * chunk as it reaches it, so that a million rows do not hold the event loop.
   */
  function strings(array, check) {
    if (!check) return array.slice()
    // One pass that reads, checks and stores: faster than `slice` and then `checkStrings`.
    const n = array.length
    const copy = new Array(n)
    for (let i = 0; i < n; i++) {
      const s = array[i]
      if (typeof s !== 'string') throw notAString(i, s)
      // Flatten in place (V8 does it on first character access): `join` copies a string built
      // by concatenation by walking its parts every time, at twice the cost of a flat one.
      s.charCodeAt(0)
      copy[i] = s
    }
    return copy
  }

  /** Throw a `TypeError` naming the first element of `copy[from..to]` that is not a string. */
  function checkStrings(copy, from, to) {
    for (let i = from; i < to; i++) {
      const s = copy[i]
      if (typeof s !== 'string') throw notAString(i, s)
      s.charCodeAt(0) // flattened, as in `strings`
    }
  }

  function notAString(i, value) {
    const e = new TypeError(`expected a string at index ${i}, got ${describe(value)}`)
    e.code = 'ERR_INVALID_ARG_TYPE'
    return e
  }

  /**
   * Elements `from..to` of `strings`' copy, `'\0'`-separated, as a few large strings. Rust
   * converts them and counts the pieces, falling back to the elements one by one when an
   * element itself contains `'\0'`. The separator keeps lone surrogates of neighbouring
   * elements apart, so each is replaced exactly as when read alone.
   */
  function join(copy, from, to) {
    const out = []
    let start = from
    let chars = 0
    for (let i = from; i < to; i++) {
      const len = copy[i].length
      if (chars + len > CHUNK_CHARS && i > start) {
        out.push(copy.slice(start, i).join('\0'))
        start = i
        chars = 0
      }
      chars += len + 1
      if (i + 1 - start === CHUNK_ROWS) {
        out.push(copy.slice(start, i + 1).join('\0'))
        start = i + 1
        chars = 0
      }
    }
    if (start < to) out.push(copy.slice(start, to).join('\0'))
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

  /** The arrays of `CheckColumns` after `input`, in order. */
  const COLUMNS = ['valid', 'error', 'message', 'address', 'addressAscii', 'canonical', 'suggestion', 'role', 'disposable', 'relay', 'free', 'warnings', 'rules']

  /**
   * The `CheckColumns` object for `n` rows, its arrays allocated once and filled by `fill`
   * chunk by chunk. `input` is `strings`' copy and becomes the input column.
   */
  function columns(n, input) {
    const cols = { input }
    for (const name of COLUMNS) cols[name] = new Array(n)
    return cols
  }

  /**
   * `columns` for `pipeline`: one array per turn of the event loop when they are large (a
   * million-row array is megabytes of fresh memory, milliseconds to allocate).
   */
  async function columnsInTurns(n, input, chunkRows) {
    const cols = { input }
    for (const name of COLUMNS) {
      cols[name] = new Array(n)
      if (n > chunkRows) await turn()
    }
    return cols
  }

  /** A promise settled on the event loop's next turn, after pending timers and I/O. */
  function turn() {
    return new Promise((resolve) => setImmediate(resolve))
  }

  /**
   * Rows `from..` of `cols` from one chunk's `Packed` (results.rs). Per row, `src` says where
   * each text comes from (bits: input replaced 1; address 2-3; ASCII address 4-5; canonical
   * 6-7; suggestion 8; a 2-bit source is 0 null, 1 the input, 2 the address, 3 the column's
   * next new string) and `flags` holds the booleans (valid 1, role 2, disposable 4, relay 8,
   * free 16). Codes, messages and lists are indexes into tables of shared values, whose entry
   * 0 is `null` (codes, messages) or `[]` (lists).
   */
  function fill(cols, from, flags, src, errorIdx, codes, messageIdx, messages, warningIdx, warningLists, ruleIdx, ruleLists, inputP, addressP, asciiP, canonicalP, suggestionP) {
    const { input, address, addressAscii, canonical, suggestion } = cols
    const newInput = texts(inputP)
    const newAddress = texts(addressP)
    const newAscii = texts(asciiP)
    const newCanonical = texts(canonicalP)
    const newSuggestion = texts(suggestionP)
    let ki = 0
    let ka = 0
    let kx = 0
    let kc = 0
    let ks = 0
    const n = src.length
    for (let j = 0; j < n; j++) {
      const i = from + j
      const s = src[j]
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
    }
    // One tight loop per column: about twice as fast as one loop storing into thirteen arrays.
    bits(cols.valid, from, flags, 1)
    bits(cols.role, from, flags, 2)
    bits(cols.disposable, from, flags, 4)
    bits(cols.relay, from, flags, 8)
    bits(cols.free, from, flags, 16)
    lookup(cols.error, from, errorIdx, codes)
    lookup(cols.message, from, messageIdx, messages)
    lookup(cols.warnings, from, warningIdx, warningLists)
    lookup(cols.rules, from, ruleIdx, ruleLists)
  }

  /** `out[from + j]` = whether `flags[j]` has `bit`. */
  function bits(out, from, flags, bit) {
    for (let j = 0; j < flags.length; j++) out[from + j] = (flags[j] & bit) !== 0
  }

  /** `out[from + j]` = `table[index[j]]`. */
  function lookup(out, from, index, table) {
    for (let j = 0; j < index.length; j++) out[from + j] = table[index[j]]
  }

  /**
   * `checkManyAsync`'s columns, or with `rows` its `CheckResult` objects, built a chunk at a
   * time: `start(copy, from, to)` converts rows `from..to` (here, on the main thread) and
   * returns a promise of `fill`'s arguments for them, checked and packed on libuv's pool.
   * `ahead` chunks are in flight while this fills the previous one, and the event loop runs
   * between chunks. `copy` is `strings`' unchecked copy: each chunk is type-checked as it is
   * started, and a bad element rejects the promise.
   */
  async function pipeline(copy, start, chunkRows, ahead, rows) {
    const n = copy.length
    const pending = []
    let next = 0
    const submit = () => {
      const to = Math.min(n, next + chunkRows)
      checkStrings(copy, next, to)
      const p = start(copy, next, to)
      // A later chunk's rejection must not go unhandled when an earlier one already failed.
      p.catch(() => {})
      pending.push(p)
      next += chunkRows
    }
    while (next < n && pending.length < ahead) submit()
    const cols = await columnsInTurns(n, copy, chunkRows)
    const out = rows ? new Array(n) : null
    for (let from = 0; from < n; from += chunkRows) {
      const args = await pending.shift()
      if (next < n) submit()
      fill(cols, from, ...args)
      if (rows) {
        const to = Math.min(n, from + chunkRows)
        for (let i = from; i < to; i++) out[i] = row(cols, i)
        // Objects take long to build: let timers and I/O run between chunks.
        await turn()
      }
    }
    return rows ? out : cols
  }

  /** Row `i` of `cols` as one `CheckResult`, with lists of its own (the columns share them). */
  function row(c, i) {
    return object(c.input[i], c.valid[i], c.error[i], c.message[i], c.address[i], c.addressAscii[i], c.canonical[i], c.suggestion[i], c.role[i], c.disposable[i], c.relay[i], c.free[i], c.warnings[i].slice(), c.rules[i].slice())
  }

  return [object, strings, join, columns, fill, pipeline]
})()
