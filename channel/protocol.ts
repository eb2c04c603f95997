/**
 * The messages between the service worker and the tabs: one module that both sides import, so the channel name,
 * the message types and the schema number cannot drift apart. Every message is validated on receipt; anything
 * else that arrives on the channel is ignored.
 */
import { isValidBuiltAt, isValidVersion, type VersionStamp } from '../manifest/manifest.js'

/** Bumped when a message changes shape. Both sides ignore messages of another schema. */
export const PROTOCOL_SCHEMA = 1

/**
 * The BroadcastChannel that carries `VERSION_CHANGED`. Channels are per origin already; naming it after the path of
 * the service worker's scope keeps two apps on one origin (say `/shop/` and `/admin/`) from hearing each other.
 */
export function channelName(scopePath: string): string {
  return `version-gatekeeper:${scopePath}`
}

/**
 * The path, under the service worker's scope, where the worker serves a kept fallback page: `?version=` prefers
 * that deployment's (else the newest one's), `?lang=` picks the language (else Accept-Language does). The page's
 * bootstrap fetches it when its app cannot start.
 */
export const FALLBACK_ROUTE = '__version-gatekeeper/fallback'

/**
 * The path, under the service worker's scope, of the state page: what the worker knows, as JSON (sw/report.ts).
 * `version-gatekeeper/runtime`'s `getState()` reads it.
 */
export const STATE_ROUTE = '__version-gatekeeper/state'

/**
 * Custom events of `vite dev` (Vite's HMR channel, named after the tool as Vite asks), from the dev server to its
 * pages. `versionChanged` carries a `VersionChanged`: a simulated deployment, which the page's dev runtime posts on
 * the BroadcastChannel as the worker would. `fallbackChanged` tells the fallback preview to reload.
 */
export const DEV_EVENTS = {
  versionChanged: 'version-gatekeeper:version-changed',
  fallbackChanged: 'version-gatekeeper:fallback-changed',
} as const

/** Where the dev server takes a `POST` that simulates a deployment, under Vite's `base`. */
export const DEV_DEPLOY_ROUTE = '__version-gatekeeper/deploy'

/** Service worker → every tab (BroadcastChannel): a newer deployment was confirmed. Sent once per deployment. */
export interface VersionChanged {
  type: 'VERSION_CHANGED'
  schema: typeof PROTOCOL_SCHEMA
  /** The newest version known before this one, or null on a service worker that knew none. */
  from: string | null
  to: VersionStamp
}

/** Service worker → one tab (client.postMessage): the answer to its `CHECK`. */
export interface StateReply {
  type: 'STATE'
  schema: typeof PROTOCOL_SCHEMA
  /** The newest deployment the service worker knows, or null before it has read any manifest. */
  newest: VersionStamp | null
  /** When the worker last asked the host for the manifest (ms since the epoch), or null: tabs time their checks from it. */
  checkedAt: number | null
}

/**
 * Tab → service worker, at start-up, when it becomes visible, after a restore from the back/forward cache, and now
 * and then while its user navigates: "I run `tab`; tell me the newest deployment, looking at the host unless your
 * last look is younger than `maxAgeMs`". The tab sets the freshness it needs (a tab that became visible needs a
 * fresher answer than one that is navigating); the worker makes at most one request for all tabs, and answers
 * `STATE`. A tab that runs a deployment the worker has not confirmed makes it look whatever `maxAgeMs` says.
 */
export interface Check {
  type: 'CHECK'
  schema: typeof PROTOCOL_SCHEMA
  tab: VersionStamp
  maxAgeMs: number
  /**
   * The tab's `navigator.languages`: the worker keeps the fallback page in them. A worker's own languages can differ
   * from its tabs' (Firefox does not apply a page's locale override to workers, for one).
   */
  languages?: readonly string[]
}

export type TabMessage = Check
export type WorkerMessage = VersionChanged | StateReply

/**
 * The deployment a message from the service worker announces, or undefined when `data` is not such a message.
 * It runs in every page, so it checks a `builtAt` as cheaply as it can: it must be the very string `toJSON()` writes
 * for the instant it names (`isValidBuiltAt`'s test, less its length check: an extended year such as `+010000-…`
 * begins with a sign and compares as earlier than any real builtAt). Anything else could compare as later than any,
 * and a stray message would arm the tab.
 */
export function announcedVersion(data: unknown): VersionStamp | undefined {
  const message = data as (Loose<StateReply> & { to?: Loose<VersionStamp> }) | null
  // VERSION_CHANGED carries the deployment as `to`, STATE as `newest`.
  const stamp = (message?.schema === PROTOCOL_SCHEMA && (message.type === 'STATE' ? message.newest : message.to)) as Loose<VersionStamp> | null
  const builtAt = stamp?.builtAt
  return typeof stamp?.version === 'string' && typeof builtAt === 'string' && new Date(builtAt).toJSON() === builtAt ? (stamp as VersionStamp) : undefined
}

/** Lower bound on `Check.maxAgeMs`, so no message can make the service worker ask the host more than once a second. */
export const MIN_CHECK_MAX_AGE_MS = 1_000

/**
 * Validates a message from a tab. Returns undefined for anything that is not a well-formed `CHECK` of this schema;
 * the service worker ignores those.
 */
export function readTabMessage(data: unknown): TabMessage | undefined {
  const message = data as Loose<Check> | null
  if (message?.schema !== PROTOCOL_SCHEMA || !isStamp(message.tab)) return undefined
  const tab = { version: message.tab.version, builtAt: message.tab.builtAt }
  if (message.type === 'CHECK' && typeof message.maxAgeMs === 'number' && Number.isFinite(message.maxAgeMs)) {
    const maxAgeMs = Math.max(MIN_CHECK_MAX_AGE_MS, message.maxAgeMs)
    // Only well-formed language tags, and no more than a browser would list: the rest is dropped, not refused.
    const languages = Array.isArray(message.languages)
      ? message.languages.filter((language): language is string => typeof language === 'string' && LANGUAGE_TAG.test(language)).slice(0, 20)
      : []
    return { type: 'CHECK', schema: PROTOCOL_SCHEMA, tab, maxAgeMs, languages }
  }
  return undefined
}

const LANGUAGE_TAG = /^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$/i

/** A received message before validation: any field may be missing or of any type. */
type Loose<T> = { [K in keyof T]?: unknown }

function isStamp(value: unknown): value is VersionStamp {
  const stamp = value as Partial<VersionStamp> | null
  return typeof stamp === 'object' && isValidVersion(stamp?.version) && isValidBuiltAt(stamp?.builtAt)
}
