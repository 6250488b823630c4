// SuppressionList through the binding: loading exports by path and by content, records,
// merging, status at a time, missing rows, CSV and hashed CSV round trips, errors.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import mh from '../index.js'

const { SuppressionList, Checker } = mh
const exportsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'exports')
const NOW = 1_750_000_000 // 2025-06-15

test('load a folder of exports for a stream, with a summary per file', () => {
  const list = new SuppressionList({ now: NOW })
  const summary = list.load(join(exportsDir, 'mailgun'), { system: 'mailgun', stream: 'news' })
  assert.deepEqual(summary.files.map((f) => f.file.split('/').at(-1)), ['bounces.json', 'complaints.csv', 'unsubscribes.csv'])
  for (const f of summary.files) {
    assert.equal(f.stream, 'news')
    assert.equal(f.format, 'mailgun')
    assert.equal(f.rowsRead, f.rowsUsed + f.rowsRejected)
  }
  assert.equal(summary.rejects.length, summary.files.reduce((n, f) => n + f.rowsRejected, 0))
  const s = list.status('Carol.King+shop@yahoo.example')
  assert.equal(s.suppressed, true)
  assert.equal(s.reason, 'complaint')
  assert.ok(s.sources.includes('mailgun:news'))
  assert.ok(list.length > 0 && list.keyCount > 0)
})

test('a bare address list, one per line and no header, loads from a path and as content', () => {
  const text = 'bob@example.com\nnot-an-address\nEve@Example.org\n'
  const dir = mkdtempSync(join(tmpdir(), 'mailhygiene-bare-'))
  try {
    writeFileSync(join(dir, 'do-not-mail.txt'), text)
    const list = new SuppressionList({ now: NOW })
    const summary = list.load(join(dir, 'do-not-mail.txt'), { stream: 'crm' })
    assert.equal(summary.files[0].format, 'generic')
    assert.deepEqual(summary.files[0].records, { manual: 2 })
    assert.deepEqual(summary.rejects.map((x) => [x.line, x.code]), [[2, 'missing_at']])
    const s = list.status('eve@example.org')
    assert.deepEqual([s.reason, s.scope, s.sources], ['manual', 'all', ['generic:crm']])
    assert.equal(list.status('ann@example.com').suppressed, false)
  } finally {
    rmSync(dir, { recursive: true })
  }
  const fromContent = new SuppressionList({ now: NOW })
  const r = fromContent.loadContent(text, { fileName: 'do-not-mail.txt', stream: 'crm' })
  assert.deepEqual([r.system, r.records, r.rowsRead], ['generic', 2, 3])
  assert.equal(fromContent.status('Bob@Example.com').reason, 'manual')
})

test('load content (string or Buffer) with a detected or named system; bad rows are rejects', () => {
  const csv = 'email,reason\nJane.Doe@example.com,BOUNCE\nnot-an-address,COMPLAINT\n'
  const list = new SuppressionList({ now: NOW })
  const r = list.loadContent(csv, { fileName: 'ses.csv', stream: 'crm' })
  assert.equal(r.system, 'ses')
  assert.equal(r.records, 1)
  assert.equal(r.rowsRead, 2)
  assert.deepEqual(r.rejects.map((x) => [x.line, x.code]), [[3, 'missing_at']])
  const again = new SuppressionList({ now: NOW })
  assert.equal(again.loadContent(Buffer.from(csv), { system: 'ses', stream: 'crm' }).records, 1)
  assert.equal(list.status('jane.doe@example.com').reason, 'hard_bounce')
  assert.deepEqual(list.status('jane.doe@example.com').blocks, { marketing: true, transactional: true, critical: true })
})

test('records, canonical matching, times and mail kinds', () => {
  const list = new SuppressionList({ now: NOW })
  list.add({ address: 'J.Doe+x@googlemail.com', reason: 'complaint', system: 'crm', stream: 'crm', eventTime: new Date('2025-01-01T00:00:00Z') })
  list.add({ address: 'bob@example.com', reason: 'unsubscribe', system: 'ses', stream: 'news', eventTime: 1_700_000_000 })
  const s = list.status('jdoe@gmail.com')
  assert.equal(s.canonical, 'jdoe@gmail.com')
  assert.equal(s.reason, 'complaint')
  assert.equal(s.since, 1_735_689_600)
  assert.deepEqual(s.blocks, { marketing: true, transactional: true, critical: false })
  assert.match(s.why, /complaint/)
  // before the complaint happened
  assert.equal(list.status('jdoe@gmail.com', 1_700_000_000).suppressed, false)
  assert.equal(list.status('jdoe@gmail.com', new Date('2024-01-01T00:00:00Z')).suppressed, false)
  // an unsubscribe never blocks transactional mail
  assert.equal(list.blocks('bob@example.com'), true)
  assert.equal(list.blocks('bob@example.com', { kind: 'transactional' }), false)
  assert.equal(list.blocks('bob@example.com', { kind: 'marketing', scope: 'group:7' }), true)
  assert.equal(list.status('nobody@example.com').suppressed, false)
  assert.equal(list.status('not an address').suppressed, false)
  assert.equal(list.now, NOW)
  list.setNow(new Date('2026-01-01T00:00:00Z'))
  assert.equal(list.now, 1_767_225_600)
})

