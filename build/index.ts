/**
 * `version-gatekeeper/vite`: the whole integration is `plugins: [versionGatekeeper()]`. The factory validates the
 * options once, then returns two plugins: one for `vite build`, which adds the runtime to index.html, writes the
 * deployment manifest, the fallback pages and sw.js, and prints the summary; one for `vite dev`. sw.js is the
 * gatekeeper's worker as the package was built with it (sw/sw.ts on workbox-core and workbox-routing, scripts/build-scripts.mjs):
 * it learns every deployment from the manifest at run time, so it is the same file for every app and every build,
 * and building it again in each app would only add time (and, on another Vite, other bytes: a worker update in
 * every browser for nothing). With `serviceWorker: 'own'` the project's worker (vite-plugin-pwa's, most often)
 * carries the gatekeeper instead: no sw.js is written, and the pages register nothing. All apply to the client
 * build only: an SSR build emits nothing.
 */
import { gzipSync } from 'node:zlib'
import type { Plugin, ResolvedConfig } from 'vite'
import { DEFAULT_CHECK_INTERVAL_MS, DEFAULT_ENTRY_TIMEOUT_MS, SW_FILE, type RuntimeConfig } from '../app-runtime/config.js'
import { MANIFEST_FILE } from '../manifest/manifest.js'
import { devServer } from './dev-server.js'
import { killSwitchPlugin } from './kill-switch.js'
import { createManifest, hashedFiles, hashOutput, serializeManifest, type EmittedFile } from './deploy-manifest.js'
import { cspHash, renderFallbackPages } from './fallback-page.js'
import { cspLine, errors, summaryLine } from './messages.js'
import { resolveBuiltAt, resolveOptions, type VersionGatekeeperOptions } from './options.js'
import { PREBUILT, readPrebuilt } from './prebuilt.js'
import { configureRuntime, readRuntimeCode } from './runtime-script.js'
import {
  IMPORTED_SW_FILE,
  judgeWorkersAtEnd,
  judgeWorkersAtStart,
  projectVitePwaApis,
  type ProjectWorker,
  type VitePwaApi,
  type WorkerVerdict,
} from './service-worker.js'

export type { VersionGatekeeperOptions } from './options.js'
export type { DeployManifest, FallbackPages, VersionStamp } from '../manifest/manifest.js'
export { GatekeeperBuildError } from './messages.js'
export type { DevServerApi } from './dev-server.js'

export { SW_FILE, IMPORTED_SW_FILE }

/** What one client build learned, for the summary line and the plugin's `api`. */
interface BuildResult {
  version: string
  assets: number
  pageBytesGzip: number
  /** CSP sources (`'sha256-…'`) of the inline scripts the build added to the pages. */
  scriptHashes: string[]
  /** CSP sources of the fallback page's inline styles. */
  styleHashes: string[]
  /** The worker script written: sw.js, or with `serviceWorker: 'own'` the script a project's worker imports. */
  swFile: string
  swBytesGzip: number
}

/** What the plugin tells other plugins and build scripts, as `plugin.api` (Vite's convention). */
export interface VersionGatekeeperApi {
  /**
   * After the client build: the CSP sources of every inline script the gatekeeper added to the HTML pages, for a
   * `script-src` without `'unsafe-inline'`. Also written to deploy-manifest.json as `csp.scriptSrc`.
   */
  readonly scriptHashes: readonly string[]
  /** After the client build: the CSP sources of the fallback page's inline styles (`csp.styleSrc` in the manifest). */
  readonly styleHashes: readonly string[]
}

/**
 * The gatekeeper's Vite plugins. After `vite build`, the output root holds `sw.js`, `deploy-manifest.json` and the
 * fallback pages, and every HTML page registers the service worker and runs the in-page runtime.
 */
