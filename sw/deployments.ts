/**
 * What the service worker keeps of each deployment it knows, one cache per deployment: the manifest, the fallback
 * pages, and the files (those its precache policy names as soon as the deployment is learned, and every file a tab
 * fetches). Files that did not change between deployments are copied from an older cache, not downloaded again.
 */
import { chooseLocale } from '../manifest/locale.js'
import type { DeployManifest } from '../manifest/manifest.js'
import { isCacheable } from './classify.js'
import { findFallbackPage, keepFallbackPages } from './fallback.js'
import type { Storage } from './storage.js'

/** A file that fails to precache is tried this often: a transient 5xx during an install must not cost the file. */
export const PRECACHE_ATTEMPTS = 3
/** The wait before the second attempt; the third waits twice as long. */
export const PRECACHE_RETRY_DELAY_MS = 500
/** Files fetched at once while precaching: the browser's own per-host limit is 6. */
const PRECACHE_CONCURRENCY = 6

/** What keeping a deployment did. */
export interface KeepReport {
  /** Files now in the deployment's cache that the policy named. */
  kept: number
  /** Of those, the ones copied from an older deployment's cache. */
  copied: number
  /** Paths that could not be fetched (after retries) or stored; the worker runs without them. */
  failed: string[]
}

/** What the store needs from the worker. */
export interface DeploymentStoreDependencies {
  storage: Storage
  manifestUrl: string
  fetch: typeof fetch
  /** Waits `ms`; tests pass a fake clock. */
  sleep(ms: number): Promise<void>
  /** Versions whose caches may be deleted to make room, the least useful first. */
  evictable(): Promise<string[]>
  /** Reports something worth a line on the state page. */
  log(what: string, detail: string): void
  /** The browser's languages, most preferred first: which fallback pages to keep. */
  languages(): readonly string[]
}

/** The deployments the worker keeps. */
export interface DeploymentStore {
  /** Every kept deployment's manifest, newest first. */
  known(): Promise<DeployManifest[]>
  /**
   * Keeps a deployment: its fallback pages, the files its precache policy names, then its manifest. Never
   * rejects because a file failed: a site must not lose its service worker over one file.
   */
  keep(manifest: DeployManifest): Promise<KeepReport>
  /** Deletes a deployment's cache. */
  drop(version: string): Promise<void>
  /** Keeps a file a tab fetched, making room by deleting unused deployments when storage is full. */
  putFile(version: string, request: Request, response: Response): Promise<void>
  /** The kept deployments whose manifest lists `url`, newest first. */
  versionsListing(url: string): Promise<readonly string[]>
  /** Whether `url` is a deployment's hashed file: listed in a kept manifest, or under a kept assets directory. */
  isVersionedAsset(url: string): Promise<boolean>
  /** The fallback page for `languages`: of deployment `version` when kept, else of the newest that has one. */
  fallbackPage(languages: readonly string[], version?: string | null): Promise<Response | undefined>
  /** The kept copy of the fallback page at `url` (the query is ignored), or undefined. */
  keptFallbackPage(url: string): Promise<Response | undefined>
  /** Where the host serves the newest deployment's fallback page for `languages`, or undefined. */
  fallbackPageUrl(languages: readonly string[]): Promise<string | undefined>
  /** Keeps the newest deployment's fallback page for a reader preferring `languages`, if it is not kept yet. */
  keepFallbackPageFor(languages: readonly string[]): Promise<void>
  /**
   * After the kill switch deleted every cache: forgets every deployment and keeps nothing more, so the tabs the
   * worker still controls fetch from the network and no cache is made again.
   */
  retire(): void
}

/** The paths a deployment's precache policy names. */
export function filesToPrecache(manifest: DeployManifest): readonly string[] {
  return manifest.precache === 'all' ? manifest.assets : manifest.precache === 'entry' ? manifest.entry : []
}

