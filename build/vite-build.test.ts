/**
 * The plugin through Vite's own build API, on the e2e fixture app. `version-gatekeeper/vite` resolves through the
 * package's `exports` to dist/, so `npm run build` must have run. `GATEKEEPER_VITE=vite6|vite7` runs the same tests
 * on Vite 6 or 7 (vite-under-test.test-support.ts; `npm run test:vite-matrix` runs all three).
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { InlineConfig } from 'vite'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { isKillSwitch, readManifest } from '../manifest/manifest.js'
import { createInMemoryCaches } from '../sw/in-memory-caches.test-support.js'
import { cspHash, inlineSources } from './fallback-page.js'
import { viteUnderTest } from './vite-under-test.test-support.js'

const { vite, versionGatekeeper, fixtureRoot, name: viteName, version: viteVersion } = await viteUnderTest()
const FIXTURE = fixtureRoot('history-app')
const temporary: string[] = []

async function buildFixture(env: Record<string, string>, config: InlineConfig = {}): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'vg-build-'))
  temporary.push(outDir)
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    await vite.build({ root: FIXTURE, logLevel: 'silent', ...config, build: { outDir, emptyOutDir: true, ...config.build } })
  } finally {
    process.env = saved
  }
  return outDir
}

const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8')
/** The inline scripts of an HTML page (those without `src`). */
const inlineScripts = (html: string) => [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[1]!)

afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe(`vite build (${viteName} ${viteVersion}) with versionGatekeeper()`, () => {
  it(`runs on Vite ${viteVersion}, and writes as sw.js the worker the package was built with, whatever the Vite`, async () => {
    expect(vite.version).toBe(viteVersion)
    const out = await buildFixture({ VITE_RELEASE: 'v1' })
    // The package the fixture's vite.config.ts imports, and the worker its build wrote (scripts/build-scripts.mjs).
    const plugin = createRequire(join(FIXTURE, 'vite.config.ts')).resolve('version-gatekeeper/vite')
    expect(await read(out, 'sw.js')).toBe(await readFile(resolve(dirname(plugin), '../sw/sw.min.js'), 'utf8'))
  })

  it('emits sw.js, deploy-manifest.json, a fallback page and an index.html that registers the worker', async () => {
    const out = await buildFixture({ VITE_RELEASE: 'v1' })
    const manifest = readManifest(JSON.parse(await read(out, 'deploy-manifest.json')))
    expect(manifest).toBeDefined()
    expect(manifest!.assets.length).toBeGreaterThan(3)
    expect(manifest!.entry.every((file) => manifest!.assets.includes(file))).toBe(true)
    for (const page of Object.values(manifest!.fallback.pages)) {
      expect(await read(out, page)).toContain(`data-version="${manifest!.version}"`)
    }
    const html = await read(out, 'index.html')
    expect(html.indexOf('<script>')).toBeLessThan(html.indexOf('<script type="module"'))
    expect(html).toContain(`"version":"${manifest!.version}"`)
    expect(html).toContain('updateViaCache')
    expect(html).not.toContain('__VERSION_GATEKEEPER_CONFIG__')
    expect((await read(out, 'sw.js')).length).toBeGreaterThan(1000)
  })

  it("lists in the manifest's csp every inline script a page runs: index.html's runtime and the fallback pages' own", async () => {
    const out = await buildFixture({ VITE_RELEASE: 'v1' })
    const manifest = readManifest(JSON.parse(await read(out, 'deploy-manifest.json')))!
    const runtime = inlineScripts(await read(out, 'index.html'))
    expect(runtime).toHaveLength(1)
    const pages = await Promise.all(Object.values(manifest.fallback.pages).map((page) => read(out, page)))
    const pageScripts = new Set(pages.flatMap(inlineScripts))
    expect(pageScripts.size).toBe(1)
    expect(manifest.csp.scriptSrc).toEqual([...new Set([...runtime, ...pageScripts].map(cspHash))].sort())
    expect(manifest.csp.styleSrc).toEqual([...new Set(pages.flatMap((page) => inlineSources(page).styles))].sort())
    for (const script of pageScripts) expect(manifest.fallback.contentSecurityPolicy).toContain(cspHash(script))
  })

  it('gives identical builds identical bytes (with SOURCE_DATE_EPOCH) and the same version even without it', async () => {
    const epoch = { VITE_RELEASE: 'v1', SOURCE_DATE_EPOCH: '1790000000' }
    const [first, second] = [await buildFixture(epoch), await buildFixture(epoch)]
    for (const file of ['deploy-manifest.json', 'index.html', 'sw.js']) {
      expect(await read(second, file), file).toBe(await read(first, file))
    }
    const third = await buildFixture({ VITE_RELEASE: 'v1' })
    const version = (dir: string) => read(dir, 'deploy-manifest.json').then((text) => JSON.parse(text).version)
    expect(await version(third)).toBe(await version(first))
  })

  it('keeps sw.js byte-identical across deployments, so a deploy never waits on a service worker update', async () => {
    const [v1, v2] = [await buildFixture({ VITE_RELEASE: 'v1' }), await buildFixture({ VITE_RELEASE: 'v2' })]
    const version = (dir: string) => read(dir, 'deploy-manifest.json').then((text) => JSON.parse(text).version)
    expect(await version(v2)).not.toBe(await version(v1))
    expect(await read(v2, 'sw.js')).toBe(await read(v1, 'sw.js'))
  })

  it("gives the same app another version when the gatekeeper runs in the project's own worker", async () => {
    const version = (dir: string) => read(dir, 'deploy-manifest.json').then((text) => JSON.parse(text).version)
    const inOwnWorker = await buildFixture({ VITE_RELEASE: 'v1' }, { configFile: false, plugins: [versionGatekeeper({ serviceWorker: 'own' })] })
    const inItsWorker = await buildFixture({ VITE_RELEASE: 'v1' }, { configFile: false, plugins: [versionGatekeeper()] })
    // Their pages differ (one registers sw.js, the other leaves that to the project), so their versions must too.
    expect(await version(inOwnWorker)).not.toBe(await version(inItsWorker))
  })

  it('uses the version the user passes, through the option or VERSION_GATEKEEPER_VERSION', async () => {
    const fromEnv = await buildFixture({ VITE_RELEASE: 'v1', VERSION_GATEKEEPER_VERSION: 'commit-4f2a9c1' })
    expect(JSON.parse(await read(fromEnv, 'deploy-manifest.json')).version).toBe('commit-4f2a9c1')
    const fromOption = await buildFixture(
      { VITE_RELEASE: 'v1' },
      { configFile: false, plugins: [versionGatekeeper({ version: 'release-7' })] },
    )
    expect(JSON.parse(await read(fromOption, 'deploy-manifest.json')).version).toBe('release-7')
  })

  it('emits nothing in an SSR build', async () => {
    const out = await buildFixture(
      { VITE_RELEASE: 'v1' },
      { configFile: false, plugins: [versionGatekeeper()], build: { ssr: join(FIXTURE, '../shared/records.ts') } },
    )
    expect((await readdir(out)).sort()).toEqual(['records.js'])
  })

  it('fails the build on a bad option, naming the key, the value and the fix', async () => {
    const dir = await mkdtemp(join(FIXTURE, '.bad-config-'))
    temporary.push(dir)
    const configFile = join(dir, 'vite.config.mjs')
    await writeFile(
      configFile,
      "import { versionGatekeeper } from 'version-gatekeeper/vite'\nexport default { plugins: [versionGatekeeper({ checkInterval: '5m' })] }\n",
    )
    await expect(buildFixture({}, { configFile })).rejects.toThrow(
      /option "checkInterval" is "5m".*milliseconds.*checkInterval: 5 \* 60_000/,
    )
  })

  it("fails the build when Vite's base is relative, explaining why", async () => {
    await expect(buildFixture({}, { configFile: false, base: './', plugins: [versionGatekeeper()] })).rejects.toMatchObject({
      code: 'relative-base',
    })
  })

  it("writes into each page's runtime configuration only the settings that differ from the runtime's defaults", async () => {
    const pageConfig = async (out: string) => JSON.parse(`{${/"tab":.*?"fallback":"[^"]+"/.exec(await read(out, 'index.html'))![0]}}`)
    const byDefault = await pageConfig(await buildFixture({ VITE_RELEASE: 'v1' }))
    expect(Object.keys(byDefault)).toEqual(['tab', 'base', 'fallback'])
    const given = await buildFixture(
      { VITE_RELEASE: 'v1' },
      { configFile: false, plugins: [versionGatekeeper({ checkInterval: 60_000, fallback: { entryTimeout: 10_000 } })] },
    )
    expect(await pageConfig(given)).toMatchObject({ checkIntervalMs: 60_000, entryTimeoutMs: 10_000 })
  })

  it('writes the precache policy and the grace period into the manifest: entry and 1 hour by default, else as given', async () => {
    const byDefault = readManifest(JSON.parse(await read(await buildFixture({ VITE_RELEASE: 'v1' }), 'deploy-manifest.json')))!
    expect([byDefault.precache, byDefault.gracePeriodMs]).toEqual(['entry', 3_600_000])
    const given = await buildFixture(
      { VITE_RELEASE: 'v1' },
      { configFile: false, plugins: [versionGatekeeper({ precache: 'all', gracePeriod: 2_000 })] },
    )
    const manifest = readManifest(JSON.parse(await read(given, 'deploy-manifest.json')))!
    expect([manifest.precache, manifest.gracePeriodMs]).toEqual(['all', 2_000])
    expect(manifest.version).not.toBe(byDefault.version)
  })
})

