// Uses the whole public API with its declared types. `tsc --noEmit` must accept this file
// (checked by __test__/types.test.mjs); it is not run.
import {
  Checker,
  SuppressionList,
  canonical,
  check,
  checkMany,
  checkManyAsync,
  classify,
  errorCodes,
  isDisposable,
  isFree,
  isRelay,
  isRole,
  normalize,
  suggest,
  suppressionReasons,
  suppressionSystems,
  type AddressResult,
  type ImportSummaryResult,
  type ImportedResult,
  type MasterRowResult,
  type StatusResult,
  type CheckColumns,
  type CheckResult,
  type CheckerOptions,
  type ClassificationResult,
  type SuggestionResult,
} from '../index.js'

const one: CheckResult = check('"Jane" <Jane.Doe+promo@googlemail.com>')
const exact: CheckResult = check(' a@example.com ', { exact: true })
const valid: boolean = one.valid && !exact.valid
const code: string | null = one.error
const key: string | null = one.canonical
const warnings: string[] = one.warnings
const rules: string[] = one.rules

const rows: CheckResult[] = checkMany(['a@example.com', 'bad'])
const rowsExact: CheckResult[] = checkMany(['a@example.com'], { exact: true })
const cols: CheckColumns = checkMany(['a@example.com', 'bad'], { columns: true })
const decidedLater: { columns: boolean } = { columns: Math.random() > 0.5 }
const either: CheckColumns | CheckResult[] = checkMany(['a@example.com'], decidedLater)
// @ts-expect-error the shape depends on a run-time flag
const notKnown: CheckResult[] = checkMany(['a@example.com'], decidedLater)
const validColumn: boolean[] = cols.valid
const errorColumn: Array<string | null> = cols.error
const warningColumn: ReadonlyArray<ReadonlyArray<string>> = cols.warnings

async function bulk(lines: string[]): Promise<number> {
  const asyncRows: CheckResult[] = await checkManyAsync(lines)
  const asyncCols: CheckColumns = await checkManyAsync(lines, { columns: true, exact: false })
  return asyncRows.length + asyncCols.valid.filter(Boolean).length
}

let key2: string
try {
  key2 = canonical('J.Doe+x@gmail.com')
} catch (e) {
  const err = e as Error & { code: string }
  key2 = err.code
}
const address: AddressResult = normalize(' Jürgen@Bücher.Example ')
const ascii: string = address.domainAscii
const fix: SuggestionResult | null = suggest('bob@yaho.com')
const fixed: string | undefined = fix?.address
const kind: ClassificationResult = classify('noreply@gmail.com')
const roleCategory: string | null = kind.role
const flags: boolean[] = [isRole('info@x.com'), isDisposable('a@mailinator.com'), isRelay('a@duck.com'), isFree('a@gmail.com')]
const codes: string[] = errorCodes()

const options: CheckerOptions = {
  allowQuotedLocal: true,
  allowDomainLiteral: false,
  allowSingleLabel: true,
  lenientLengths: false,
  addDomains: { disposable: ['throwaway.example'], relay: ['relay.example'], free: ['freemail.example'] },
  removeDomains: { free: ['gmail.com'] },
  allowDomains: ['mailinator.com'],
  addRoles: { billing: 'finance' },
  removeRoles: ['info'],
  providerRules: [{ domain: 'corp.example', stripDots: true, stripTag: true, canonicalDomain: 'corp.test', provider: 'workspace' }],
  removeProviderRules: ['googlemail.com'],
}
const checker = new Checker(options)
const defaults = new Checker()
const results: CheckResult[] = [checker.check('root@localhost'), defaults.check('x@y.com', { exact: true })]
const moreCols: CheckColumns = checker.checkMany(['a@b.com'], { columns: true })
const moreRows: Promise<CheckResult[]> = checker.checkManyAsync(['a@b.com'])
const checkerAnswers: Array<string | boolean | AddressResult | SuggestionResult | ClassificationResult | null> = [
  checker.canonical('a@b.com'),
  checker.normalize('a@b.com'),
  checker.suggest('a@gmial.com'),
  checker.classify('a@b.com'),
  checker.isRole('a@b.com'),
  checker.isDisposable('a@b.com'),
  checker.isRelay('a@b.com'),
  checker.isFree('a@b.com'),
]

const list = new SuppressionList({ now: new Date(), checker, hashKey: Buffer.from('secret') })
const defaultList = new SuppressionList()
const loaded: ImportSummaryResult = list.load('exports/sendgrid', { system: 'sendgrid', stream: 'newsletter' })
const fromContent: ImportedResult = list.loadContent(Buffer.from('email,reason\na@b.com,BOUNCE\n'), {
  fileName: 'ses.csv',
  system: 'ses',
  stream: 'crm',
  listId: 'aud1',
  account: 'eu-west-1',
})
list.add({ address: 'a@b.com', reason: 'complaint', system: 'crm', scope: 'all', stream: 'crm', eventTime: 1_700_000_000 })
list.add({
  address: 'c@d.com', reason: 'hard_bounce', system: 'ses', canonical: 'c@d.com', eventTime: new Date(),
  subReason: 'user_unknown', sourceAccount: 'eu', sourceReason: 'Permanent', enhancedStatus: '5.1.1', diagnostic: '550 5.1.1',
})
list.merge(defaultList)
list.setStream('receipts', { transactional: true, system: 'postmark' })
list.setNow(1_750_000_000)
const present: number = list.now
const status: StatusResult = list.status('a@b.com', new Date())
const blocked: boolean = status.blocks.marketing && list.blocks('a@b.com', { kind: 'critical', scope: 'stream:receipts', at: 1 })
const missing: MasterRowResult[] = list.missingFor('newsletter')
const master: MasterRowResult[] = list.rows()
const csv: string = list.toCsv() + list.toHashedCsv() + list.toHashedCsv({ hmacKey: 'secret' })
const sizes: number[] = [list.length, list.keyCount, loaded.files.length, fromContent.records]
const vocab: string[] = [...suppressionReasons(), ...suppressionSystems()]

// The declarations reject what the binding rejects at run time with a TypeError.
// @ts-expect-error a number is not an address
check(42)
// @ts-expect-error null is not an address
canonical(null)
// @ts-expect-error an array of strings, not of numbers
checkMany([1, 2])
// @ts-expect-error a time is a number or a Date
list.status('a@b.com', 'yesterday')

export const used = [
  valid, code, key, warnings, rules, rows, rowsExact, validColumn, errorColumn, warningColumn, bulk,
  key2, ascii, fixed, roleCategory, flags, codes, results, moreCols, moreRows, checkerAnswers,
  present, blocked, missing, master, csv, sizes, vocab, either, notKnown,
]
