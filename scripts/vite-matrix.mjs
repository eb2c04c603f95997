// The tests that depend on Vite's version, once per supported major: the plugin's build tests and the dev server's
// (build/vite-build.test.ts, build/dev-server.test.ts) and the dev server in Chromium and Firefox
// (e2e/dev-server.spec.ts). GATEKEEPER_VITE picks the Vite (build/vite-under-test.test-support.ts). Prints one line
// per Vite, then "N passed, N failed" (also written to .tmp/results/vite-matrix/summary.json). Arguments name the
// packages to run (default: vite6 vite7 vite); the package must have been built (npm run build).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { countPlaywright, countVitest } from './report-counts.mjs'

const PACKAGES = ['vite6', 'vite7', 'vite']
const RESULTS = '.tmp/results/vite-matrix'
const chosen = process.argv.slice(2)
const unknown = chosen.filter((name) => !PACKAGES.includes(name))
if (unknown.length > 0) {
  console.error(`vite-matrix: unknown package ${unknown.join(', ')}; choose among ${PACKAGES.join(', ')}`)
  process.exit(2)
}
rmSync(RESULTS, { recursive: true, force: true })
mkdirSync(RESULTS, { recursive: true })

const lines = []
let passed = 0
let failed = 0
for (const name of chosen.length > 0 ? chosen : PACKAGES) {
  const version = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version
  const env = { ...process.env, GATEKEEPER_VITE: name }
  const unitReport = `${RESULTS}/${name}-unit.json`
  const e2eReport = `${RESULTS}/${name}-e2e.json`
  const steps = [
    {
      name: 'unit',
      command: ['npx', 'vitest', 'run', 'build/vite-build.test.ts', 'build/dev-server.test.ts'],
      env: { ...env, GATEKEEPER_UNIT_REPORT: unitReport },
      report: unitReport,
      count: countVitest,
    },
    {
      name: 'e2e',
      command: ['npx', 'playwright', 'test', 'e2e/dev-server.spec.ts', '--project', 'chromium', '--project', 'firefox', '--reporter=list,json'],
      env: { ...env, PLAYWRIGHT_JSON_OUTPUT_FILE: e2eReport },
      report: e2eReport,
      count: countPlaywright,
    },
  ]
  const counts = []
  for (const step of steps) {
    console.log(`\n▶ Vite ${version} (${name}), ${step.name}: ${step.command.join(' ')}`)
    const { status } = spawnSync(step.command[0], step.command.slice(1), { stdio: 'inherit', env: step.env })
    const result = existsSync(step.report) ? step.count(JSON.parse(readFileSync(step.report, 'utf8'))) : { passed: 0, failed: 0 }
    // A runner that failed outside any test still fails the run.
    if (status !== 0 && result.failed === 0) result.failed = 1
    passed += result.passed
    failed += result.failed
    counts.push(`${step.name} ${result.passed} passed, ${result.failed} failed`)
  }
  lines.push(`Vite ${version} (${name}): ${counts.join('; ')}`)
}
// For scripts/test.mjs, which folds these counts into its own line.
writeFileSync(`${RESULTS}/summary.json`, JSON.stringify({ passed, failed, lines }))
console.log(`\n${lines.join('\n')}\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
