/**
 * Headless Chromium for every column (Debian's build, with the e2e suite's settings), and the few things the
 * measurements do with a tab of the bench app.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/driver/engines.js'
import type { Alternative } from './app.js'

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}

/** A fresh profile: empty HTTP cache, no service worker, no storage. */
export function freshContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ serviceWorkers: 'allow' })
}

/** Alternatives whose page registers a service worker. */
export function hasServiceWorker(alternative: Alternative): boolean {
  return alternative === 'gatekeeper' || alternative === 'pwa-auto' || alternative === 'pwa-prompt'
}

/**
 * Opens `url` in a new tab and waits until the app rendered its route and, for an alternative with a service
 * worker, that worker controls the tab (a worker that does not claim open tabs, as with `prompt`, controls the
 * tab after one reload, as it would the user's next visit).
 */
export async function openReady(context: BrowserContext, url: string, alternative: Alternative): Promise<Page> {
  const page = await context.newPage()
  await page.goto(url)
  await waitRendered(page)
  if (hasServiceWorker(alternative)) {
    await page.evaluate(() => navigator.serviceWorker.ready)
    const controlled = await page
      .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 3_000 })
      .then(() => true, () => false)
    if (!controlled) {
      await page.reload()
      await waitRendered(page)
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    }
  }
  return page
}

export async function waitRendered(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as BenchWindow).bench?.renderedAt > 0)
}

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** What the bench app exposes on `window` (bench/app.ts). */
export interface BenchWindow {
  bench: { release: string; renderedAt: number; clickAt: number; timeLoad(path: string): Promise<number> }
}
