// Throughput of the Node binding against validator and mailcheck, on one generated corpus, in
// one process. Usage: npm run bench [-- N]   (N addresses, default 1,000,000)
//
// `npm run bench` runs node with --expose-gc: every timed run then starts from a collected
// heap, so that no run pays for the garbage of the one before (a million result objects of
// `checkMany` rows, say). Each contender gets the same treatment.
import { createRequire } from 'node:module'
import os from 'node:os'

import { corpus } from './corpus.mjs'

const require = createRequire(import.meta.url)
const mh = require('../index.js')
const validator = require('validator')
const Mailcheck = require('mailcheck')

const N = Number(process.argv[2] ?? 1_000_000)
const inputs = corpus(N)

/** Best of `runs` timings of `fn` over the corpus, in addresses per second. */
async function rate(name, fn, runs = 3) {
  let best = Infinity
  let bestCpu = Infinity
  for (let r = 0; r < runs; r++) {
    globalThis.gc?.()
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    await fn()
    const dt = Number(process.hrtime.bigint() - t0) / 1e9
    const c = process.cpuUsage(c0)
    best = Math.min(best, dt)
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6)
  }
  const perSec = N / best
  console.log(
    `${name.padEnd(44)} ${(perSec / 1e6).toFixed(3).padStart(8)} M/s wall (${(best * 1000).toFixed(0)} ms)` +
      `  ${(N / bestCpu / 1e6).toFixed(3).padStart(8)} M/s per CPU-second`,
  )
  return perSec
}

let sink = 0
const results = {}
console.log(`node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
console.log(`corpus: ${N} generated addresses (bench/corpus.mjs, seed 42)\n`)

results.check = await rate('mailhygiene check (per call)', () => {
  for (let i = 0; i < N; i++) sink += mh.check(inputs[i]).valid ? 1 : 0
})
results.checkMany = await rate('mailhygiene checkMany (rows)', () => {
  sink += mh.checkMany(inputs).length
})
results.checkManyColumns = await rate('mailhygiene checkMany { columns: true }', () => {
  sink += mh.checkMany(inputs, { columns: true }).valid.length
})
results.checkManyAsync = await rate('mailhygiene checkManyAsync { columns: true }', async () => {
  sink += (await mh.checkManyAsync(inputs, { columns: true })).valid.length
})
results.isEmail = await rate('validator.isEmail', () => {
  for (let i = 0; i < N; i++) sink += validator.isEmail(inputs[i]) ? 1 : 0
})
results.validatorBoth = await rate('validator.isEmail + normalizeEmail', () => {
  for (let i = 0; i < N; i++) {
    if (validator.isEmail(inputs[i])) sink += validator.normalizeEmail(inputs[i]).length
  }
})
results.mailcheck = await rate('mailcheck.run', () => {
  for (let i = 0; i < N; i++) {
    Mailcheck.run({ email: inputs[i], suggested: () => sink++, empty: () => {} })
  }
}, 1)

const ratio = (a, b) => `${(results[a] / results[b]).toFixed(1)}x`
console.log('\nratios')
console.log(`checkMany columns / validator.isEmail          ${ratio('checkManyColumns', 'isEmail')}`)
console.log(`checkMany columns / validator isEmail+normalize ${ratio('checkManyColumns', 'validatorBoth')}`)
console.log(`checkMany columns / mailcheck.run              ${ratio('checkManyColumns', 'mailcheck')}`)
console.log(`check per call / validator.isEmail             ${ratio('check', 'isEmail')}`)
console.log(`check per call / mailcheck.run                 ${ratio('check', 'mailcheck')}`)
console.log(`checkManyAsync columns / checkMany columns     ${ratio('checkManyAsync', 'checkManyColumns')}`)
console.log('\ntargets: checkMany columns >= 3 M/s, check per call >= 1 M/s')
console.log(`  checkMany columns: ${(results.checkManyColumns / 1e6).toFixed(2)} M/s ${results.checkManyColumns >= 3e6 ? 'met' : 'MISSED'}`)
console.log(`  check per call:    ${(results.check / 1e6).toFixed(2)} M/s ${results.check >= 1e6 ? 'met' : 'MISSED'}`)
if (sink === -1) console.log(sink)
