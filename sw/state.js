/**
 * What the service worker remembers between its starts (browsers stop it at will): the newest deployment, the
 * version each tab runs, the last check, and a short log of what happened. Plain data and pure updates;
 * `storage.ts` persists it, `report.ts` shows it.
 */
import { isValidBuiltAt, isValidVersion } from '../manifest/manifest.js';
/**
 * Bumped when the stored shape changes; `readState` migrates every older schema it knows, so a new release of the
 * gatekeeper (a new sw.js) takes over the records of the one before it.
 * 1: newest, tabs `{ version, seenAt }`, lastCheck. 2: tabs carry `builtAt`; the event log.
 */
export const STATE_SCHEMA = 2;
/**
 * How long a tab that no longer shows among the open windows is still counted, unless the newest deployment's
 * manifest sets its own grace period. Pages in the back/forward cache are not listed by `clients.matchAll()`, yet
 * they may come back and must find their version's files. Browsers keep them 10 minutes (Chrome's bfcache time to
 * live) to 30 minutes (Firefox's `contentViewerTimeout`); an hour covers both.
 */
export const DEFAULT_GRACE_PERIOD_MS = 60 * 60 * 1000;
/** The event log keeps this many entries, the newest last: enough to see the last few deployments and checks. */
export const MAX_EVENTS = 50;
const CHECK_OUTCOMES = ['new-version', 'unchanged', 'unreachable', 'invalid', 'kill-switch'];
/** The state of a service worker that has seen nothing yet. */
export function emptyState() {
    return { schema: STATE_SCHEMA, newest: null, tabs: {}, lastCheck: null, events: [] };
}
/**
 * Reads stored state of this schema or an older one. Anything unreadable gives the empty state: losing the memory
 * only delays the next arming until the next check, while acting on a corrupt record could send tabs astray.
 */
export function readState(json, now) {
    const stored = json;
    const schema = typeof stored === 'object' && stored !== null ? stored.schema : undefined;
    if (schema !== 1 && schema !== STATE_SCHEMA)
        return emptyState();
    const state = emptyState();
    const newest = stored.newest;
    if (newest && isValidVersion(newest.version) && isValidBuiltAt(newest.builtAt)) {
        state.newest = { version: newest.version, builtAt: newest.builtAt };
    }
    if (typeof stored.tabs === 'object' && stored.tabs !== null) {
        // Schema 1 tabs have no builtAt and are dropped: they are recorded again at their next check.
        for (const [id, tab] of Object.entries(stored.tabs)) {
            if (isValidVersion(tab?.version) && isValidBuiltAt(tab.builtAt) && typeof tab.seenAt === 'number') {
                state.tabs[id] = { version: tab.version, builtAt: tab.builtAt, seenAt: tab.seenAt };
            }
        }
    }
    const check = stored.lastCheck;
    if (check && typeof check.at === 'number' && CHECK_OUTCOMES.includes(check.outcome)) {
        state.lastCheck = { at: check.at, outcome: check.outcome };
    }
    if (Array.isArray(stored.events)) {
        state.events = stored.events
            .filter((event) => typeof event?.at === 'number' && typeof event.what === 'string' && typeof event.detail === 'string')
            .slice(-MAX_EVENTS);
    }
    return schema === STATE_SCHEMA ? state : logEvent(state, now, 'migrated', `state schema ${schema} to ${STATE_SCHEMA}`);
}
/** Adds an event to the log, dropping the oldest beyond `MAX_EVENTS`. */
export function logEvent(state, at, what, detail) {
    return { ...state, events: [...state.events, { at, what, detail }].slice(-MAX_EVENTS) };
}
/**
 * The tabs still counted: those open now (refreshed to `now`) and those closed less than `gracePeriodMs` ago (a
 * page in the back/forward cache is not listed among the open ones, yet it may come back).
 */
export function countedTabs(tabs, openIds, now, gracePeriodMs) {
    const counted = {};
    for (const [id, tab] of Object.entries(tabs)) {
        if (openIds.has(id))
            counted[id] = { ...tab, seenAt: now };
        else if (now - tab.seenAt < gracePeriodMs)
            counted[id] = tab;
    }
    return counted;
}
/** Records that tab `id` runs deployment `tab`, among the tabs still counted. */
export function recordTab(state, id, tab, openIds, now, gracePeriodMs) {
    const tabs = countedTabs(state.tabs, openIds, now, gracePeriodMs);
    tabs[id] = { version: tab.version, builtAt: tab.builtAt, seenAt: now };
    return { ...state, tabs };
}
/**
 * The versions whose caches may go: kept, not the newest, and run by no tab still counted. A version some tab ran
 * stays until that tab has been gone for the grace period.
 */
export function unusedVersions(kept, newest, tabs) {
    const inUse = new Set(Object.values(tabs).map((tab) => tab.version));
    return kept.filter((version) => version !== newest && !inUse.has(version));
}
/** Whether a check made at `lastCheck` is still fresh enough for a caller that accepts answers `maxAgeMs` old. */
export function isFresh(lastCheck, maxAgeMs, now) {
    return lastCheck !== null && now - lastCheck.at >= 0 && now - lastCheck.at < maxAgeMs;
}
