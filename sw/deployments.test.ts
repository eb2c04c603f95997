import { describe, expect, it } from 'vitest'
import { MANIFEST_SCHEMA, type DeployManifest, type PrecachePolicy, type VersionStamp } from '../manifest/manifest.js'
import { createDeploymentStore, filesToPrecache, PRECACHE_ATTEMPTS, PRECACHE_RETRY_DELAY_MS } from './deployments.js'
import { createInMemoryCaches, quotaExceeded, type InMemoryCachesOptions } from './in-memory-caches.test-support.js'
import { cacheStorage, type Storage } from './storage.js'

const SCOPE = 'https://app.test/shop/'
const MANIFEST_URL = 'https://app.test/shop/deploy-manifest.json'

const v1: VersionStamp = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2: VersionStamp = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }
const v3: VersionStamp = { version: 'v3', builtAt: '2026-11-03T10:00:00.000Z' }

/** A deployment of `assets` (hashed files under assets/) whose first two are its entry files. */
function manifest(stamp: VersionStamp, precache: PrecachePolicy, assets: string[]): DeployManifest {
  return {
    schema: MANIFEST_SCHEMA,
    ...stamp,
    assetsDir: 'assets/',
    assets: [...assets].sort(),
    entry: assets.slice(0, 2).sort(),
    fallback: {
      defaultLocale: 'en',
      pages: { de: `fallback.${stamp.version}.de.html`, en: `fallback.${stamp.version}.en.html` },
      contentSecurityPolicy: "default-src 'none'",
    },
    csp: { scriptSrc: [], styleSrc: [] },
    precache,
    gracePeriodMs: 3_600_000,
  }
}

const url = (path: string) => new URL(path, MANIFEST_URL).href
const contentTypeOf = (path: string) =>
  path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : path.endsWith('.html') ? 'text/html' : 'image/png'
const pageHtml = (path: string) => `<!doctype html><html data-gatekeeper-fallback><p>${path}</p></html>`

/** A response as a service worker's same-origin fetch gives it (`type` is `basic`; Node's own are `default`). */
function basic(response: Response): Response {
  Object.defineProperty(response, 'type', { value: 'basic' })
  return response
}

type Answer = (attempt: number) => Response | Promise<Response>

/**
 * A host that serves every file and fallback page of the given deployments (each file's body names its URL),
 * unless told otherwise per URL; it counts requests, and can hold them to show how many are in flight at once.
 */
function host(...manifests: DeployManifest[]) {
  const answers = new Map<string, Answer>()
  const serve = (path: string) => () => new Response(path.endsWith('.html') ? pageHtml(path) : `/* ${url(path)} */`, { headers: { 'content-type': contentTypeOf(path) } })
  for (const m of manifests) {
    for (const path of [...m.assets, ...Object.values(m.fallback.pages)]) answers.set(url(path), serve(path))
  }
  let hold: Promise<void> = Promise.resolve()
  const h = {
    requests: [] as { url: string; init: RequestInit | undefined }[],
    inFlight: 0,
    mostInFlight: 0,
    /** How often `path` was requested. */
    count: (path: string) => h.requests.filter((request) => request.url === url(path)).length,
    /** The requests for hashed files (not fallback pages), in order. */
    get files() {
      return h.requests.map((request) => request.url).filter((requested) => !requested.endsWith('.html'))
    },
    answer(path: string, make: Answer) {
      answers.set(url(path), make)
    },
    holdAll() {
      let release!: () => void
      hold = new Promise((resolve) => (release = resolve))
      return release
    },
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const requested = String(input)
      h.requests.push({ url: requested, init })
      h.inFlight++
      h.mostInFlight = Math.max(h.mostInFlight, h.inFlight)
      try {
        await hold
        const make = answers.get(requested)
        return basic(make ? await make(h.count(requested)) : new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } }))
      } finally {
        h.inFlight--
      }
    }) as typeof fetch,
  }
  return h
}

/**
 * The store over in-memory Cache Storage (with `faults`, and wrapped by `watch`, when given), the host `h`, a clock
 * that only records its waits, and a log. The browser speaks German.
 */
