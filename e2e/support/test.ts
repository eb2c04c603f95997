/**
 * The fixtures every scenario uses: a browser session from the engine's driver (checked for gatekeeper errors when
 * the test ends) and hosts serving a fixture app's releases, closed when the test ends.
 */
import { test as base, expect } from '@playwright/test'
import type { BrowserSession, Engine } from '../driver/driver.js'
import { playwrightSession } from '../driver/playwright.js'
import { createNginxHost, createStaticHost, type HostMode, type ReleaseHost, type StaticHost } from '../host/index.js'
import { releasesDir, type FixtureApp, type Release, type Variant } from './releases.js'

/** Which host, in which mode, serving which app build. */
export interface HostChoice<Server extends 'node' | 'nginx' = 'node' | 'nginx'> {
  server: Server
  mode: Server extends 'nginx' ? Exclude<HostMode, 'keep-old'> : HostMode
  app?: FixtureApp
  variant?: Variant
}

/** A host with the first release deployed. */
export type Site<Server extends 'node' | 'nginx'> = (Server extends 'node' ? StaticHost : ReleaseHost) & {
  deploy(release: Release): void
}

interface Fixtures {
  session: BrowserSession
  openSite<Server extends 'node' | 'nginx'>(choice: HostChoice<Server>): Promise<Site<Server>>
}

export const test = base.extend<Fixtures>({
  session: async ({ browser, browserName }, use) => {
    const session = await playwrightSession(browser, browserName as Engine)
    await use(session)
    await session.close()
    expect(session.gatekeeperErrors(), 'errors logged by the gatekeeper').toEqual([])
  },

  openSite: async ({}, use) => {
    const hosts: ReleaseHost[] = []
    await use(async (choice) => {
      const options = {
        releasesDir: releasesDir(choice.app ?? 'history-app', choice.variant ?? 'default'),
        initialRelease: 'v1',
      }
      const host =
        choice.server === 'nginx'
          ? await createNginxHost({ ...options, mode: choice.mode as Exclude<HostMode, 'keep-old'> })
          : await createStaticHost({ ...options, mode: choice.mode })
      hosts.push(host)
      return host as Site<typeof choice.server>
    })
    await Promise.all(hosts.map((host) => host.close()))
  },
})

export { expect }

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
} as const satisfies Record<string, readonly HostChoice[]>

/** Waits until the host has answered a request for `path` that arrived after `since` (at most 10 s). */
export async function untilRequested(host: ReleaseHost, path: string, since: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await host.readRequests()).some((request) => request.path === path && request.at >= since)) {
    if (Date.now() > deadline) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
