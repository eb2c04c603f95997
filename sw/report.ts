/**
 * The state page, `__version-gatekeeper/state` under the worker's scope: what the worker knows, as JSON, in the
 * spirit of Angular's `/ngsw/state`. The runtime's `getState()` reads the same document.
 */
import type { DeployManifest, PrecachePolicy, VersionStamp } from '../manifest/manifest.js'
import type { CheckOutcome, GatekeeperState } from './state.js'
import type { CacheSummary } from './storage.js'

/** Bumped when the report changes shape. */
export const REPORT_SCHEMA = 1

/** What `__version-gatekeeper/state` answers. Times are ISO 8601 strings. */
export interface StateReport {
  schema: typeof REPORT_SCHEMA
  scope: string
  /** When this instance of the worker started: browsers stop idle workers and start them again at will. */
  workerStartedAt: string
  newest: VersionStamp | null
  lastCheck: { at: string; outcome: CheckOutcome } | null
  /** Every deployment the worker keeps, newest first. */
  versions: {
    version: string
    builtAt: string
    newest: boolean
    /** Tabs still counted that run it (open, or closed less than the grace period ago). */
    tabs: number
    precache: PrecachePolicy
    cache: CacheSummary
  }[]
  tabs: { id: string; version: string; seenAt: string; open: boolean }[]
  /** The recent events, oldest first. */
  events: { at: string; what: string; detail: string }[]
}

/** Builds the report from the state, the kept deployments (newest first) with their caches, and the open tabs. */
export function buildReport(input: {
  scope: string
  startedAt: number
  state: GatekeeperState
  kept: readonly { manifest: DeployManifest; cache: CacheSummary }[]
  openIds: ReadonlySet<string>
}): StateReport {
  const { state } = input
  const iso = (at: number) => new Date(at).toISOString()
  const tabs = Object.entries(state.tabs)
  return {
    schema: REPORT_SCHEMA,
    scope: input.scope,
    workerStartedAt: iso(input.startedAt),
    newest: state.newest,
    lastCheck: state.lastCheck && { at: iso(state.lastCheck.at), outcome: state.lastCheck.outcome },
    versions: input.kept.map(({ manifest, cache }) => ({
      version: manifest.version,
      builtAt: manifest.builtAt,
      newest: manifest.version === state.newest?.version,
      tabs: tabs.filter(([, tab]) => tab.version === manifest.version).length,
      precache: manifest.precache,
      cache,
    })),
    tabs: tabs.map(([id, tab]) => ({ id, version: tab.version, seenAt: iso(tab.seenAt), open: input.openIds.has(id) })),
    events: state.events.map((event) => ({ at: iso(event.at), what: event.what, detail: event.detail })),
  }
}