function world(
  h: ReturnType<typeof host>,
  options: { caches?: CacheStorage; evictable?: () => Promise<string[]>; faults?: InMemoryCachesOptions; watch?: (storage: Storage) => Storage } = {},
) {
  const caches = options.caches ?? createInMemoryCaches(options.faults)
  const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
  const slept: number[] = []
  const logged: [string, string][] = []
  const store = createDeploymentStore({
    storage: options.watch ? options.watch(storage) : storage,
    manifestUrl: MANIFEST_URL,
    fetch: h.fetch,
    sleep: async (ms) => {
      slept.push(ms)
    },
    evictable: options.evictable ?? (async () => []),
    log: (what, detail) => logged.push([what, detail]),
    languages: () => ['de'],
  })
  const kept = async (version: string, path: string) => (await storage.matchFile(version, url(path)))?.text()
  return { caches, storage, store, slept, logged, kept }
}

const FILES = ['assets/index-a1.js', 'assets/index-b2.css', 'assets/lazy-c3.js', 'assets/logo-d4.png']

describe('filesToPrecache', () => {
  it("names every hashed file for 'all', the entry files for 'entry', and nothing for 'none'", () => {
    expect(filesToPrecache(manifest(v1, 'all', FILES))).toEqual([...FILES].sort())
    expect(filesToPrecache(manifest(v1, 'entry', FILES))).toEqual(['assets/index-a1.js', 'assets/index-b2.css'])
    expect(filesToPrecache(manifest(v1, 'none', FILES))).toEqual([])
  })
})

describe('keep: precache policies', () => {
  it("'all' keeps every hashed file of the deployment in its cache, fetched once each beside the manifest", async () => {
    const m = manifest(v1, 'all', FILES)
    const h = host(m)
    const { store, kept } = world(h)
    expect(await store.keep(m)).toEqual({ kept: 4, copied: 0, failed: [] })
    expect([...h.files].sort()).toEqual(FILES.map(url).sort())
    for (const path of FILES) expect(await kept('v1', path)).toBe(`/* ${url(path)} */`)
    expect(h.requests.every((request) => request.init?.credentials === 'same-origin')).toBe(true)
  })

  it("'entry' keeps only the files index.html loads", async () => {
    const m = manifest(v1, 'entry', FILES)
    const h = host(m)
    const { store, kept } = world(h)
    expect(await store.keep(m)).toEqual({ kept: 2, copied: 0, failed: [] })
    expect([...h.files].sort()).toEqual(['assets/index-a1.js', 'assets/index-b2.css'].map(url))
    expect(await kept('v1', 'assets/lazy-c3.js')).toBeUndefined()
  })

  it("'none' fetches no file, yet keeps the manifest and the fallback pages", async () => {
    const m = manifest(v1, 'none', FILES)
    const h = host(m)
    const { store, kept } = world(h)
    expect(await store.keep(m)).toEqual({ kept: 0, copied: 0, failed: [] })
    expect(h.files).toEqual([])
    expect((await store.known()).map((known) => known.version)).toEqual(['v1'])
    expect(await kept('v1', 'fallback.v1.de.html')).toBe(pageHtml('fallback.v1.de.html'))
  })

  it("keeps the fallback pages of the browser's languages and the default one, and no other", async () => {
    const m = manifest(v1, 'none', FILES)
    const h = host(m)
    const { store, kept } = world(h)
    await store.keep(m)
    expect(await kept('v1', 'fallback.v1.de.html')).toBeDefined()
    expect(await kept('v1', 'fallback.v1.en.html')).toBeDefined()
  })

  it('fetches the fallback pages first, then the files, then keeps the manifest', async () => {
    const m = manifest(v1, 'all', FILES)
    const order: string[] = []
    const { store } = world(host(m), {
      watch: (storage) => ({
        ...storage,
        putFile: async (version, request, response) => {
          order.push(typeof request === 'string' ? request : request.url)
          return storage.putFile(version, request, response)
        },
        saveManifest: async (kept) => {
          order.push('manifest')
          return storage.saveManifest(kept)
        },
      }),
    })
    await store.keep(m)
    expect(order).toHaveLength(7)
    expect(order.slice(0, 2).sort()).toEqual([url('fallback.v1.de.html'), url('fallback.v1.en.html')])
    expect(order.slice(2, 6).sort()).toEqual(FILES.map(url).sort())
    expect(order.at(-1)).toBe('manifest')
  })

  it('keeps a deployment it already keeps without fetching its files again', async () => {
    const m = manifest(v1, 'all', FILES)
    const h = host(m)
    const { store } = world(h)
    await store.keep(m)
    const requests = h.requests.length
    expect(await store.keep(m)).toEqual({ kept: 4, copied: 0, failed: [] })
    expect(h.requests).toHaveLength(requests)
    expect((await store.known()).map((known) => known.version)).toEqual(['v1'])
  })

  it('fetches at most 6 files at once, the per-host limit of browsers', async () => {
    const files = Array.from({ length: 14 }, (_, index) => `assets/chunk-${index}.js`)
    const m = manifest(v1, 'all', files)
    const h = host(m)
    const { store } = world(h)
    await store.keep({ ...m, precache: 'none' }) // the fallback pages first, so that only files are in flight below
    const release = h.holdAll()
    const keeping = store.keep(m)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(h.inFlight).toBe(6)
    release()
    expect((await keeping).kept).toBe(14)
    expect(h.mostInFlight).toBe(6)
  })
})

