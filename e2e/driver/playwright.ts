/** The Playwright adapter: Debian's Chromium (and, through WebDriver BiDi, Firefox ESR). */
import type { Browser, Page } from '@playwright/test'
import { FIREFOX_WORKER_IDLE_MS } from './engines.js'
import type { BrowserSession, Engine, SessionOptions, Tab } from './driver.js'

const GATEKEEPER_PREFIX = '[version-gatekeeper]'
const DEFAULT_TIMEOUT_MS = 15_000

/** A session in a fresh browser context of `browser`, with service workers allowed. */
export async function playwrightSession(browser: Browser, engine: Engine, options: SessionOptions = {}): Promise<BrowserSession> {
  const context = await browser.newContext({ serviceWorkers: 'allow', ...(options.locale ? { locale: options.locale } : {}) })
  const errors: string[] = []
  const collect = (type: string, text: string) => {
    if (type === 'error' || (type === 'warning' && text.includes(GATEKEEPER_PREFIX))) errors.push(text)
  }
  context.on('console', (message) => collect(message.type(), message.text()))
  context.on('weberror', (error) => collect('error', String(error.error())))
  return {
    engine,
    async openTab(url) {
      const page = await context.newPage()
      await page.goto(url)
      return playwrightTab(page)
    },
    gatekeeperErrors: () => errors.filter((text) => text.includes(GATEKEEPER_PREFIX)),
    policyViolations: () => errors.filter((text) => /Content.Security.Policy/i.test(text)),
    setOnline: (online) => context.setOffline(!online),
    async stopServiceWorkers() {
      // Firefox stops idle workers by itself, after the idle timeout the project sets: wait it out, quietly.
      if (engine === 'firefox') return new Promise((resolve) => setTimeout(resolve, FIREFOX_WORKER_IDLE_MS * 2.5))
      const [page] = context.pages()
      if (!page) throw new Error('stopping service workers needs an open tab')
      const devtools = await context.newCDPSession(page)
      await devtools.send('ServiceWorker.enable')
      await devtools.send('ServiceWorker.stopAllWorkers')
      await devtools.detach()
    },
    close: () => context.close(),
  }
}

function playwrightTab(page: Page): Tab {
  const evaluate = async <T>(expression: string): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await page.evaluate(expression)) as T
      } catch (error) {
        // A document being replaced destroys the execution context; ask the next document.
        if (attempt >= 20 || !/context was destroyed|navigat/i.test(String(error))) throw error
        await page.waitForLoadState('domcontentloaded').catch(() => undefined)
      }
    }
  }
  // A user acts in the tab in front. Headless Chromium throttles animation frames in the others, and Playwright's
  // wait for a stable element then costs about a second per click.
  const inFront = async () => page.bringToFront()
  return {
    click: async (selector) => {
      await inFront()
      await page.click(selector)
    },
    type: async (selector, text) => {
      await inFront()
      await page.locator(selector).pressSequentially(text)
    },
    evaluate,
    async waitFor(expression, description, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs
      while (!(await evaluate<unknown>(expression).catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`)
        await page.waitForTimeout(50)
      }
    },
    // A restore from the back/forward cache fires no load event: wait for the commit only.
    back: async () => void (await page.goBack({ waitUntil: 'commit' })),
    goto: async (url) => void (await page.goto(url)),
    timeOrigin: () => evaluate<number>('performance.timeOrigin'),
  }
}

