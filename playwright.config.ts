import { defineConfig } from '@playwright/test'
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX, FIREFOX_PREFS } from './e2e/driver/engines.js'

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
          args: CHROMIUM_ARGS,
          // Playwright turns the back/forward cache off by default; tabs restored from it are a case we test.
          ignoreDefaultArgs: ['--disable-back-forward-cache'],
        },
      },
    },
    {
      name: 'firefox',
      use: {
        browserName: 'firefox',
        channel: 'moz-firefox', // WebDriver BiDi
        launchOptions: { executablePath: FIREFOX, firefoxUserPrefs: FIREFOX_PREFS },
      },
    },
    {
      // WebKitGTK's MiniBrowser over WebDriver classic (e2e/driver/webdriver.ts); no Playwright browser is launched.
      // It needs an X display: `npm test` provides one with xvfb-run when DISPLAY is unset; on its own, run
      // `xvfb-run -a npx playwright test --project webkit`.
      name: 'webkit',
      use: { browserName: 'webkit' },
    },
  ],
})