describe('keep: files that did not change', () => {
  const older = manifest(v1, 'all', ['assets/index-a1.js', 'assets/shared-s1.js', 'assets/logo-d4.png'])
  const newer = manifest(v2, 'all', ['assets/index-a2.js', 'assets/shared-s1.js', 'assets/logo-d4.png'])

  it('are copied from an older kept deployment, not downloaded again', async () => {
    const h = host(older, newer)
    const { store, kept } = world(h)
    await store.keep(older)
    expect(await store.keep(newer)).toEqual({ kept: 3, copied: 2, failed: [] })
    expect(h.count('assets/shared-s1.js')).toBe(1)
    expect(h.count('assets/logo-d4.png')).toBe(1)
    expect(h.count('assets/index-a2.js')).toBe(1)
    expect(await kept('v2', 'assets/shared-s1.js')).toBe(`/* ${url('assets/shared-s1.js')} */`)
    expect(await kept('v1', 'assets/shared-s1.js')).toBe(`/* ${url('assets/shared-s1.js')} */`)
  })

  it('keep the headers they were kept with', async () => {
    const h = host(older, newer)
    const { store, storage } = world(h)
    await store.keep(older)
    await store.keep(newer)
    expect((await storage.matchFile('v2', url('assets/logo-d4.png')))?.headers.get('content-type')).toBe('image/png')
  })

  it('are downloaded when the older deployment lists them but does not keep them', async () => {
    const h = host(older, newer)
    const { store } = world(h)
    await store.keep({ ...older, precache: 'none' })
    expect(await store.keep(newer)).toEqual({ kept: 3, copied: 0, failed: [] })
    expect(h.count('assets/shared-s1.js')).toBe(1)
  })

  it('are downloaded when the deployment that had them is no longer kept', async () => {
    const h = host(older, newer)
    const { store } = world(h)
    await store.keep(older)
    await store.drop('v1')
    expect(await store.keep(newer)).toEqual({ kept: 3, copied: 0, failed: [] })
    expect(h.count('assets/shared-s1.js')).toBe(2)
  })

  it('are copied from a deployment a restarted worker finds in storage', async () => {
    const h = host(older, newer)
    const first = world(h)
    await first.store.keep(older)
    const restarted = world(h, { caches: first.caches })
    expect(await restarted.store.keep(newer)).toEqual({ kept: 3, copied: 2, failed: [] })
    expect(h.count('assets/shared-s1.js')).toBe(1)
  })
})

