// Every ```js snippet of README.md runs, as a user would run it: `require('mailhygiene')`
// resolves to this package through its own `exports` (package self-reference).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const snippets = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

test('README has snippets', () => assert.ok(snippets.length >= 4))

snippets.forEach((code, i) => {
  test(`README.md snippet ${i + 1}`, () => {
    const dir = join(root, 'target', 'readme-snippets')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `snippet-${i + 1}.cjs`)
    writeFileSync(file, code)
    try {
      execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', stdio: 'pipe' })
    } catch (e) {
      assert.fail(`snippet ${i + 1} failed:\n${code}\n${e.stderr}`)
    }
  })
})
