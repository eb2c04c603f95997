/**
 * The dev server plugin in a real Vite dev server (the Vite GATEKEEPER_VITE names) on 127.0.0.1, without a
 * browser: what it answers, what it sends on the HMR channel, and what it adds to Vite's terminal shortcuts. What a
 * browser does with all that is e2e/dev-server.spec.ts.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Plugin, ViteDevServer } from 'vite'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { announcedVersion, DEV_EVENTS, type VersionChanged } from '../channel/protocol.js'
import { isNewer } from '../manifest/manifest.js'
import { DEV_SERVER_PLUGIN, type DevServerApi } from './dev-server.js'
import type { VersionGatekeeperOptions } from './options.js'
import { viteUnderTest } from './vite-under-test.test-support.js'

const { vite, versionGatekeeper, name: viteName, version: viteVersion } = await viteUnderTest()
const root = await mkdtemp(join(tmpdir(), 'vg-dev-server-'))
await writeFile(join(root, 'index.html'), '<!doctype html><html><head><title>app</title></head><body><script type="module" src="/main.js"></script></body></html>')
await writeFile(join(root, 'main.js'), 'document.body.append("app")\n')
await writeFile(join(root, 'fallback-heading.txt'), 'first heading')
const servers: ViteDevServer[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})
afterAll(() => rm(root, { recursive: true, force: true }))

/** A listening dev server on `root` with the gatekeeper, `base` as given; the `record` plugin sees the CLI's shortcuts. */
async function startServer(options: VersionGatekeeperOptions = {}, base = '/') {
  let cliShortcuts: { key: string; action?: (server: ViteDevServer) => unknown }[] | undefined
  const record: Plugin = {
    name: 'test:record-shortcuts',
    enforce: 'pre',
    configureServer(server) {
      server.bindCLIShortcuts = ((bound?: { customShortcuts?: typeof cliShortcuts }) => void (cliShortcuts = bound?.customShortcuts)) as ViteDevServer['bindCLIShortcuts']
    },
  }
  const server = await vite.createServer({
    root,
    base,
    configFile: false,
    logLevel: 'silent',
    cacheDir: join(root, '.vite'),
    plugins: [record, ...versionGatekeeper(options)],
    optimizeDeps: { noDiscovery: true, include: [] },
    server: { host: '127.0.0.1', port: 0 },
  })
  servers.push(server)
  await server.listen()
  const url = `http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}${base}`
  const api = (server.config.plugins.find((plugin) => plugin.name === DEV_SERVER_PLUGIN) as Plugin<DevServerApi>).api!
  const sent = vi.spyOn(server.environments.client.hot, 'send')
  return {
    server,
    url,
    api,
    /** The custom HMR events sent to the pages so far. */
    events: () => sent.mock.calls.map(([payload]) => payload as unknown as { type: string; event?: string; data?: unknown }).filter((payload) => payload.type === 'custom'),
    cliShortcuts: () => {
      server.bindCLIShortcuts({ print: true, customShortcuts: [{ key: 'x', description: 'the CLI user’s own', action() {} }] })
      return cliShortcuts ?? []
    },
  }
}

/**
 * One request on a connection of its own. (fetch keeps connections alive, and Vite 6 and 7 reuse one port for the
 * next server, where such a connection is already closed.)
 */
function fetch(url: string | URL, init: { method?: string } = {}): Promise<{ status: number; headers: Headers; text(): Promise<string>; json(): Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? 'GET', agent: false }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('error', reject)
      incoming.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const headers = new Headers(Object.entries(incoming.headers).map(([name, value]) => [name, String(value)]))
        resolve({ status: incoming.statusCode!, headers, text: async () => body, json: async () => JSON.parse(body) })
      })
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

/** The version the dev runtime module served now configures its page with. */
async function servedVersion(url: string, base: string): Promise<string> {
  const html = await (await fetch(url)).text()
  const src = /<script type="module" src="([^"]*dev-runtime)"/.exec(html)![1]!
  expect(src.startsWith(base)).toBe(true)
  const code = await (await fetch(new URL(src, url))).text()
  return JSON.parse(/startDevRuntime\((\{.*\}), import\.meta\.hot\)/.exec(code)![1]!).tab.version
}