describe('keep: files that fail', () => {
  const m = manifest(v1, 'entry', ['assets/index-a1.js', 'assets/index-b2.css', 'assets/lazy-c3.js'])
  const FILE = 'assets/index-a1.js'

  it.each([
    ['500', () => new Response('oops', { status: 500 })],
    ['503', () => new Response('busy', { status: 503 })],
    ['429', () => new Response('slow down', { status: 429 })],
    [
      'a network error',
      () => {
        throw new TypeError('Failed to fetch')
      },
    ],
  ])('are tried again after %s, waiting longer each time, and kept when the host recovers', async (_, trouble) => {
    const h = host(m)
    h.answer(FILE, (attempt) => (attempt < PRECACHE_ATTEMPTS ? trouble() : new Response('ok()', { headers: { 'content-type': 'text/javascript' } })))
    const { store, slept, kept } = world(h)
    expect(await store.keep(m)).toEqual({ kept: 2, copied: 0, failed: [] })
    expect(h.count(FILE)).toBe(3)
    expect(slept).toEqual([PRECACHE_RETRY_DELAY_MS, 2 * PRECACHE_RETRY_DELAY_MS])
    expect(await kept('v1', FILE)).toBe('ok()')
  })

  it('are tried 3 times, then recorded as failed; keep still resolves and keeps the rest and the manifest', async () => {
    const h = host(m)
    h.answer(FILE, () => new Response('oops', { status: 500 }))
    const { store, slept, kept } = world(h)
    expect(PRECACHE_ATTEMPTS).toBe(3)
    expect(await store.keep(m)).toEqual({ kept: 1, copied: 0, failed: [FILE] })
    expect(h.count(FILE)).toBe(3)
    expect(slept).toEqual([500, 1000])
    expect(await kept('v1', FILE)).toBeUndefined()
    expect(await kept('v1', 'assets/index-b2.css')).toBeDefined()
    expect((await store.known()).map((known) => known.version)).toEqual(['v1'])
  })

  it.each([404, 410, 403])('answered %i are not tried again', async (status) => {
    const h = host(m)
    h.answer(FILE, () => new Response('gone', { status }))
    const { store, slept } = world(h)
    expect(await store.keep(m)).toEqual({ kept: 1, copied: 0, failed: [FILE] })
    expect(h.count(FILE)).toBe(1)
    expect(slept).toEqual([])
  })

  it('that never answer but with network errors are recorded, and keep resolves', async () => {
    const h = host(m)
    h.answer(FILE, () => {
      throw new TypeError('Failed to fetch')
    })
    const { store } = world(h)
    await expect(store.keep(m)).resolves.toEqual({ kept: 1, copied: 0, failed: [FILE] })
    expect(h.count(FILE)).toBe(3)
  })

  it('are listed sorted, and each once, whatever order they failed in', async () => {
    const all = manifest(v1, 'all', ['assets/c.js', 'assets/a.js', 'assets/b.js'])
    const h = host(all)
    const gone = (delayMs: number) => () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('gone', { status: 404 })), delayMs))
    h.answer('assets/a.js', gone(30))
    h.answer('assets/b.js', gone(15))
    h.answer('assets/c.js', gone(0))
    const { store } = world(h)
    expect((await store.keep(all)).failed).toEqual(['assets/a.js', 'assets/b.js', 'assets/c.js'])
  })

  it.each([
    ['a script', 'assets/index-a1.js'],
    ['a style sheet', 'assets/index-b2.css'],
  ])('are not kept when the host answers HTML for %s (an SPA host rewriting a missing path to index.html)', async (_, path) => {
    const h = host(m)
    h.answer(path, () => new Response('<!doctype html><div id="app"></div>', { headers: { 'content-type': 'text/html; charset=utf-8' } }))
    const { store, kept } = world(h)
    expect((await store.keep(m)).failed).toEqual([path])
    expect(h.count(path)).toBe(1)
    expect(await kept('v1', path)).toBeUndefined()
  })

  it('are not kept when the answer is not a plain same-origin one (a redirect to another origin)', async () => {
    const h = host(m)
    h.answer(FILE, () => {
      const response = new Response('x()', { headers: { 'content-type': 'text/javascript' } })
      Object.defineProperty(response, 'type', { value: 'cors' })
      return response
    })
    const { store, kept } = world(h)
    expect((await store.keep(m)).failed).toEqual([FILE])
    expect(await kept('v1', FILE)).toBeUndefined()
  })

  it('that cannot be stored (a cache that fails) are recorded, and keep resolves', async () => {
    const h = host(m)
    const { store } = world(h, {
      faults: {
        beforePut: (_, stored) => {
          if (stored === url(FILE)) throw new DOMException('write failed', 'UnknownError')
        },
      },
    })
    expect(await store.keep(m)).toEqual({ kept: 1, copied: 0, failed: [FILE] })
  })

  it('are fetched again when the deployment is kept again', async () => {
    const h = host(m)
    h.answer(FILE, () => new Response('gone', { status: 404 }))
    const { store, kept } = world(h)
    await store.keep(m)
    h.answer(FILE, () => new Response('back()', { headers: { 'content-type': 'text/javascript' } }))
    expect(await store.keep(m)).toEqual({ kept: 2, copied: 0, failed: [] })
    expect(await kept('v1', FILE)).toBe('back()')
  })
})

