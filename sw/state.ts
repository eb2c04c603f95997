/**
 * What the service worker remembers between its starts (browsers stop it at will): the newest deployment, the
 * version each tab runs, the last check, and a short log of what happened. Plain data and pure updates;
 * `storage.ts` persists it, `report.ts` shows it.
 */
import { isValidBuiltAt, isValidVersion, type VersionStamp } from '../manifest/manifest.js'

/**
 * Bumped when the stored shape changes; `readState` migrates every older schema it knows, so a new release of the
 * gatekeeper (a new sw.js) takes over the records of the one before it.
 * 1: newest, tabs `{ version, seenAt }`, lastCheck. 2: tabs carry `builtAt`; the event log; the manifest's ETag.
 */
export const STATE_SCHEMA = 2

/**
 * How long a tab that no longer shows among the open windows is still counted, unless the newest deployment's
 * manifest sets its own grace period. Pages in the back/forward cache are not listed by `clients.matchAll()`, yet
 * they may come back and must find their version's files. Browsers keep them 10 minutes (Chrome's bfcache time to
 * live) to 30 minutes (Firefox's `contentViewerTimeout`); an hour covers both.
 */
export const DEFAULT_GRACE_PERIOD_MS = 60 * 60 * 1000

/** The event log keeps this many entries, the newest last: enough to see the last few deployments and checks. */
export const MAX_EVENTS = 50

/** One tab (a service worker client) and the deployment it runs. */
export interface TabRecord {
  version: string
  builtAt: string
  /** When the tab last asked, or was last seen open (ms since the epoch). */
  seenAt: number
}

/**
 * How the last look at the host's manifest ended: a newer deployment, the same (or an older one, during a rolling
 * deploy), no answer (network error or non-2xx status), an answer that is not a manifest this worker reads, or
 * the host's instruction to remove the gatekeeper.
 */
export type CheckOutcome = 'new-version' | 'unchanged' | 'unreachable' | 'invalid' | 'kill-switch'
const CHECK_OUTCOMES: readonly string[] = ['new-version', 'unchanged', 'unreachable', 'invalid', 'kill-switch'] satisfies CheckOutcome[]

export interface CheckRecord {
  at: number
  outcome: CheckOutcome
}

/** Something worth seeing on the state page: `what` happened at `at`; `detail` names the versions or files. */
export interface GatekeeperEvent {
  at: number
  what: string
  detail: string
}

export interface GatekeeperState {
  schema: typeof STATE_SCHEMA
  /** The newest deployment confirmed by a manifest from the host, or null before the first. */
  newest: VersionStamp | null
  /** Client id to the tab's record. */
  tabs: Record<string, TabRecord>
  lastCheck: CheckRecord | null
  /** The ETag of the last manifest the host sent, for the next check's If-None-Match; null when it sent none. */
  manifestEtag: string | null
  /** The last `MAX_EVENTS` events, oldest first. */
  events: GatekeeperEvent[]
}

/** The state of a service worker that has seen nothing yet. */
export function emptyState(): GatekeeperState {
  return { schema: STATE_SCHEMA, newest: null, tabs: {}, lastCheck: null, manifestEtag: null, events: [] }
}

/**
 * Reads stored state of this schema or an older one. Anything unreadable gives the empty state: losing the memory
 * only delays the next arming until the next check, while acting on a corrupt record could send tabs astray.
 */
