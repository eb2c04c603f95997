/** What the scenarios read off the fixture apps (see e2e/fixtures/shared/records.ts). */
import { expect } from '@playwright/test'
import type { StateReport } from '../../sw/report.js'
import type { Tab } from '../driver/driver.js'

/** The fixture app's view of one tab. */
export interface AppState {
  /** The release of the document's own build (v1, v2, …). */
  release: string
  /** The release shown by the rendered route; differs from `release` only if a route came from another build. */
  routeRelease: string | null
  route: string | null
  /** `pathname + search + hash`. */
  location: string
  /** Documents this tab has loaded so far (a sessionStorage counter). */
  loads: number
  /** Restores of this document from the back/forward cache. */
  restored: number
  /** Versions the runtime announced as newer, in order. */
  newer: string[]
  /** The route's chunk failed and the app shows its error. */
  failed: boolean
  /** How many times this tab's app showed its error view, over all its documents. */
  errorsShown: number
  timeOrigin: number
}

const READ_STATE = `({
  release: window.fixture?.release,
  routeRelease: document.querySelector('[data-release]')?.dataset.release ?? null,
  route: document.querySelector('[data-route]')?.dataset.route ?? null,
  location: location.pathname + location.search + location.hash,
  loads: window.fixture?.loads,
  restored: window.fixture?.restored,
  newer: window.fixture?.newer ?? [],
  failed: !document.getElementById('error')?.hidden,
  errorsShown: Number(sessionStorage.getItem('fixture:errors') ?? 0),
  timeOrigin: performance.timeOrigin,
})`

export function appState(tab: Tab): Promise<AppState> {
  return tab.evaluate<AppState>(READ_STATE)
}

/** Waits until the tab shows `route` rendered by `release`. */
export async function waitForRoute(tab: Tab, route: string, release: string): Promise<AppState> {
  await tab.waitFor(
    `window.fixture?.release === ${JSON.stringify(release)} && document.querySelector('[data-route]')?.dataset.route === ${JSON.stringify(route)}`,
    `the tab shows route ${route} of ${release}`,
  )
  return appState(tab)
}

/** Waits until the service worker controls the tab and the runtime has had its answer to HELLO. */
export async function waitUntilGuarded(tab: Tab): Promise<void> {
  await tab.waitFor('navigator.serviceWorker.controller !== null', 'a service worker controls the tab')
}

/** Waits until the runtime in `tab` knows of a newer deployment `version` (its next navigation leaves). */
export async function waitUntilArmed(tab: Tab, release: string): Promise<void> {
  await tab.waitFor(`window.fixture.newer.length > 0`, `the tab learns of a newer deployment (${release})`)
}

/** Clicks the nav link to `path` and waits for the route to render client-side in the same document. */
export async function navigateClientSide(tab: Tab, path: string, route: string): Promise<void> {
  const before = await appState(tab)
  await tab.click(`nav a[href="${path}"]`)
  const after = await waitForRoute(tab, route, before.release)
  expect(after.timeOrigin, `navigating to ${path} stays in the same document`).toBe(before.timeOrigin)
}

/** The version a release's manifest names, read from the tab's own document. */
export function documentVersion(tab: Tab): Promise<string> {
  return tab.evaluate<string>('window.fixture.version')
}

/** The worker's state page, read from a tab with the app's own `getState()`. */
export function workerState(tab: Tab): Promise<StateReport> {
  return tab.evaluate<StateReport>('window.fixture.getState()')
}
