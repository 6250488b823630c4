// Options arguments (and add's record): `undefined` and `null` mean none; anything that is not
// an object, or an object with a key the call does not know, is a TypeError naming the argument,
// never silently the defaults.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import mh from '../index.js'

const { Checker, SuppressionList } = mh
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const exportsDir = join(root, '..', '..', 'examples', 'exports')
const NOW = 1_750_000_000
const CSV = 'email,reason\nJane.Doe@example.com,BOUNCE\n'

/** A list with one complaint, made afresh for each call (some calls change the list). */
function list() {
  const l = new SuppressionList({ now: NOW })
  l.add({ address: 'jane@example.com', reason: 'complaint', system: 'crm' })
  return l
}

// Every call that takes an options object: its options type, and the call with options `o`.
const calls = {
  check: ['CheckOptions', (o) => mh.check(' a@example.com ', o)],
  'Checker#check': ['CheckOptions', (o) => new Checker().check(' a@example.com ', o)],
  checkMany: ['CheckManyOptions', (o) => mh.checkMany([' a@example.com '], o)],
  'Checker#checkMany': ['CheckManyOptions', (o) => new Checker().checkMany([' a@example.com '], o)],
  'new Checker': ['CheckerOptions', (o) => new Checker(o).check('root@localhost')],
  'new SuppressionList': ['SuppressionListOptions', (o) => new SuppressionList(o).length],
  load: ['LoadOptions', (o) => list().load(join(exportsDir, 'mailgun'), o).files.length],
  loadContent: ['LoadContentOptions', (o) => list().loadContent(CSV, o)],
  setStream: ['StreamOptions', (o) => {
    const l = list()
    l.setStream('news', o)
    return l.missingFor('news')
  }],
  blocks: ['BlocksOptions', (o) => list().blocks('jane@example.com', o)],
  toHashedCsv: ['HashedOptions', (o) => list().toHashedCsv(o)],
}

const notObjects = [
  [5, 'number'],
  ['x', 'string'],
  [true, 'boolean'],
  [[], 'an array'],
  [['exact'], 'an array'],
  [() => ({}), 'function'],
]

test('undefined and null mean no options', () => {
  for (const [name, [, call]] of Object.entries(calls)) {
    const none = call()
    assert.deepEqual(call(undefined), none, name)
    assert.deepEqual(call(null), none, name)
    assert.deepEqual(call({}), none, name)
  }
  // The defaults really are the defaults: not exact, rows, the strict grammar.
  assert.equal(mh.check(' a@example.com ', null).valid, true)
  assert.ok(Array.isArray(mh.checkMany(['a@example.com'], null)))
  assert.equal(new Checker(null).check('root@localhost').valid, false)
})

test('options that are not an object are a TypeError naming the argument', () => {
  for (const [name, [type, call]] of Object.entries(calls)) {
    for (const [value, got] of notObjects) {
      assert.throws(() => call(value), {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: `options: expected an object (${type}), got ${got}`,
      }, `${name}(${String(value)})`)
    }
  }
  assert.throws(() => list().add(5), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'record: expected an object (SuppressionRecordInit), got number',
  })
})

