/**
 * Issue 4, the version lifecycle: old tabs keep working after their files are deleted (with precache), caches stay
 * bounded, the worker's records survive its restarts and its own upgrades, a transient 500 does not cost the
 * install, the state page shows it all, and the kill switch removes everything while tabs keep working.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StateReport } from '../sw/report.js'
import type { Tab } from './driver/driver.js'
import { appState, navigateClientSide, waitForRoute, waitUntilArmed, waitUntilGuarded, workerState } from './support/app.js'
import { releasesDir } from './support/releases.js'
import { expect, needs, test } from './support/test.js'

const manifestOf = (variant: 'default' | 'lifecycle', release: string) =>
  JSON.parse(readFileSync(join(releasesDir('history-app', variant), release, 'deploy-manifest.json'), 'utf8')) as {
    version: string
    assets: string[]
  }

/**
 * Waits until the worker keeps every hashed file of `version`: its cache then holds them, the manifest and the
 * fallback page of this browser's language (English, the default).
 */
async function waitForPrecache(tab: Tab, version: string, files: number): Promise<void> {
  await tab.waitFor(
    `window.fixture.getState().then((state) => state?.versions.some((kept) => kept.version === ${JSON.stringify(version)} && kept.cache.entries === ${files + 2}))`,
    `the worker keeps all ${files} files of ${version}`,
  )
}

test('precache all: after the host deletes v1, a tab on v1 opens a lazy route it never loaded, on v1, and its next navigation goes to v2', { tag: '@lifecycle' }, async ({
  session,
  openSite,
}) => {
  const site = await openSite({ server: 'node', mode: 'strict', variant: 'lifecycle' })
  const tab = await session.openTab(site.url)
  await waitUntilGuarded(tab)
  const v1 = manifestOf('lifecycle', 'v1')
  // Every hashed file, plus the manifest and the fallback pages.
  await waitForPrecache(tab, v1.version, v1.assets.length)
  const before = await appState(tab)

  site.deploy('v2')
  await tab.click('nav a[href="/b"]')
  const onB = await waitForRoute(tab, 'b', 'v1')
  expect(onB.timeOrigin, 'the route opened in the same document, from the worker').toBe(before.timeOrigin)
  expect(onB.routeRelease).toBe('v1')
  expect(onB.errorsShown).toBe(0)

  // The worker asked the host whether the file it served is still there, found it gone, and confirmed v2.
  await waitUntilArmed(tab, 'v2')
  await tab.click('nav a[href="/c?tab=1#details"]')
  const onC = await waitForRoute(tab, 'c', 'v2')
  expect(onC.loads).toBe(before.loads + 1)
})

test('caches of v1 go away once no tab runs it and the grace period has passed', { tag: '@lifecycle' }, async ({ session, openSite }) => {
  const site = await openSite({ server: 'node', mode: 'strict', variant: 'lifecycle' })
  const tab = await session.openTab(site.url)
  await waitUntilGuarded(tab)
  const [v1, v2] = [manifestOf('lifecycle', 'v1').version, manifestOf('lifecycle', 'v2').version]
  const cacheNames = "caches.keys().then((names) => names.filter((name) => name.startsWith('version-gatekeeper')).sort())"
  expect(await tab.evaluate(cacheNames)).toEqual(['version-gatekeeper#state', `version-gatekeeper:${v1}`])

  site.deploy('v2')
  await tab.click('nav a[href="/a"]') // its file is precached: the worker finds v2 through the revalidation
  await waitUntilArmed(tab, 'v2')
  await tab.click('nav a[href="/b"]')
  await waitForRoute(tab, 'b', 'v2')
  // v1 still counts while its tab may come back (the grace period is 2 s in this build); then the next time a tab
  // talks to the worker, its caches go.
  await new Promise((resolve) => setTimeout(resolve, 2500))
  await session.openTab(site.url)
  await tab.waitFor(`${cacheNames}.then((names) => !names.includes('version-gatekeeper:${v1}'))`, 'the caches of v1 are deleted')
  expect(await tab.evaluate(cacheNames)).toEqual(['version-gatekeeper#state', `version-gatekeeper:${v2}`])
  const removed = (await workerState(tab)).events.filter((event) => event.what === 'removed')
  expect(removed.map((event) => event.detail.split(':')[0])).toEqual([v1])
})

