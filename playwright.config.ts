import { defineConfig } from '@playwright/test'

/** Debian's Chromium (apt-get install chromium); Playwright's own browser downloads do not work on these machines. */
const CHROMIUM = '/usr/lib/chromium/chromium'

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/support/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.tmp/results/e2e.json' }]],
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--disable-gpu', '--disable-quic', '--disable-background-networking'],
          // Playwright turns the back/forward cache off by default; tabs restored from it are a case we test.
          ignoreDefaultArgs: ['--disable-back-forward-cache'],
        },
      },
    },
  ],
})