test('an option the call does not know is a TypeError listing the ones it does', () => {
  for (const [name, [type, call]] of Object.entries(calls)) {
    assert.throws(() => call({ bogus: true }), (e) => {
      assert.ok(e instanceof TypeError, name)
      assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
      assert.match(e.message, new RegExp(`^options: unknown key "bogus" \\(${type} has \\w+`), name)
      return true
    })
  }
  // The misspelling that used to return rows instead of columns.
  assert.throws(() => mh.checkMany(['a@example.com'], { column: true }), {
    name: 'TypeError',
    message: 'options: unknown key "column" (CheckManyOptions has exact, columns)',
  })
  assert.throws(() => mh.check('a@example.com', { exakt: true }), /unknown key "exakt"/)
  // Keys longer than any option, or not ASCII, are reported whole.
  const long = 'x'.repeat(40)
  assert.throws(() => mh.check('a@example.com', { [long]: 1 }), new RegExp(`unknown key "${long}"`))
  assert.throws(() => mh.check('a@example.com', { exäct: true }), /unknown key "exäct"/)
  assert.throws(() => list().add({ address: 'a@b.com', reason: 'complaint', system: 'crm', evnetTime: 5 }), {
    name: 'TypeError',
    message: /^record: unknown key "evnetTime" \(SuppressionRecordInit has address, reason, system,/,
  })
})

test('nested option objects are checked too', () => {
  const typeError = (message) => ({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message })
  assert.throws(() => new Checker({ addDomains: 5 }), typeError(/^addDomains \/ removeDomains: expected an object \(DomainListsInit\), got number$/))
  assert.throws(() => new Checker({ removeDomains: { spam: ['x.example'] } }), typeError(/unknown key "spam" \(DomainListsInit has disposable, relay, free\)/))
  assert.throws(() => new Checker({ providerRules: [{ domain: 'corp.example', stripDot: true }] }), typeError(/^providerRules\[\]: unknown key "stripDot"/))
  assert.throws(() => new Checker({ providerRules: [5] }), typeError(/expected an object \(ProviderRuleInit\), got number/))
  assert.throws(() => list().loadContent(CSV, { columns: { mail: 'email' } }), typeError(/^options.columns: unknown key "mail" \(GenericColumnsInit has email,/))
  assert.throws(() => list().load(exportsDir, { columns: 'email' }), typeError(/expected an object \(GenericColumnsInit\), got string/))
  // A map of role words: an array was read as the words '0', '1', …, a number as no words.
  assert.throws(() => new Checker({ addRoles: ['finance'] }), typeError('expected an object of names, got an array'))
  assert.throws(() => new Checker({ addRoles: 5 }), typeError('expected an object of names, got number'))
  assert.equal(new Checker({ addRoles: { billing: 'finance' } }).classify('billing@example.com').role, 'finance')
  // Lists: a plain Error before, a TypeError like any other argument of the wrong type now.
  for (const options of [{ removeRoles: 'info' }, { allowDomains: 'x.example' }, { removeProviderRules: 'gmail.com' },
    { addDomains: { disposable: 'x.example' } }, { providerRules: { domain: 'corp.example' } }]) {
    assert.throws(() => new Checker(options), typeError(/^expected an array, got (string|an object)$/), JSON.stringify(options))
  }
})

test('checkManyAsync rejects bad options instead of throwing', async () => {
  for (const call of [(o) => mh.checkManyAsync(['a@example.com'], o), (o) => new Checker().checkManyAsync(['a@example.com'], o)]) {
    for (const [value, got] of notObjects) {
      const pending = call(value) // must not throw here
      assert.ok(pending instanceof Promise)
      await assert.rejects(pending, {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: `options: expected an object (CheckManyOptions), got ${got}`,
      })
    }
    await assert.rejects(call({ column: true }), { name: 'TypeError', message: /unknown key "column"/ })
    assert.deepEqual(await call(null), mh.checkMany(['a@example.com']))
    assert.deepEqual(await call({ columns: true }), mh.checkMany(['a@example.com'], { columns: true }))
  }
})

test('the keys each call knows are the fields its type declares in index.d.ts', () => {
  const declared = (type) => {
    const body = readFileSync(join(root, 'index.d.ts'), 'utf8').match(new RegExp(`export interface ${type} \\{([\\s\\S]*?)\\n\\}`))
    assert.ok(body, type)
    return [...body[1].matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]).sort()
  }
  // The keys a call knows, from its message for a key it does not.
  const known = (type, call) => {
    try {
      call()
    } catch (e) {
      const m = e.message.match(new RegExp(`unknown key "bogus" \\(${type} has (.*)\\)$`))
      assert.ok(m, e.message)
      return m[1].split(', ').sort()
    }
    assert.fail(`${type}: a bogus key was accepted`)
  }
  const types = [
    ...Object.values(calls).map(([type, call]) => [type, () => call({ bogus: 1 })]),
    ['SuppressionRecordInit', () => list().add({ bogus: 1 })],
    ['DomainListsInit', () => new Checker({ addDomains: { bogus: 1 } })],
    ['ProviderRuleInit', () => new Checker({ providerRules: [{ bogus: 1 }] })],
    ['GenericColumnsInit', () => list().loadContent(CSV, { columns: { bogus: 1 } })],
  ]
  for (const [type, call] of types) assert.deepEqual(known(type, call), declared(type), type)
})
