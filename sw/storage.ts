/**
 * Where the service worker keeps what must survive its restarts, all in Cache Storage so that devtools'
 * Application panel shows it by name: one cache per deployment (`version-gatekeeper:<version>`, holding that
 * deployment's manifest and files) and one for the state (`version-gatekeeper#state`). Two apps under different
 * scopes of one origin get different names (`version-gatekeeper/admin/:<version>`).
 */
import { readManifest, type DeployManifest } from '../manifest/manifest.js'
import { emptyState, readState, type GatekeeperState } from './state.js'

const PREFIX = 'version-gatekeeper'

/** The names of the gatekeeper's caches for one service worker scope. */
export interface CacheNames {
  state: string
  forVersion(version: string): string
  /** The version a cache belongs to, or undefined for the state cache and any cache that is not the gatekeeper's. */
  versionOf(cacheName: string): string | undefined
}

/** Cache names for the scope URL `scope`. Versions cannot contain `:` or `#`, so names never collide. */
export function cacheNames(scope: string): CacheNames {
  const path = new URL(scope).pathname
  const prefix = path === '/' ? PREFIX : PREFIX + path
  return {
    state: `${prefix}#state`,
    forVersion: (version) => `${prefix}:${version}`,
    versionOf: (name) => (name.startsWith(`${prefix}:`) ? name.slice(prefix.length + 1) : undefined),
  }
}

/** Reads and writes the gatekeeper's records in Cache Storage. */
export interface Storage {
  readonly names: CacheNames
  loadState(): Promise<GatekeeperState>
  saveState(state: GatekeeperState): Promise<void>
  /** Keeps a deployment's manifest in that deployment's cache, creating the cache. */
  saveManifest(manifest: DeployManifest): Promise<void>
  /** Every deployment's manifest still kept, newest first. */
  loadManifests(): Promise<DeployManifest[]>
  /** A file kept in `version`'s cache, or undefined. */
  matchFile(version: string, request: Request | string): Promise<Response | undefined>
  /** Keeps a file in `version`'s cache. */
  putFile(version: string, request: Request | string, response: Response): Promise<void>
}

/** A `Storage` over `caches`. `manifestUrl` is where the host serves the manifest; it keys the stored copies. */
export function cacheStorage(caches: CacheStorage, scope: string, manifestUrl: string): Storage {
  const names = cacheNames(scope)
  const stateKey = new URL('__version-gatekeeper/state.json', scope).href
  return {
    names,
    async loadState() {
      const stored = await (await caches.open(names.state)).match(stateKey)
      return stored ? readState(await stored.json().catch(() => null)) : emptyState()
    },
    async saveState(state) {
      await (await caches.open(names.state)).put(stateKey, jsonResponse(state))
    },
    async saveManifest(manifest) {
      await (await caches.open(names.forVersion(manifest.version))).put(manifestUrl, jsonResponse(manifest))
    },
    async loadManifests() {
      const manifests: DeployManifest[] = []
      for (const name of await caches.keys()) {
        if (names.versionOf(name) === undefined) continue
        const stored = await (await caches.open(name)).match(manifestUrl)
        const manifest = stored && readManifest(await stored.json().catch(() => null))
        if (manifest) manifests.push(manifest)
      }
      return manifests.sort((a, b) => (a.builtAt < b.builtAt ? 1 : a.builtAt > b.builtAt ? -1 : 0))
    },
    async matchFile(version, request) {
      return (await caches.open(names.forVersion(version))).match(request)
    },
    async putFile(version, request, response) {
      await (await caches.open(names.forVersion(version))).put(request, response)
    },
  }
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } })
}
