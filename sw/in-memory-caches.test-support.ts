/**
 * Test support only: an in-memory stand-in for the parts of Cache Storage the gatekeeper uses (`open`, `keys`,
 * `match`, `put`), keyed by absolute URL. Entries are served as fresh clones, like the real one.
 */

/** A `CacheStorage` held in a Map; create one per test, or share one to simulate a worker restart. */
export function createInMemoryCaches(): CacheStorage {
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
        cache.set(urlOf(request), response)
      },
      async keys() {
        return [...cache.keys()].map((url) => new Request(url))
      },
    }
    return fake as Cache
  }

  const fake: Pick<CacheStorage, 'open' | 'keys' | 'has'> = {
    async open(name) {
      return openCache(name)
    },
    async keys() {
      return [...store.keys()]
    },
    async has(name) {
      return store.has(name)
    },
  }
  return fake as CacheStorage
}
