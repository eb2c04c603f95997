/**
 * Behaviour 6: offline, or with a host that refuses connections, a document navigation gets the fallback page of
 * the tab's deployment in the reader's language, with status 503, from the service worker; retrying (the control,
 * or the browser coming back online) brings the app back once the host answers.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Tab } from './driver/driver.js'
import { documentVersion, waitForRoute, waitUntilGuarded } from './support/app.js'
import { releasesDir } from './support/releases.js'
import { expect, needs, test } from './support/test.js'

const FALLBACK = {
  version: 'document.documentElement.dataset.version',
  lang: 'document.documentElement.lang',
  dir: 'document.documentElement.dir',
  status: "performance.getEntriesByType('navigation')[0].responseStatus",
}
/**
 * The status the page sees of its own response, or null where Navigation Timing has no `responseStatus`: WebKit
 * (https://developer.mozilla.org/en-US/docs/Web/API/PerformanceResourceTiming/responseStatus#browser_compatibility).
 * There, the test asserts that the status is still not observable, so a WebKit that adds it makes the test ask for
 * the real status.
 */
const expectedStatus = (engine: string, status: number) => (engine === 'webkit' ? null : status)

for (const strictCsp of [false, true]) {
  const policy = strictCsp ? ', under a CSP without unsafe-inline' : ''

  test(`host refusing connections${policy}: a navigation gets the 503 fallback page of the tab's version, and its retry control brings the app back`, { tag: '@behaviour-6' }, async ({
    session,
    openSite,
  }) => {
    const site = await openSite({ server: 'node', mode: 'strict', strictCsp })
    const tab = await session.openTab(site.url)
    await waitUntilGuarded(tab)
    const version = await documentVersion(tab)

    site.refuseConnections(true)
    await tab.goto(`${site.url}b`)
    await tab.waitFor('document.documentElement.hasAttribute("data-gatekeeper-fallback")', 'the fallback page shows')
    expect(await tab.evaluate(FALLBACK.version)).toBe(version)
    expect(await tab.evaluate(FALLBACK.lang)).toBe('en')
    expect(await tab.evaluate(FALLBACK.status)).toBe(expectedStatus(session.engine, 503))
    expect(await tab.evaluate('location.pathname'), 'the address stays the one the reader asked for').toBe('/b')

    site.refuseConnections(false)
    await tab.click('[data-gatekeeper-retry]')
    await waitForRoute(tab, 'b', 'v1')
    expect(session.policyViolations()).toEqual([])
  })
}

test('host refusing connections: the fallback page retries by itself when the browser comes back online', { tag: '@behaviour-6' }, async ({ session, openSite }) => {
  needs(session, 'setOnline')
  const site = await openSite({ server: 'node', mode: 'strict', strictCsp: true })
  const tab = await session.openTab(site.url)
  await waitUntilGuarded(tab)
  site.refuseConnections(true)
  await tab.goto(`${site.url}a`)
  await tab.waitFor('document.documentElement.hasAttribute("data-gatekeeper-fallback")', 'the fallback page shows')

  site.refuseConnections(false)
  // The browser loses its connection and gets it back: the page must see itself offline first, or Chromium folds
  // the two changes into none and fires no online event.
  await session.setOnline(false)
  await tab.waitFor('navigator.onLine === false', 'the page sees the browser offline')
  await session.setOnline(true)
  await waitForRoute(tab, 'a', 'v1')
  expect(session.policyViolations()).toEqual([])
})

for (const [locale, lang, dir] of [
  ['de-DE', 'de', 'ltr'],
  ['ar-EG', 'ar', 'rtl'],
  ['he', 'he', 'rtl'],
] as const) {
  test.describe(`a reader whose browser speaks ${locale}`, () => {
    test.use({ locale })

    test(`offline, gets the fallback page in ${lang}, written ${dir}`, { tag: '@behaviour-6' }, async ({ session, openSite }) => {
      const site = await openSite({ server: 'node', mode: 'strict' })
      const tab = await session.openTab(site.url)
      await waitUntilGuarded(tab)
      await waitUntilPageKept(tab, new URL(manifestPages()[lang]!, site.url).href, lang)
      site.refuseConnections(true)
      await tab.goto(`${site.url}c?tab=1`)
      await tab.waitFor('document.documentElement.hasAttribute("data-gatekeeper-fallback")', 'the fallback page shows')
      expect(await tab.evaluate(FALLBACK.lang)).toBe(lang)
      expect(await tab.evaluate(FALLBACK.dir)).toBe(dir)
      expect(await tab.evaluate('document.querySelector("[data-gatekeeper-retry]").textContent')).not.toBe('Try again')
    })
  })
}

/** The fallback pages of v1 of the fixture, by locale. */
function manifestPages(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(releasesDir('history-app', 'default'), 'v1', 'deploy-manifest.json'), 'utf8'))
  return (manifest as { fallback: { pages: Record<string, string> } }).fallback.pages
}

/** The worker keeps the page of the languages its tab reads once the tab has told it (its first CHECK): waits for that. */
async function waitUntilPageKept(tab: Tab, page: string, lang: string): Promise<void> {
  await tab.waitFor(`caches.match(${JSON.stringify(page)}).then(Boolean)`, `the worker keeps the ${lang} fallback page`)
}

test.describe('a reader whose browser speaks fr-FR', () => {
  test.use({ locale: 'fr-FR' })

  test('the worker serves a fallback page it keeps from its cache, even while the host fails it', { tag: '@behaviour-6' }, async ({ session, openSite }) => {
    const site = await openSite({ server: 'node', mode: 'strict' })
    const tab = await session.openTab(site.url)
    await waitUntilGuarded(tab)
    const version = await documentVersion(tab)
    const page = manifestPages().fr!
    await waitUntilPageKept(tab, new URL(page, site.url).href, 'fr')
    site.injectFault((path) => path.startsWith(`/${page}`), { status: 503 }, 100)
    await tab.goto(`${site.url}${page}`)
    await tab.waitFor('document.documentElement.hasAttribute("data-gatekeeper-fallback")', 'the fallback page shows')
    expect(await tab.evaluate(FALLBACK.lang)).toBe('fr')
    expect(await tab.evaluate(FALLBACK.version)).toBe(version)
    expect(await tab.evaluate(FALLBACK.status)).toBe(expectedStatus(session.engine, 200))
  })
})
