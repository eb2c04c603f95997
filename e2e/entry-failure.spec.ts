/**
 * Behaviour 7: the app's entry script cannot load (blocked, a 5xx, HTML served for JavaScript). The inline
 * bootstrap reloads the document once, then shows the fallback page of the document's deployment instead of a
 * blank screen, and stays there: a host that keeps failing costs two document loads, not a loop.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Tab } from './driver/driver.js'
import { waitUntilGuarded } from './support/app.js'
import { releasesDir } from './support/releases.js'
import { expect, test } from './support/test.js'

/** The manifest of a release of the fixture app. */
function manifestOf(release: string): { version: string; entry: string[] } {
  return JSON.parse(readFileSync(join(releasesDir('history-app', 'default'), release, 'deploy-manifest.json'), 'utf8'))
}

/** Waits for the fallback page, and reads its version, its language and the address it shows. */
async function waitForFallback(tab: Tab): Promise<{ version: string; lang: string; address: string }> {
  await tab.waitFor('document.documentElement.hasAttribute("data-gatekeeper-fallback")', 'the fallback page shows')
  return tab.evaluate(
    '({ version: document.documentElement.dataset.version, lang: document.documentElement.lang, address: location.pathname + location.search })',
  )
}

/** Waits long enough for a loop to show itself, then counts the document loads of `path`. */
async function documentLoadsAfterSettling(site: { readRequests(): Promise<{ path: string }[]> }, path: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  return (await site.readRequests()).filter((request) => request.path === path).length
}

for (const strictCsp of [false, true]) {
  const policy = strictCsp ? ', under a CSP without unsafe-inline' : ''

  test(`first visit, no service worker yet, entry script answers 503${policy}: one retry, then the fallback page of this deployment, and no further loads`, { tag: '@behaviour-7' }, async ({
    session,
    openSite,
  }) => {
    const site = await openSite({ server: 'node', mode: 'strict', strictCsp })
    site.injectFault((path) => path.startsWith('/assets/index-'), { status: 503 }, 1000)
    const tab = await session.openTab(site.url)

    const fallback = await waitForFallback(tab)
    expect(fallback, 'the fallback of this deployment, at the address the reader asked for').toEqual({
      version: manifestOf('v1').version,
      lang: 'en',
      address: '/',
    })
    expect(await documentLoadsAfterSettling(site, '/'), 'document loads: the first and one retry').toBe(2)
    expect(await tab.evaluate('!!document.querySelector("[data-gatekeeper-retry]")')).toBe(true)
    expect(session.policyViolations()).toEqual([])
  })
}

test('controlled visit, the new deployment’s entry script is blocked: one retry, then the fallback page of the new deployment', { tag: '@behaviour-7' }, async ({
  session,
  openSite,
}) => {
  const site = await openSite({ server: 'node', mode: 'strict', strictCsp: true })
  const tab = await session.openTab(site.url)
  await waitUntilGuarded(tab)

  site.deploy('v2')
  const blockedEntry = `/${manifestOf('v2').entry[0]}`
  site.injectFault((path) => path === blockedEntry, 'reset', 1000)
  site.clearRequests()
  await tab.goto(site.url)

  expect(await waitForFallback(tab)).toEqual({ version: manifestOf('v2').version, lang: 'en', address: '/' })
  expect(await documentLoadsAfterSettling(site, '/'), 'document loads: the visit and one retry').toBe(2)
  expect(session.policyViolations()).toEqual([])

  // The host recovers with another deployment: the retry control reloads the address, and the app starts.
  site.deploy('v3')
  await tab.click('[data-gatekeeper-retry]')
  await tab.waitFor('window.fixture?.release === "v3"', 'the app starts on v3')
})

test.describe('a reader whose browser speaks de-DE', () => {
  test.use({ locale: 'de-DE' })

  test('first visit, entry script refused: the page picks the German fallback page from the host itself', { tag: '@behaviour-7' }, async ({ session, openSite }) => {
    const site = await openSite({ server: 'node', mode: 'strict' })
    site.injectFault((path) => path.startsWith('/assets/index-'), 'reset', 1000)
    const tab = await session.openTab(site.url)
    expect(await waitForFallback(tab)).toEqual({ version: manifestOf('v1').version, lang: 'de', address: '/' })
    expect(site.requests.some((request) => /^\/fallback\.[0-9a-f]+\.de\.html\?/.test(request.path))).toBe(true)
  })
})

test('SPA-rewrite host serving index.html for a missing entry script (a MIME error): one retry, then the fallback page', { tag: '@behaviour-7' }, async ({
  session,
  openSite,
}) => {
  // A release whose index.html names an entry script that is not there, as when HTML outlives its deployment.
  const broken = mkdtempSync(join(tmpdir(), 'vg-broken-release-'))
  cpSync(join(releasesDir('history-app', 'default'), 'v1'), join(broken, 'v1'), { recursive: true })
  rmSync(join(broken, 'v1', manifestOf('v1').entry[0]!))
  try {
    const site = await openSite({ server: 'node', mode: 'spa', releasesDir: broken })
    const tab = await session.openTab(site.url)
    expect(await waitForFallback(tab)).toEqual({ version: manifestOf('v1').version, lang: 'en', address: '/' })
    expect(await documentLoadsAfterSettling(site, '/')).toBe(2)
  } finally {
    rmSync(broken, { recursive: true, force: true })
  }
})
