// What a test runner's JSON report counts as passed and failed, for the plain "N passed, N failed" line: shared by
// scripts/test.mjs and scripts/vite-matrix.mjs.

/** vitest's JSON reporter. */
export function countVitest(report) {
  return { passed: report.numPassedTests, failed: report.numFailedTests }
}

/** Playwright's JSON reporter: a flaky test passed in the end; a skipped one is neither. */
export function countPlaywright(report) {
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected }
}
