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
  /** Whether a cache is one of this scope's gatekeeper caches (a version's or the state). */
  owns(cacheName: string): boolean
}

/** Cache names for the scope URL `scope`. Versions cannot contain `:` or `#`, so names never collide. */
export function cacheNames(scope: string): CacheNames {
  const path = new URL(scope).pathname
  const prefix = path === '/' ? PREFIX : PREFIX + path
  return {
    state: `${prefix}#state`,
    forVersion: (version) => `${prefix}:${version}`,
    versionOf: (name) => (name.startsWith(`${prefix}:`) ? name.slice(prefix.length + 1) : undefined),
    owns: (name) => name === `${prefix}#state` || name.startsWith(`${prefix}:`),
  }
}

/** One deployment's cache as devtools would show it. */
export interface CacheSummary {
  name: string
  entries: number
  bytes: number
}

/** Reads and writes the gatekeeper's records in Cache Storage. */
export interface Storage {
  readonly names: CacheNames
  /** The stored state, migrated to this schema; `now` dates the migration event. */
  loadState(now: number): Promise<GatekeeperState>
  saveState(state: GatekeeperState): Promise<void>
  /** Keeps a deployment's manifest in that deployment's cache, creating the cache. */
  saveManifest(manifest: DeployManifest): Promise<void>
  /** Every deployment's manifest still kept, newest first. */
  loadManifests(): Promise<DeployManifest[]>
  /** A file kept in `version`'s cache, or undefined. */
  matchFile(version: string, request: Request | string): Promise<Response | undefined>
  /** Keeps a file in `version`'s cache. Rejects with a QuotaExceededError when storage is full. */
  putFile(version: string, request: Request | string, response: Response): Promise<void>
  /** The versions that have a cache, in no particular order. */
  keptVersions(): Promise<string[]>
  /** Deletes `version`'s cache: its manifest, its fallback pages and its files. */
  dropVersion(version: string): Promise<void>
  /** Entries and bytes of `version`'s cache. */
  summarize(version: string): Promise<CacheSummary>
  /** Deletes every cache of this scope's gatekeeper, the state included. */
  removeAll(): Promise<void>
}

/** A `Storage` over `caches`. `manifestUrl` is where the host serves the manifest; it keys the stored copies. */
export function cacheStorage(caches: CacheStorage, scope: string, manifestUrl: string): Storage {
  const names = cacheNames(scope)
  const stateKey = new URL('__version-gatekeeper/state.json', scope).href
  return {
    names,
    async loadState(now) {
      const stored = await (await caches.open(names.state)).match(stateKey)
      return stored ? readState(await stored.json().catch(() => null), now) : emptyState()
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
      // caches.match with a cacheName does not create the cache, as caches.open would.
      return caches.match(request, { cacheName: names.forVersion(version) })
    },
    async putFile(version, request, response) {
      await (await caches.open(names.forVersion(version))).put(request, response)
    },
    async keptVersions() {
      return (await caches.keys()).map(names.versionOf).filter((version): version is string => version !== undefined)
    },
    async dropVersion(version) {
      await caches.delete(names.forVersion(version))
    },
    async summarize(version) {
      const name = names.forVersion(version)
      if (!(await caches.has(name))) return { name, entries: 0, bytes: 0 }
      const cache = await caches.open(name)
      let bytes = 0
      const requests = await cache.keys()
      for (const request of requests) {
        const response = await cache.match(request)
        bytes += response ? (await response.arrayBuffer()).byteLength : 0
      }
      return { name, entries: requests.length, bytes }
    },
    async removeAll() {
      await Promise.all((await caches.keys()).filter(names.owns).map((name) => caches.delete(name)))
    },
  }
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } })
}