test('the state page shows two tabs on two versions, and the worker keeps its records when the browser stops it', { tag: '@lifecycle' }, async ({
  session,
  openSite,
}) => {
  needs(session, 'stopServiceWorkers')
  const site = await openSite({ server: 'node', mode: 'strict' })
  const a = await session.openTab(site.url)
  await waitUntilGuarded(a)
  site.deploy('v2')
  const b = await session.openTab(site.url)
  await waitUntilGuarded(b)
  await waitUntilArmed(a, 'v2')
  const [v1, v2] = [manifestOf('default', 'v1').version, manifestOf('default', 'v2').version]
  // The worker tells the tabs first, then keeps the new deployment's files: wait for its cache.
  await a.waitFor(
    `window.fixture.getState().then((state) => state.versions.some((kept) => kept.version === ${JSON.stringify(v2)}))`,
    'the worker keeps v2',
  )

  const check = (report: StateReport) => {
    expect(report.newest?.version).toBe(v2)
    expect(report.tabs.map((tab) => tab.version).sort()).toEqual([v1, v2].sort())
    expect(report.versions.map(({ version, tabs, newest }) => ({ version, tabs, newest }))).toEqual([
      { version: v2, tabs: 1, newest: true },
      { version: v1, tabs: 1, newest: false },
    ])
    expect(report.versions.map((kept) => kept.cache.name)).toEqual([`version-gatekeeper:${v2}`, `version-gatekeeper:${v1}`])
    expect(report.events.map((event) => event.what)).toEqual(expect.arrayContaining(['learned', 'new deployment']))
  }
  const before = await workerState(a)
  check(before)

  await session.stopServiceWorkers()
  const after = await workerState(b) // the request starts the worker again: its records come from Cache Storage
  expect(after.workerStartedAt, 'another instance of the worker answers').not.toBe(before.workerStartedAt)
  check(after)
  await a.click('nav a[href="/c?tab=1#details"]')
  await waitForRoute(a, 'c', 'v2')
})

test('a transient 500 during the install does not cost the service worker, nor the precached files', { tag: '@lifecycle' }, async ({ session, openSite }) => {
  const site = await openSite({ server: 'node', mode: 'strict', variant: 'lifecycle' })
  const v1 = manifestOf('lifecycle', 'v1')
  // The manifest's first answer and the first answer for two files fail, as a host restarting would.
  site.injectFault(/^\/deploy-manifest\.json/, { status: 500 })
  for (const file of v1.assets.slice(0, 2)) site.injectFault((path) => path === `/${file}`, { status: 500 })
  const tab = await session.openTab(site.url)
  await waitUntilGuarded(tab)
  await waitForPrecache(tab, v1.version, v1.assets.length)
  expect((await workerState(tab)).newest?.version).toBe(v1.version)
  expect(site.requests.filter((request) => request.status === 500)).toHaveLength(3)
})

test('a new release of the gatekeeper reads the records of the one before it (state schema 1)', { tag: '@lifecycle' }, async ({ session, openSite }) => {
  needs(session, 'stopServiceWorkers')
  const site = await openSite({ server: 'node', mode: 'strict' })
  const tab = await session.openTab(site.url)
  await waitUntilGuarded(tab)
  const v1 = manifestOf('default', 'v1').version
  // The running worker writes its records through on every change: let it finish its install's work and answer
  // first, so that nothing it writes afterwards replaces the old release's records before it stops.
  await tab.waitFor(`window.fixture.getState().then((state) => state?.events.some((event) => event.what === 'precached'))`, 'the worker keeps the entry files')
  const before = await workerState(tab)
  // What the previous release left in Cache Storage: schema 1, tabs without builtAt.
  const stored = { schema: 1, newest: { version: v1, builtAt: '2026-01-01T00:00:00.000Z' }, tabs: { old: { version: v1, seenAt: 1 } }, lastCheck: null }
  await tab.evaluate(
    `caches.open('version-gatekeeper#state').then((cache) => cache.put(new URL('__version-gatekeeper/state.json', location.origin + '/').href, new Response(${JSON.stringify(JSON.stringify(stored))})))`,
  )
  await session.stopServiceWorkers()
  const report = await workerState(tab)
  expect(report.workerStartedAt, 'another instance of the worker answers').not.toBe(before.workerStartedAt)
  expect(report.newest?.version).toBe(v1)
  expect(report.events).toContainEqual(expect.objectContaining({ what: 'migrated', detail: 'state schema 1 to 2' }))
  await navigateClientSide(tab, '/a', 'a') // the tab the old records knew keeps working
})

