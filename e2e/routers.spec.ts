/**
 * The runtime's promise, "whatever router the app uses", with the routers people use: React Router 7 (a data router
 * with lazy routes), Vue Router 4 and TanStack Router, each a small app (e2e/fixtures/*-router-app). The same
 * scenarios run over each, twice where the engine allows: with the browser's Navigation API, and without it (the
 * runtime's fallback path: the API removed before any script runs; WebKitGTK has none).
 *
 * Without a deploy every navigation stays in the document. After a deploy on a strict host, the tab that needs a
 * removed chunk, and then every other tab at its user's next navigation of any kind, make one document load to the
 * exact destination, query and hash included, and no error view ever shows on the way. Links the browser handles
 * itself are left to it.
 */
import type { BrowserSession, Tab } from './driver/driver.js'
import { appState, waitForRoute, waitUntilArmed, waitUntilGuarded, type AppState } from './support/app.js'
import type { FixtureApp } from './support/releases.js'
import { expect, test, type Site } from './support/test.js'

const ROUTERS: { app: FixtureApp; name: string }[] = [
  { app: 'react-router-app', name: 'React Router 7 (data router, lazy routes)' },
  { app: 'vue-router-app', name: 'Vue Router 4 (lazy route components)' },
  { app: 'tanstack-router-app', name: 'TanStack Router (lazy route components)' },
]

const PATHS = [
  { name: 'Navigation API path', withoutNavigationApi: false },
  { name: 'fallback path (no Navigation API)', withoutNavigationApi: true },
]

/** The links with a query and a hash that every app has (see URLS in e2e/fixtures/shared/router-apps.ts). */
const LINK_C = 'nav a[href="/c?tab=1#details"]'
/**
 * Tab A's way to find the deployment: route d, whose chunk no tab loads before the deploy. (A chunk one tab loaded
 * is kept by the worker for every tab of its deployment, and does not fail.)
 */
const LINK_D = 'nav a[href="/d?tab=2#summary"]'

/** Back to `/a`, client-side, before the deploy. */
const backToA = async (tab: Tab) => {
  await tab.back()
  await waitForRoute(tab, 'a', 'v1')
}

/**
 * What the armed tab does next, and where that must take it. Its history before the deploy: `/` → `/a` →
 * `/c?tab=1#details`, then `prepare`. Route b's chunk is the one it never loaded.
 */
const NEXT_NAVIGATIONS: {
  what: string
  prepare?(tab: Tab): Promise<void>
  act(tab: Tab): Promise<void>
  to: string
  route: string
  /** Where a router's limit takes the tab instead. */
  limits?: Partial<Record<FixtureApp, { to: string; route: string }>>
}[] = [
  { what: 'link click', prepare: backToA, act: (tab) => tab.click(LINK_C), to: '/c?tab=1#details', route: 'c' },
  {
    what: 'programmatic navigation',
    act: (tab) => tab.click('#go'),
    to: '/b?via=button#b-end',
    route: 'b',
    // Vue Router loads a lazy component before it moves the URL, and moves nothing when the load fails: the
    // destination lives only inside the router, and the tab reloads where it is (see README, Limits).
    limits: { 'vue-router-app': { to: '/c?tab=1#details', route: 'c' } },
  },
  { what: 'search-parameter change', prepare: backToA, act: (tab) => tab.click('#next-page'), to: '/a?page=2', route: 'a' },
  {
    what: 'back button',
    prepare: async (tab) => {
      await tab.click('nav a[href="/a"]')
      await waitForRoute(tab, 'a', 'v1')
    },
    act: (tab) => tab.back(),
    to: '/c?tab=1#details',
    route: 'c',
  },
  { what: 'forward button', prepare: backToA, act: (tab) => tab.forward(), to: '/c?tab=1#details', route: 'c' },
]