test('a list merged with itself is unchanged, as when merged with an equal list', () => {
  const make = () => {
    const l = new SuppressionList({ now: NOW })
    l.loadContent('email,reason\nJane.Doe@example.com,BOUNCE\n', { fileName: 'ses.csv', stream: 'crm' })
    l.add({ address: 'J.Doe+x@googlemail.com', reason: 'complaint', system: 'crm', stream: 'crm', eventTime: 1_700_000_000 })
    l.add({ address: 'bob@example.com', reason: 'unsubscribe', system: 'ses', stream: 'news', scope: 'group:7' })
    l.setStream('news')
    return l
  }
  const state = (l) => ({
    length: l.length,
    keyCount: l.keyCount,
    rows: l.rows(),
    csv: l.toCsv(),
    hashed: l.toHashedCsv(),
    missing: l.missingFor('news'),
    status: ['jdoe@gmail.com', 'jane.doe@example.com', 'bob@example.com'].map((a) => l.status(a)),
  })
  const list = make()
  const before = state(list)
  assert.equal(before.length, 3)
  list.merge(list)
  assert.deepEqual(state(list), before)
  list.merge(list)
  assert.deepEqual(state(list), before)
  // The same answer as merging an equal but separate list.
  const other = make()
  other.merge(make())
  assert.deepEqual(state(other), before)
})

test('a list or checker argument of another type is a TypeError', () => {
  const list = new SuppressionList({ now: NOW })
  const typeError = (message) => ({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message })
  assert.throws(() => list.merge(5), typeError('expected a SuppressionList, got number'))
  assert.throws(() => list.merge(undefined), typeError('expected a SuppressionList, got undefined'))
  assert.throws(() => list.merge(new Checker()), typeError('expected a SuppressionList, got an object'))
  assert.throws(() => list.merge(Object.create(SuppressionList.prototype)), typeError('expected a SuppressionList, got an object'))
  assert.throws(() => new SuppressionList({ checker: list }), typeError('expected a Checker, got an object'))
  assert.throws(() => new SuppressionList({ checker: 'default' }), typeError('expected a Checker, got string'))
  assert.equal(list.length, 0)
})

test('the checker option decides which spellings match', () => {
  const checker = new Checker({ providerRules: [{ domain: 'corp.example', stripDots: true, stripTag: true }] })
  const record = { address: 'J.Doe+news@corp.example', reason: 'complaint', system: 'crm' }
  const custom = new SuppressionList({ now: NOW, checker })
  custom.add(record)
  assert.equal(custom.status('jdoe@corp.example').suppressed, true)
  const plain = new SuppressionList({ now: NOW })
  plain.add(record)
  assert.equal(plain.status('jdoe@corp.example').suppressed, false)
})

