// Runs every test the way CI does: build the package, type-check, unit tests (vitest), end-to-end tests
// (Playwright), then one plain line "N passed, N failed" counted from both reports.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const RESULTS = '.tmp/results'
rmSync(RESULTS, { recursive: true, force: true })
mkdirSync(RESULTS, { recursive: true })

const steps = [
  { name: 'build', command: ['npm', 'run', 'build'] },
  { name: 'typecheck', command: ['npm', 'run', 'typecheck'] },
  { name: 'unit', command: ['npx', 'vitest', 'run'], report: `${RESULTS}/unit.json`, count: countVitest },
  { name: 'e2e', command: ['npx', 'playwright', 'test', ...process.argv.slice(2)], report: `${RESULTS}/e2e.json`, count: countPlaywright },
]

let passed = 0
let failed = 0
for (const step of steps) {
  console.log(`\n▶ ${step.name}: ${step.command.join(' ')}`)
  const { status } = spawnSync(step.command[0], step.command.slice(1), { stdio: 'inherit' })
  if (step.count && existsSync(step.report)) {
    const counts = step.count(JSON.parse(readFileSync(step.report, 'utf8')))
    passed += counts.passed
    failed += counts.failed
    // A runner that crashed after its report, or failed outside any test, still fails the run.
    if (status !== 0 && counts.failed === 0) failed += 1
  } else if (status !== 0) {
    failed += 1
    console.error(`✘ ${step.name} failed (exit ${status}); later steps depend on it`)
    break
  }
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)

function countVitest(report) {
  return { passed: report.numPassedTests, failed: report.numFailedTests }
}

function countPlaywright(report) {
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected }
}