for (const router of ROUTERS) {
  for (const path of PATHS) {
    test.describe(`${router.name}, ${path.name}`, () => {
      test.use({ withoutNavigationApi: path.withoutNavigationApi })

      /** Opens the app at `/` in a new tab, once the worker controls it; skips where the path cannot run. */
      const openApp = async (session: BrowserSession, site: Site<'node'>): Promise<Tab> => {
        const tab = await session.openTab(site.url)
        // Guarded first: a test that ends while the worker registers would see its registration fail.
        await waitUntilGuarded(tab)
        const hasNavigationApi = await tab.evaluate<boolean>("typeof window.navigation === 'object' && window.navigation !== null")
        // Measured, not assumed: an engine without the Navigation API runs only the fallback path (natively), so the
        // Navigation API path is not testable there; the support table reports it so, with this reason.
        test.skip(!path.withoutNavigationApi && !hasNavigationApi, `${session.browser} has no Navigation API (window.navigation is undefined)`)
        expect(hasNavigationApi, 'the page sees the Navigation API').toBe(!path.withoutNavigationApi)
        await waitForRoute(tab, 'home', 'v1')
        return tab
      }

      test('without a deploy, link clicks, programmatic navigation, search-parameter changes, back, forward and hash links stay in the document', { tag: '@behaviour-1' }, async ({
        session,
        openSite,
      }) => {
        const site = await openSite({ server: 'node', mode: 'strict', app: router.app })
        const tab = await openApp(session, site)
        const start = await appState(tab)
        await site.clearRequests()

        const steps: [string, (tab: Tab) => Promise<void>, string, string][] = [
          ['link click', (tab) => tab.click('nav a[href="/a"]'), '/a', 'a'],
          ['search-parameter change', (tab) => tab.click('#next-page'), '/a?page=2', 'a'],
          ['programmatic navigation', (tab) => tab.click('#go'), '/b?via=button#b-end', 'b'],
          ['link with query and hash', (tab) => tab.click(LINK_C), '/c?tab=1#details', 'c'],
          ['hash link', (tab) => tab.click('#hash-link'), '/c?tab=1#end', 'c'],
          ['back over the hash link', (tab) => tab.back(), '/c?tab=1#details', 'c'],
          ['back', (tab) => tab.back(), '/b?via=button#b-end', 'b'],
          ['forward', (tab) => tab.forward(), '/c?tab=1#details', 'c'],
        ]
        for (const [what, act, to, route] of steps) {
          await act(tab)
          await tab.waitFor(`location.pathname + location.search + location.hash === ${JSON.stringify(to)}`, `the ${what} reaches ${to}`)
          const now = await waitForRoute(tab, route, 'v1')
          expect(now.timeOrigin, `the ${what} stays in the document`).toBe(start.timeOrigin)
        }

        const end = await appState(tab)
        expect(end.loads, 'documents loaded').toBe(start.loads)
        expect(end.errorsShown, 'error views shown').toBe(0)
        expect(documentRequests(await site.readRequests()), 'document requests to the host').toEqual([])
      })

      for (const next of NEXT_NAVIGATIONS) {
        const { to, route } = next.limits?.[router.app] ?? next
        const where = to === next.to ? to : `${to}, where it was (the router's limit)`
        test(`after a deploy, the tab that needs a removed chunk lands on its link's URL, and another tab's next ${next.what} is one document load to ${where}, with no error view on the way`, { tag: '@behaviour-2' }, async ({
          session,
          openSite,
        }) => {
          const site = await openSite({ server: 'node', mode: 'strict', app: router.app })
          const a = await openApp(session, site)
          const b = await openApp(session, site)
          for (const [link, route] of [['nav a[href="/a"]', 'a'], [LINK_C, 'c']] as const) {
            await b.click(link)
            await waitForRoute(b, route, 'v1')
          }
          await next.prepare?.(b)
          await b.type('#note', 'words not saved anywhere')
          const [aBefore, bBefore] = [await appState(a), await appState(b)]

          site.deploy('v2')
          const since = Date.now()
          await a.click(LINK_D) // the host answers 404 for route d's chunk now
          await expectOneDocumentLoad(a, aBefore, '/d?tab=2#summary', 'd')
          expect(documentRequests(await site.readRequests(), since), 'tab A: pages asked of the host').toEqual(['/d?tab=2'])

          await waitUntilArmed(b, 'v2')
          const bArmed = await appState(b)
          expect(bArmed.timeOrigin, 'tab B was not reloaded').toBe(bBefore.timeOrigin)
          expect(await b.evaluate('document.getElementById("note").value'), 'tab B keeps its text').toBe('words not saved anywhere')

          const bSince = Date.now()
          await next.act(b)
          await expectOneDocumentLoad(b, bBefore, to, route)
          expect(documentRequests(await site.readRequests(), bSince), 'tab B: pages asked of the host').toEqual([withoutHash(to)])
        })
      }

      test('after a deploy, an armed tab leaves hash links, new tabs, downloads, other origins and modifier clicks to the browser, and its next link click is one document load', { tag: '@behaviour-2' }, async ({
        session,
        openSite,
      }) => {
        const site = await openSite({ server: 'node', mode: 'strict', app: router.app })
        const a = await openApp(session, site)
        const b = await openApp(session, site)
        site.deploy('v2')
        await a.click(LINK_D)
        await waitForRoute(a, 'd', 'v2')
        await waitUntilArmed(b, 'v2')
        const before = await appState(b)

        await b.click('#hash-link')
        await b.waitFor("location.hash === '#end'", 'the hash link moves to #end')
        for (const link of ['#new-tab', '#download', '#other-origin']) await b.click(link)
        await b.click('nav a[href="/b"]', ['Control'])
        await b.waitFor('window.fixture.clicksLeftToBrowser.length === 4', 'the page hears four clicks the browser handles')
        expect(await b.evaluate('window.fixture.clicksLeftToBrowser'), 'clicks the gatekeeper let through, untouched').toEqual([
          { href: '/a', modifier: false, defaultPrevented: false },
          { href: '/a?export', modifier: false, defaultPrevented: false },
          { href: 'https://example.com/a', modifier: false, defaultPrevented: false },
          { href: '/b', modifier: true, defaultPrevented: false },
        ])
        const after = await appState(b)
        expect(after.timeOrigin, 'the armed tab did not reload itself').toBe(before.timeOrigin)
        expect(after.location).toBe('/#end')
        expect(await b.evaluate("document.querySelector('[data-route]')?.isConnected"), 'the view is live, not frozen').toBe(true)

        await b.click(LINK_C)
        await expectOneDocumentLoad(b, before, '/c?tab=1#details', 'c')
      })
    })
  }
}

