// The address API: results, errors with the core's codes, TypeErrors, Checker options, panics,
// and the async batch keeping the event loop free.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import mh from '../index.js'

const { Checker } = mh

test('check returns a plain object with the core fields in camelCase', () => {
  const c = mh.check('"Jane" <Jane.Doe+promo@googlemail.com>')
  assert.deepEqual(c, {
    input: '"Jane" <Jane.Doe+promo@googlemail.com>',
    valid: true,
    error: null,
    message: null,
    address: 'Jane.Doe+promo@googlemail.com',
    addressAscii: 'Jane.Doe+promo@googlemail.com',
    canonical: 'janedoe@gmail.com',
    suggestion: null,
    role: false,
    disposable: false,
    relay: false,
    free: true,
    warnings: ['removed_display_name'],
    rules: ['strip_tag', 'strip_dots', 'domain_alias'],
  })
  assert.equal(Object.getPrototypeOf(c), Object.prototype)
})

test('an invalid address is a result, not an exception', () => {
  const c = mh.check('john..doe@example.com')
  assert.equal(c.valid, false)
  assert.equal(c.error, 'consecutive_dots')
  assert.equal(c.message, 'two dots in a row in the local part at position 6')
  assert.equal(c.address, null)
})

test('exact judges the input as given', () => {
  assert.equal(mh.check(' a@example.com ').valid, true)
  const c = mh.check(' a@example.com ', { exact: true })
  assert.equal(c.valid, false)
  assert.equal(c.error, 'whitespace')
  assert.deepEqual(mh.checkMany([' a@example.com '], { exact: true })[0], c)
})

test('functions that need a valid address throw an Error with the core code and message', () => {
  const cases = [
    [() => mh.canonical('john..doe@example.com'), 'consecutive_dots', 'two dots in a row in the local part at position 6'],
    [() => mh.normalize('nobody'), 'missing_at', "there is no '@' separating local part and domain"],
    [() => mh.isRole('a@b'), 'single_label_domain', null],
    [() => mh.isDisposable(''), 'empty', null],
    [() => mh.isRelay('@x.com'), 'empty_local', null],
    [() => mh.isFree('a@'), 'empty_domain', null],
    [() => mh.classify('a@exa_mple.com'), 'invalid_domain_char', null],
  ]
  for (const [fn, code, message] of cases) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof Error)
      assert.ok(!(e instanceof TypeError))
      assert.equal(e.code, code)
      if (message) assert.equal(e.message, message)
      assert.ok(mh.errorCodes().includes(e.code))
      return true
    })
  }
})

test('canonical, normalize, suggest, classify and the flags', () => {
  assert.equal(mh.canonical('J.Doe+x@gmail.com'), 'jdoe@gmail.com')
  assert.equal(mh.canonical('J.Doe+x@example.com'), 'j.doe+x@example.com')
  assert.deepEqual(mh.normalize(' Jürgen@Bücher.Example '), {
    address: 'Jürgen@bücher.example',
    addressAscii: 'Jürgen@xn--bcher-kva.example',
    local: 'Jürgen',
    domain: 'bücher.example',
    domainAscii: 'xn--bcher-kva.example',
  })
  const s = mh.suggest('bob@yaho.com')
  assert.equal(s.address, 'bob@yahoo.com')
  assert.equal(s.domain, 'yahoo.com')
  assert.equal(typeof s.distance, 'number')
  assert.ok(s.confidence > 0 && s.confidence <= 1)
  // A decimal as written, not a 32-bit float's expansion (0.8999999761581421).
  assert.equal(s.confidence, Number(s.confidence.toPrecision(6)))
  assert.equal(mh.suggest('bob@gmail.com'), null)
  assert.equal(mh.isRole('noreply@example.com'), true)
  assert.equal(mh.isRole('jane@example.com'), false)
  assert.equal(mh.isDisposable('x@mailinator.com'), true)
  assert.equal(mh.isFree('x@gmail.com'), true)
  assert.equal(mh.isRelay('x@privaterelay.appleid.com'), true)
  assert.deepEqual(mh.classify('No.Reply@gmail.com'), { role: 'noreply', disposable: false, relay: false, free: true })
})

