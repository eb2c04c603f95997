import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The runtime as the inline bundle builds it (scripts/build-scripts.mjs); the dev branches run in e2e/dev-server.spec.ts.
  define: { __VERSION_GATEKEEPER_DEV__: 'false' },
  test: {
    // Unit tests sit beside the modules they test; the end-to-end specs (*.spec.ts) belong to Playwright.
    include: ['{manifest,channel,sw,app-runtime,build,cli,scripts,demo,bench}/**/*.test.ts', 'e2e/host/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', '.tmp/**'],
    // scripts/vite-matrix.mjs writes its reports elsewhere, so they do not replace the full run's.
    reporters: ['default', ['json', { outputFile: process.env.GATEKEEPER_UNIT_REPORT ?? '.tmp/results/unit.json' }]],
  },
})
