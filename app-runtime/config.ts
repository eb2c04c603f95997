import type { VersionStamp } from '../manifest/manifest.js'

/** What the build writes into each index.html for the in-page runtime. */
export interface RuntimeConfig {
  /** The deployment this document belongs to. */
  tab: VersionStamp
  /** Absolute path of the service worker script, e.g. `/sw.js`. */
  sw: string
  /** Absolute path of the service worker's scope, e.g. `/`. */
  scope: string
  /** The least time between two checks for a new deployment that a navigating tab asks for. */
  checkIntervalMs: number
  /** Absolute paths of the module scripts index.html starts the app with. */
  entry: string[]
  /** How long the entry scripts may take to run before they count as failed. */
  entryTimeoutMs: number
  /** This deployment's fallback pages: `${prefix}${locale}.html` for each of `locales`. */
  fallback: { prefix: string; locales: string[]; defaultLocale: string }
}

/** The placeholder the build replaces with the JSON of a `RuntimeConfig` when it inlines the runtime. */
export const CONFIG_PLACEHOLDER = '__VERSION_GATEKEEPER_CONFIG__'

/** Where the runtime leaves its handle for `version-gatekeeper/runtime`: a registered symbol, so no global name. */
export const HANDLE_KEY = 'version-gatekeeper'

/** What the inline runtime shares with the app through `version-gatekeeper/runtime`. */
export interface RuntimeHandle {
  tab: VersionStamp
  /** The newest deployment known to be newer than `tab`, once one is. */
  newest(): VersionStamp | undefined
  /** Called once with the newest deployment when it becomes known; the set is the subscription list. */
  listeners: Set<(newest: VersionStamp) => void>
}
