/**
 * The gatekeeper in `vite dev` (build/dev-server.ts): a real Vite dev server (the Vite that GATEKEEPER_VITE names,
 * see build/vite-under-test.test-support.ts) on 127.0.0.1, in each engine. The dev server registers no worker and
 * removes one an earlier build left on its origin; a simulated deployment arms open tabs exactly as a real one
 * does; the fallback preview reloads when what it shows changes.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Plugin, ViteDevServer } from 'vite'
import { viteUnderTest, type ViteUnderTest } from '../build/vite-under-test.test-support.js'
import { LEFTOVER_REMOVAL_MS } from '../app-runtime/dev.js'
import type { Tab } from './driver/driver.js'
import { createStaticHost } from './host/index.js'
import { appState, waitForRoute, waitUntilArmed, waitUntilGuarded } from './support/app.js'
import { releasesDir } from './support/releases.js'
import { expect, test as base } from './support/test.js'

/** The shortcuts Vite's CLI binds once the server listens, as the dev server plugin extends them. */
type Shortcut = { key: string; action?: (server: ViteDevServer) => unknown }

interface DevServer {
  server: ViteDevServer
  url: string
  /** The shortcuts a `bindCLIShortcuts` call, as Vite's CLI makes it, would bind. */
  cliShortcuts(): Shortcut[]
}

const test = base.extend<{ under: ViteUnderTest; startDevServer(options?: { root?: string; port?: number; configFile?: string | false; plugins?: Plugin[] }): Promise<DevServer> }>({
  under: async ({}, use) => use(await viteUnderTest()),
  startDevServer: async ({ under }, use) => {
    const servers: ViteDevServer[] = []
    const temporary: string[] = []
    await use(async ({ root = under.fixtureRoot('history-app'), port, configFile, plugins = [] } = {}) => {
      // Vite 6 and 7 take port 0 for "the default port", 5173, which other servers on this machine may hold.
      port ??= await freePort()
      const cacheDir = await mkdtemp(join(tmpdir(), 'vg-dev-cache-'))
      temporary.push(cacheDir)
      let bound: { customShortcuts?: Shortcut[] } | undefined
      // Runs before the gatekeeper's configureServer, so it sees what the gatekeeper adds to the CLI's call.
      const recordShortcuts: Plugin = {
        name: 'test:record-shortcuts',
        enforce: 'pre',
        configureServer(server) {
          server.bindCLIShortcuts = ((options: typeof bound) => void (bound = options)) as ViteDevServer['bindCLIShortcuts']
        },
      }
      const server = await under.vite.createServer({
        root,
        cacheDir,
        logLevel: 'silent',
        ...(configFile !== undefined ? { configFile } : {}),
        plugins: [recordShortcuts, ...plugins],
        // Served as they are: a dependency found while the tab runs would make Vite reload it to optimize it.
        optimizeDeps: { noDiscovery: true, include: [] },
        server: { host: '127.0.0.1', port, strictPort: true },
      })
      servers.push(server)
      await server.listen()
      const address = server.httpServer!.address() as { port: number }
      return {
        server,
        url: `http://127.0.0.1:${address.port}/`,
        cliShortcuts() {
          server.bindCLIShortcuts({ print: true })
          return bound?.customShortcuts ?? []
        },
      }
    })
    await Promise.all(servers.map((server) => server.close()))
    await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })))
  },
})

/** The row of the README's support table (scripts/support-table.mjs). */
const TAG = '@dev-server'

/** What the tab's origin holds of service workers and caches. */
const ORIGIN_STATE = `(async () => ({
  registrations: (await navigator.serviceWorker.getRegistrations()).length,
  controlled: navigator.serviceWorker.controller !== null,
  caches: (await caches.keys()).sort(),
}))()`

const deployThroughEndpoint = async (url: string) => {
  const response = await fetch(`${url}__version-gatekeeper/deploy`, { method: 'POST' })
  expect(response.status).toBe(200)
  return (await response.json()) as { to: { version: string } }
}