/** After the gatekeeper's load: the destination, rendered by the new release, in exactly one new document. */
async function expectOneDocumentLoad(tab: Tab, before: AppState, to: string, route: string): Promise<void> {
  const after = await waitForRoute(tab, route, 'v2').catch(async (error: Error) => {
    const { diagnostics, ...state } = await tab.evaluate<AppState & { diagnostics: string[] }>(
      "({ ...window.fixture, location: location.pathname + location.search + location.hash, route: document.querySelector('[data-route]')?.dataset.route, errorView: !!document.getElementById('router-error') })",
    )
    throw new Error(`${error.message}; the tab is at ${JSON.stringify(state)}, and logged ${JSON.stringify(diagnostics)}`)
  })
  expect(after.location, 'query and hash survive the document load').toBe(to)
  expect(after.timeOrigin, 'a new document').not.toBe(before.timeOrigin)
  expect(after.loads, 'exactly one new document').toBe(before.loads + 1)
  expect(after.routeRelease).toBe('v2')
  expect(after.errorsShown, 'the router never showed its error view on the way').toBe(0)
}

/**
 * Which pages were asked of the host since `since` (paths without a file extension: not a chunk, not sw.js, not the
 * manifest), each once. Once, because TanStack Router's lazyRouteComponent reloads the page by itself when a chunk
 * is missing, at the same time as the gatekeeper: two requests for the same page, of which one document loads
 * (the tab's load counter tells).
 */
function documentRequests(requests: { path: string; at: number }[], since = 0): string[] {
  const pages = requests
    .filter((request) => request.at >= since && !/\.[a-z0-9]+(\?|$)/i.test(request.path) && !request.path.startsWith('/__version-gatekeeper/'))
    .map((request) => request.path)
  return [...new Set(pages)]
}

function withoutHash(url: string): string {
  return url.split('#')[0]!
}