describe(`vite dev (${viteName} ${viteVersion}) with versionGatekeeper()`, () => {
  it('puts the dev runtime first in every page, as a module whose configuration names the current version', async () => {
    const { url } = await startServer()
    const html = await (await fetch(url)).text()
    expect(html.indexOf('dev-runtime')).toBeGreaterThan(-1)
    expect(html.indexOf('dev-runtime')).toBeLessThan(html.indexOf('/main.js'))
    expect(await servedVersion(url, '/')).toBe('dev')
  })

  it('simulates deployments through a POST: each a later version, announced as the worker would, and served to pages loaded afterwards', async () => {
    const { url, api, events } = await startServer({}, '/shop/')
    const before = api.current
    const first = (await (await fetch(`${url}__version-gatekeeper/deploy`, { method: 'POST' })).json()) as VersionChanged
    const second = api.simulateDeploy()
    expect([first.to.version, second.to.version]).toEqual(['dev-1', 'dev-2'])
    expect([first.from, second.from]).toEqual(['dev', 'dev-1'])
    // What the runtime does with them: it accepts each, and each is newer than what the tab ran.
    expect(announcedVersion(first)).toEqual(first.to)
    expect(isNewer(first.to, before) && isNewer(second.to, first.to)).toBe(true)
    expect(events()).toEqual([
      { type: 'custom', event: DEV_EVENTS.versionChanged, data: first },
      { type: 'custom', event: DEV_EVENTS.versionChanged, data: second },
    ])
    expect(await servedVersion(url, '/shop/')).toBe('dev-2')
  })

  it('orders deployments made within one millisecond', async () => {
    const { api } = await startServer()
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse(api.current.builtAt))
    try {
      const [first, second] = [api.simulateDeploy(), api.simulateDeploy()]
      expect(isNewer(second.to, first.to)).toBe(true)
      expect(isNewer(first.to, { version: 'dev', builtAt: new Date(Date.now()).toISOString() })).toBe(true)
    } finally {
      vi.restoreAllMocks()
    }
  })

  it('takes only a POST at the deploy endpoint', async () => {
    const { url, events } = await startServer()
    const response = await fetch(`${url}__version-gatekeeper/deploy`)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect(events()).toEqual([])
  })

  it("adds the shortcut d to those Vite's CLI binds, keeping the CLI's own; its action simulates a deployment", async () => {
    const { server, api, cliShortcuts } = await startServer()
    const shortcuts = cliShortcuts()
    expect(shortcuts.map((shortcut) => shortcut.key)).toEqual(['x', 'd'])
    await shortcuts[1]!.action!(server)
    expect(api.current.version).toBe('dev-1')
  })

  it('answers sw.js with the kill switch, never cached, at the base', async () => {
    const { url } = await startServer({}, '/shop/')
    const response = await fetch(`${url}sw.js`)
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.text()).toBe(readFileSync(new URL('../dist/sw/kill-switch.min.js', import.meta.url), 'utf8'))
  })

  it('previews the fallback page in the language asked for, with a policy that lets it run Vite’s client', async () => {
    const { url } = await startServer()
    const response = await fetch(`${url}__version-gatekeeper/fallback?lang=de`)
    const html = await response.text()
    expect(html).toMatch(/<html [^>]*lang="de"[^>]*data-gatekeeper-fallback/)
    expect(html).toContain('fallback-preview')
    const policy = response.headers.get('content-security-policy')!
    expect(policy).toMatch(/script-src 'self' 'sha256-/)
    expect(policy).toContain("connect-src 'self' ws: wss:")
  })

  it('tells an open preview to reload when a file its template reads changes, and only then', async () => {
    const headingFile = join(root, 'fallback-heading.txt')
    const { url, server, events } = await startServer({
      fallback: {
        template: (page) =>
          `<!doctype html><html ${page.htmlAttributes}><body><h1>${readFileSync(headingFile, 'utf8')}</h1><a ${page.retryAttributes}>${page.text.retry}</a></body></html>`,
      },
    })
    const change = async (file: string, content: string) => {
      await writeFile(file, content)
      await server.watcher.emit('change', file)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await change(headingFile, 'no preview is open yet')
    expect(events()).toEqual([])

    await fetch(`${url}__version-gatekeeper/fallback?lang=fr`)
    await change(join(root, 'main.js'), 'document.body.append("app, edited")\n')
    expect(events(), 'an app module changed, the preview did not').toEqual([])
    await change(headingFile, 'second heading')
    // At least once: the file system may report a write as two changes (truncated, then written), each a change.
    expect(events()).toContainEqual({ type: 'custom', event: DEV_EVENTS.fallbackChanged })
    expect(new Set(events().map((event) => event.event))).toEqual(new Set([DEV_EVENTS.fallbackChanged]))
  })
})