test.describe('vite dev', () => {
  test('registers no service worker, and a simulated deployment (POST) arms the open tabs without reloading them; the next click loads the new version as a document', { tag: TAG }, async ({
    session,
    startDevServer,
  }) => {
    const dev = await startDevServer()
    const a = await session.openTab(dev.url)
    await waitForRoute(a, 'home', 'dev')
    const b = await session.openTab(`${dev.url}b`)
    await waitForRoute(b, 'b', 'dev')
    await b.type('#note', 'draft in dev')
    const [aBefore, bBefore] = [await appState(a), await appState(b)]
    expect(await a.evaluate('window.fixture.version')).toBe('dev')

    const deployed = await deployThroughEndpoint(dev.url)
    expect(deployed.to.version).toBe('dev-1')
    await Promise.all([waitUntilArmed(a, 'dev-1'), waitUntilArmed(b, 'dev-1')])
    expect((await appState(b)).timeOrigin, 'tab B was not reloaded while armed').toBe(bBefore.timeOrigin)
    expect(await b.evaluate('document.getElementById("note").value')).toBe('draft in dev')

    await a.click('nav a[href="/a"]')
    await a.waitFor(`window.fixture?.version === 'dev-1'`, 'tab A runs the simulated deployment')
    const aAfter = await waitForRoute(a, 'a', 'dev')
    expect(aAfter.loads, 'one document load').toBe(aBefore.loads + 1)
    expect(aAfter.newer, 'the new document is not armed').toEqual([])
    expect(await a.evaluate(ORIGIN_STATE)).toEqual({ registrations: 0, controlled: false, caches: [] })
  })

  test("the terminal shortcut d, bound with Vite's own, simulates the deployment too", { tag: TAG }, async ({ session, startDevServer }) => {
    const dev = await startDevServer()
    const tab = await session.openTab(dev.url)
    await waitForRoute(tab, 'home', 'dev')
    const before = await appState(tab)

    const shortcut = dev.cliShortcuts().find((candidate) => candidate.key === 'd')
    expect(shortcut?.action, 'a "d" shortcut joins the CLI\'s').toBeDefined()
    await shortcut!.action!(dev.server)
    await waitUntilArmed(tab, 'dev-1')
    expect(await tab.timeOrigin()).toBe(before.timeOrigin)

    await tab.click('nav a[href="/c?tab=1#details"]')
    await tab.waitFor(`window.fixture?.version === 'dev-1'`, 'the tab runs the simulated deployment')
    const after = await waitForRoute(tab, 'c', 'dev')
    expect(after.location).toBe('/c?tab=1#details')
    expect(after.loads).toBe(before.loads + 1)
  })

  test('removes the gatekeeper worker and caches a build served earlier on the same port left, and nothing else; the page comes from the dev server', { tag: TAG }, async ({
    session,
    startDevServer,
  }) => {
    const port = await freePort()
    const host = await createStaticHost({ releasesDir: releasesDir('history-app', 'default'), mode: 'strict', port, initialRelease: 'v1' })
    const tab = await session.openTab(host.url)
    await waitUntilGuarded(tab)
    await tab.waitFor(`caches.keys().then((names) => names.some((name) => name.startsWith('version-gatekeeper:')))`, "the worker keeps the deployment's cache")
    await tab.evaluate(`caches.open('app-data').then(() => true)`)
    await host.close()

    const dev = await startDevServer({ port })
    await tab.goto(dev.url)
    // The old worker still controls the first document; the page reloads once it is gone, which the dev runtime
    // waits for as long as LEFTOVER_REMOVAL_MS.
    await tab.waitFor(`navigator.serviceWorker.controller === null`, 'no worker controls the page', LEFTOVER_REMOVAL_MS + 5_000)
    await tab.waitFor(`window.fixture?.release === 'dev' && window.fixture.version === 'dev'`, 'the page comes from the dev server')
    expect(await tab.evaluate(ORIGIN_STATE)).toEqual({ registrations: 0, controlled: false, caches: ['app-data'] })
  })

  test('the fallback preview reloads when a file its template reads changes, and no app tab reloads', { tag: TAG }, async ({ session, startDevServer, under }) => {
    const root = await mkdtemp(join(tmpdir(), 'vg-dev-fallback-'))
    try {
      const template = join(root, 'fallback.html')
      await writeFile(join(root, 'index.html'), '<!doctype html><html><head><title>app</title></head><body>app</body></html>')
      await writeFile(template, '<!doctype html><html {{html}}><body><h1>first</h1><a {{retry}}>{{retryText}}</a>{{script}}</body></html>')
      const dev = await startDevServer({
        root,
        configFile: false,
        plugins: [
          ...under.versionGatekeeper({
            fallback: {
              template: (page) =>
                readFileSync(template, 'utf8')
                  .replace('{{html}}', page.htmlAttributes)
                  .replace('{{retry}}', page.retryAttributes)
                  .replace('{{retryText}}', page.text.retry)
                  .replace('{{script}}', page.script),
            },
          }),
        ],
      })
      const app = await session.openTab(dev.url)
      await app.waitFor(`document.body.textContent === 'app'`, 'the app page shows')
      const appLoaded = await app.timeOrigin()
      const preview = await session.openTab(`${dev.url}__version-gatekeeper/fallback?lang=de`)
      await preview.waitFor(`document.querySelector('h1')?.textContent === 'first'`, 'the preview shows the template')
      await preview.waitFor(`document.documentElement.lang === 'de' && !!document.querySelector('[data-gatekeeper-retry]')`, 'the German page')
      const previewLoaded = await preview.timeOrigin()
      const original = await readFile(template, 'utf8')
      await editUntilShown(preview, (attempt) => writeFile(template, original.replace('first', `second ${attempt}`)))
      expect(await preview.timeOrigin()).not.toBe(previewLoaded)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(await app.timeOrigin(), 'the app tab did not reload').toBe(appLoaded)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  test('the fallback preview reloads when its messages in vite.config change (Vite restarts the server)', { tag: TAG }, async ({ session, startDevServer, under }) => {
    // Beside the fixture apps, so that the config resolves version-gatekeeper/vite as theirs does.
    const root = await mkdtemp(join(dirname(under.fixtureRoot('history-app')), '.dev-config-'))
    try {
      const configFile = join(root, 'vite.config.mjs')
      const config = (heading: string) =>
        `import { versionGatekeeper } from 'version-gatekeeper/vite'\n` +
        `export default { plugins: [versionGatekeeper({ fallback: { messages: { de: { heading: ${JSON.stringify(heading)} } } } })] }\n`
      await writeFile(join(root, 'index.html'), '<!doctype html><html><head><title>app</title></head><body>app</body></html>')
      await writeFile(configFile, config('Erste Fassung'))
      const dev = await startDevServer({ root, configFile })
      const preview = await session.openTab(`${dev.url}__version-gatekeeper/fallback?lang=de`)
      await preview.waitFor(`document.querySelector('h1')?.textContent === 'Erste Fassung'`, 'the preview shows the configured heading')
      const loaded = await preview.timeOrigin()
      await editUntilShown(preview, (attempt) => writeFile(configFile, config(`second ${attempt}`)))
      expect(await preview.timeOrigin()).not.toBe(loaded)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

/**
 * Edits what the preview shows (`edit(attempt)` writes heading `second <attempt>`) until the preview shows an edit.
 * An edit made before the preview's HMR connection is up reaches no page; the next one does. Fails after 4 tries.
 */
async function editUntilShown(preview: Tab, edit: (attempt: number) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await edit(attempt)
    try {
      return await preview.waitFor(`document.querySelector('h1')?.textContent?.startsWith('second ')`, 'the preview reloaded with the edit', 5_000)
    } catch (error) {
      if (attempt === 4) throw error
    }
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}
