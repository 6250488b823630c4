// The package as shipped: the committed index.d.ts and loader match what napi generates, the
// declarations type-check an example that uses the whole API, and the `npm pack` tarball installs
// into an empty project where both `require` and `import` work. No network: the tarball has no
// dependencies and npm runs offline.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

test('index.d.ts and index.js are what napi generates from the Rust source (no drift)', () => {
  const out = mkdtempSync(join(tmpdir(), 'mailhygiene-dts-'))
  try {
    run(bin('napi'), ['build', '--platform', '--release', '--output-dir', out])
    for (const file of ['index.d.ts', 'index.js']) {
      const generated = readFileSync(join(out, file), 'utf8')
      const committed = readFileSync(join(root, file), 'utf8')
      assert.equal(committed, generated, `${file} is stale: run \`npm run build\` and commit it`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})

test('tsc --noEmit accepts examples/usage.ts, which uses the whole API', () => {
  try {
    run(bin('tsc'), ['-p', 'tsconfig.json'])
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`)
  }
})

test('the packed tarball installs into an empty project; require and import both work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailhygiene-pack-'))
  try {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir]))
    const tarball = join(dir, packed[0].filename)
    const files = packed[0].files.map((f) => f.path).sort()
    assert.ok(files.includes('index.js') && files.includes('index.d.ts'), files.join(', '))
    assert.ok(files.some((f) => f.endsWith('.node')), 'the native addon is packed')
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('target/')), files.join(', '))

    const project = join(dir, 'project')
    run('mkdir', ['-p', project])
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], project)

    writeFileSync(join(project, 'cjs.cjs'), `
      const mh = require('mailhygiene')
      const { check, Checker } = require('mailhygiene')
      if (check('Jane.Doe@GoogleMail.com').canonical !== 'janedoe@gmail.com') throw new Error('cjs check')
      if (!new Checker({ allowSingleLabel: true }).check('root@localhost').valid) throw new Error('cjs Checker')
      try { mh.canonical('nobody'); throw new Error('no throw') } catch (e) { if (e.code !== 'missing_at') throw e }
      console.log('cjs ok')
    `)
    writeFileSync(join(project, 'esm.mjs'), `
      import mh from 'mailhygiene'
      import { check, checkManyAsync, Checker } from 'mailhygiene'
      if (check('Jane.Doe@GoogleMail.com').canonical !== 'janedoe@gmail.com') throw new Error('esm check')
      if (mh.check !== check || typeof Checker !== 'function') throw new Error('esm named exports')
      const cols = await checkManyAsync(['a@example.com', 'bad'], { columns: true })
      if (cols.valid[0] !== true || cols.error[1] !== 'missing_at') throw new Error('esm async')
      console.log('esm ok')
    `)
    assert.equal(run('node', ['cjs.cjs'], project).trim(), 'cjs ok')
    assert.equal(run('node', ['esm.mjs'], project).trim(), 'esm ok')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