test('null, undefined, numbers and objects where a string is expected are TypeErrors', async () => {
  const bad = [null, undefined, 42, {}, [], true, Symbol('s'), 10n]
  const names = ['check', 'canonical', 'normalize', 'suggest', 'classify', 'isRole', 'isDisposable', 'isRelay', 'isFree']
  const checker = new Checker()
  for (const value of bad) {
    for (const name of names) {
      assert.throws(() => mh[name](value), TypeError, `${name}(${String(value)})`)
      assert.throws(() => checker[name](value), TypeError, `Checker#${name}(${String(value)})`)
    }
    assert.throws(() => checker.checkMany([value]), TypeError)
    if (!Array.isArray(value)) assert.throws(() => mh.checkMany(value), TypeError)
    assert.throws(() => mh.checkMany(['a@b.com', value]), (e) => {
      assert.ok(e instanceof TypeError)
      assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
      assert.match(e.message, /at index 1/)
      return true
    })
    // A promise-returning function rejects rather than throws.
    await assert.rejects(mh.checkManyAsync(['a@b.com', value]), (e) => {
      assert.ok(e instanceof TypeError)
      assert.match(e.message, /at index 1/)
      return true
    })
    await assert.rejects(checker.checkManyAsync([value]), TypeError)
  }
  await assert.rejects(mh.checkManyAsync(null), TypeError)
  await assert.rejects(mh.checkManyAsync(['a@b.com'], { columns: 'x' }), TypeError)
  assert.throws(() => mh.check(), TypeError)
  assert.throws(() => mh.check(null), /expected a string, got null/)
  assert.throws(() => mh.check('a@b.com', { exact: 'yes' }), TypeError)
  assert.throws(() => new Checker({ allowDomains: [1] }), TypeError)
  assert.throws(() => new Checker({ allowSingleLabel: 'yes' }), TypeError)
  // A misspelt option is an error, not silently the default; so is an options that is not an object.
  assert.throws(() => new Checker({ allowSingleLable: true }), /unknown key "allowSingleLable"/)
  assert.throws(() => new Checker({ addDomains: { spam: ['x.example'] } }), /unknown key "spam"/)
  assert.throws(() => new Checker(5), TypeError)
  assert.equal(new Checker(undefined).check('root@localhost').valid, false)
  assert.throws(() => new mh.SuppressionList({ hashkey: 'secret' }), /unknown key "hashkey"/)
  assert.throws(() => new mh.SuppressionList(5), TypeError)
  assert.equal(new mh.SuppressionList(null).length, 0)
  assert.throws(() => new Checker({ providerRules: [{ domain: null }] }), TypeError)
})

test('the classes throw when called without new, as JavaScript classes do', () => {
  // A method of each class, which works only on an instance.
  const method = {
    Checker: (that) => Checker.prototype.check.call(that, 'a@b.com'),
    SuppressionList: (that) => mh.SuppressionList.prototype.status.call(that, 'a@b.com'),
  }
  const classes = Object.keys(mh).filter((name) => /^[A-Z]/.test(name))
  assert.deepEqual(classes.sort(), Object.keys(method))
  for (const name of classes) {
    const Class = mh[name]
    const expected = {
      name: 'TypeError',
      code: 'ERR_CONSTRUCT_CALL_REQUIRED',
      message: `Class constructor ${name} cannot be invoked without 'new'`,
    }
    // `this` is the module, undefined, the global object, a plain object, an instance.
    assert.throws(() => mh[name](), expected)
    assert.throws(() => Class(), expected)
    assert.throws(() => Class.call(globalThis), expected)
    assert.throws(() => Class.call({}), expected)
    assert.throws(() => Class.call(new Class()), expected)
    // Said before anything about the arguments, as a class does.
    assert.throws(() => Class(5), expected)
    assert.throws(() => Class({ bogus: true }), expected)
    // None of them was made an instance on the way.
    assert.throws(() => method[name](mh))
    assert.throws(() => method[name](globalThis))
    method[name](new Class())
    class Sub extends Class {}
    method[name](new Sub())
  }
  assert.equal(mh.check('a@b.com').valid, true)
})