describe('putFile under storage pressure', () => {
  const js = (body: string) => new Response(body, { headers: { 'content-type': 'text/javascript' } })
  const FILE = url('assets/lazy-c3.js')

  /**
   * A worker keeping v1, v2 and v3 (newest) whose storage then fills up: every `put` fails with QuotaExceededError
   * while any of `victims` still has a cache. `evictable` is what the gatekeeper would offer to delete.
   */
  async function fullUntilDropped(victims: string[], evictable: string[], h = host()) {
    const dropped = new Set<string>()
    let full = false
    const setup = world(h, {
      evictable: async () => evictable,
      faults: {
        beforePut: () => {
          if (full && victims.some((victim) => !dropped.has(victim))) throw quotaExceeded()
        },
      },
      watch: (storage) => ({
        ...storage,
        dropVersion: async (version) => {
          dropped.add(version)
          return storage.dropVersion(version)
        },
      }),
    })
    for (const stamp of [v1, v2, v3]) await setup.store.keep(manifest(stamp, 'none', []))
    full = true
    return setup
  }

  it('deletes the evictable deployments one at a time, in the order given, until the file fits, and logs each', async () => {
    const { store, logged, kept } = await fullUntilDropped(['v1', 'v2'], ['v1', 'v2'])
    await store.putFile('v3', new Request(FILE), js('lazy()'))
    expect(logged).toEqual([
      ['evicted', 'v1: storage was full'],
      ['evicted', 'v2: storage was full'],
    ])
    expect((await store.known()).map((known) => known.version)).toEqual(['v3'])
    expect(await kept('v3', 'assets/lazy-c3.js')).toBe('lazy()')
  })

  it('stops deleting as soon as the file fits', async () => {
    const { store, logged, caches } = await fullUntilDropped(['v1'], ['v1', 'v2'])
    await store.putFile('v3', new Request(FILE), js('lazy()'))
    expect(logged).toEqual([['evicted', 'v1: storage was full']])
    expect(await caches.has('version-gatekeeper/shop/:v2')).toBe(true)
    expect((await store.known()).map((known) => known.version)).toEqual(['v3', 'v2'])
  })

  it('never deletes the deployment the file is for', async () => {
    const { store, logged } = await fullUntilDropped(['v1'], ['v3', 'v1'])
    await store.putFile('v3', new Request(FILE), js('lazy()'))
    expect(logged).toEqual([['evicted', 'v1: storage was full']])
    expect((await store.known()).map((known) => known.version)).toContain('v3')
  })

  it('rejects with the QuotaExceededError, deleting nothing, when no deployment is evictable', async () => {
    const { store, logged } = await fullUntilDropped(['v1'], [])
    await expect(store.putFile('v3', new Request(FILE), js('lazy()'))).rejects.toMatchObject({ name: 'QuotaExceededError' })
    expect(logged).toEqual([])
    expect((await store.known()).map((known) => known.version)).toEqual(['v3', 'v2', 'v1'])
  })

  it('rejects with the QuotaExceededError when the file still does not fit once every evictable deployment is gone', async () => {
    const { store, logged } = await fullUntilDropped(['v1', 'v2'], ['v1'])
    await expect(store.putFile('v3', new Request(FILE), js('lazy()'))).rejects.toMatchObject({ name: 'QuotaExceededError' })
    expect(logged).toEqual([['evicted', 'v1: storage was full']])
  })

  it('passes on any other error at once, deleting nothing', async () => {
    const { store, logged } = world(host(), {
      evictable: async () => ['v1'],
      faults: {
        beforePut: () => {
          throw new DOMException('broken', 'UnknownError')
        },
      },
    })
    await expect(store.putFile('v3', new Request(FILE), js('lazy()'))).rejects.toMatchObject({ name: 'UnknownError' })
    expect(logged).toEqual([])
  })

  it('stores a file when there is room, deleting nothing', async () => {
    const h = host()
    const { store, logged, kept } = world(h, { evictable: async () => ['v1'] })
    await store.putFile('v1', new Request(FILE), js('lazy()'))
    expect(await kept('v1', 'assets/lazy-c3.js')).toBe('lazy()')
    expect(logged).toEqual([])
  })

  it('makes room the same way for the files it precaches', async () => {
    const m = manifest({ version: 'v4', builtAt: '2026-11-04T10:00:00.000Z' }, 'entry', ['assets/index-a4.js'])
    const { store, logged, kept } = await fullUntilDropped(['v1'], ['v1', 'v2'], host(m))
    expect(await store.keep(m)).toEqual({ kept: 1, copied: 0, failed: [] })
    expect(logged).toEqual([['evicted', 'v1: storage was full']])
    expect(await kept('v4', 'assets/index-a4.js')).toBe(`/* ${url('assets/index-a4.js')} */`)
  })
})