test('merge, missingFor and the master CSV round trip', () => {
  const a = new SuppressionList({ now: NOW })
  a.add({ address: 'x@example.com', reason: 'hard_bounce', system: 'ses', stream: 'news', eventTime: 1_700_000_000 })
  const b = new SuppressionList({ now: NOW })
  b.add({ address: 'y@example.com', reason: 'complaint', system: 'sendgrid', stream: 'crm', eventTime: 1_700_000_000 })
  a.merge(b)
  assert.equal(a.keyCount, 2)
  assert.deepEqual(a.missingFor('news').map((r) => r.canonical), ['y@example.com'])
  assert.deepEqual(a.missingFor('crm').map((r) => r.canonical), ['x@example.com'])
  const rows = a.rows()
  assert.deepEqual(rows.map((r) => [r.canonical, r.reason, r.scope]), [['x@example.com', 'hard_bounce', 'all'], ['y@example.com', 'complaint', 'all']])

  const csv = a.toCsv()
  assert.equal(csv.split('\n')[0], 'canonical,address,reason,scope,since,expires,sources')
  const dir = mkdtempSync(join(tmpdir(), 'mailhygiene-supp-'))
  try {
    writeFileSync(join(dir, 'master.csv'), csv)
    const back = new SuppressionList({ now: NOW })
    assert.equal(back.load(join(dir, 'master.csv')).files[0].format, 'master')
    assert.equal(back.toCsv(), csv)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // From content too (a list kept in a database or a blob store), and the hashed form.
  const fromContent = new SuppressionList({ now: NOW })
  const loaded = fromContent.loadContent(csv, { fileName: 'master.csv' })
  assert.equal(loaded.records, 2)
  assert.equal(fromContent.toCsv(), csv)
  const hashed = new SuppressionList({ now: NOW })
  hashed.loadContent(Buffer.from(a.toHashedCsv()))
  assert.equal(hashed.status('x@example.com').suppressed, true)
})

test('load with what an export does not say: a CRM\'s columns, a list id', () => {
  // examples/exports/manifest.tsv: 3 records, line 5 rejected.
  const crm = new SuppressionList({ now: NOW })
  const columns = { email: 'Contact Email', reason: 'Opt-out Type', date: 'Changed', dateZone: 'Europe/Berlin', defaultReason: 'unsubscribe' }
  const summary = crm.load(join(exportsDir, 'generic', 'crm_do_not_contact.csv'), { stream: 'crm', columns })
  assert.deepEqual(summary.rejects.map((r) => [r.line, r.code]), [[5, 'single_label_domain']])
  assert.equal(crm.length, 3)
  const jane = crm.status('janedoe@gmail.com')
  assert.equal(jane.reason, 'unsubscribe')
  // 2024-03-01 11:00:00 in Berlin (CET, UTC+1) is 10:00 UTC.
  assert.equal(jane.restrictions[0].since, Date.UTC(2024, 2, 1, 10) / 1000)
  const fromContent = new SuppressionList({ now: NOW })
  const text = readFileSync(join(exportsDir, 'generic', 'crm_do_not_contact.csv'))
  assert.equal(fromContent.loadContent(text, { stream: 'crm', columns }).records, 3)
  // The Mailchimp audience the export belongs to scopes its unsubscribes.
  const mc = new SuppressionList({ now: NOW })
  mc.load(join(exportsDir, 'mailchimp', 'unsubscribed_members_export_4f1a2b9c.csv'), { system: 'mailchimp', listId: '4f1a2b9c' })
  assert.deepEqual([...new Set(mc.rows().map((r) => r.scope))], ['list:4f1a2b9c'])
})

test('without a fixed present, the list answers for the current time', async () => {
  const list = new SuppressionList()
  // A bounce a second after the list was made: a server keeps its list for hours.
  const later = new Date(Date.now() + 1000)
  list.add({ address: 'a@example.com', reason: 'hard_bounce', system: 'ses', stream: 'news', eventTime: later })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  assert.equal(list.status('a@example.com').suppressed, true)
  assert.deepEqual(list.rows().map((r) => r.canonical), ['a@example.com'])
  assert.ok(list.now >= Math.floor(later.getTime() / 1000))
  list.setNow(NOW) // fixed: stays
  assert.equal(list.status('a@example.com').suppressed, false)
})

test('hashed lists match by SHA-256 or HMAC key, never exposing addresses', () => {
  const list = new SuppressionList({ now: NOW })
  list.add({ address: 'J.Doe@gmail.com', reason: 'complaint', system: 'crm', eventTime: 1_700_000_000 })
  const dir = mkdtempSync(join(tmpdir(), 'mailhygiene-hash-'))
  try {
    for (const [options, listOptions] of [[{}, {}], [{ hmacKey: 's3cret' }, { hashKey: Buffer.from('s3cret') }]]) {
      const hashed = list.toHashedCsv(options)
      assert.ok(!hashed.includes('gmail'), hashed)
      writeFileSync(join(dir, 'hashed.csv'), hashed)
      const partner = new SuppressionList({ now: NOW, ...listOptions })
      assert.equal(partner.load(join(dir, 'hashed.csv'), { stream: 'partner' }).files[0].format, 'hashed')
      assert.equal(partner.status('jdoe+promo@googlemail.com').suppressed, true, JSON.stringify(options))
      assert.equal(partner.status('other@gmail.com').suppressed, false)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a configured checker decides which spellings match', () => {
  const checker = new Checker({ providerRules: [{ domain: 'corp.example', stripDots: true, stripTag: true }] })
  const list = new SuppressionList({ now: NOW, checker })
  list.add({ address: 'j.doe+news@corp.example', reason: 'hard_bounce', system: 'crm' })
  assert.equal(list.status('jdoe@corp.example').suppressed, true)
  assert.equal(new SuppressionList({ now: NOW }).status('jdoe@corp.example').suppressed, false)
})

test('errors carry the core codes; wrong types are TypeErrors', () => {
  const list = new SuppressionList({ now: NOW })
  const code = (fn) => {
    try {
      fn()
    } catch (e) {
      assert.ok(e instanceof Error)
      return e.code
    }
    assert.fail('did not throw')
  }
  assert.equal(code(() => new SuppressionList({ policy: 'nonsense = [' })), 'invalid_policy')
  assert.equal(code(() => list.add({ address: 'a@b.com', reason: 'nope', system: 'x' })), 'unknown_reason')
  assert.equal(code(() => list.add({ address: 'a@b.com', reason: 'complaint', system: 'x', scope: 'nowhere' })), 'unknown_scope')
  // An address must be one, and is stored as one.
  assert.equal(code(() => list.add({ address: '', reason: 'complaint', system: 'x' })), 'empty')
  assert.equal(code(() => list.add({ address: 'not an address', reason: 'complaint', system: 'x' })), 'whitespace')
  const bob = new SuppressionList({ now: NOW })
  bob.add({ address: ' Bob <Bob@Example.COM> ', reason: 'complaint', system: 'crm', eventTime: 1_700_000_000 })
  assert.deepEqual(bob.rows().map((r) => [r.canonical, r.address]), [['bob@example.com', 'Bob@example.com']])
  assert.equal(code(() => list.load('/nonexistent/path')), 'io')
  assert.equal(code(() => list.load(exportsDir, { system: 'nosuch' })), 'unknown_system')
  assert.equal(code(() => list.loadContent('foo,bar\n1,2\n')), 'unknown_format')
  assert.equal(code(() => list.blocks('a@b.com', { kind: 'x' })), 'unknown_mail_kind')
  for (const bad of [null, undefined, 1, {}]) {
    assert.throws(() => list.status(bad), TypeError)
    assert.throws(() => list.load(bad), TypeError)
    assert.throws(() => list.missingFor(bad), TypeError)
    assert.throws(() => list.loadContent(bad), TypeError)
    // A missing required field (undefined) is napi-rs's "Missing field" Error; a present
    // field of the wrong type is a TypeError.
    assert.throws(() => list.add({ address: bad, reason: 'complaint', system: 'x' }), bad === undefined ? Error : TypeError)
  }
  assert.throws(() => list.setNow('tomorrow'), TypeError)
  assert.throws(() => list.status('a@b.com', 'yesterday'), TypeError)
  assert.throws(() => list.status('a@b.com', NaN), TypeError)
})

test('reason and system codes', () => {
  assert.ok(mh.suppressionReasons().includes('hard_bounce'))
  assert.ok(mh.suppressionSystems().includes('sendgrid'))
  assert.ok(readFileSync(join(exportsDir, 'README.md'), 'utf8').length > 0)
})

// As Excel on Windows saves CSV: Windows-1252, "é" "ô" as 0xE9 0xF4, curly quotes 0x93 0x94
// (www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT).
const CP1252 = Buffer.from('email,note\r\nann@example.com,\x93moved\x94\r\nj\xe9r\xf4me@example.com,x\r\n', 'latin1')

test('exports that are not UTF-8 are refused, or decoded with their encoding', () => {
  const columns = { email: 'email', defaultReason: 'manual' }
  const list = new SuppressionList({ now: NOW })
  assert.throws(() => list.loadContent(CP1252, { fileName: 'dnc.csv', columns }), (e) => {
    assert.equal(e.code, 'not_utf8')
    assert.match(e.message, /^dnc\.csv: line 2, column 17: byte 0x93 is not UTF-8/)
    assert.match(e.message, /windows-1252/)
    return true
  })
  list.loadContent(CP1252, { fileName: 'dnc.csv', columns, encoding: 'windows-1252' })
  assert.deepEqual(list.rows().map((r) => r.address).sort(), ['ann@example.com', 'jérôme@example.com'])

  const dir = mkdtempSync(join(tmpdir(), 'mh-encoding-'))
  try {
    const path = join(dir, 'dnc.csv')
    writeFileSync(path, CP1252)
    const fromPath = new SuppressionList({ now: NOW })
    assert.throws(() => fromPath.load(path, { columns }), { code: 'not_utf8' })
    fromPath.load(path, { columns, encoding: 'windows-1252' })
    assert.equal(fromPath.status('jérôme@example.com').reason, 'manual')
    // UTF-8 bytes, and any JS string, stay UTF-8 whatever the option says: "é", not "Ã©".
    writeFileSync(path, 'email\r\nzoé@example.com\r\n')
    const utf8 = new SuppressionList({ now: NOW })
    utf8.load(path, { columns, encoding: 'windows-1252' })
    utf8.loadContent('email\nlou@café.example\n', { columns, encoding: 'windows-1252' })
    assert.deepEqual(utf8.rows().map((r) => r.address).sort(), ['lou@café.example', 'zoé@example.com'])
    assert.throws(() => utf8.load(path, { columns, encoding: 'windows-9999' }), { code: 'unknown_encoding' })
  } finally {
    rmSync(dir, { recursive: true })
  }
})
