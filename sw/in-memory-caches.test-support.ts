/**
 * Test support only: an in-memory stand-in for the parts of Cache Storage the gatekeeper uses (`open`, `keys`,
 * `has`, `delete`, `match` with or without `cacheName`; a cache's `match`, `put`, `keys`), keyed by absolute URL.
 * Entries are served as fresh clones, like the real one; `open` creates the cache it names and `match` creates none,
 * like the real one.
 */

/** Hooks a test may pass to make the fake misbehave as a real browser can. */
export interface InMemoryCachesOptions {
  /**
   * Called before every `put`, with the cache's name and the entry's URL; whatever it throws, `put` rejects with
   * (a `DOMException` named `QuotaExceededError` stands for a full storage).
   */
  beforePut?(cacheName: string, url: string): void
}

/** A `CacheStorage` held in a Map; create one per test, or share one to simulate a worker restart. */
export function createInMemoryCaches(options: InMemoryCachesOptions = {}): CacheStorage {
  const store = new Map<string, Map<string, Response>>()
  const urlOf = (request: RequestInfo | URL) =>
    typeof request === 'string' ? new URL(request).href : request instanceof URL ? request.href : request.url

  const openCache = (name: string): Cache => {
    let entries = store.get(name)
    if (!entries) store.set(name, (entries = new Map()))
    const cache = entries
    const fake: Pick<Cache, 'match' | 'put' | 'keys'> = {
      async match(request) {
        return cache.get(urlOf(request))?.clone()
      },
      async put(request, response) {
        options.beforePut?.(name, urlOf(request))
        cache.set(urlOf(request), response)
      },
      async keys() {
        return [...cache.keys()].map((url) => new Request(url))
      },
    }
    return fake as Cache
  }

  const fake: Pick<CacheStorage, 'open' | 'keys' | 'has' | 'delete' | 'match'> = {
    async open(name) {
      return openCache(name)
    },
    async match(request, matchOptions) {
      const names = matchOptions?.cacheName === undefined ? [...store.keys()] : [matchOptions.cacheName]
      for (const name of names) {
        const hit = store.get(name)?.get(urlOf(request))
        if (hit) return hit.clone()
      }
      return undefined
    },
    async keys() {
      return [...store.keys()]
    },
    async has(name) {
      return store.has(name)
    },
    async delete(name) {
      return store.delete(name)
    },
  }
  return fake as CacheStorage
}

/** The error a browser's Cache Storage rejects a `put` with when the origin's storage is full. */
export function quotaExceeded(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError')
}
