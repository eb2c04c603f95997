import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Unit tests sit beside the modules they test; the end-to-end specs (*.spec.ts) belong to Playwright.
    include: ['{manifest,channel,sw,app-runtime,build,cli,scripts,demo,bench}/**/*.test.ts', 'e2e/host/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', '.tmp/**'],
    reporters: ['default', ['json', { outputFile: '.tmp/results/unit.json' }]],
  },
})