describe('drop', () => {
  it('forgets the manifest and deletes its files', async () => {
    const m1 = manifest(v1, 'all', ['assets/index-a1.js'])
    const m2 = manifest(v2, 'all', ['assets/index-a2.js'])
    const h = host(m1, m2)
    const { store, caches, storage } = world(h)
    await store.keep(m1)
    await store.keep(m2)
    await store.drop('v1')
    expect((await store.known()).map((known) => known.version)).toEqual(['v2'])
    expect(await store.versionsListing(url('assets/index-a1.js'))).toEqual([])
    expect(await caches.has('version-gatekeeper/shop/:v1')).toBe(false)
    expect((await storage.loadManifests()).map((known) => known.version)).toEqual(['v2'])
  })

  it('leaves the other deployments and their files alone', async () => {
    const m1 = manifest(v1, 'all', ['assets/index-a1.js'])
    const m2 = manifest(v2, 'all', ['assets/index-a2.js'])
    const h = host(m1, m2)
    const { store, kept } = world(h)
    await store.keep(m1)
    await store.keep(m2)
    await store.drop('v1')
    expect(await store.versionsListing(url('assets/index-a2.js'))).toEqual(['v2'])
    expect(await kept('v2', 'assets/index-a2.js')).toBeDefined()
  })
})

