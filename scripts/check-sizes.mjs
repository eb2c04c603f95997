// `npm run sizes`: builds the e2e fixture app with the plugin from dist/ and checks the bytes every visitor pays
// against their budgets: the inline script the plugin puts into index.html (runtime and bootstrap, configured for that
// page) and sw.js, gzip at level 9. Prints brotli beside. Exits 1 when a size is over its budget.
// The build is reproducible (SOURCE_DATE_EPOCH fixes builtAt), so the same commit always prints the same bytes.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUDGETS, budgetReport, compressedSizes, formatBytes, gatekeeperScript } from './sizes.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const appDir = join(root, 'e2e/fixtures/history-app')
const outDir = join(root, '.tmp/sizes/history-app')

if (!existsSync(join(root, 'dist/app-runtime/inline.min.js'))) {
  console.error('sizes: dist/ is missing: run `npm run build` first')
  process.exit(2)
}
execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: appDir,
  // The fixture's vite.config.ts imports `version-gatekeeper/vite`, which resolves to dist/ through package.json.
  env: { ...process.env, VITE_RELEASE: 'v1', FIXTURE_OUT_DIR: outDir, SOURCE_DATE_EPOCH: '1767225600' },
  stdio: ['ignore', 'ignore', 'inherit'],
})

const page = compressedSizes(gatekeeperScript(readFileSync(join(outDir, 'index.html'), 'utf8')))
const sw = compressedSizes(readFileSync(join(outDir, 'sw.js')))
const { lines, withinBudget } = budgetReport([
  { label: 'page: inline runtime + bootstrap, gzip', bytes: page.gzip, budget: BUDGETS.pageGzip },
  { label: 'sw.js, gzip', bytes: sw.gzip, budget: BUDGETS.swGzip },
])
console.log(`sizes of e2e/fixtures/history-app built with dist/ (gzip -9; brotli beside, not budgeted)`)
for (const line of lines) console.log(`  ${line}`)
console.log(`  page brotli ${formatBytes(page.brotli)}, raw ${formatBytes(page.raw)}; sw.js brotli ${formatBytes(sw.brotli)}, raw ${formatBytes(sw.raw)}`)
console.log(withinBudget ? 'sizes: within budget' : 'sizes: over budget')
process.exit(withinBudget ? 0 : 1)
