/**
 * The measurements in the browser, one alternative at a time, each against the static host of e2e/host (strict
 * mode: a file the live release does not have is a 404). Origin requests are counted at the host, so what a
 * service worker answers from its caches does not count. Times are read in the page (`performance`), never from
 * the test process's round trips.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { createStaticHost, type RequestRecord, type StaticHost } from '../e2e/host/index.js'
import { routePath, type Alternative } from './app.js'
import { freshContext, openReady, sleep, type BenchWindow } from './browser.js'

/** Simulated time of the "per hour" counts: Playwright's clock, installed in every tab of the context. */
export const HOUR_MS = 3_600_000
/** Real time given to requests a step started (a worker's install, a check, a poll) before they are counted. */
const SETTLE_MS = 2_000

/** A host serving one alternative's releases (`<releasesDir>/v1`, `v2`), v1 live. */
export function startHost(releasesDir: string): Promise<StaticHost> {
  return createStaticHost({ releasesDir, mode: 'strict', initialRelease: 'v1' })
}

/** What one page load and a user's navigations cost at the origin. */
export interface RequestCounts {
  /** The first visit's page load, the worker's install and precache included. */
  firstLoad: number
  /** The first client-side visit to each other route (each route's chunk is new to this tab). */
  firstRouteVisits: number
  /** 50 client-side navigations over routes already visited, no deploy. */
  navigations50: number
  /** Scripts the first page load ran, as paths: for the page-bytes count. */
  startupScripts: string[]
}

export async function countNavigationRequests(browser: Browser, host: StaticHost, alternative: Alternative, routes: number): Promise<RequestCounts> {
  const context = await freshContext(browser)
  try {
    host.clearRequests()
    const page = await openReady(context, host.url, alternative)
    await sleep(SETTLE_MS)
    const firstLoad = host.requests.length
    const startupScripts = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => new URL(entry.name))
        .filter((url) => url.origin === location.origin && url.pathname.endsWith('.js') && url.pathname !== '/sw.js')
        .map((url) => url.pathname),
    )
    const others = Array.from({ length: routes - 1 }, (_, index) => routePath(index + 1))
    host.clearRequests()
    await navigateInPage(page, [...others, '/'])
    await sleep(SETTLE_MS / 2)
    const firstRouteVisits = host.requests.length
    host.clearRequests()
    await navigateInPage(page, Array.from({ length: 50 }, (_, index) => routePath(index % routes)))
    await sleep(SETTLE_MS / 2)
    return { firstLoad, firstRouteVisits, navigations50: host.requests.length, startupScripts }
  } finally {
    await context.close()
  }
}

/** Clicks the nav link of each path in turn, in the page, each once the previous route rendered. */
function navigateInPage(page: Page, paths: string[]): Promise<void> {
  return page.evaluate(async (paths) => {
    for (const path of paths) {
      const route = path === '/' ? 'r0' : path.slice(1)
      document.querySelector<HTMLAnchorElement>(`nav a[href="${path}"]`)!.click()
      while (document.querySelector('[data-route]')?.getAttribute('data-route') !== route) await new Promise((resolve) => setTimeout(resolve, 1))
    }
  }, paths)
}

/** Origin requests per simulated hour of open, visible, idle tabs: one tab, then ten. */
export interface HourlyCounts {
  oneTab: number
  tenTabs: number
  /** What the ten tabs asked for, by path: what each check costs. */
  tenTabPaths: Record<string, number>
}

export async function countHourlyRequests(browser: Browser, host: StaticHost, alternative: Alternative): Promise<HourlyCounts> {
  const context = await freshContext(browser)
  try {
    await context.clock.install()
    const pages = [await openReady(context, host.url, alternative)]
    const hour = async () => {
      await sleep(SETTLE_MS)
      host.clearRequests()
      await context.clock.runFor(HOUR_MS)
      await sleep(SETTLE_MS)
      return [...host.requests]
    }
    const oneTab = (await hour()).length
    while (pages.length < 10) pages.push(await openReady(context, host.url, alternative))
    const tenTabRequests = await hour()
    return { oneTab, tenTabs: tenTabRequests.length, tenTabPaths: countByPath(tenTabRequests) }
  } finally {
    await context.close()
  }
}