describe(`vite build (${viteName} ${viteVersion}) with versionGatekeeper({ killSwitch })`, () => {
  /** Runs a built worker script in a fake worker global scope at `scope`, through install and activate. */
  async function runWorker(code: string, scope: string, cacheNames: string[]) {
    const caches = createInMemoryCaches()
    for (const name of cacheNames) await caches.open(name)
    const listeners = new Map<string, ((event: unknown) => void)[]>()
    const self = {
      registration: { scope, unregister: vi.fn(async () => true) },
      skipWaiting: vi.fn(async () => undefined),
      addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    }
    new Function('self', 'caches', code)(self, caches)
    for (const type of ['install', 'activate']) {
      const waited: Promise<unknown>[] = []
      for (const listener of listeners.get(type) ?? []) listener({ waitUntil: (promise: Promise<unknown>) => waited.push(promise) })
      await Promise.all(waited)
    }
    return { self, caches, listeners }
  }

  it('writes the kill switch at sw.js and at the older names given, and a kill-switch manifest', async () => {
    const out = await buildFixture({ VITE_RELEASE: 'v2' }, { configFile: false, plugins: [versionGatekeeper({ killSwitch: { paths: ['old-sw.js'] } })] })
    const manifest = await read(out, 'deploy-manifest.json')
    expect(JSON.parse(manifest)).toEqual({ killSwitch: true, schema: 1 })
    expect(Object.keys(JSON.parse(manifest))).toEqual(['killSwitch', 'schema'])
    expect(isKillSwitch(JSON.parse(manifest))).toBe(true)
    expect(await read(out, 'old-sw.js')).toBe(await read(out, 'sw.js'))
    expect((await readdir(out)).filter((file) => file.startsWith('fallback.'))).toEqual([])
  })

  it('gives the pages no runtime: index.html runs no inline script and registers no worker', async () => {
    const out = await buildFixture({ VITE_RELEASE: 'v2' }, { configFile: false, plugins: [versionGatekeeper({ killSwitch: true })] })
    const html = await read(out, 'index.html')
    expect(inlineScripts(html)).toEqual([])
    expect(html).toContain('<script type="module"')
  })

  it("builds a worker that takes over, deletes its scope's gatekeeper caches, unregisters, and handles no fetch", async () => {
    const out = await buildFixture({ VITE_RELEASE: 'v2' }, { configFile: false, plugins: [versionGatekeeper({ killSwitch: true })] })
    const others = ['version-gatekeeper/admin/:v1', 'api-responses']
    const worker = await runWorker(await read(out, 'sw.js'), 'https://app.test/', ['version-gatekeeper#state', 'version-gatekeeper:v1', ...others])
    expect(worker.self.skipWaiting).toHaveBeenCalled()
    expect((await worker.caches.keys()).sort()).toEqual(others.sort())
    expect(worker.self.registration.unregister).toHaveBeenCalledTimes(1)
    expect(worker.listeners.has('fetch')).toBe(false)
  })
})
