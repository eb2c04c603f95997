/**
 * Where the service worker keeps what must survive its restarts, all in Cache Storage so that devtools'
 * Application panel shows it by name: one cache per deployment (`version-gatekeeper:<version>`, holding that
 * deployment's manifest and files) and one for the state (`version-gatekeeper#state`). Two apps under different
 * scopes of one origin get different names (`version-gatekeeper/admin/:<version>`).
 */
import { type DeployManifest } from '../manifest/manifest.js';
import { type GatekeeperState } from './state.js';
/** The names of the gatekeeper's caches for one service worker scope. */
export interface CacheNames {
    state: string;
    forVersion(version: string): string;
    /** The version a cache belongs to, or undefined for the state cache and any cache that is not the gatekeeper's. */
    versionOf(cacheName: string): string | undefined;
    /** Whether a cache is one of this scope's gatekeeper caches (a version's or the state). */
    owns(cacheName: string): boolean;
}
/** Cache names for the scope URL `scope`. Versions cannot contain `:` or `#`, so names never collide. */
export declare function cacheNames(scope: string): CacheNames;
/** One deployment's cache as devtools would show it. */
export interface CacheSummary {
    name: string;
    entries: number;
    bytes: number;
}
/** Reads and writes the gatekeeper's records in Cache Storage. */
export interface Storage {
    readonly names: CacheNames;
    /** The stored state, migrated to this schema; `now` dates the migration event. */
    loadState(now: number): Promise<GatekeeperState>;
    saveState(state: GatekeeperState): Promise<void>;
    /** Keeps a deployment's manifest in that deployment's cache, creating the cache. */
    saveManifest(manifest: DeployManifest): Promise<void>;
    /** Every deployment's manifest still kept, newest first. */
    loadManifests(): Promise<DeployManifest[]>;
    /** A file kept in `version`'s cache, or undefined. */
    matchFile(version: string, request: Request | string): Promise<Response | undefined>;
    /** Keeps a file in `version`'s cache. Rejects with a QuotaExceededError when storage is full. */
    putFile(version: string, request: Request | string, response: Response): Promise<void>;
    /** The versions that have a cache, in no particular order. */
    keptVersions(): Promise<string[]>;
    /** Deletes `version`'s cache: its manifest, its fallback pages and its files. */
    dropVersion(version: string): Promise<void>;
    /** Entries and bytes of `version`'s cache. */
    summarize(version: string): Promise<CacheSummary>;
    /** Deletes every cache of this scope's gatekeeper, the state included. */
    removeAll(): Promise<void>;
}
/** A `Storage` over `caches`. `manifestUrl` is where the host serves the manifest; it keys the stored copies. */
export declare function cacheStorage(caches: CacheStorage, scope: string, manifestUrl: string): Storage;
//# sourceMappingURL=storage.d.ts.map