describe('what the store knows of its deployments', () => {
  const m1 = manifest(v1, 'none', ['assets/index-a1.js', 'assets/shared-s1.js'])
  const m2 = manifest(v2, 'none', ['assets/index-a2.js', 'assets/shared-s1.js'])

  it('knows the kept deployments newest first, whatever order they were kept in', async () => {
    const { store } = world(host(m1, m2))
    await store.keep(m2)
    await store.keep(m1)
    expect((await store.known()).map((known) => known.version)).toEqual(['v2', 'v1'])
  })

  it('reads the manifests from storage once', async () => {
    const { store, storage } = world(host(m1, m2))
    let reads = 0
    const load = storage.loadManifests
    storage.loadManifests = async () => {
      reads++
      return load()
    }
    await store.known()
    await store.versionsListing(url('assets/index-a1.js'))
    await store.isVersionedAsset(url('assets/index-a1.js'))
    expect(reads).toBe(1)
  })

  it('lists the deployments whose manifest lists a file, newest first, ignoring the hash', async () => {
    const { store } = world(host(m1, m2))
    await store.keep(m1)
    await store.keep(m2)
    expect(await store.versionsListing(url('assets/shared-s1.js'))).toEqual(['v2', 'v1'])
    expect(await store.versionsListing(`${url('assets/index-a1.js')}#x`)).toEqual(['v1'])
    expect(await store.versionsListing('https://app.test/assets/index-a1.js')).toEqual([])
  })

  it('takes a file listed in a kept manifest, or under a kept assets directory, for a versioned one, and nothing else', async () => {
    const { store } = world(host(m1))
    expect(await store.isVersionedAsset(url('assets/index-a1.js'))).toBe(false)
    await store.keep(m1)
    expect(await store.isVersionedAsset(url('assets/index-a1.js'))).toBe(true)
    expect(await store.isVersionedAsset(url('assets/lazy-Dx8.js'))).toBe(true)
    expect(await store.isVersionedAsset('https://app.test/assets/lazy-Dx8.js')).toBe(false)
    expect(await store.isVersionedAsset(url('logo.png'))).toBe(false)
  })

  it('gives the fallback page of the deployment asked for, else of the newest', async () => {
    const { store } = world(host(m1, m2))
    await store.keep(m1)
    await store.keep(m2)
    expect(await (await store.fallbackPage(['de'], 'v1'))?.text()).toBe(pageHtml('fallback.v1.de.html'))
    expect(await (await store.fallbackPage(['de'], 'v0'))?.text()).toBe(pageHtml('fallback.v2.de.html'))
    expect(await (await store.fallbackPage(['fr']))?.text()).toBe(pageHtml('fallback.v2.en.html'))
  })

  it("gives the kept copy of a fallback page, whatever its query, and where the host serves the newest's", async () => {
    const { store } = world(host(m1, m2))
    expect(await store.fallbackPageUrl(['de'])).toBeUndefined()
    await store.keep(m1)
    await store.keep(m2)
    expect(await (await store.keptFallbackPage(`${url('fallback.v1.de.html')}?from=%2Fshop%2F`))?.text()).toBe(pageHtml('fallback.v1.de.html'))
    expect(await store.keptFallbackPage(url('fallback.v1.fr.html'))).toBeUndefined()
    expect(await store.fallbackPageUrl(['de'])).toBe(url('fallback.v2.de.html'))
    expect(await store.fallbackPageUrl([])).toBe(url('fallback.v2.en.html'))
  })

  it("keeps, when asked, the newest deployment's fallback page for another reader's languages, fetching it once", async () => {
    const withFrench = (m: DeployManifest): DeployManifest => ({ ...m, fallback: { ...m.fallback, pages: { ...m.fallback.pages, fr: `fallback.${m.version}.fr.html` } } })
    const h = host(withFrench(m1), withFrench(m2))
    const { store, kept } = world(h)
    await store.keep(withFrench(m1))
    await store.keep(withFrench(m2))
    expect(await kept('v2', 'fallback.v2.fr.html')).toBeUndefined()
    await store.keepFallbackPageFor(['fr-BE', 'fr'])
    await store.keepFallbackPageFor(['fr'])
    expect(h.count('fallback.v2.fr.html')).toBe(1)
    expect(h.count('fallback.v1.fr.html')).toBe(0)
    expect(await kept('v2', 'fallback.v2.fr.html')).toBe(pageHtml('fallback.v2.fr.html'))
    expect(await (await store.fallbackPage(['fr']))?.text()).toBe(pageHtml('fallback.v2.fr.html'))
  })

  it('keeps no fallback page when asked before it knows a deployment', async () => {
    const h = host(m1)
    const { store } = world(h)
    await expect(store.keepFallbackPageFor(['de'])).resolves.toBeUndefined()
    expect(h.requests).toEqual([])
  })
})
