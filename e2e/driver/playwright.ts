/** The Playwright adapter: Debian's Chromium (and, through WebDriver BiDi, Firefox ESR). */
import type { Browser, Page } from '@playwright/test'
import { FIREFOX_WORKER_IDLE_MS } from './engines.js'
import type { BrowserSession, Engine, ModifierKey, SessionOptions, Tab } from './driver.js'

const GATEKEEPER_PREFIX = '[version-gatekeeper]'
const DEFAULT_TIMEOUT_MS = 15_000
/** An evaluation takes milliseconds; one that has not answered in 2 s asked a document that is gone. */
const EVALUATION_DEADLINE_MS = 2_000

/** A session in a fresh browser context of `browser`, with service workers allowed. */
export async function playwrightSession(browser: Browser, engine: Engine, options: SessionOptions = {}): Promise<BrowserSession> {
  const context = await browser.newContext({ serviceWorkers: 'allow', ...(options.locale ? { locale: options.locale } : {}) })
  // `navigation` is an own, configurable property of the window: deleted before the page's first script runs.
  if (options.withoutNavigationApi) await context.addInitScript('delete window.navigation')
  const errors: string[] = []
  const collect = (type: string, text: string) => {
    if (type === 'error' || (type === 'warning' && text.includes(GATEKEEPER_PREFIX))) errors.push(text)
  }
  context.on('console', (message) => collect(message.type(), message.text()))
  context.on('weberror', (error) => collect('error', String(error.error())))
  return {
    engine,
    browser: `${engine === 'chromium' ? 'Chromium' : 'Firefox'} ${browser.version()}`,
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
    cannot: {},
    close: () => context.close(),
  }
}

function playwrightTab(page: Page): Tab {
  const evaluate = async <T>(expression: string): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        // An evaluation that lands in a document entering the back/forward cache is frozen with it and never
        // answers: it gets a deadline, then the question goes to the document shown now.
        const frozen = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer: navigated away')), EVALUATION_DEADLINE_MS))
        return (await Promise.race([page.evaluate(expression), frozen])) as T
      } catch (error) {
        // A document being replaced destroys the execution context; ask the next document. (Not by waiting for a
        // load event: a document restored from the back/forward cache fires none.)
        if (attempt >= 40 || !/context was destroyed|navigat/i.test(String(error))) throw error
        await page.waitForTimeout(50)
      }
    }
  }
  // A user acts in the tab in front, with the mouse and the keyboard: real input events at the element's centre.
  // Not Playwright's element actions: over WebDriver BiDi they never finish on a document Firefox restored from
  // the back/forward cache, and headless Chromium throttles the animation frames they wait for in other tabs.
  const pointAt = async (selector: string) => {
    const centre = `(() => {
      const element = document.querySelector(${JSON.stringify(selector)})
      if (!element) return null
      element.scrollIntoView({ block: 'center' })
      const box = element.getBoundingClientRect()
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
    })()`
    const deadline = Date.now() + DEFAULT_TIMEOUT_MS
    for (;;) {
      const point = await evaluate<{ x: number; y: number } | null>(centre).catch(() => null)
      if (point) return point
      if (Date.now() > deadline) throw new Error(`no element matches ${selector}`)
      await page.waitForTimeout(50)
    }
  }
  const clickAt = async (selector: string, modifiers: readonly ModifierKey[] = []) => {
    await page.bringToFront()
    const { x, y } = await pointAt(selector)
    for (const key of modifiers) await page.keyboard.down(key)
    await page.mouse.click(x, y)
    for (const key of modifiers) await page.keyboard.up(key)
  }
  // A history traversal, as the back and forward buttons make. Not page.goBack(): over WebDriver BiDi it makes
  // Firefox load the entry afresh instead of restoring it from the back/forward cache, and Playwright does not learn
  // the URL of a restored document there. Done when the document's own address has changed.
  const traverse = async (direction: 'back' | 'forward') => {
    const from = await evaluate<string>('location.href')
    await page.evaluate(`history.${direction}()`)
    const deadline = Date.now() + DEFAULT_TIMEOUT_MS
    while ((await evaluate<string>('location.href').catch(() => from)) === from) {
      if (Date.now() > deadline) throw new Error(`timed out after ${DEFAULT_TIMEOUT_MS} ms going ${direction} from ${from}`)
      await page.waitForTimeout(50)
    }
  }
  return {
    click: clickAt,
    async type(selector, text) {
      await clickAt(selector)
      await page.keyboard.type(text)
    },
    evaluate,
    async waitFor(expression, description, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs
      while (!(await evaluate<unknown>(expression).catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`)
        await page.waitForTimeout(50)
      }
    },
    back: () => traverse('back'),
    forward: () => traverse('forward'),
    goto: async (url) => void (await page.goto(url)),
    timeOrigin: () => evaluate<number>('performance.timeOrigin'),
  }
}