export function versionGatekeeper(options?: VersionGatekeeperOptions): Plugin[] {
  const settings = resolveOptions(options)
  let config: ResolvedConfig
  let builtAt: string
  let result: BuildResult | undefined

  if (settings.killSwitch) return [killSwitchPlugin(settings.killSwitch, clientOnly)]
  const ownWorker = settings.serviceWorker === 'own'
  let projectWorkers: VitePwaApi[] = []

  const gatekeeper: Plugin<VersionGatekeeperApi> = {
    name: 'version-gatekeeper',
    apply: 'build',
    applyToEnvironment: clientOnly,
    api: {
      get scriptHashes() {
        return result?.scriptHashes ?? []
      },
      get styleHashes() {
        return result?.styleHashes ?? []
      },
    },

    configResolved(resolvedConfig) {
      config = resolvedConfig
      if (!config.base.startsWith('/')) throw errors.relativeBase(config.base)
    },

    // Before the bundle starts, so no other plugin's hooks run (an error in buildStart still runs every closeBundle,
    // and vite-plugin-pwa's would fail with an error of its own); after every configResolved, where vite-plugin-pwa
    // resolves its options.
    options() {
      projectWorkers = projectVitePwaApis(config.plugins)
      report(judgeWorkersAtStart(settings.serviceWorker, config.base, describeWorkers(projectWorkers, false)), config)
    },

    buildStart() {
      builtAt = resolveBuiltAt()
      result = undefined
    },

    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (!/<head[\s>]/i.test(html)) throw errors.noHtmlHead(context.filename)
        // The configuration is filled in by generateBundle, once the version (a hash of the whole output) is known.
        return [{ tag: 'script', children: readRuntimeCode(), injectTo: 'head-prepend' }]
      },
    },

    generateBundle: {
      order: 'post',
      handler(_, bundle) {
        const base = config.base
        const { defaultLocale, messages, template, entryTimeoutMs } = settings.fallback
        const gatekeeperSettings = { base, checkIntervalMs: settings.checkIntervalMs, entryTimeoutMs }
        // The settings go into the hash: the same app with other gatekeeper settings is another deployment.
        const version =
          settings.version ??
          hashOutput(
            emittedFiles(bundle),
            JSON.stringify({
              ...gatekeeperSettings,
              defaultLocale,
              messages,
              precache: settings.precache,
              grace: settings.gracePeriodMs,
              serviceWorker: settings.serviceWorker,
            }),
          )

        const fallback = renderFallbackPages(version, messages, defaultLocale, template)
        for (const page of fallback.files) this.emitFile({ type: 'asset', fileName: page.fileName, source: page.html })
        const defaultPage = base + fallback.files.find((page) => page.locale === defaultLocale)!.fileName

        const scriptHashes = new Set<string>()
        let pageBytesGzip = 0
        for (const file of Object.values(bundle)) {
          if (file.type !== 'asset' || !file.fileName.endsWith('.html') || typeof file.source !== 'string') continue
          // Only the pages transformIndexHtml put the runtime in: Rollup (Vite 6 and 7) also lists here the fallback
          // pages emitted above, which would add the hash of a script no page runs.
          if (!file.source.includes(readRuntimeCode())) continue
          const runtimeConfig: RuntimeConfig = {
            tab: { version, builtAt },
            base,
            // A default is the runtime's to apply: every page load pays for what is written here.
            ...(settings.checkIntervalMs !== DEFAULT_CHECK_INTERVAL_MS && { checkIntervalMs: settings.checkIntervalMs }),
            ...(entryTimeoutMs !== DEFAULT_ENTRY_TIMEOUT_MS && { entryTimeoutMs }),
            fallback: defaultPage,
            ...(ownWorker ? { register: false as const } : {}),
          }
          const script = configureRuntime(readRuntimeCode(), runtimeConfig)
          scriptHashes.add(cspHash(script))
          file.source = file.source.replace(readRuntimeCode(), () => script)
          pageBytesGzip = Math.max(pageBytesGzip, gzipSync(script, { level: 9 }).length)
        }

        const assetsDir = normalizeDir(config.build.assetsDir)
        const assets = hashedFiles(Object.keys(bundle), assetsDir)
        const manifest = createManifest({
          version,
          builtAt,
          assetsDir,
          assets,
          entry: entryFiles(bundle),
          fallback: {
            defaultLocale,
            pages: Object.fromEntries(fallback.files.map((page) => [page.locale, page.fileName])),
            contentSecurityPolicy: fallback.contentSecurityPolicy,
          },
          csp: { scriptSrc: [...scriptHashes, ...fallback.scriptSources], styleSrc: fallback.styleSources },
          precache: settings.precache,
          gracePeriodMs: settings.gracePeriodMs,
        })
        this.emitFile({ type: 'asset', fileName: MANIFEST_FILE, source: serializeManifest(manifest) })

        // The worker: the gatekeeper's own sw.js, or the script a project's worker imports with importScripts().
        const swFile = ownWorker ? IMPORTED_SW_FILE : SW_FILE
        const worker = readPrebuilt(ownWorker ? PREBUILT.importedWorker : PREBUILT.worker)
        this.emitFile({ type: 'asset', fileName: swFile, source: worker })
        if (ownWorker) {
          const importsRegister = [...this.getModuleIds()].some((id) => id.includes('virtual:pwa-register'))
          report(judgeWorkersAtEnd(settings.serviceWorker, describeWorkers(projectWorkers, importsRegister)), config)
        }
        result = {
          version,
          assets: assets.length,
          pageBytesGzip,
          scriptHashes: manifest.csp.scriptSrc,
          styleHashes: manifest.csp.styleSrc,
          swFile,
          swBytesGzip: gzipSync(worker, { level: 9 }).length,
        }
      },
    },

    // Once the output is written: the lines close Vite's own report of the build.
    closeBundle() {
      if (!result) return
      config.logger.info(summaryLine(result))
      config.logger.info(cspLine(result.scriptHashes, result.styleHashes))
    },
  }

  return [gatekeeper, devServer({ ...settings.fallback, checkIntervalMs: settings.checkIntervalMs })]
}

