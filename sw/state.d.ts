/**
 * What the service worker remembers between its starts (browsers stop it at will): the newest deployment, the
 * version each tab runs, the last check, and a short log of what happened. Plain data and pure updates;
 * `storage.ts` persists it, `report.ts` shows it.
 */
import { type VersionStamp } from '../manifest/manifest.js';
/**
 * Bumped when the stored shape changes; `readState` migrates every older schema it knows, so a new release of the
 * gatekeeper (a new sw.js) takes over the records of the one before it.
 * 1: newest, tabs `{ version, seenAt }`, lastCheck. 2: tabs carry `builtAt`; the event log.
 */
export declare const STATE_SCHEMA = 2;
/**
 * How long a tab that no longer shows among the open windows is still counted, unless the newest deployment's
 * manifest sets its own grace period. Pages in the back/forward cache are not listed by `clients.matchAll()`, yet
 * they may come back and must find their version's files. Browsers keep them 10 minutes (Chrome's bfcache time to
 * live) to 30 minutes (Firefox's `contentViewerTimeout`); an hour covers both.
 */
export declare const DEFAULT_GRACE_PERIOD_MS: number;
/** The event log keeps this many entries, the newest last: enough to see the last few deployments and checks. */
export declare const MAX_EVENTS = 50;
/** One tab (a service worker client) and the deployment it runs. */
export interface TabRecord {
    version: string;
    builtAt: string;
    /** When the tab last asked, or was last seen open (ms since the epoch). */
    seenAt: number;
}
/**
 * How the last look at the host's manifest ended: a newer deployment, the same (or an older one, during a rolling
 * deploy), no answer (network error or non-2xx status), an answer that is not a manifest this worker reads, or
 * the host's instruction to remove the gatekeeper.
 */
export type CheckOutcome = 'new-version' | 'unchanged' | 'unreachable' | 'invalid' | 'kill-switch';
export interface CheckRecord {
    at: number;
    outcome: CheckOutcome;
}
/** Something worth seeing on the state page: `what` happened at `at`; `detail` names the versions or files. */
export interface GatekeeperEvent {
    at: number;
    what: string;
    detail: string;
}
export interface GatekeeperState {
    schema: typeof STATE_SCHEMA;
    /** The newest deployment confirmed by a manifest from the host, or null before the first. */
    newest: VersionStamp | null;
    /** Client id to the tab's record. */
    tabs: Record<string, TabRecord>;
    lastCheck: CheckRecord | null;
    /** The last `MAX_EVENTS` events, oldest first. */
    events: GatekeeperEvent[];
}
/** The state of a service worker that has seen nothing yet. */
export declare function emptyState(): GatekeeperState;
/**
 * Reads stored state of this schema or an older one. Anything unreadable gives the empty state: losing the memory
 * only delays the next arming until the next check, while acting on a corrupt record could send tabs astray.
 */
export declare function readState(json: unknown, now: number): GatekeeperState;
/** Adds an event to the log, dropping the oldest beyond `MAX_EVENTS`. */
export declare function logEvent(state: GatekeeperState, at: number, what: string, detail: string): GatekeeperState;
/**
 * The tabs still counted: those open now (refreshed to `now`) and those closed less than `gracePeriodMs` ago (a
 * page in the back/forward cache is not listed among the open ones, yet it may come back).
 */
export declare function countedTabs(tabs: Readonly<Record<string, TabRecord>>, openIds: ReadonlySet<string>, now: number, gracePeriodMs: number): Record<string, TabRecord>;
/** Records that tab `id` runs deployment `tab`, among the tabs still counted. */
export declare function recordTab(state: GatekeeperState, id: string, tab: VersionStamp, openIds: ReadonlySet<string>, now: number, gracePeriodMs: number): GatekeeperState;
/**
 * The versions whose caches may go: kept, not the newest, and run by no tab still counted. A version some tab ran
 * stays until that tab has been gone for the grace period.
 */
export declare function unusedVersions(kept: readonly string[], newest: string | undefined, tabs: Readonly<Record<string, TabRecord>>): string[];
/** Whether a check made at `lastCheck` is still fresh enough for a caller that accepts answers `maxAgeMs` old. */
export declare function isFresh(lastCheck: CheckRecord | null, maxAgeMs: number, now: number): boolean;
//# sourceMappingURL=state.d.ts.map