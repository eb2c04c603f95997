import type { VersionStamp } from '../manifest/manifest.js'

/** What the build writes into each index.html for the in-page runtime: only what cannot be derived. */
export interface RuntimeConfig {
  /** The deployment this document belongs to. */
  tab: VersionStamp
  /** Vite's `base`, an absolute path: the service worker is `${base}sw.js` and its scope is `base`. */
  base: string
  /** The least time between two checks for a new deployment that a navigating tab asks for; absent: the default. */
  checkIntervalMs?: number
  /** How long the entry scripts (the page's module scripts with a `src`) may take to run before they count as failed; absent: the default. */
  entryTimeoutMs?: number
  /** This deployment's fallback page in the default locale, e.g. `/fallback.3e930377.en.html`. */
  fallback: string
  /** `false` when the project registers a service worker of its own that has the gatekeeper in it; else `${base}sw.js` is registered. */
  register?: false
}

/**
 * The default of `checkInterval`: a navigating tab asks for a check at most every 5 minutes. The build leaves a
 * default out of each page's configuration, and the runtime applies it.
 */
export const DEFAULT_CHECK_INTERVAL_MS = 5 * 60 * 1000

/** The default of `fallback.entryTimeout`: 30 s for the entry scripts to run. Left out of each page's configuration too. */
export const DEFAULT_ENTRY_TIMEOUT_MS = 30_000

/** File name of the service worker, beside index.html at `base`. */
export const SW_FILE = 'sw.js'

/** The placeholder the build replaces with the JSON of a `RuntimeConfig` when it inlines the runtime. */
export const CONFIG_PLACEHOLDER = '__VERSION_GATEKEEPER_CONFIG__'

/** Where the runtime leaves its handle for `version-gatekeeper/runtime`: a registered symbol, so no global name. */
export const HANDLE_KEY = 'version-gatekeeper'

/** What the inline runtime shares with the app through `version-gatekeeper/runtime`. */
export interface RuntimeHandle {
  tab: VersionStamp
  /** Vite's `base`: the path of the service worker's scope, which names the channel. */
  base: string
  /** The newest deployment known to be newer than `tab`, once one is. */
  newest(): VersionStamp | undefined
}