/** Every plugin of the gatekeeper applies to the client build only: an SSR build emits nothing. */
const clientOnly = (environment: { config: { consumer: string } }) => environment.config.consumer === 'client'

/** What the build knows of the project's own VitePWA() workers; `importsRegister`: a module imports virtual:pwa-register. */
function describeWorkers(apis: readonly VitePwaApi[], importsRegister: boolean): ProjectWorker[] {
  return apis.map((api) => {
    const registration = api.registerSWData?.()
    return { disabled: api.disabled === true, registered: registration !== undefined || importsRegister, scope: registration?.scope }
  })
}

/** Fails the build for an error, prints a warning. */
function report(verdict: WorkerVerdict, config: ResolvedConfig): void {
  if (verdict && 'error' in verdict) throw verdict.error
  if (verdict) config.logger.warn(verdict.warning)
}

/**
 * The part of a Rollup/Rolldown output bundle the gatekeeper reads. Structural, so it fits Vite 6 and 7 (Rollup)
 * as well as Vite 8 (Rolldown).
 */
type OutputBundle = Record<
  string,
  | { type: 'chunk'; fileName: string; code: string; isEntry: boolean; imports: string[]; viteMetadata?: { importedCss: Set<string> } }
  | { type: 'asset'; fileName: string; source: string | Uint8Array }
>

/** Every file in the bundle with its content. */
function emittedFiles(bundle: OutputBundle): EmittedFile[] {
  return Object.values(bundle).map((file) => ({
    fileName: file.fileName,
    content: file.type === 'chunk' ? file.code : file.source,
  }))
}

/** What index.html loads at start-up: entry chunks, their static imports, and the CSS they import. */
function entryFiles(bundle: OutputBundle): string[] {
  const files = new Set<string>()
  const visit = (fileName: string) => {
    const chunk = bundle[fileName]
    if (!chunk || files.has(fileName)) return
    files.add(fileName)
    if (chunk.type !== 'chunk') return
    chunk.imports.forEach(visit)
    chunk.viteMetadata?.importedCss.forEach((css) => files.add(css))
  }
  for (const file of Object.values(bundle)) if (file.type === 'chunk' && file.isEntry) visit(file.fileName)
  return [...files]
}

function normalizeDir(dir: string): string {
  const trimmed = dir.replace(/^\.?\/+/, '').replace(/\/+$/, '')
  return trimmed === '' ? '' : `${trimmed}/`
}
