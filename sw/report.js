/** Bumped when the report changes shape. */
export const REPORT_SCHEMA = 1;
/** Builds the report from the state, the kept deployments (newest first) with their caches, and the open tabs. */
export function buildReport(input) {
    const { state } = input;
    const iso = (at) => new Date(at).toISOString();
    const tabs = Object.entries(state.tabs);
    return {
        schema: REPORT_SCHEMA,
        scope: input.scope,
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
    };
}
