/**
 * How each engine runs on these machines: Debian's browsers (Playwright's own browser downloads do not work here),
 * with the few settings the scenarios need. Read by playwright.config.ts and by the drivers.
 */

/** Debian's Chromium (apt-get install chromium). */
export const CHROMIUM = '/usr/lib/chromium/chromium'
/** Without the background-networking flags, Chromium's connections are refused here, many at a time. */
export const CHROMIUM_ARGS = ['--disable-gpu', '--disable-quic', '--disable-background-networking']

/** Firefox ESR (apt-get install firefox-esr), driven by Playwright 1.64 over WebDriver BiDi. */
export const FIREFOX = '/usr/bin/firefox-esr'

/**
 * Firefox stops a service worker after 1 s without events instead of 30 s: every scenario then also runs across
 * worker restarts (the worker's records must come from Cache Storage), and a test can stop workers by waiting.
 */
export const FIREFOX_WORKER_IDLE_MS = 1000

export const FIREFOX_PREFS = {
  'dom.serviceWorkers.idle_timeout': FIREFOX_WORKER_IDLE_MS,
  // Work a worker was asked to finish (a held request, a precache) keeps it alive as long as in a real browser.
  'dom.serviceWorkers.idle_extended_timeout': 30_000,
}

/**
 * WebKitGTK's WebDriver server (apt-get install webkit2gtk-driver). Playwright's own WebKit build cannot be used
 * here; WebKit is driven over WebDriver classic instead (e2e/driver/webdriver.ts).
 */
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver'
/** The browser WebKitWebDriver starts for each session; it needs an X display (run under `xvfb-run -a`). */
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
export const MINIBROWSER_ARGS = ['--automation']