test('strings with lone surrogates and NULs do not crash', () => {
  assert.equal(mh.check('a\uD800@example.com').valid, false)
  assert.equal(mh.check('a\u0000b@example.com').error, 'control_char')
  assert.throws(() => mh.canonical('a\u0000b@example.com'), { code: 'control_char' })
  const long = 'x'.repeat(5000) + '@example.com'
  assert.equal(mh.check(long).error, 'local_too_long')
  assert.equal(mh.checkMany([long, 'a@b.com'])[0].input, long)
})

test('new Checker applies strictness, list edits, roles and provider rules', () => {
  const strict = new Checker()
  assert.equal(strict.check('root@localhost').error, 'single_label_domain')
  assert.equal(strict.check('"john doe"@example.com').error, 'quoted_local')

  const c = new Checker({
    allowQuotedLocal: true,
    allowDomainLiteral: true,
    allowSingleLabel: true,
    lenientLengths: true,
    addDomains: { disposable: ['throwaway.example'], relay: ['relay.example'], free: ['freemail.example'] },
    removeDomains: { free: ['gmail.com'] },
    allowDomains: ['mailinator.com'],
    addRoles: { billing: 'finance' },
    removeRoles: ['info'],
    providerRules: [{ domain: 'corp.example', stripDots: true, stripTag: true, canonicalDomain: 'corp.test', provider: 'workspace' }],
    removeProviderRules: ['googlemail.com'],
  })
  assert.equal(c.check('root@localhost').valid, true)
  assert.equal(c.check('"john doe"@example.com').valid, true)
  assert.equal(c.check('u@[192.0.2.1]').valid, true)
  assert.equal(c.check('x'.repeat(70) + '@example.com').valid, true)
  assert.equal(c.isDisposable('x@throwaway.example'), true)
  assert.equal(c.isDisposable('x@mailinator.com'), false)
  assert.equal(c.isRelay('x@relay.example'), true)
  assert.equal(c.isFree('x@freemail.example'), true)
  assert.equal(c.isFree('x@gmail.com'), false)
  assert.equal(c.isRole('billing@example.com'), true)
  assert.equal(c.isRole('info@example.com'), false)
  assert.equal(c.canonical('J.Doe+news@corp.example'), 'jdoe@corp.test')
  assert.deepEqual(c.check('J.Doe+news@corp.example').rules, ['strip_tag', 'strip_dots', 'domain_alias'])
  assert.equal(c.canonical('J.Doe+x@googlemail.com'), 'j.doe+x@googlemail.com')
  // the default checker is unchanged
  assert.equal(mh.isDisposable('x@mailinator.com'), true)
  assert.equal(mh.canonical('J.Doe+x@googlemail.com'), 'jdoe@gmail.com')
})

test('checkMany keeps order, never stops at a bad row, and columns match rows', () => {
  const inputs = ['a@example.com', 'bad', ' B@Gmail.com ', 'x@yaho.com', 'jürgen@bücher.example', '']
  const rows = mh.checkMany(inputs)
  assert.equal(rows.length, inputs.length)
  rows.forEach((r, i) => assert.deepEqual(r, mh.check(inputs[i])))
  const cols = mh.checkMany(inputs, { columns: true })
  assert.deepEqual(Object.keys(cols), Object.keys(rows[0]))
  for (const k of Object.keys(cols)) {
    assert.ok(Array.isArray(cols[k]), k)
    assert.deepEqual(cols[k], rows.map((r) => r[k]), k)
  }
  assert.ok(Object.isFrozen(cols.warnings[0]))
  assert.deepEqual(mh.checkMany([]), [])
  assert.deepEqual(mh.checkMany([], { columns: true }).valid, [])
})