export function readState(json: unknown, now: number): GatekeeperState {
  const stored = json as { [K in keyof GatekeeperState]?: unknown } | null
  const schema = typeof stored === 'object' && stored !== null ? stored.schema : undefined
  if (schema !== 1 && schema !== STATE_SCHEMA) return emptyState()
  const state = emptyState()
  const newest = stored!.newest as Partial<VersionStamp> | null
  if (newest && isValidVersion(newest.version) && isValidBuiltAt(newest.builtAt)) {
    state.newest = { version: newest.version, builtAt: newest.builtAt }
  }
  if (typeof stored!.tabs === 'object' && stored!.tabs !== null) {
    // Schema 1 tabs have no builtAt and are dropped: they are recorded again at their next check.
    for (const [id, tab] of Object.entries(stored!.tabs as Record<string, Partial<TabRecord>>)) {
      if (isValidVersion(tab?.version) && isValidBuiltAt(tab.builtAt) && typeof tab.seenAt === 'number') {
        state.tabs[id] = { version: tab.version, builtAt: tab.builtAt, seenAt: tab.seenAt }
      }
    }
  }
  const check = stored!.lastCheck as Partial<CheckRecord> | null
  if (check && typeof check.at === 'number' && CHECK_OUTCOMES.includes(check.outcome as string)) {
    state.lastCheck = { at: check.at, outcome: check.outcome as CheckOutcome }
  }
  // An ETag is a quoted string of visible characters (RFC 9110); anything else is not sent back to the host.
  if (typeof stored!.manifestEtag === 'string' && /^(W\/)?"[\x21\x23-\x7e]*"$/.test(stored!.manifestEtag)) {
    state.manifestEtag = stored!.manifestEtag
  }
  if (Array.isArray(stored!.events)) {
    state.events = (stored!.events as Partial<GatekeeperEvent>[])
      .filter((event) => typeof event?.at === 'number' && typeof event.what === 'string' && typeof event.detail === 'string')
      .slice(-MAX_EVENTS) as GatekeeperEvent[]
  }
  return schema === STATE_SCHEMA ? state : logEvent(state, now, 'migrated', `state schema ${schema} to ${STATE_SCHEMA}`)
}

/** Adds an event to the log, dropping the oldest beyond `MAX_EVENTS`. */
export function logEvent(state: GatekeeperState, at: number, what: string, detail: string): GatekeeperState {
  return { ...state, events: [...state.events, { at, what, detail }].slice(-MAX_EVENTS) }
}

/**
 * The tabs still counted: those open now (refreshed to `now`) and those closed less than `gracePeriodMs` ago (a
 * page in the back/forward cache is not listed among the open ones, yet it may come back).
 */
export function countedTabs(
  tabs: Readonly<Record<string, TabRecord>>,
  openIds: ReadonlySet<string>,
  now: number,
  gracePeriodMs: number,
): Record<string, TabRecord> {
  const counted: Record<string, TabRecord> = {}
  for (const [id, tab] of Object.entries(tabs)) {
    if (openIds.has(id)) counted[id] = { ...tab, seenAt: now }
    else if (now - tab.seenAt < gracePeriodMs) counted[id] = tab
  }
  return counted
}

/** Records that tab `id` runs deployment `tab`, among the tabs still counted. */
export function recordTab(
  state: GatekeeperState,
  id: string,
  tab: VersionStamp,
  openIds: ReadonlySet<string>,
  now: number,
  gracePeriodMs: number,
): GatekeeperState {
  const tabs = countedTabs(state.tabs, openIds, now, gracePeriodMs)
  tabs[id] = { version: tab.version, builtAt: tab.builtAt, seenAt: now }
  return { ...state, tabs }
}

/**
 * The versions whose caches may go: kept, not the newest, and run by no tab still counted. A version some tab ran
 * stays until that tab has been gone for the grace period.
 */
export function unusedVersions(kept: readonly string[], newest: string | undefined, tabs: Readonly<Record<string, TabRecord>>): string[] {
  const inUse = new Set(Object.values(tabs).map((tab) => tab.version))
  return kept.filter((version) => version !== newest && !inUse.has(version))
}

/** Whether a check made at `lastCheck` is still fresh enough for a caller that accepts answers `maxAgeMs` old. */
export function isFresh(lastCheck: CheckRecord | null, maxAgeMs: number, now: number): boolean {
  return lastCheck !== null && now - lastCheck.at >= 0 && now - lastCheck.at < maxAgeMs
}