/** Creates the store. Manifests are read from storage once, then kept in memory. */
export function createDeploymentStore(deps: DeploymentStoreDependencies): DeploymentStore {
  const { storage, manifestUrl } = deps
  const absolute = (path: string) => new URL(path, manifestUrl).href
  let retired = false

  let manifests: Promise<DeployManifest[]> | undefined
  const known = () => (manifests ??= storage.loadManifests().catch(() => []))
  let index: Promise<Map<string, string[]>> | undefined
  const fileIndex = () =>
    (index ??= known().then((kept) => {
      const versionsByUrl = new Map<string, string[]>()
      for (const manifest of kept) {
        for (const path of manifest.assets) versionsByUrl.set(absolute(path), [...(versionsByUrl.get(absolute(path)) ?? []), manifest.version])
      }
      return versionsByUrl
    }))

  // Stores a file; when storage is full, deletes the least useful unused deployments, one at a time, and tries again.
  const put = async (version: string, request: Request | string, response: Response): Promise<void> => {
    if (retired) return
    const body = await response.arrayBuffer()
    const copy = () => new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
    return makingRoom(version, () => storage.putFile(version, request, copy()))
  }

  // Runs a write; when storage is full, deletes the least useful unused deployments, one at a time, and tries again.
  const makingRoom = async (version: string, write: () => Promise<void>): Promise<void> => {
    try {
      return await write()
    } catch (error) {
      if (!isQuotaError(error)) throw error
      for (const victim of (await deps.evictable()).filter((candidate) => candidate !== version)) {
        await drop(victim)
        deps.log('evicted', `${victim}: storage was full`)
        try {
          return await write()
        } catch (again) {
          if (!isQuotaError(again)) throw again
        }
      }
      throw error
    }
  }

  const drop = async (version: string) => {
    await storage.dropVersion(version)
    const kept = await known()
    manifests = Promise.resolve(kept.filter((manifest) => manifest.version !== version))
    index = undefined
  }

  // One file of the policy: already kept, copied from an older deployment's cache, or fetched (with retries).
  const precacheFile = async (manifest: DeployManifest, path: string): Promise<'kept' | 'copied' | 'failed'> => {
    const url = absolute(path)
    if (await storage.matchFile(manifest.version, url)) return 'kept'
    for (const older of (await fileIndex()).get(url) ?? []) {
      const copy = older !== manifest.version && (await storage.matchFile(older, url))
      if (copy) return put(manifest.version, url, copy).then(() => 'copied' as const, () => 'failed' as const)
    }
    const response = await fetchWithRetry(deps, url)
    const facts = response && { status: response.status, contentType: response.headers.get('content-type'), type: response.type }
    const cacheable = facts && isCacheable({ destination: destinationOf(path), versioned: true }, facts)
    if (!cacheable) return 'failed'
    return put(manifest.version, url, response!).then(() => 'kept' as const, () => 'failed' as const)
  }

  return {
    known,

    async keep(manifest) {
      if (retired) return { kept: 0, copied: 0, failed: [] }
      await keepFallbackPages(manifest, manifestUrl, storage, (url) => deps.fetch(url, { credentials: 'same-origin' }), deps.languages())
      const report: KeepReport = { kept: 0, copied: 0, failed: [] }
      const queue = [...filesToPrecache(manifest)]
      const worker = async () => {
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
          const outcome = await precacheFile(manifest, path).catch(() => 'failed' as const)
          if (outcome === 'failed') report.failed.push(path)
          else report.kept++
          if (outcome === 'copied') report.copied++
        }
      }
      await Promise.all(Array.from({ length: PRECACHE_CONCURRENCY }, worker))
      report.failed.sort()
      if (!(await known()).some((kept) => kept.version === manifest.version)) {
        await makingRoom(manifest.version, () => storage.saveManifest(manifest))
        // The list as it is now, after the awaits: another deployment may have been kept meanwhile.
        const kept = (await known()).filter((other) => other.version !== manifest.version)
        manifests = Promise.resolve([manifest, ...kept].sort((a, b) => (a.builtAt < b.builtAt ? 1 : -1)))
        index = undefined
      }
      return report
    },

    drop,

    putFile: put,

    async versionsListing(url) {
      return (await fileIndex()).get(withoutHash(url)) ?? []
    },

    async isVersionedAsset(url) {
      const href = withoutHash(url)
      if ((await fileIndex()).has(href)) return true
      return (await known()).some((manifest) => manifest.assetsDir !== '' && href.startsWith(absolute(manifest.assetsDir)))
    },

    async fallbackPage(languages, version) {
      const kept = await known()
      const preferred = kept.filter((manifest) => manifest.version === version)
      return findFallbackPage([...preferred, ...kept], languages, manifestUrl, storage)
    },

    async keptFallbackPage(url) {
      const page = new URL(url)
      page.search = page.hash = ''
      for (const manifest of await known()) {
        if (Object.values(manifest.fallback.pages).some((path) => absolute(path) === page.href)) {
          return storage.matchFile(manifest.version, page.href)
        }
      }
      return undefined
    },

    retire() {
      retired = true
      manifests = Promise.resolve([])
      index = undefined
    },

    async keepFallbackPageFor(languages) {
      const [newest] = await known()
      if (newest && !retired) await keepFallbackPages(newest, manifestUrl, storage, (url) => deps.fetch(url, { credentials: 'same-origin' }), languages)
    },

    async fallbackPageUrl(languages) {
      const [newest] = await known()
      if (!newest) return undefined
      const { pages, defaultLocale } = newest.fallback
      return absolute(pages[chooseLocale(languages, Object.keys(pages), defaultLocale)]!)
    },
  }
}

/** Fetches a file to precache: a 404 is final, a 5xx, a 429 or a network error is tried again. */
async function fetchWithRetry(deps: Pick<DeploymentStoreDependencies, 'fetch' | 'sleep'>, url: string): Promise<Response | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await deps.fetch(url, { credentials: 'same-origin' })
      const transient = response.status >= 500 || response.status === 429
      if (response.ok || !transient || attempt === PRECACHE_ATTEMPTS) return response.ok ? response : undefined
    } catch {
      if (attempt === PRECACHE_ATTEMPTS) return undefined
    }
    await deps.sleep(PRECACHE_RETRY_DELAY_MS * attempt)
  }
}

/** The request destination a file would be fetched with by a page, judged by its extension: what classification needs. */
function destinationOf(path: string): string {
  return /\.m?js$/.test(path) ? 'script' : /\.css$/.test(path) ? 'style' : 'image'
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError'
}

function withoutHash(url: string): string {
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}