test('a request with the bypass query parameter or header goes to the host, not to the worker', { tag: '@lifecycle' }, async ({ session, openSite }) => {
  const site = await openSite({ server: 'node', mode: 'strict' })
  const tab = await session.openTab(site.url)
  await waitUntilGuarded(tab)
  const entry = `/${manifestOf('default', 'v1').assets.find((file) => file.includes('index-'))!}`
  await tab.waitFor(`window.fixture.getState().then((state) => state?.events.some((event) => event.what === 'precached'))`, 'the worker keeps the entry files')
  // A script element asks for a kept file: the worker answers from its cache, unless the URL asks to bypass it.
  const runScript = (src: string) =>
    tab.evaluate(`new Promise((resolve) => {
      const script = Object.assign(document.createElement('script'), { src: ${JSON.stringify('__SRC__')}.replace('__SRC__', '${src}') })
      script.onload = script.onerror = () => resolve(null)
      document.head.append(script)
    })`)
  // (The worker then asks the host with a HEAD whether the file is still there; only GETs fetch files.)
  const fetched = () => site.requests.filter((request) => request.method === 'GET').map((request) => request.path)
  site.clearRequests()
  await runScript(entry)
  expect(fetched(), 'the worker answered from its cache').toEqual([])
  await runScript(`${entry}?version-gatekeeper-bypass`)
  expect(fetched()).toEqual([`${entry}?version-gatekeeper-bypass`])

  // The state page is the worker's own: with the header, the request reaches the host, which has no such file.
  const state = (headers: Record<string, string>) =>
    tab.evaluate(`fetch('/__version-gatekeeper/state', { headers: ${JSON.stringify(headers)} }).then((response) => response.headers.get('content-type'))`)
  expect(await state({})).toMatch(/^application\/json/)
  expect(await state({ 'x-version-gatekeeper-bypass': '1' })).toMatch(/^text\/html/)
})

test('the kill switch leaves no service worker and no cache, and the open tabs keep working', { tag: '@behaviour-10' }, async ({ session, openSite }) => {
  // v1 of the app with the gatekeeper, then a deployment built with killSwitch: true.
  const site = await openSite({ server: 'node', mode: 'strict', releasesDir: mergedReleases() })
  const a = await session.openTab(site.url)
  await waitUntilGuarded(a)
  const b = await session.openTab(site.url)
  await waitUntilGuarded(b)
  await b.type('#note', 'kept through the removal')

  site.deploy('v2')
  await a.goto(site.url) // a document load: the browser checks sw.js, which is now the kill switch
  await a.waitFor(
    'navigator.serviceWorker.getRegistrations().then((registrations) => registrations.length === 0)',
    'no service worker is registered',
    30_000,
  )
  expect(await a.evaluate("caches.keys().then((names) => names.filter((name) => name.startsWith('version-gatekeeper')))")).toEqual([])
  expect(await a.evaluate('document.querySelector("script:not([src])")')).toBeNull() // no runtime in the page
  await navigateClientSide(a, '/b', 'b')
  expect((await appState(a)).routeRelease).toBe('v2')

  // Tab B was controlled by the removed worker: it still navigates, and its text is still there.
  expect(await b.evaluate('document.getElementById("note").value')).toBe('kept through the removal')
  await b.click('nav a[href="/a"]')
  await b.waitFor('document.querySelector("[data-route]")?.dataset.route === "a"', 'tab B shows route a')
})

/** A releases directory with v1 of the app and, as v2, the kill-switch build: copies, next to the fixture builds. */
function mergedReleases(): string {
  const dir = join(releasesDir('history-app', 'default'), '..', 'with-kill-switch')
  if (!existsSync(join(dir, 'v2', 'sw.js'))) {
    cpSync(join(releasesDir('history-app', 'default'), 'v1'), join(dir, 'v1'), { recursive: true })
    cpSync(join(releasesDir('history-app', 'kill-switch'), 'v2'), join(dir, 'v2'), { recursive: true })
  }
  return dir
}