function countByPath(requests: readonly RequestRecord[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const request of requests) counts[request.path] = (counts[request.path] ?? 0) + 1
  return counts
}

/** What one check cost at the origin. */
export interface CheckCount {
  requests: number
  conditional: number
  paths: Record<string, number>
}

/**
 * The gatekeeper's check asked for by ten tabs at once (a build whose `checkInterval` is 1 s, so that a navigation
 * asks for one without waiting 5 minutes): the origin requests it costs, and how many were conditional.
 */
export async function countGatekeeperCheck(browser: Browser, host: StaticHost, checkIntervalMs: number): Promise<CheckCount> {
  const context = await freshContext(browser)
  try {
    const pages: Page[] = []
    while (pages.length < 10) pages.push(await openReady(context, host.url, 'gatekeeper'))
    // Every route the check's navigation visits is loaded once first, so that the only request left is the check.
    await Promise.all(pages.map((page) => navigateInPage(page, ['/r1', '/'])))
    await sleep(Math.max(SETTLE_MS, checkIntervalMs * 1.5))
    host.clearRequests()
    await Promise.all(pages.map((page) => navigateInPage(page, ['/r1'])))
    await sleep(SETTLE_MS)
    const requests = [...host.requests]
    return { requests: requests.length, conditional: requests.filter((request) => request.conditional).length, paths: countByPath(requests) }
  } finally {
    await context.close()
  }
}

/** Lazy-chunk load times (ms), as the app's router loads a route. */
export interface ChunkTimes {
  /** First load in a fresh profile: from the host, or from a worker that precached it at install. */
  cold: number[]
  /** The same chunks in a later tab: from the HTTP cache without a worker, else from the worker's cache. */
  warm: number[]
  /** Warm loads the browser's Resource Timing shows as answered by the service worker (`workerStart > 0`). */
  warmThroughWorker: number
}

/**
 * In `profiles` fresh profiles: loads every route's chunk once in the first tab (cold), then again in each of
 * `tabs` later tabs, one after the other (warm). A later tab, not a reload: a reload runs in the same renderer,
 * whose memory cache answers a module it loaded before without asking the worker or the HTTP cache.
 */
export async function timeChunkLoads(browser: Browser, host: StaticHost, alternative: Alternative, routes: number, profiles = 1, tabs = 3): Promise<ChunkTimes> {
  const paths = Array.from({ length: routes - 1 }, (_, index) => routePath(index + 1))
  const times: ChunkTimes = { cold: [], warm: [], warmThroughWorker: 0 }
  const timeAll = (page: Page) =>
    page.evaluate(async (paths) => {
      const bench = (window as unknown as BenchWindow).bench
      const samples: number[] = []
      for (const path of paths) samples.push(await bench.timeLoad(path))
      const routeChunks = performance
        .getEntriesByType('resource')
        .filter((entry) => /\/assets\/r\d+-/.test(entry.name) && !/\/assets\/r0-/.test(entry.name)) as PerformanceResourceTiming[]
      return { samples, throughWorker: routeChunks.filter((entry) => entry.workerStart > 0).length }
    }, paths)
  for (let profile = 0; profile < profiles; profile++) {
    const context = await freshContext(browser)
    try {
      let page = await openReady(context, host.url, alternative)
      await sleep(SETTLE_MS) // a worker's install and precache, out of the way
      times.cold.push(...(await timeAll(page)).samples)
      for (let tab = 0; tab < tabs; tab++) {
        await page.close()
        page = await openReady(context, host.url, alternative)
        const { samples, throughWorker } = await timeAll(page)
        times.warm.push(...samples)
        times.warmThroughWorker += throughWorker
      }
    } finally {
      await context.close()
    }
  }
  return times
}

