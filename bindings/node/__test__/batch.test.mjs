// The batch calls read their input as joined chunks and build columns from packed strings and
// typed arrays (src/batch.js). These tests hold that fast path to the element-wise one: every
// row of `checkMany` (rows and columns, sync and async) must equal `check` on that element
// alone, on inputs chosen to break joining, splitting and offset arithmetic.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import test from 'node:test'

const require = createRequire(import.meta.url)
const mh = require('../index.js')

const FIELDS = ['input', 'valid', 'error', 'message', 'address', 'addressAscii', 'canonical', 'suggestion', 'role', 'disposable', 'relay', 'free', 'warnings', 'rules']

/** Assert that every batch form agrees with `check` on each element. */
async function agrees(inputs, checker = mh) {
  const expected = inputs.map((s) => checker.check(s))
  const rows = checker.checkMany(inputs)
  assert.equal(rows.length, inputs.length)
  const cols = checker.checkMany(inputs, { columns: true })
  const asyncCols = await checker.checkManyAsync(inputs, { columns: true })
  for (const c of [cols, asyncCols]) {
    assert.deepEqual(Object.keys(c), FIELDS)
    for (const k of FIELDS) {
      assert.ok(Array.isArray(c[k]), k)
      assert.equal(c[k].length, inputs.length, k)
    }
  }
  for (let i = 0; i < inputs.length; i++) {
    assert.deepEqual(rows[i], expected[i], `row ${i}`)
    for (const k of FIELDS) {
      assert.deepEqual(cols[k][i], expected[i][k], `columns.${k}[${i}]`)
      assert.deepEqual(asyncCols[k][i], expected[i][k], `async columns.${k}[${i}]`)
    }
  }
  return cols
}

test('lone surrogates are replaced per element, never paired across elements', async () => {
  const inputs = [
    'a\uD800@example.com',
    'x\uD800', // a lone high surrogate at the end ...
    '\uDC00y@example.com', // ... and a lone low one at the start of the next element
    '\uD83D',
    '\uDE00',
    '\uDC00\uD800',
    'ok@example.com',
    '\uFFFD@example.com', // a real U+FFFD, not a replaced surrogate
    'jane\uD800@gmail.com',
  ]
  const cols = await agrees(inputs)
  // The replaced input is what the core saw, as in `check`.
  assert.equal(cols.input[0], mh.check('a\uD800@example.com').input)
})

test('inputs containing the separator fall back to reading element by element', async () => {
  await agrees(['a@example.com', 'a\u0000b@example.com', '\u0000', '', 'x@gmail.com\u0000'])
  await agrees(['\u0000'])
  await agrees(['\u0000\u0000', 'B@Example.com'])
})

test('empty arrays, empty strings and single elements', async () => {
  await agrees([])
  await agrees([''])
  await agrees(['', '', ''])
  await agrees(['a@example.com'])
  await agrees([' '])
})

test('non-BMP and other non-ASCII text keeps its offsets', async () => {
  await agrees([
    '😀@example.com',
    'user@😀.example',
    'jürgen@bücher.example',
    'JÜRGEN@BÜCHER.EXAMPLE',
    '"𝒥𝒶𝓃ℯ" <jane@example.com>',
    'ユーザー@例え.テスト',
    'plain@example.com',
    '𝒥@gmial.com',
  ])
})

test('huge strings and batches that span chunks, blocks and large strings', async () => {
  const huge = 'x'.repeat(5_000_000) + '@example.com'
  await agrees(['a@b.com', huge, '', huge + 'y', 'B@GMAIL.COM'])
  // More rows than one joined chunk and one packing block; many new strings (upper case,
  // Unicode, display names) so that the packed texts span several large strings.
  const inputs = []
  for (let i = 0; i < 150_000; i++) {
    switch (i % 8) {
      case 0: inputs.push(`User.${i}+Tag@GoogleMail.com`); break
      case 1: inputs.push(`Ü${i}@BÜCHER.EXAMPLE`); break
      case 2: inputs.push(`"Name ${i}" <n${i}@example.com>`); break
      case 3: inputs.push(`bad..${i}@example.com`); break
      case 4: inputs.push(`u${i}@yaho.com`); break
      case 5: inputs.push(`no-at-${i}`); break
      case 6: inputs.push(` info${i}@mailinator.com `); break
      default: inputs.push(`x${i}@example.com`)
    }
  }
  await agrees(inputs)
  // Megabytes of new non-ASCII texts within one block: several large strings per column, cut
  // at UTF-16 offsets.
  const wide = []
  for (let i = 0; i < 40_000; i++) wide.push(` ${'ü'.repeat(20)}${i}.😀@BÜCHER.example `)
  await agrees(wide)
})

