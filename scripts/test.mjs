// Runs every test the way CI does: build the package, check its sizes, type-check, unit tests (vitest), end-to-end tests
// (Playwright), on a full run the Vite-dependent tests on Vite 6 and 7 too (scripts/vite-matrix.mjs), then one plain
// line "N passed, N failed" counted from all reports. Arguments go to Playwright and make a partial run: no Vite 6/7
// step (GATEKEEPER_VITE_MATRIX=1 adds it back, =0 leaves it out of a full run) and no README support table
// (scripts/support-table.mjs), which a full run writes.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { countPlaywright, countVitest } from './report-counts.mjs'

const RESULTS = '.tmp/results'
rmSync(RESULTS, { recursive: true, force: true })
mkdirSync(RESULTS, { recursive: true })

const e2eArgs = process.argv.slice(2)
const e2eCommand = ['npx', 'playwright', 'test', ...e2eArgs]
// WebKit's MiniBrowser needs an X display (Chromium and Firefox run headless): without one, a virtual one.
const needsDisplay = !process.env.DISPLAY && runsWebKit(e2eArgs)

const steps = [
  { name: 'build', command: ['npm', 'run', 'build'] },
  // The bytes every visitor pays, against their ceilings (scripts/sizes.mjs): a size over one fails the run.
  { name: 'sizes', command: ['node', 'scripts/check-sizes.mjs', '--report', `${RESULTS}/sizes.json`], report: `${RESULTS}/sizes.json`, count: countSizes },
  { name: 'typecheck', command: ['npm', 'run', 'typecheck'] },
  { name: 'unit', command: ['npx', 'vitest', 'run'], report: `${RESULTS}/unit.json`, count: countVitest },
  { name: 'e2e', command: needsDisplay ? ['xvfb-run', '-a', ...e2eCommand] : e2eCommand, report: `${RESULTS}/e2e.json`, count: countPlaywright },
  // The tests that depend on Vite's version also run on Vite 6 and 7 (the steps above ran them on 8): 1 to 1.5
  // minutes more.
  ...((process.env.GATEKEEPER_VITE_MATRIX ?? (e2eArgs.length === 0 ? '1' : '0')) === '1'
    ? [{ name: 'vite 6 and 7', command: ['node', 'scripts/vite-matrix.mjs', 'vite6', 'vite7'], report: `${RESULTS}/vite-matrix/summary.json`, count: countMatrix }]
    : []),
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
// A full run (no arguments) writes the README's support table from the end-to-end report.
if (e2eArgs.length === 0 && existsSync(`${RESULTS}/e2e.json`)) {
  console.log('\n▶ support table: node scripts/support-table.mjs')
  if (spawnSync('node', ['scripts/support-table.mjs'], { stdio: 'inherit' }).status !== 0) failed += 1
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)

/** Whether Playwright runs the webkit project with these arguments: all projects unless `--project` names some. */
function runsWebKit(args) {
  const named = args.flatMap((arg, index) => {
    if (arg.startsWith('--project=')) return arg.slice('--project='.length).split(',')
    if (arg !== '--project') return []
    const rest = args.slice(index + 1)
    const end = rest.findIndex((next) => next.startsWith('-'))
    return end === -1 ? rest : rest.slice(0, end)
  })
  return named.length === 0 || named.includes('webkit')
}

function countMatrix(summary) {
  return { passed: summary.passed, failed: summary.failed }
}

/** scripts/check-sizes.mjs's report: each size within its ceiling passed. */
function countSizes(report) {
  return { passed: report.passed, failed: report.failed }
}
