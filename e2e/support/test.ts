/**
 * The fixtures every scenario uses: a browser session from the engine's driver (checked for gatekeeper errors when
 * the test ends) and hosts serving a fixture app's releases, closed when the test ends.
 */
import { test as base, expect } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserSession, Engine, SessionAction, SessionOptions } from '../driver/driver.js'
import { playwrightSession } from '../driver/playwright.js'
import { webkitSession } from '../driver/webdriver.js'
import { createNginxHost, createStaticHost, type HostMode, type ReleaseHost, type StaticHost } from '../host/index.js'
import { releasesDir, type FixtureApp, type Release, type Variant } from './releases.js'

/** Which host, in which mode, serving which app build. */
export interface HostChoice<Server extends 'node' | 'nginx' = 'node' | 'nginx'> {
  server: Server
  mode: Server extends 'nginx' ? Exclude<HostMode, 'keep-old'> : HostMode
  app?: FixtureApp
  variant?: Variant
  /** Serve pages with a Content-Security-Policy without 'unsafe-inline' (node host only). */
  strictCsp?: boolean
  /** Serve releases from this directory instead of the fixture app's builds. */
  releasesDir?: string
}

/** A host with the first release deployed. */
export type Site<Server extends 'node' | 'nginx'> = (Server extends 'node' ? StaticHost : ReleaseHost) & {
  deploy(release: Release): void
}

interface Fixtures {
  /** Sessions of this test show pages no Navigation API (`test.use({ withoutNavigationApi: true })`). */
  withoutNavigationApi: boolean
  session: BrowserSession
  openSite<Server extends 'node' | 'nginx'>(choice: HostChoice<Server>): Promise<Site<Server>>
}

interface WorkerFixtures {
  /** Starts a browser session of the project's engine. */
  startSession(options: SessionOptions): Promise<BrowserSession>
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  // Per engine, per worker. Chromium and Firefox: contexts of one Playwright browser, launched as Playwright's own
  // `browser` fixture does (with the project's launch options). WebKit: a WebDriver browser per session, and no
  // Playwright browser at all (Playwright's WebKit cannot run here), which is why nothing here asks for `browser`.
  startSession: [
    async ({ playwright, browserName }, use) => {
      if (browserName === 'webkit') return use(webkitSession)
      const browser = await playwright[browserName].launch()
      await use((options) => playwrightSession(browser, browserName as Engine, options))
      await browser.close()
    },
    { scope: 'worker', timeout: 0 },
  ],

  withoutNavigationApi: [false, { option: true }],

  session: async ({ startSession, locale, withoutNavigationApi }, use) => {
    const session = await startSession({ ...(locale ? { locale } : {}), withoutNavigationApi })
    // Which browser ran, for the README's support table (scripts/support-table.mjs).
    test.info().annotations.push({ type: 'browser', description: session.browser })
    await use(session)
    await session.close()
    expect(session.gatekeeperErrors(), 'errors logged by the gatekeeper').toEqual([])
    expect(session.policyViolations(), 'Content-Security-Policy violations').toEqual([])
  },

  openSite: async ({}, use) => {
    const hosts: ReleaseHost[] = []
    await use(async (choice) => {
      const options = {
        releasesDir: choice.releasesDir ?? releasesDir(choice.app ?? 'history-app', choice.variant ?? 'default'),
        initialRelease: 'v1',
      }
      const host =
        choice.server === 'nginx'
          ? await createNginxHost({ ...options, mode: choice.mode as Exclude<HostMode, 'keep-old'> })
          : await createStaticHost({
              ...options,
              mode: choice.mode,
              ...(choice.strictCsp ? { pageHeaders: (release: string) => strictCspHeaders(join(options.releasesDir, release)) } : {}),
            })
      hosts.push(host)
      return host as Site<typeof choice.server>
    })
    await Promise.all(hosts.map((host) => host.close()))
  },
})

export { expect }

/**
 * Skips the test, at its start, in an engine whose browser cannot be made to do `action`, with the engine's reason
 * as the skip's description: the support table reports the behaviour as not testable there, and why.
 */
export function needs(session: BrowserSession, action: SessionAction): void {
  const reason = session.cannot[action]
  test.skip(reason !== undefined, reason)
}

/**
 * A policy with no 'unsafe-inline' anywhere, built the way a user would: from the sources the build lists in
 * deploy-manifest.json.
 */
export function strictCspHeaders(releaseDir: string): Record<string, string> {
  const { csp } = JSON.parse(readFileSync(join(releaseDir, 'deploy-manifest.json'), 'utf8')) as {
    csp: { scriptSrc: string[]; styleSrc: string[] }
  }
  return {
    'content-security-policy': [
      "default-src 'self'",
      `script-src 'self' ${csp.scriptSrc.join(' ')}`,
      `style-src 'self' ${csp.styleSrc.join(' ')}`,
      "object-src 'none'",
      "base-uri 'none'",
    ].join('; '),
  }
}

/** The host choices a scenario about a given kind of host runs against. */
export const HOSTS = {
  strict: [
    { server: 'node', mode: 'strict' },
    { server: 'nginx', mode: 'strict' },
  ],
  spa: [
    { server: 'node', mode: 'spa' },
    { server: 'nginx', mode: 'spa' },
  ],
  /** The main flows once more, with pages served under a Content-Security-Policy without 'unsafe-inline'. */
  strictCsp: [
    { server: 'node', mode: 'strict', strictCsp: true },
    { server: 'node', mode: 'spa', strictCsp: true },
  ],
} as const satisfies Record<string, readonly HostChoice[]>

/** Waits until the host has answered a request for `path` that arrived after `since` (at most 10 s). */
export async function untilRequested(host: ReleaseHost, path: string, since: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await host.readRequests()).some((request) => request.path === path && request.at >= since)) {
    if (Date.now() > deadline) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