test('a configured checker takes the same path', async () => {
  await agrees(['root@localhost', 'J.Doe+x@corp.example', 'a\uD800@corp.example'], new mh.Checker({
    allowSingleLabel: true,
    providerRules: [{ domain: 'corp.example', stripDots: true, stripTag: true }],
  }))
})

test('holes and non-strings are TypeErrors naming the index', async () => {
  // eslint-disable-next-line no-sparse-arrays
  const sparse = ['a@b.com', , 'c@d.com']
  // Thrown by the sync calls; the async call rejects its promise with the same error.
  const sync = (f) => (a) => { try { f(a) } catch (e) { return Promise.reject(e) } return Promise.resolve() }
  for (const call of [sync((a) => mh.checkMany(a)), sync((a) => mh.checkMany(a, { columns: true })), (a) => mh.checkManyAsync(a, { columns: true })]) {
    await assert.rejects(call(sparse), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'expected a string at index 1, got undefined' })
    await assert.rejects(call(new Array(3)), { name: 'TypeError', message: /at index 0, got undefined/ })
    await assert.rejects(call(['a@b.com', 'c@d.com', null]), { name: 'TypeError', message: /at index 2, got null/ })
    await assert.rejects(call(['a@b.com', new String('x@y.com')]), { name: 'TypeError', message: /at index 1, got an object/ })
    await assert.rejects(call(['a@b.com', ['x@y.com']]), { name: 'TypeError', message: /at index 1, got an array/ })
    await assert.rejects(call([1]), { name: 'TypeError', message: /at index 0, got number/ })
    await assert.rejects(call('a@b.com'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  }
  // The async batch checks a chunk at a time: a bad element chunks in still rejects, rows too.
  const far = new Array(100_000).fill('a@b.com')
  far[99_999] = 5
  for (const options of [{ columns: true }, undefined]) {
    await assert.rejects(mh.checkManyAsync(far, options), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'expected a string at index 99999, got number' })
  }
})

test('each element is read once, and the result does not share the caller array', async () => {
  let reads = 0
  const inputs = ['a@example.com', 'b@example.com']
  Object.defineProperty(inputs, 1, { get: () => { reads++; return 'B@Example.com' }, enumerable: true })
  const cols = mh.checkMany(inputs, { columns: true })
  assert.equal(reads, 1)
  assert.equal(cols.input[1], 'B@Example.com')
  assert.notEqual(cols.input, inputs)

  // Changing the array while the async batch runs does not change its input column.
  const live = ['a@example.com', 'b@example.com']
  const pending = mh.checkManyAsync(live, { columns: true })
  live[0] = 'changed@example.com'
  live.length = 1
  const done = await pending
  assert.deepEqual(done.input, ['a@example.com', 'b@example.com'])
  assert.equal(done.valid.length, 2)
})

test('exact batches agree with exact check', async () => {
  const inputs = [' a@example.com ', '"Jane" <jane@example.com>', 'mailto:x@gmail.com', 'b@example.com']
  const expected = inputs.map((s) => mh.check(s, { exact: true }))
  const cols = mh.checkMany(inputs, { columns: true, exact: true })
  const asyncCols = await mh.checkManyAsync(inputs, { columns: true, exact: true })
  assert.deepEqual(mh.checkMany(inputs, { exact: true }), expected)
  for (let i = 0; i < inputs.length; i++) {
    for (const k of FIELDS) {
      assert.deepEqual(cols[k][i], expected[i][k], `columns.${k}[${i}]`)
      assert.deepEqual(asyncCols[k][i], expected[i][k], `async columns.${k}[${i}]`)
    }
  }
})
