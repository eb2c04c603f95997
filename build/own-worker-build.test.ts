/**
 * `vite build` of the e2e fixture app with a service worker of the project's own (vite-plugin-pwa, injectManifest
 * or generateSW) and the gatekeeper in it. `version-gatekeeper/vite` resolves to dist/: `npm run build` must have run.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build, createLogger, type InlineConfig, type PluginOption } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { afterAll, describe, expect, it } from 'vitest'
import { IMPORTED_SW_FILE, versionGatekeeper, type GatekeeperBuildError } from 'version-gatekeeper/vite'

const FIXTURE = resolve(import.meta.dirname, '../e2e/fixtures/history-app')
const temporary: string[] = []

/** Builds the fixture with exactly `plugins`; returns the output directory and the warnings Vite printed. */
async function buildWith(plugins: PluginOption[], config: InlineConfig = {}): Promise<{ out: string; warnings: string[] }> {
  const out = await mkdtemp(join(tmpdir(), 'vg-own-sw-'))
  temporary.push(out)
  const warnings: string[] = []
  const logger = createLogger('silent')
  logger.warn = (message) => void warnings.push(message)
  await build({ root: FIXTURE, configFile: false, logLevel: 'silent', customLogger: logger, plugins, ...config, build: { outDir: out, emptyOutDir: true } })
  return { out, warnings }
}

async function failure(plugins: PluginOption[], config: InlineConfig = {}): Promise<GatekeeperBuildError> {
  try {
    await buildWith(plugins, config)
  } catch (error) {
    return error as GatekeeperBuildError
  }
  throw new Error('expected the build to fail')
}

const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8')
const runtimeConfig = async (out: string) => JSON.parse(/"tab":.*?"fallback":"[^"]+"(?:,"register":false)?/.exec(await read(out, 'index.html'))![0].replace(/^/, '{') + '}')

afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('vite build with VitePWA() and versionGatekeeper() writing its own sw.js', () => {
  it('fails: two service workers would compete for one scope; the message names the way out', async () => {
    const error = await failure([versionGatekeeper(), VitePWA({ manifest: false })])
    expect(error.code).toBe('competing-service-worker')
    expect(error.message).toContain("versionGatekeeper({ serviceWorker: 'own' })")
  })

  it('builds when that VitePWA() is disabled', async () => {
    const { out } = await buildWith([versionGatekeeper(), VitePWA({ manifest: false, disable: true })])
    expect((await runtimeConfig(out)).register).toBeUndefined()
  })
})

describe("vite build with versionGatekeeper({ serviceWorker: 'own' })", () => {
  it('and injectManifest: the project builds its worker, the gatekeeper writes the manifest and fallback pages, and the pages register nothing of the gatekeeper', async () => {
    const { out, warnings } = await buildWith([
      versionGatekeeper({ serviceWorker: 'own' }),
      VitePWA({ strategies: 'injectManifest', srcDir: 'pwa', filename: 'sw.ts', manifest: false }),
    ])
    const files = await readdir(out)
    expect(files).toEqual(expect.arrayContaining(['sw.js', 'deploy-manifest.json', 'registerSW.js', IMPORTED_SW_FILE]))
    expect(files.some((file) => /^fallback\.\w+\.en\.html$/.test(file))).toBe(true)
    expect((await runtimeConfig(out)).register).toBe(false)
    expect(await read(out, 'index.html')).toContain('registerSW.js') // vite-plugin-pwa's registration stays
    expect(warnings).toEqual([])
  })

  it('and generateSW: the generated worker imports the gatekeeper script the build writes', async () => {
    const { out } = await buildWith([
      versionGatekeeper({ serviceWorker: 'own' }),
      VitePWA({ manifest: false, workbox: { importScripts: [IMPORTED_SW_FILE] } }),
    ])
    const imported = await read(out, IMPORTED_SW_FILE)
    expect(imported).toBe(await readFile(resolve(import.meta.dirname, '../dist/sw/imported.min.js'), 'utf8'))
    expect((await runtimeConfig(out)).register).toBe(false)
  })

  it('warns when nothing registers the VitePWA() worker', async () => {
    const { warnings } = await buildWith([versionGatekeeper({ serviceWorker: 'own' }), VitePWA({ manifest: false, injectRegister: false })])
    expect(warnings.join('\n')).toContain("serviceWorker: 'own', and vite-plugin-pwa registers no worker")
  })

  it('fails when the VitePWA() worker registers at a scope other than base', async () => {
    const error = await failure([versionGatekeeper({ serviceWorker: 'own' }), VitePWA({ manifest: false, scope: '/elsewhere/' })])
    expect(error.code).toBe('service-worker-scope')
  })

  it('builds without any VitePWA(): the project registers a worker of its own making', async () => {
    const { out, warnings } = await buildWith([versionGatekeeper({ serviceWorker: 'own' })])
    expect(await readdir(out)).not.toContain('sw.js')
    expect((await runtimeConfig(out)).register).toBe(false)
    expect(warnings).toEqual([])
  })
})
