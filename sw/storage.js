/**
 * Where the service worker keeps what must survive its restarts, all in Cache Storage so that devtools'
 * Application panel shows it by name: one cache per deployment (`version-gatekeeper:<version>`, holding that
 * deployment's manifest and files) and one for the state (`version-gatekeeper#state`). Two apps under different
 * scopes of one origin get different names (`version-gatekeeper/admin/:<version>`).
 */
import { readManifest } from '../manifest/manifest.js';
import { emptyState, readState } from './state.js';
const PREFIX = 'version-gatekeeper';
/** Cache names for the scope URL `scope`. Versions cannot contain `:` or `#`, so names never collide. */
export function cacheNames(scope) {
    const path = new URL(scope).pathname;
    const prefix = path === '/' ? PREFIX : PREFIX + path;
    return {
        state: `${prefix}#state`,
        forVersion: (version) => `${prefix}:${version}`,
        versionOf: (name) => (name.startsWith(`${prefix}:`) ? name.slice(prefix.length + 1) : undefined),
        owns: (name) => name === `${prefix}#state` || name.startsWith(`${prefix}:`),
    };
}
/** A `Storage` over `caches`. `manifestUrl` is where the host serves the manifest; it keys the stored copies. */
export function cacheStorage(caches, scope, manifestUrl) {
    const names = cacheNames(scope);
    const stateKey = new URL('__version-gatekeeper/state.json', scope).href;
    return {
        names,
        async loadState(now) {
            const stored = await (await caches.open(names.state)).match(stateKey);
            return stored ? readState(await stored.json().catch(() => null), now) : emptyState();
        },
        async saveState(state) {
            await (await caches.open(names.state)).put(stateKey, jsonResponse(state));
        },
        async saveManifest(manifest) {
            await (await caches.open(names.forVersion(manifest.version))).put(manifestUrl, jsonResponse(manifest));
        },
        async loadManifests() {
            const manifests = [];
            for (const name of await caches.keys()) {
                if (names.versionOf(name) === undefined)
                    continue;
                const stored = await (await caches.open(name)).match(manifestUrl);
                const manifest = stored && readManifest(await stored.json().catch(() => null));
                if (manifest)
                    manifests.push(manifest);
            }
            return manifests.sort((a, b) => (a.builtAt < b.builtAt ? 1 : a.builtAt > b.builtAt ? -1 : 0));
        },
        async matchFile(version, request) {
            return (await caches.open(names.forVersion(version))).match(request);
        },
        async putFile(version, request, response) {
            await (await caches.open(names.forVersion(version))).put(request, response);
        },
        async keptVersions() {
            return (await caches.keys()).map(names.versionOf).filter((version) => version !== undefined);
        },
        async dropVersion(version) {
            await caches.delete(names.forVersion(version));
        },
        async summarize(version) {
            const name = names.forVersion(version);
            const cache = await caches.open(name);
            let bytes = 0;
            const requests = await cache.keys();
            for (const request of requests) {
                const response = await cache.match(request);
                bytes += response ? (await response.arrayBuffer()).byteLength : 0;
            }
            return { name, entries: requests.length, bytes };
        },
        async removeAll() {
            await Promise.all((await caches.keys()).filter(names.owns).map((name) => caches.delete(name)));
        },
    };
}
function jsonResponse(value) {
    return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
}