test('checkManyAsync resolves to the same results as checkMany', async () => {
  const inputs = ['a@example.com', 'bad', ' B@Gmail.com ']
  assert.deepEqual(await mh.checkManyAsync(inputs), mh.checkMany(inputs))
  assert.deepEqual(await mh.checkManyAsync(inputs, { columns: true }), mh.checkMany(inputs, { columns: true }))
  const c = new Checker({ allowSingleLabel: true })
  assert.equal((await c.checkManyAsync(['root@localhost']))[0].valid, true)
})

test('checkManyAsync does not block the event loop', async () => {
  const inputs = []
  for (let i = 0; i < 400_000; i++) inputs.push(`user${i}.name+tag@example${i % 97}.com`)
  let ticks = 0
  const timer = setInterval(() => ticks++, 1)
  const start = performance.now()
  const pending = mh.checkManyAsync(inputs, { columns: true })
  // The call itself only copies the array: type checks, conversion and the result's arrays
  // come a chunk or an array at a time, between turns of the loop.
  const returned = performance.now() - start
  // While the batch runs off the main thread, timers fire.
  let ticksWhileRunning = 0
  let done = false
  pending.then(() => {
    done = true
    ticksWhileRunning = ticks
  })
  const result = await pending
  clearInterval(timer)
  const elapsed = performance.now() - start
  assert.ok(done)
  assert.equal(result.valid.length, inputs.length)
  assert.ok(ticksWhileRunning >= 3, `only ${ticksWhileRunning} timer ticks in ${elapsed.toFixed(0)} ms`)
  assert.ok(returned < elapsed / 4, `the call held the loop ${returned.toFixed(0)} ms of ${elapsed.toFixed(0)} ms`)
})

test('checkManyAsync in rows builds its objects a chunk at a time', async () => {
  const inputs = []
  for (let i = 0; i < 300_000; i++) inputs.push(`user${i}.name+tag@example${i % 97}.com`)
  const stamps = []
  const timer = setInterval(() => stamps.push(performance.now()), 1)
  const start = performance.now()
  const rows = await mh.checkManyAsync(inputs)
  const end = performance.now()
  clearInterval(timer)
  assert.equal(rows.length, inputs.length)
  assert.deepEqual(rows[12_345], mh.check(inputs[12_345]))
  // Lists are the row's own, not shared with other rows.
  rows[0].warnings.push('x')
  assert.deepEqual(rows[1].warnings, [])
  // Once the call has returned (it copies the input first), building 300 000 objects at once
  // held the loop for most of the rest; in chunks, no pause between ticks comes near that.
  const gaps = [...stamps.slice(1).map((t, k) => t - stamps[k]), end - stamps.at(-1)]
  const longest = Math.max(...gaps)
  const running = end - stamps[0]
  assert.ok(longest < running / 3, `the loop stalled ${longest.toFixed(0)} ms of ${running.toFixed(0)} ms`)
  assert.ok(start < stamps[0])
})

test('a panic in the binding becomes an Error, and the process lives on', async () => {
  assert.throws(() => mh.__panicForTests(), (e) => {
    assert.ok(e instanceof Error)
    assert.match(e.message, /deliberate panic/)
    return true
  })
  await assert.rejects(mh.__panicAsyncForTests(), /deliberate panic on the thread pool/)
  assert.equal(mh.check('a@example.com').valid, true)
})

test('errorCodes lists the core codes', () => {
  const codes = mh.errorCodes()
  assert.ok(codes.includes('missing_at'))
  assert.ok(codes.includes('invalid_idna'))
  assert.equal(new Set(codes).size, codes.length)
})
