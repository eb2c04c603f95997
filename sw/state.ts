/**
 * What the service worker remembers between its starts (browsers stop it at will): the newest deployment, the
 * version each tab runs, and the last check. Plain data and pure updates; `storage.ts` persists it.
 */
import { isValidBuiltAt, isValidVersion, type VersionStamp } from '../manifest/manifest.js'

/** Bumped when the stored shape changes; `readState` migrates every older schema it knows. */
export const STATE_SCHEMA = 1

/**
 * How long a tab that no longer shows among the open windows is still counted. Pages in the back/forward cache
 * are not listed by `clients.matchAll()`, yet they may come back and must find their version. Browsers keep them
 * 10 minutes (Chrome's bfcache time to live) to 30 minutes (Firefox's `contentViewerTimeout`); an hour covers both.
 */
export const TAB_GRACE_MS = 60 * 60 * 1000

/** One tab (a service worker client) and the deployment it runs. */
export interface TabRecord {
  version: string
  builtAt: string
  /** When the tab last asked (ms since the epoch). */
  seenAt: number
}

/**
 * How the last look at the host's manifest ended: a newer deployment, the same (or an older one, during a rolling
 * deploy), no answer (network error or non-2xx status), or an answer that is not a manifest this worker reads.
 */
export type CheckOutcome = 'new-version' | 'unchanged' | 'unreachable' | 'invalid'
const CHECK_OUTCOMES: readonly string[] = ['new-version', 'unchanged', 'unreachable', 'invalid'] satisfies CheckOutcome[]

export interface CheckRecord {
  at: number
  outcome: CheckOutcome
}

export interface GatekeeperState {
  schema: typeof STATE_SCHEMA
  /** The newest deployment confirmed by a manifest from the host, or null before the first. */
  newest: VersionStamp | null
  /** Client id to the tab's record. */
  tabs: Record<string, TabRecord>
  lastCheck: CheckRecord | null
}

/** The state of a service worker that has seen nothing yet. */
export function emptyState(): GatekeeperState {
  return { schema: STATE_SCHEMA, newest: null, tabs: {}, lastCheck: null }
}

/**
 * Reads stored state. Anything unreadable gives the empty state: losing the memory only delays the next arming
 * until the next check, while acting on a corrupt record could send tabs to the wrong place.
 */
export function readState(json: unknown): GatekeeperState {
  const stored = json as Partial<Record<keyof GatekeeperState, unknown>> | null
  if (typeof stored !== 'object' || stored === null || stored.schema !== STATE_SCHEMA) return emptyState()
  const state = emptyState()
  const newest = stored.newest as Partial<VersionStamp> | null
  if (newest && isValidVersion(newest.version) && isValidBuiltAt(newest.builtAt)) {
    state.newest = { version: newest.version, builtAt: newest.builtAt }
  }
  if (typeof stored.tabs === 'object' && stored.tabs !== null) {
    for (const [id, tab] of Object.entries(stored.tabs as Record<string, Partial<TabRecord>>)) {
      if (isValidVersion(tab?.version) && isValidBuiltAt(tab.builtAt) && typeof tab.seenAt === 'number') {
        state.tabs[id] = { version: tab.version, builtAt: tab.builtAt, seenAt: tab.seenAt }
      }
    }
  }
  const check = stored.lastCheck as Partial<CheckRecord> | null
  if (check && typeof check.at === 'number' && CHECK_OUTCOMES.includes(check.outcome as string)) {
    state.lastCheck = { at: check.at, outcome: check.outcome as CheckOutcome }
  }
  return state
}

/** Records that tab `id` runs deployment `tab`, and forgets tabs that closed more than `TAB_GRACE_MS` ago. */
export function recordTab(state: GatekeeperState, id: string, tab: VersionStamp, openIds: ReadonlySet<string>, now: number): GatekeeperState {
  const tabs: Record<string, TabRecord> = {}
  for (const [tabId, record] of Object.entries(state.tabs)) {
    if (openIds.has(tabId)) tabs[tabId] = { ...record, seenAt: now }
    else if (now - record.seenAt < TAB_GRACE_MS) tabs[tabId] = record
  }
  tabs[id] = { version: tab.version, builtAt: tab.builtAt, seenAt: now }
  return { ...state, tabs }
}

/** Whether a check made at `lastCheck` is still fresh enough for a caller that accepts answers `maxAgeMs` old. */
export function isFresh(lastCheck: CheckRecord | null, maxAgeMs: number, now: number): boolean {
  return lastCheck !== null && now - lastCheck.at >= 0 && now - lastCheck.at < maxAgeMs
}
