// `npm run sizes`: builds the e2e fixture app with the plugin from dist/ and checks the bytes every visitor pays:
// the inline script the plugin puts into index.html (runtime and bootstrap, configured for that page) and sw.js, gzip
// at level 9, against their ceilings (CI fails above one) and issue 7's targets (reported). Prints brotli beside.
// Exits 1 when a size is over its ceiling. `--report <file>` also writes the counts for scripts/test.mjs's last line.
// The build is reproducible (SOURCE_DATE_EPOCH fixes builtAt), so the same commit always prints the same bytes.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { budgetReport, CEILINGS, compressedSizes, formatBytes, gatekeeperScript, TARGETS } from './sizes.mjs'

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
const checks = [
  { label: 'page: inline runtime + bootstrap, gzip', bytes: page.gzip, ceiling: CEILINGS.pageGzip, target: TARGETS.pageGzip },
  { label: 'sw.js, gzip', bytes: sw.gzip, ceiling: CEILINGS.swGzip, target: TARGETS.swGzip },
]
const { lines, withinCeilings } = budgetReport(checks)
console.log(`sizes of e2e/fixtures/history-app built with dist/ (gzip -9; brotli beside, not budgeted)`)
for (const line of lines) console.log(`  ${line}`)
console.log(`  page brotli ${formatBytes(page.brotli)}, raw ${formatBytes(page.raw)}; sw.js brotli ${formatBytes(sw.brotli)}, raw ${formatBytes(sw.raw)}`)
console.log(withinCeilings ? 'sizes: within their ceilings' : 'sizes: over a ceiling (scripts/sizes.mjs CEILINGS)')
const reportFile = process.argv.includes('--report') ? process.argv[process.argv.indexOf('--report') + 1] : undefined
if (reportFile !== undefined) {
  const passed = checks.filter((check) => check.bytes <= check.ceiling).length
  writeFileSync(reportFile, JSON.stringify({ passed, failed: checks.length - passed, checks }, null, 2))
}
process.exit(withinCeilings ? 0 : 1)
