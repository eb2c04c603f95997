/**
 * Which service worker carries the gatekeeper, and whether the project's configuration lets it run: two workers
 * registered for one scope replace each other (the browser keeps one registration per scope: the last registered
 * script wins, and the other's routes stop working), and a worker nobody registers never runs. The checks are
 * plain functions over what the build sees of vite-plugin-pwa, so every rule is tested without a build.
 */
import type { Plugin } from 'vite'
import type { ServiceWorkerChoice } from './options.js'
import { errors, warnings, type GatekeeperBuildError } from './messages.js'

/** The gatekeeper as a classic script, written at the output root with `serviceWorker: 'own'`, for `importScripts()`. */
export const IMPORTED_SW_FILE = 'version-gatekeeper-sw.js'

/** The name of vite-plugin-pwa's main plugin: one per `VitePWA()` in the configuration. */
export const VITE_PWA_PLUGIN = 'vite-plugin-pwa'

/** What vite-plugin-pwa 0.17 to 2 shares as its main plugin's `api` (`VitePluginPWAAPI`), as far as it is read here. */
export interface VitePwaApi {
  readonly disabled?: boolean
  /** How its pages register the worker; undefined when they do not (`injectRegister: false`, or `virtual:pwa-register`). */
  registerSWData?(): { scope: string; inlinePath: string } | undefined
}

/** What the build saw of one `VitePWA()` the project configured. */
export interface ProjectWorker {
  disabled: boolean
  /** Its pages register it: vite-plugin-pwa's injected registration, or a module imports `virtual:pwa-register`. */
  registered: boolean
  /** The scope its injected registration uses; undefined when that is unknown (the app registers it). */
  scope: string | undefined
}

/** The `api` of every `VitePWA()` in `plugins`: the project's own workers (the gatekeeper composes none). */
export function projectVitePwaApis(plugins: readonly Plugin[]): VitePwaApi[] {
  return plugins
    .filter((plugin) => plugin.name === VITE_PWA_PLUGIN)
    .map((plugin) => (plugin.api ?? {}) as VitePwaApi)
}

/** What the build must do about the project's workers before anything is written: fail, warn, or nothing. */
export type WorkerVerdict = { error: GatekeeperBuildError } | { warning: string } | undefined

/**
 * Judges the project's workers against the gatekeeper's choice, before the pages are written:
 * - `'gatekeeper'` with an enabled VitePWA(): two workers for the scope `base`: fails.
 * - `'own'`, a VitePWA() that registers at a scope other than `base`: the tabs' channel is named after `base`, so
 *   they would never hear the worker: fails.
 */
export function judgeWorkersAtStart(choice: ServiceWorkerChoice, base: string, workers: readonly ProjectWorker[]): WorkerVerdict {
  const enabled = workers.filter((worker) => !worker.disabled)
  if (choice === 'gatekeeper' && enabled.length > 0) return { error: errors.competingServiceWorker(base) }
  if (choice === 'own') {
    const elsewhere = enabled.find((worker) => worker.scope !== undefined && worker.scope !== base)
    if (elsewhere) return { error: errors.ownWorkerScope(elsewhere.scope!, base) }
  }
  return undefined
}

/**
 * Judges them once the bundle is known (which modules import `virtual:pwa-register`): with `'own'`, an enabled
 * VitePWA() that nothing registers is worth a warning (the app may still register it by hand).
 */
export function judgeWorkersAtEnd(choice: ServiceWorkerChoice, workers: readonly ProjectWorker[]): WorkerVerdict {
  if (choice !== 'own') return undefined
  const unregistered = workers.some((worker) => !worker.disabled && !worker.registered)
  return unregistered ? { warning: warnings.ownWorkerUnregistered() } : undefined
}