/** From the response that reveals a deploy to the worker's message in each open tab, and click-to-new-version. */
export interface DeployTimes {
  /** ms from the host's receipt of the request that revealed the deploy to the message in a tab, per tab and round. */
  detection: number[]
  /** Tabs that never heard within the deadline. */
  missed: number
  /** ms from the revealing request to the worker's confirming request for the manifest, both at the host, per round. */
  confirm: number[]
  /** ms from a click in an armed tab to the new release's route on screen (one document load). */
  clickToNew: number[]
  /** ms from opening the same address in a fresh tab to the new release's route on screen. */
  freshTab: number[]
}

/**
 * Rounds of: ten tabs of the gatekeeper's v1 (plus one that will find the deploy), v2 deployed, the extra tab
 * navigates to a route whose v1 chunk is gone. Each of the ten listens on the gatekeeper's BroadcastChannel.
 * Then three armed tabs click a link, and the same address opens in a fresh tab.
 */
export async function timeDeploys(browser: Browser, host: StaticHost, rounds = 5): Promise<DeployTimes> {
  const times: DeployTimes = { detection: [], missed: 0, confirm: [], clickToNew: [], freshTab: [] }
  for (let round = 0; round < rounds; round++) {
    host.deploy('v1')
    const context = await freshContext(browser)
    try {
      await deployRound(context, host, times)
    } finally {
      await context.close()
    }
  }
  host.deploy('v1')
  return times
}

async function deployRound(context: BrowserContext, host: StaticHost, times: DeployTimes): Promise<void> {
  const observers: Page[] = []
  while (observers.length < 10) observers.push(await openReady(context, host.url, 'gatekeeper'))
  const finder = await openReady(context, host.url, 'gatekeeper')
  await sleep(SETTLE_MS)
  await Promise.all(
    observers.map((page) =>
      page.evaluate(() => {
        // The gatekeeper's channel (channel/protocol.ts: `version-gatekeeper:<scope path>`), heard as any tab hears it.
        const channel = new BroadcastChannel('version-gatekeeper:/')
        channel.onmessage = () => Object.assign(window, { heardAt: performance.timeOrigin + performance.now() })
      }),
    ),
  )
  host.deploy('v2')
  host.clearRequests()
  await navigateAway(finder, '/r7')
  const heard = await Promise.all(
    observers.map((page) =>
      page
        .waitForFunction(() => (window as unknown as { heardAt?: number }).heardAt, undefined, { timeout: 10_000 })
        .then((handle) => handle.jsonValue() as Promise<number>, () => undefined),
    ),
  )
  const revealed = host.requests.find((request) => request.path.startsWith('/assets/') && request.status === 404)
  if (!revealed) throw new Error('no request for a removed chunk reached the host: nothing revealed the deploy')
  const confirmed = host.requests.find((request) => request.at >= revealed.at && request.path.startsWith('/deploy-manifest.json'))
  if (confirmed) times.confirm.push(confirmed.at - revealed.at)
  for (const at of heard) {
    if (at === undefined) times.missed++
    else times.detection.push(at - revealed.at)
  }

  for (const [index, page] of observers.slice(0, 3).entries()) {
    const path = `/r${3 + index}`
    await page.click(`nav a[href="${path}"]`)
    await page.waitForFunction((route) => document.querySelector(`[data-route="${route}"]`)?.getAttribute('data-release') === 'v2', path.slice(1))
    times.clickToNew.push(await page.evaluate(() => (window as unknown as BenchWindow).bench.renderedAt - (window as unknown as BenchWindow).bench.clickAt))
    const fresh = await context.newPage()
    await fresh.goto(new URL(path, host.url).href)
    await fresh.waitForFunction((route) => document.querySelector(`[data-route="${route}"]`)?.getAttribute('data-release') === 'v2', path.slice(1))
    times.freshTab.push(await fresh.evaluate(() => (window as unknown as BenchWindow).bench.renderedAt - performance.timeOrigin))
    await fresh.close()
  }
}

/** Clicks a link in the page without waiting for what follows (the gatekeeper may turn it into a document load). */
async function navigateAway(page: Page, path: string): Promise<void> {
  await page.evaluate((path) => document.querySelector<HTMLAnchorElement>(`nav a[href="${path}"]`)!.click(), path)
}
