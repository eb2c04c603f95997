import { describe, expect, it, vi } from 'vitest'
import { PROTOCOL_SCHEMA, type Check, type VersionChanged } from '../channel/protocol.js'
import { MANIFEST_SCHEMA, type DeployManifest, type PrecachePolicy, type VersionStamp } from '../manifest/manifest.js'
import { createGatekeeper, REVALIDATION_INTERVAL_MS, SUSPICION_QUIET_MS, type WorkerEnvironment } from './gatekeeper.js'
import { createInMemoryCaches, quotaExceeded } from './in-memory-caches.test-support.js'
import { handleVersionedFile } from './routes.js'
import { cacheStorage, type Storage } from './storage.js'

const SCOPE = 'https://app.test/shop/'
const MANIFEST_URL = 'https://app.test/shop/deploy-manifest.json'

const v1: VersionStamp = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2: VersionStamp = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }
const v3: VersionStamp = { version: 'v3', builtAt: '2026-11-03T10:00:00.000Z' }

/** The grace period the test manifests set, unless a test sets its own. */
const GRACE_MS = 30 * 60_000

/** A deployment of `assets`; its first file is its entry. It precaches nothing unless told. */
function manifest(
  stamp: VersionStamp,
  assets = [`assets/index-${stamp.version}.js`],
  { precache = 'none' as PrecachePolicy, gracePeriodMs = GRACE_MS } = {},
): DeployManifest {
  return {
    schema: MANIFEST_SCHEMA,
    ...stamp,
    assetsDir: 'assets/',
    assets,
    entry: assets.slice(0, 1),
    fallback: {
      defaultLocale: 'en',
      pages: { de: `fallback.${stamp.version}.de.html`, en: `fallback.${stamp.version}.en.html` },
      contentSecurityPolicy: `default-src 'none'; style-src 'sha256-${stamp.version}'`,
    },
    csp: { scriptSrc: [], styleSrc: [] },
    precache,
    gracePeriodMs,
  }
}

/** What the host serves at a fallback page's URL: a page of that version and locale. */
const fallbackHtml = (url: string) => {
  const [, version, locale] = url.match(/fallback\.([^.]+)\.([^.]+)\.html$/) ?? []
  return `<!doctype html><html lang="${locale}" data-gatekeeper-fallback data-version="${version}"><p>${locale} ${version}</p></html>`
}

/** What the host serves for a hashed file: a script naming its URL, as a same-origin fetch in a worker sees it. */
const fileResponse = (url: string, init: RequestInit | undefined) =>
  basic(new Response(init?.method === 'HEAD' ? null : `/* ${url} */`, { headers: { 'content-type': 'text/javascript' } }))

/** A response typed as a service worker's same-origin fetch gives it (`basic`; Node's own are `default`). */
function basic(response: Response): Response {
  Object.defineProperty(response, 'type', { value: 'basic' })
  return response
}

/** The check interval the build writes into the pages by default (5 minutes). */
const CHECK_INTERVAL_MS = 5 * 60_000

const check = (tab: VersionStamp, maxAgeMs: number): Check => ({ type: 'CHECK', schema: PROTOCOL_SCHEMA, tab, maxAgeMs })
/** What a tab's runtime sends as its page starts: a CHECK with its check interval. */
const startUp = (tab: VersionStamp): Check => check(tab, CHECK_INTERVAL_MS)

function deferred() {
  let release!: () => void
  const promise = new Promise<void>((resolve) => (release = resolve))
  return { promise, release }
}

/**
 * A host serving one answer for the manifest, the fallback pages of every version and every hashed file, a browser
 * with a clock, open tabs and the languages `de, en`, and a gatekeeper over them. Removing the gatekeeper deletes
 * its caches, as the worker's own `removeGatekeeper` does (and unregisters, which is only counted here).
 */
function world(caches = createInMemoryCaches(), watch: (storage: Storage) => Storage = (storage) => storage) {
  let respond: (init: RequestInit | undefined) => Response = () => new Response(null, { status: 404 })
  let respondPage: (url: string) => Response | Promise<Response> = (url) => new Response(fallbackHtml(url), { headers: { 'content-type': 'text/html' } })
  let respondFile: (url: string, init: RequestInit | undefined) => Response | Promise<Response> = fileResponse
  let hold: Promise<void> = Promise.resolve()
  let tabsHold: Promise<void> = Promise.resolve()
  const storage = watch(cacheStorage(caches, SCOPE, MANIFEST_URL))
  const w = {
    clock: 1_000_000,
    openTabs: new Set<string>(),
    requests: [] as { url: string; init: RequestInit | undefined }[],
    /** The requests for the manifest: what the gatekeeper's checks cost. */
    get manifestRequests() {
      return w.requests.filter((request) => request.url === MANIFEST_URL)
    },
    /** The requests for hashed files (GET and HEAD). */
    get fileRequests() {
      return w.requests.filter((request) => request.url.includes('/assets/'))
    },
    broadcasts: [] as VersionChanged[],
    registrationUpdates: 0,
    removals: 0,
    slept: [] as number[],
    serve(served: DeployManifest | VersionStamp) {
      respond = () => Response.json('assets' in served ? served : manifest(served))
    },
    /**
     * Serves `served` with ETag `etag`, as a static host does: 304 with no body to a request whose If-None-Match
     * names that ETag, the manifest otherwise.
     */
    serveTagged(served: DeployManifest | VersionStamp, etag: string) {
      respond = (init) =>
        ifNoneMatch(init) === etag
          ? new Response(null, { status: 304, headers: { etag } })
          : Response.json('assets' in served ? served : manifest(served), { headers: { etag } })
    },
    answerWith(make: (init: RequestInit | undefined) => Response) {
      respond = make
    },
    goOffline() {
      respond = respondPage = respondFile = () => {
        throw new TypeError('Failed to fetch')
      }
    },
    answerPagesWith(make: (url: string) => Response | Promise<Response>) {
      respondPage = make
    },
    answerFilesWith(make: (url: string, init: RequestInit | undefined) => Response | Promise<Response>) {
      respondFile = make
    },
    /** Holds the host's answers until the returned function is called. */
    holdHost() {
      const gate = deferred()
      hold = gate.promise
      return gate.release
    },
    /** Holds `clients.matchAll()` until the returned function is called. */
    holdOpenTabs() {
      const gate = deferred()
      tabsHold = gate.promise
      return gate.release
    },
  }
  const env: WorkerEnvironment = {
    scope: SCOPE,
    manifestUrl: MANIFEST_URL,
    fetch: async (input, init) => {
      const url = String(input)
      w.requests.push({ url, init })
      await hold
      return url === MANIFEST_URL ? respond(init) : url.includes('/assets/') ? respondFile(url, init) : respondPage(url)
    },
    storage,
    openTabIds: async () => {
      await tabsHold
      return new Set(w.openTabs)
    },
    broadcast: (message) => w.broadcasts.push(message),
    updateRegistration: () => w.registrationUpdates++,
    removeGatekeeper: async () => {
      w.removals++
      await storage.removeAll()
    },
    now: () => w.clock,
    sleep: async (ms) => {
      w.slept.push(ms)
    },
    languages: () => ['de', 'en'],
  }
  return { w, env, caches, gatekeeper: createGatekeeper(env) }
}

/** The If-None-Match a request was sent with, or null. */
const ifNoneMatch = (init: RequestInit | undefined) => new Headers(init?.headers).get('if-none-match')

/** A world whose gatekeeper read `stamp` at install. */
async function installedOn(stamp: VersionStamp | DeployManifest, caches?: CacheStorage) {
  const setup = world(caches)
  setup.w.serve(stamp)
  await setup.gatekeeper.learnCurrentDeployment()
  return setup
}

/** The events the gatekeeper logged, as the state page shows them (what and detail). */
async function eventsOf(gatekeeper: ReturnType<typeof createGatekeeper>) {
  return (await gatekeeper.report()).events.map(({ what, detail }) => [what, detail])
}

describe('createGatekeeper', () => {
  it('the manifest read at install is remembered without telling any tab', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    expect(w.manifestRequests).toEqual([{ url: MANIFEST_URL, init: expect.objectContaining({ cache: 'no-store', credentials: 'same-origin' }) }])
    expect(ifNoneMatch(w.manifestRequests[0]?.init)).toBeNull()
    expect(w.broadcasts).toEqual([])
    expect(w.registrationUpdates).toBe(0)
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v1)
  })

  it('a host that is down at install costs nothing: the install still completes', async () => {
    const { w, gatekeeper } = world()
    w.goOffline()
    await expect(gatekeeper.learnCurrentDeployment()).resolves.toBeUndefined()
  })

  it('a suspicion confirmed by a newer manifest tells every tab once, from the old version to the new', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    await gatekeeper.suspectNewDeployment()
    expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }])
    expect(w.registrationUpdates).toBe(1)
  })

  it('tells the tabs of a new deployment without waiting for its record to be written to Cache Storage', async () => {
    const writes = deferred()
    let slowWrites = false
    const caches = createInMemoryCaches()
    const { w, gatekeeper } = world(caches, (storage) => ({
      ...storage,
      saveState: async (state) => {
        if (slowWrites) await writes.promise
        return storage.saveState(state)
      },
    }))
    w.serve(v1)
    await gatekeeper.learnCurrentDeployment()
    slowWrites = true
    w.serve(v2)
    const suspicion = gatekeeper.suspectNewDeployment()
    await vi.waitFor(() => expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }]))
    writes.release()
    await suspicion
    // Written all the same: a worker started afresh over the same caches knows v2.
    const restarted = createGatekeeper({ ...world(caches).env })
    expect((await restarted.report()).newest).toEqual(v2)
  })

  it('a suspicion goes past every cache of the browser', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests[1]?.init).toMatchObject({ cache: 'no-store', credentials: 'same-origin' })
  })

  it('during a rolling deploy, a server still serving the older manifest is not a deployment', async () => {
    const { w, gatekeeper } = await installedOn(v2)
    w.serve(v1)
    await gatekeeper.suspectNewDeployment()
    expect(w.broadcasts).toEqual([])
    expect(w.registrationUpdates).toBe(0)
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v2)
  })

  it('an unconfirmed suspicion silences further suspicions for SUSPICION_QUIET_MS', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests).toHaveLength(2)
    w.clock += SUSPICION_QUIET_MS - 1
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests).toHaveLength(2)
    w.clock += 1
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests).toHaveLength(3)
  })

  it.each([
    ['answers 503', (w: ReturnType<typeof world>['w']) => w.answerWith(() => new Response('busy', { status: 503 }))],
    ['is unreachable', (w: ReturnType<typeof world>['w']) => w.goOffline()],
    ['serves a corrupt manifest', (w: ReturnType<typeof world>['w']) => w.answerWith(() => new Response('{"schema":1,'))],
    ['serves index.html for the manifest', (w: ReturnType<typeof world>['w']) => w.answerWith(() => new Response('<!doctype html>'))],
    ['serves a manifest of another schema', (w: ReturnType<typeof world>['w']) => w.answerWith(() => Response.json({ ...manifest(v2), schema: 2 }))],
  ])('a suspicion while the host %s is not a deployment: nothing is broadcast', async (_, trouble) => {
    const { w, gatekeeper } = await installedOn(v1)
    trouble(w)
    await gatekeeper.suspectNewDeployment()
    expect(w.broadcasts).toEqual([])
    expect(w.registrationUpdates).toBe(0)
    w.serve(v1)
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v1)
  })

  it('concurrent CHECKs from several tabs make one request to the host and share its answer', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += 60_000
    w.serve(v2)
    const release = w.holdHost()
    const replies = Promise.all(['tab-a', 'tab-b', 'tab-c'].map((id) => gatekeeper.answer(id, check(v1, 5_000))))
    release()
    expect((await replies).map((reply) => reply.newest)).toEqual([v2, v2, v2])
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.broadcasts).toHaveLength(1)
  })

  it('tabs that start at the same moment are all remembered', async () => {
    const { w, env, gatekeeper } = await installedOn(v1)
    w.openTabs = new Set(['tab-a', 'tab-b', 'tab-c'])
    await Promise.all(['tab-a', 'tab-b', 'tab-c'].map((id) => gatekeeper.answer(id, startUp(v1))))
    expect(Object.keys((await env.storage.loadState(w.clock)).tabs).sort()).toEqual(['tab-a', 'tab-b', 'tab-c'])
  })

  it('a CHECK whose maxAgeMs covers the last check makes no request', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += 4_999
    await gatekeeper.answer('tab-a', check(v1, 5_000))
    expect(w.manifestRequests).toHaveLength(1)
  })

  it('a CHECK older than the last check asks the host', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += 5_000
    await gatekeeper.answer('tab-a', check(v1, 5_000))
    expect(w.manifestRequests).toHaveLength(2)
  })

  it('a start-up CHECK from a tab on the known version, or an older one, makes no request while the last look is fresh', async () => {
    const { w, gatekeeper } = await installedOn(v2)
    w.clock += CHECK_INTERVAL_MS - 1
    await gatekeeper.answer('tab-a', startUp(v2))
    await gatekeeper.answer('tab-b', startUp(v1))
    expect(w.manifestRequests).toHaveLength(1)
  })

  it('a CHECK from a tab newer than the worker knows makes it ask the host, however fresh its last look, which confirms the deployment', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const reply = await gatekeeper.answer('tab-new', startUp(v2))
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }])
    expect(reply).toEqual({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: v2, checkedAt: w.clock })
  })

  it('a CHECK from a newer tab that the host does not confirm broadcasts nothing', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    const reply = await gatekeeper.answer('tab-new', startUp(v2))
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.broadcasts).toEqual([])
    expect(reply.newest).toEqual(v1)
  })

  it('a worker that knows no version yet answers a CHECK with what the host says', async () => {
    const { w, gatekeeper } = world()
    w.serve(v2)
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v2)
    expect(w.broadcasts).toEqual([])
  })

  it('a tab that starts while a deployment is being confirmed is told the new version, and tabs hear of it once', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const releaseHost = w.holdHost()
    const suspicion = gatekeeper.suspectNewDeployment()
    const releaseTabs = w.holdOpenTabs()
    const reply = gatekeeper.answer('tab-a', startUp(v1))
    releaseHost()
    await suspicion
    releaseTabs()
    expect((await reply).newest).toEqual(v2)
    w.clock += SUSPICION_QUIET_MS
    await gatekeeper.suspectNewDeployment()
    expect(w.broadcasts).toHaveLength(1)
  })

  it('knows which deployments list a file, newest first, with URLs resolved against the manifest', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(manifest(v2, ['assets/index-v2.js', 'assets/index-v1.js']))
    await gatekeeper.suspectNewDeployment()
    expect(await gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual(['v2', 'v1'])
    expect(await gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v2.js#x')).toEqual(['v2'])
    expect(await gatekeeper.deployments.versionsListing('https://app.test/assets/index-v1.js')).toEqual([])
  })

  it('takes any file under a known assets directory for a versioned file, and nothing else', async () => {
    const { gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.deployments.isVersionedAsset('https://app.test/shop/assets/index-v1.js')).toBe(true)
    expect(await gatekeeper.deployments.isVersionedAsset('https://app.test/shop/assets/lazy-Dx8.js')).toBe(true)
    expect(await gatekeeper.deployments.isVersionedAsset('https://app.test/assets/lazy-Dx8.js')).toBe(false)
    expect(await gatekeeper.deployments.isVersionedAsset('https://app.test/shop/logo.png')).toBe(false)
  })

  it('a worker that knows no manifest takes no file for versioned', async () => {
    const { gatekeeper } = world()
    expect(await gatekeeper.deployments.isVersionedAsset('https://app.test/shop/assets/index-v1.js')).toBe(false)
    expect(await gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual([])
  })

  it('after a restart the worker still knows the newest version, the tabs and the files', async () => {
    const first = await installedOn(v1)
    first.w.openTabs = new Set(['tab-a', 'tab-b'])
    await first.gatekeeper.answer('tab-a', startUp(v1))
    await first.gatekeeper.answer('tab-b', startUp(v1))
    first.w.serve(v2)
    await first.gatekeeper.suspectNewDeployment()

    const restarted = world(first.caches)
    expect((await restarted.gatekeeper.answer('tab-c', startUp(v1))).newest).toEqual(v2)
    expect(restarted.w.requests).toEqual([])
    expect(Object.keys((await restarted.env.storage.loadState(restarted.w.clock)).tabs).sort()).toEqual(['tab-a', 'tab-b', 'tab-c'])
    expect(await restarted.gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual(['v1'])
  })

  it('keeps the fallback pages of the deployment it learns at install, fetched beside the manifest', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    expect(w.requests.map((request) => request.url).sort()).toEqual([
      MANIFEST_URL,
      'https://app.test/shop/fallback.v1.de.html',
      'https://app.test/shop/fallback.v1.en.html',
    ])
    expect(await (await gatekeeper.fallbackPage(['de']))?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
  })

  it("learning a new deployment keeps its fallback pages, and serves the newest one's", async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    expect(w.requests.slice(3).map((request) => request.url).sort()).toEqual([
      MANIFEST_URL,
      'https://app.test/shop/fallback.v2.de.html',
      'https://app.test/shop/fallback.v2.en.html',
    ])
    expect(w.broadcasts).toHaveLength(1)
    const page = await gatekeeper.fallbackPage(['de'])
    expect(await page?.text()).toBe(fallbackHtml('fallback.v2.de.html'))
    expect(page?.headers.get('content-security-policy')).toBe(manifest(v2).fallback.contentSecurityPolicy)
    expect(page?.headers.get('cache-control')).toBe('no-store')
    expect(await (await gatekeeper.fallbackPage(['ko']))?.text()).toBe(fallbackHtml('fallback.v2.en.html'))
  })

  it("serves the fallback of the tab's own deployment when asked for it, and the newest for a deployment it does not keep", async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    expect(await (await gatekeeper.fallbackPage(['de'], 'v1'))?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
    expect(await (await gatekeeper.fallbackPage(['de'], 'v0'))?.text()).toBe(fallbackHtml('fallback.v2.de.html'))
    expect(await (await gatekeeper.fallbackPage(['de'], null))?.text()).toBe(fallbackHtml('fallback.v2.de.html'))
  })

  it('a deployment whose fallback pages cannot be fetched is still learned and announced', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    w.answerPagesWith(() => {
      throw new TypeError('Failed to fetch')
    })
    await expect(gatekeeper.suspectNewDeployment()).resolves.toBeUndefined()
    expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }])
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v2)
    expect(await gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v2.js')).toEqual(['v2'])
    // The older deployment's page still stands in.
    expect(await (await gatekeeper.fallbackPage(['de']))?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
  })

  it('a deployment installed while its pages answer 404 is learned, and has no fallback page yet', async () => {
    const { w, gatekeeper } = world()
    w.serve(v1)
    w.answerPagesWith(() => new Response('not found', { status: 404 }))
    await expect(gatekeeper.learnCurrentDeployment()).resolves.toBeUndefined()
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v1)
    expect(await gatekeeper.fallbackPage(['de'])).toBeUndefined()
  })

  it('fetches when a document asks the pages it could not keep before, and not those it keeps', async () => {
    const { w, gatekeeper } = world()
    w.serve(v1)
    w.answerPagesWith((url) => (url.endsWith('.de.html') ? new Response('busy', { status: 503 }) : new Response(fallbackHtml(url))))
    await gatekeeper.learnCurrentDeployment()
    expect(await (await gatekeeper.fallbackPage(['de']))?.text()).toBe(fallbackHtml('fallback.v1.en.html'))
    w.answerPagesWith((url) => new Response(fallbackHtml(url)))
    await gatekeeper.deployments.keepFallbackPageFor(['de-CH', 'de'])
    expect(w.requests.slice(3).map((request) => request.url)).toEqual(['https://app.test/shop/fallback.v1.de.html'])
    expect(await (await gatekeeper.fallbackPage(['de']))?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
  })

  it("keeps, when a document asks, the page of its reader's language beside the browser's own", async () => {
    const { w, gatekeeper } = world()
    w.serve({ ...manifest(v1), fallback: { ...manifest(v1).fallback, pages: { ...manifest(v1).fallback.pages, fr: 'fallback.v1.fr.html' } } })
    await gatekeeper.learnCurrentDeployment()
    await gatekeeper.deployments.keepFallbackPageFor(['fr'])
    await gatekeeper.deployments.keepFallbackPageFor(['fr'])
    expect(w.requests.filter((request) => request.url.endsWith('.fr.html'))).toHaveLength(1)
    expect(await (await gatekeeper.fallbackPage(['fr']))?.text()).toBe(fallbackHtml('fallback.v1.fr.html'))
  })

  it("a fallback page asked for a deployment that is being learned right now waits for it, and is that deployment's", async () => {
    // A tab of v2 starts under a worker that knows only v1, and its app cannot start: its bootstrap asks for v2's page.
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const release = w.holdHost()
    const reply = gatekeeper.answer('tab-new', startUp(v2))
    await vi.waitFor(() => expect(w.manifestRequests).toHaveLength(2))
    const page = gatekeeper.fallbackPage(['de'], 'v2')
    release()
    await reply
    expect(await (await page)?.text()).toBe(fallbackHtml('fallback.v2.de.html'))
  })

  it('knows no fallback page before it learns a deployment', async () => {
    expect(await world().gatekeeper.fallbackPage(['en'])).toBeUndefined()
  })

  it('after a restart the worker still serves the fallback pages it kept, without asking the host', async () => {
    const first = await installedOn(v1)
    const restarted = world(first.caches)
    expect(await (await restarted.gatekeeper.fallbackPage(['de']))?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
    expect(restarted.w.requests).toEqual([])
  })
})

describe('answering a CHECK', () => {
  it('records the tab with the deployment it runs, builtAt included', async () => {
    const { w, env, gatekeeper } = await installedOn(v2)
    w.clock += 1_000
    await gatekeeper.answer('tab-a', startUp(v1))
    expect((await env.storage.loadState(w.clock)).tabs['tab-a']).toEqual({ version: 'v1', builtAt: v1.builtAt, seenAt: w.clock })
  })

  it("tells the tab when the worker last looked at the host: the look's time, not the answer's", async () => {
    const { w, gatekeeper } = await installedOn(v1)
    const installedAt = w.clock
    w.clock += 2_000
    expect(await gatekeeper.answer('tab-a', startUp(v1))).toEqual({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: v1, checkedAt: installedAt })
    w.clock += 60_000
    const reply = await gatekeeper.answer('tab-a', check(v1, 60_000))
    expect(w.manifestRequests).toHaveLength(2)
    expect(reply.checkedAt).toBe(w.clock)
  })

  it('a look that found the host unreachable still counts as a look: tabs time their next check from it', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.goOffline()
    w.clock += CHECK_INTERVAL_MS
    const lookedAt = w.clock
    expect((await gatekeeper.answer('tab-a', startUp(v1))).checkedAt).toBe(lookedAt)
    w.clock += 1_000
    expect((await gatekeeper.answer('tab-b', startUp(v1))).checkedAt).toBe(lookedAt)
    expect(w.manifestRequests).toHaveLength(2)
  })

  it('a look made for a suspicion is the last look too', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += 30_000
    await gatekeeper.suspectNewDeployment()
    const suspectedAt = w.clock
    w.clock += 1_000
    expect((await gatekeeper.answer('tab-a', startUp(v1))).checkedAt).toBe(suspectedAt)
  })

  it('a fresh CHECK that arrives while a look is under way joins it: no second request, and the answer of that look', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const release = w.holdHost()
    const suspicion = gatekeeper.suspectNewDeployment()
    await vi.waitFor(() => expect(w.manifestRequests).toHaveLength(2))
    const reply = gatekeeper.answer('tab-a', startUp(v1))
    release()
    await suspicion
    expect((await reply).newest).toEqual(v2)
    expect(w.manifestRequests).toHaveLength(2)
  })
})

describe("the manifest's ETag", () => {
  const M1 = '"m1"'
  const M2 = 'W/"m2"'
  /** A worker that read v1 at install from a host that tags the manifest `M1`; the last look is then stale. */
  async function installedTagged() {
    const setup = world()
    setup.w.serveTagged(v1, M1)
    await setup.gatekeeper.learnCurrentDeployment()
    setup.w.clock += CHECK_INTERVAL_MS
    return setup
  }
  const storedEtag = async ({ w, env }: ReturnType<typeof world>) => (await env.storage.loadState(w.clock)).manifestEtag

  it('is stored as the host sent it', async () => {
    const setup = await installedTagged()
    expect(await storedEtag(setup)).toBe(M1)
  })

  it('a routine check sends the stored ETag as If-None-Match, still past every cache of the browser', async () => {
    const { w, gatekeeper } = await installedTagged()
    await gatekeeper.answer('tab-a', startUp(v1))
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.manifestRequests[1]?.init).toMatchObject({ cache: 'no-store', credentials: 'same-origin' })
    expect(ifNoneMatch(w.manifestRequests[1]?.init)).toBe(M1)
  })

  it('sends no If-None-Match while no ETag is stored: neither at install nor at a routine check', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += CHECK_INTERVAL_MS
    await gatekeeper.answer('tab-a', startUp(v1))
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.manifestRequests.map((request) => ifNoneMatch(request.init))).toEqual([null, null])
    expect(w.manifestRequests.map((request) => request.init?.headers)).toEqual([undefined, undefined])
  })

  it('a 304 is an unchanged deployment: nothing new, nothing broadcast, and the check counts as a look', async () => {
    const { w, gatekeeper } = await installedTagged()
    const requests = w.requests.length
    const reply = await gatekeeper.answer('tab-a', startUp(v1))
    expect(w.requests.length - requests).toBe(1)
    expect(reply).toEqual({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: v1, checkedAt: w.clock })
    expect(w.broadcasts).toEqual([])
    expect(w.registrationUpdates).toBe(0)
    expect((await gatekeeper.report()).lastCheck).toEqual({ at: new Date(w.clock).toISOString(), outcome: 'unchanged' })
  })

  it('a 304 brings no new version, whatever the host would serve without the ETag', async () => {
    const { w, gatekeeper } = await installedTagged()
    // A host that answers 304 to the ETag it sent last, though a new manifest is out (a stale edge cache).
    w.answerWith((init) => (ifNoneMatch(init) === M1 ? new Response(null, { status: 304 }) : Response.json(manifest(v2), { headers: { etag: M2 } })))
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v1)
    expect(w.broadcasts).toEqual([])
    expect(await gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v2.js')).toEqual([])
  })

  it('a 304 leaves the stored ETag as it was', async () => {
    const setup = await installedTagged()
    await setup.gatekeeper.answer('tab-a', startUp(v1))
    expect(await storedEtag(setup)).toBe(M1)
  })

  it('a new manifest under a new ETag is learned, and its ETag replaces the stored one for the next check', async () => {
    const setup = await installedTagged()
    const { w, gatekeeper } = setup
    w.serveTagged(v2, M2)
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v2)
    expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }])
    expect(await storedEtag(setup)).toBe(M2)
    w.clock += CHECK_INTERVAL_MS
    await gatekeeper.answer('tab-a', startUp(v2))
    expect(ifNoneMatch(w.manifestRequests.at(-1)?.init)).toBe(M2)
    expect(w.broadcasts).toHaveLength(1)
  })

  it('a manifest sent without an ETag clears the stored one: the next check is unconditional', async () => {
    const setup = await installedTagged()
    const { w, gatekeeper } = setup
    w.serve(v1)
    await gatekeeper.answer('tab-a', startUp(v1))
    expect(await storedEtag(setup)).toBeNull()
    w.clock += CHECK_INTERVAL_MS
    await gatekeeper.answer('tab-a', startUp(v1))
    expect(w.manifestRequests.map((request) => ifNoneMatch(request.init))).toEqual([null, M1, null])
  })

  it('a suspicion asks for the manifest unconditionally, whatever ETag is stored', async () => {
    const { w, gatekeeper } = await installedTagged()
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests).toHaveLength(2)
    expect(ifNoneMatch(w.manifestRequests[1]?.init)).toBeNull()
    expect(w.manifestRequests[1]?.init).toMatchObject({ cache: 'no-store' })
  })

  it('a 304 to a request that named no ETag is no answer: the check failed', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.answerWith(() => new Response(null, { status: 304 }))
    w.clock += CHECK_INTERVAL_MS
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v1)
    expect((await gatekeeper.report()).lastCheck).toEqual({ at: new Date(w.clock).toISOString(), outcome: 'unreachable' })
    expect((await eventsOf(gatekeeper)).at(-1)).toEqual(['check failed', 'the manifest was unreachable'])
  })

  it('is kept across a restart, and sent by the restarted worker', async () => {
    const first = await installedTagged()
    const restarted = world(first.caches)
    restarted.w.serveTagged(v1, M1)
    restarted.w.clock += CHECK_INTERVAL_MS
    await restarted.gatekeeper.answer('tab-a', startUp(v1))
    expect(restarted.w.manifestRequests.map((request) => ifNoneMatch(request.init))).toEqual([M1])
    expect((await restarted.gatekeeper.report()).lastCheck?.outcome).toBe('unchanged')
  })

  it('after a 304 for a deployment the worker no longer keeps (storage pressure took it), asks again unconditionally and keeps it', async () => {
    const first = await installedTagged()
    await first.env.storage.dropVersion('v1')
    const restarted = world(first.caches)
    restarted.w.serveTagged(v1, M1)
    restarted.w.clock += CHECK_INTERVAL_MS
    expect((await restarted.gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v1)
    expect(restarted.w.manifestRequests.map((request) => ifNoneMatch(request.init))).toEqual([M1, null])
    expect(restarted.w.broadcasts).toEqual([])
    expect((await restarted.gatekeeper.deployments.known()).map((kept) => kept.version)).toEqual(['v1'])
  })

  it('an ETag stored in a form that is no ETag is not sent back to the host', async () => {
    const first = await installedTagged()
    await first.env.storage.saveState({ ...(await first.env.storage.loadState(first.w.clock)), manifestEtag: 'm1' })
    const restarted = world(first.caches)
    restarted.w.serveTagged(v1, M1)
    restarted.w.clock += CHECK_INTERVAL_MS
    await restarted.gatekeeper.answer('tab-a', startUp(v1))
    expect(restarted.w.manifestRequests.map((request) => ifNoneMatch(request.init))).toEqual([null])
  })
})

describe('languagesOf', () => {
  const request = (headers: Record<string, string> = {}) => new Request('https://app.test/shop/cart', { headers })

  it("reads the reader's languages from the request's Accept-Language, most preferred first", async () => {
    const { gatekeeper } = world()
    expect(gatekeeper.languagesOf(request({ 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' }))).toEqual(['fr-CH', 'fr', 'en'])
    expect(gatekeeper.languagesOf(request({ 'accept-language': 'en;q=0.5, ja' }))).toEqual(['ja', 'en'])
  })

  it("takes the worker's own languages for a request without Accept-Language (WebKit's worker fetch events)", async () => {
    const { gatekeeper } = world()
    expect(gatekeeper.languagesOf(request())).toEqual(['de', 'en'])
  })

  it("takes the worker's own languages when the Accept-Language names no usable language", async () => {
    const { gatekeeper } = world()
    expect(gatekeeper.languagesOf(request({ 'accept-language': '' }))).toEqual(['de', 'en'])
    expect(gatekeeper.languagesOf(request({ 'accept-language': '*' }))).toEqual(['de', 'en'])
    expect(gatekeeper.languagesOf(request({ 'accept-language': '<script>, fr;q=0' }))).toEqual(['de', 'en'])
  })

  it("does not mix the worker's languages into those the request names", async () => {
    const { gatekeeper } = world()
    expect(gatekeeper.languagesOf(request({ 'accept-language': 'ko' }))).toEqual(['ko'])
  })
})

describe('suspectNewDeployment', () => {
  it('resolves to nothing, whatever the host says', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await expect(gatekeeper.suspectNewDeployment()).resolves.toBeUndefined()
    expect(w.broadcasts).toHaveLength(1)
    w.clock += SUSPICION_QUIET_MS
    w.answerWith(() => new Response('busy', { status: 503 }))
    await expect(gatekeeper.suspectNewDeployment()).resolves.toBeUndefined()
  })

  it('asks the host even when a deployment newer than some tab is known already: there may be a newer one still', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.openTabs = new Set(['tab-a'])
    await gatekeeper.answer('tab-a', startUp(v1))
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    w.serve(v3)
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests).toHaveLength(3)
    expect(w.broadcasts).toEqual([
      { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 },
      { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v2', to: v3 },
    ])
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v3)
  })

  it('a confirmed suspicion silences nothing: the next one asks the host at once', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests).toHaveLength(3)
  })

  it('a suspicion that finds the kill switch silences nothing either', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.answerWith(() => Response.json({ schema: 1, killSwitch: true }))
    await gatekeeper.suspectNewDeployment()
    expect(w.removals).toBe(1)
    expect(await eventsOf(gatekeeper)).not.toContainEqual(['suspicion dismissed', expect.any(String)])
  })
})

describe('fallbackPageUrl', () => {
  it('is unknown before the worker knows a deployment', async () => {
    expect(await world().gatekeeper.deployments.fallbackPageUrl([])).toBeUndefined()
  })

  it("is where the host serves the newest known deployment's page in its default locale", async () => {
    const { w, gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.deployments.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v1.en.html')
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    expect(await gatekeeper.deployments.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v2.en.html')
  })

  it("is in the reader's language when the deployment has a page for it", async () => {
    const { gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.deployments.fallbackPageUrl(['de-CH', 'en'])).toBe('https://app.test/shop/fallback.v1.de.html')
  })

  it("follows the deployment's default locale", async () => {
    const german = manifest(v1)
    german.fallback.defaultLocale = 'de'
    const { w, gatekeeper } = world()
    w.serve(german)
    await gatekeeper.learnCurrentDeployment()
    expect(await gatekeeper.deployments.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v1.de.html')
  })

  it('is known even when none of the pages could be kept: the host may still serve them', async () => {
    const { w, gatekeeper } = world()
    w.serve(v1)
    w.answerPagesWith(() => new Response('busy', { status: 503 }))
    await gatekeeper.learnCurrentDeployment()
    expect(await gatekeeper.fallbackPage(['en'])).toBeUndefined()
    expect(await gatekeeper.deployments.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v1.en.html')
  })

  it('does not go back to an older deployment while the host serves one during a rolling deploy', async () => {
    const { w, gatekeeper } = await installedOn(v2)
    w.serve(v1)
    await gatekeeper.suspectNewDeployment()
    expect(await gatekeeper.deployments.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v2.en.html')
  })
})

describe('keptFallbackPage', () => {
  it('gives the kept copy of a page of any known deployment, whatever its query', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    const requests = w.requests.length
    const page = await gatekeeper.deployments.keptFallbackPage('https://app.test/shop/fallback.v1.de.html?from=%2Fshop%2Forders&lang#top')
    expect(await page?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
    expect(page?.headers.get('content-security-policy')).toBe(manifest(v1).fallback.contentSecurityPolicy)
    expect(await (await gatekeeper.deployments.keptFallbackPage('https://app.test/shop/fallback.v2.en.html'))?.text()).toBe(fallbackHtml('fallback.v2.en.html'))
    expect(w.requests).toHaveLength(requests)
  })

  it('gives nothing for any other address', async () => {
    const { gatekeeper } = await installedOn(v1)
    for (const url of [
      'https://app.test/shop/',
      'https://app.test/shop/orders/42',
      'https://app.test/fallback.v1.de.html',
      'https://app.test/shop/fallback.v1.fr.html',
      'https://app.test/shop/assets/index-v1.js',
      MANIFEST_URL,
    ]) {
      expect(await gatekeeper.deployments.keptFallbackPage(url), url).toBeUndefined()
    }
  })

  it('gives nothing for a listed page it could not keep', async () => {
    const { w, gatekeeper } = world()
    w.serve(v1)
    w.answerPagesWith((url) => (url.endsWith('.de.html') ? new Response('busy', { status: 503 }) : new Response(fallbackHtml(url))))
    await gatekeeper.learnCurrentDeployment()
    expect(await gatekeeper.deployments.keptFallbackPage('https://app.test/shop/fallback.v1.de.html')).toBeUndefined()
    expect(await gatekeeper.deployments.keptFallbackPage('https://app.test/shop/fallback.v1.en.html')).toBeDefined()
  })

  it('gives nothing before the worker knows a deployment', async () => {
    expect(await world().gatekeeper.deployments.keptFallbackPage('https://app.test/shop/fallback.v1.de.html')).toBeUndefined()
  })
})

describe('learning a new deployment', () => {
  it('tells the tabs before it fetches the fallback pages and keeps the manifest', async () => {
    const { w, env, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const broadcastsWhenPagesWereAsked: number[] = []
    w.answerPagesWith((url) => {
      broadcastsWhenPagesWereAsked.push(w.broadcasts.length)
      return new Response(fallbackHtml(url))
    })
    await gatekeeper.suspectNewDeployment()
    expect(broadcastsWhenPagesWereAsked).toEqual([1, 1])
    expect((await env.storage.loadManifests()).map((kept) => kept.version)).toEqual(['v2', 'v1'])
  })

  it("a page asked for the deployment after it was broadcast, while its pages are fetched, waits and is that deployment's", async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const pages = deferred()
    w.answerPagesWith(async (url) => {
      await pages.promise
      return new Response(fallbackHtml(url))
    })
    const suspicion = gatekeeper.suspectNewDeployment()
    await vi.waitFor(() => expect(w.broadcasts).toHaveLength(1))
    const page = gatekeeper.fallbackPage(['de'], 'v2')
    pages.release()
    await suspicion
    expect(await (await page)?.text()).toBe(fallbackHtml('fallback.v2.de.html'))
  })
})

describe('precaching what the gatekeeper learns', () => {
  const older = manifest(v1, ['assets/index-v1.js', 'assets/shared.js', 'assets/lazy-v1.js'], { precache: 'all' })
  const newer = manifest(v2, ['assets/index-v2.js', 'assets/shared.js', 'assets/lazy-v1.js'], { precache: 'all' })

  it("keeps the files of the deployment's policy as soon as it learns it, and logs how many", async () => {
    const { w, gatekeeper } = await installedOn(older)
    expect(w.fileRequests.map((request) => request.url).sort()).toEqual([
      'https://app.test/shop/assets/index-v1.js',
      'https://app.test/shop/assets/lazy-v1.js',
      'https://app.test/shop/assets/shared.js',
    ])
    expect(await eventsOf(gatekeeper)).toEqual([
      ['learned', 'v1'],
      ['precached', 'v1: 3 files'],
    ])
  })

  it('copies the files that did not change from the deployment before, and says so', async () => {
    const { w, env, gatekeeper } = await installedOn(older)
    w.serve(newer)
    await gatekeeper.suspectNewDeployment()
    expect(w.fileRequests.map((request) => request.url).slice(3)).toEqual(['https://app.test/shop/assets/index-v2.js'])
    expect(await (await env.storage.matchFile('v2', 'https://app.test/shop/assets/shared.js'))?.text()).toBe('/* https://app.test/shop/assets/shared.js */')
    expect((await eventsOf(gatekeeper)).slice(2)).toEqual([
      ['new deployment', 'v1 → v2'],
      ['precached', 'v2: 3 files (2 copied from an older deployment)'],
    ])
  })

  it('tells the tabs of a new deployment before it precaches its files', async () => {
    const { w, gatekeeper } = await installedOn(older)
    w.serve(newer)
    const broadcastsWhenFilesWereAsked: number[] = []
    w.answerFilesWith((url, init) => {
      broadcastsWhenFilesWereAsked.push(w.broadcasts.length)
      return fileResponse(url, init)
    })
    await gatekeeper.suspectNewDeployment()
    expect(broadcastsWhenFilesWereAsked).toEqual([1])
  })

  it('learns a deployment whose files fail, after retrying them, and logs the files it could not keep', async () => {
    const { w, gatekeeper } = world()
    w.serve(older)
    w.answerFilesWith((url, init) => (url.endsWith('lazy-v1.js') ? new Response('oops', { status: 500 }) : fileResponse(url, init)))
    await gatekeeper.learnCurrentDeployment()
    expect(w.fileRequests.filter((request) => request.url.endsWith('lazy-v1.js'))).toHaveLength(3)
    expect(w.slept).toEqual([500, 1000])
    expect((await gatekeeper.answer('tab-a', startUp(v1))).newest).toEqual(v1)
    expect(await eventsOf(gatekeeper)).toContainEqual(['precached', 'v1: 2 files; not kept: assets/lazy-v1.js'])
  })

  it('logs a deployment none of whose files could be kept', async () => {
    const { w, gatekeeper } = world()
    w.serve(older)
    w.answerFilesWith(() => new Response('gone', { status: 404 }))
    await gatekeeper.learnCurrentDeployment()
    expect((await eventsOf(gatekeeper)).at(-1)).toEqual(['precached', 'v1: 0 files; not kept: assets/index-v1.js, assets/lazy-v1.js, assets/shared.js'])
  })

  it('logs nothing for a deployment whose policy names no file', async () => {
    const { gatekeeper } = await installedOn(v1)
    expect(await eventsOf(gatekeeper)).toEqual([['learned', 'v1']])
  })

  it('a restarted worker whose deployment cache was evicted keeps the deployment again at its next look', async () => {
    const first = await installedOn(older)
    await first.env.storage.dropVersion('v1')
    const restarted = world(first.caches)
    restarted.w.serve(older)
    restarted.w.clock += CHECK_INTERVAL_MS
    await restarted.gatekeeper.answer('tab-a', startUp(v1))
    expect(restarted.w.broadcasts).toEqual([])
    expect((await restarted.gatekeeper.deployments.known()).map((kept) => kept.version)).toEqual(['v1'])
    expect(await restarted.env.storage.matchFile('v1', 'https://app.test/shop/assets/lazy-v1.js')).toBeDefined()
  })

  it('does not precache the files of a deployment again at every look', async () => {
    const { w, gatekeeper } = await installedOn(older)
    const files = w.fileRequests.length
    w.clock += CHECK_INTERVAL_MS
    await gatekeeper.answer('tab-a', startUp(v1))
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.fileRequests).toHaveLength(files)
  })
})

describe('the event log', () => {
  it('logs a check that found no manifest, and one that found something else', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.goOffline()
    w.clock += CHECK_INTERVAL_MS
    await gatekeeper.answer('tab-a', startUp(v1))
    w.answerWith(() => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }))
    w.clock += CHECK_INTERVAL_MS
    await gatekeeper.answer('tab-a', startUp(v1))
    expect((await eventsOf(gatekeeper)).slice(1)).toEqual([
      ['check failed', 'the manifest was unreachable'],
      ['check failed', 'the manifest was invalid'],
    ])
  })

  it('logs a suspicion the host did not confirm, naming the deployment it still serves', async () => {
    const { gatekeeper } = await installedOn(v1)
    await gatekeeper.suspectNewDeployment()
    expect((await eventsOf(gatekeeper)).at(-1)).toEqual(['suspicion dismissed', 'the host still serves v1'])
  })

  it('dates each event by the clock, and keeps the log across restarts', async () => {
    const first = await installedOn(v1)
    const learnedAt = first.w.clock
    first.w.clock += 60_000
    first.w.serve(v2)
    await first.gatekeeper.suspectNewDeployment()
    const restarted = world(first.caches)
    expect((await restarted.gatekeeper.report()).events.map(({ at, what }) => [at, what])).toEqual([
      [new Date(learnedAt).toISOString(), 'learned'],
      [new Date(learnedAt + 60_000).toISOString(), 'new deployment'],
    ])
  })

  it('logs the migration of the records a previous release of the gatekeeper left', async () => {
    const caches = createInMemoryCaches()
    const stateCache = await caches.open('version-gatekeeper/shop/#state')
    await stateCache.put(
      'https://app.test/shop/__version-gatekeeper/state.json',
      Response.json({ schema: 1, newest: v1, tabs: { old: { version: 'v1', seenAt: 1 } }, lastCheck: null }),
    )
    const { w, gatekeeper } = world(caches)
    const report = await gatekeeper.report()
    expect(report.newest).toEqual(v1)
    expect(report.events).toEqual([{ at: new Date(w.clock).toISOString(), what: 'migrated', detail: 'state schema 1 to 2' }])
  })
})

describe('tidy', () => {
  /**
   * A worker that learned v1 (grace period 10 minutes) with tab-a on it, then v2 (grace period `grace`); then tab-a
   * is gone (closed, or in the back/forward cache) and tab-b runs v2. tab-a was last seen at `closedAt`.
   */
  async function movedOn(grace = 2 * 60_000) {
    const setup = await installedOn(manifest(v1, undefined, { gracePeriodMs: 10 * 60_000 }))
    const { w, gatekeeper } = setup
    w.openTabs = new Set(['tab-a'])
    await gatekeeper.answer('tab-a', startUp(v1))
    w.serve(manifest(v2, undefined, { gracePeriodMs: grace }))
    await gatekeeper.suspectNewDeployment()
    w.openTabs = new Set(['tab-b'])
    await gatekeeper.answer('tab-b', startUp(v2))
    return { ...setup, closedAt: w.clock }
  }
  const kept = async (env: WorkerEnvironment) => (await env.storage.keptVersions()).sort()

  it("keeps the deployment a tab ran until the newest manifest's grace period has passed since the tab was last seen", async () => {
    const { w, env, gatekeeper } = await movedOn(2 * 60_000)
    w.clock += 2 * 60_000 - 1
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v1', 'v2'])
    w.clock += 1
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v2'])
  })

  it("follows the grace period of the newest manifest, not the one of the deployment it deletes", async () => {
    const { w, env, gatekeeper } = await movedOn(0)
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v2'])
  })

  it('forgets a deleted deployment: its files are no longer listed, and the state page no longer shows it', async () => {
    const { w, gatekeeper } = await movedOn()
    w.clock += 2 * 60_000
    await gatekeeper.tidy()
    expect(await gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual([])
    expect((await gatekeeper.report()).versions.map((version) => version.version)).toEqual(['v2'])
  })

  it('logs each deployment it deletes, with the grace period', async () => {
    const { w, gatekeeper } = await movedOn()
    w.clock += 2 * 60_000
    await gatekeeper.tidy()
    expect((await eventsOf(gatekeeper)).at(-1)).toEqual(['removed', 'v1: no tab has run it for the grace period (120000 ms)'])
  })

  it('never deletes a deployment an open tab runs, however long ago it started', async () => {
    const { w, env, gatekeeper } = await movedOn()
    w.openTabs = new Set(['tab-a', 'tab-b'])
    await gatekeeper.answer('tab-a', startUp(v1))
    w.clock += 24 * 60 * 60_000
    await gatekeeper.tidy()
    w.clock += 24 * 60 * 60_000
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v1', 'v2'])
  })

  it('never deletes the newest deployment, even when no tab runs it', async () => {
    const { w, env, gatekeeper } = await movedOn()
    w.openTabs = new Set()
    w.clock += 24 * 60 * 60_000
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v2'])
    expect(await gatekeeper.deployments.versionsListing('https://app.test/shop/assets/index-v2.js')).toEqual(['v2'])
  })

  it('deletes, at once, a deployment no tab has run (only tabs have a grace period)', async () => {
    const { w, env, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v2'])
  })

  it('forgets the tabs gone longer than the grace period', async () => {
    const { w, env, gatekeeper } = await movedOn()
    w.openTabs = new Set()
    w.clock += 2 * 60_000
    await gatekeeper.tidy()
    expect((await env.storage.loadState(w.clock)).tabs).toEqual({})
    expect((await gatekeeper.report()).tabs).toEqual([])
  })

  it('keeps the record of a tab gone for less than the grace period', async () => {
    const { w, env, gatekeeper } = await movedOn()
    w.openTabs = new Set()
    w.clock += 2 * 60_000 - 1
    await gatekeeper.tidy()
    expect(Object.keys((await env.storage.loadState(w.clock)).tabs).sort()).toEqual(['tab-a', 'tab-b'])
  })

  it('deletes the cache of a deployment whose manifest it never kept (a precache cut short)', async () => {
    const { env, gatekeeper } = await installedOn(v1)
    await env.storage.putFile('v0', 'https://app.test/shop/assets/index-v0.js', new Response('v0()'))
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v1'])
  })

  it('with a single deployment and no tab, deletes nothing', async () => {
    const { w, env, gatekeeper } = await installedOn(v1)
    w.clock += 24 * 60 * 60_000
    await gatekeeper.tidy()
    expect(await kept(env)).toEqual(['v1'])
  })
})

describe('storage pressure', () => {
  it("to keep a file, deletes the oldest deployments no tab runs first, never the newest nor a tab's", async () => {
    const v0: VersionStamp = { version: 'v0', builtAt: '2026-10-31T10:00:00.000Z' }
    const dropped = new Set<string>()
    let full = false
    const caches = createInMemoryCaches({
      beforePut: () => {
        // Full until both v0 and v2 are gone.
        if (full && !(dropped.has('v0') && dropped.has('v2'))) throw quotaExceeded()
      },
    })
    const { w, env, gatekeeper } = world(caches, (storage) => ({
      ...storage,
      dropVersion: async (version) => {
        dropped.add(version)
        return storage.dropVersion(version)
      },
    }))
    for (const stamp of [v0, v1, v2, v3]) {
      w.serve(stamp)
      await gatekeeper.suspectNewDeployment()
    }
    w.openTabs = new Set(['tab-a'])
    await gatekeeper.answer('tab-a', startUp(v1))
    full = true
    await gatekeeper.deployments.putFile('v3', new Request('https://app.test/shop/assets/lazy-v3.js'), new Response('lazy()'))
    expect((await eventsOf(gatekeeper)).filter(([what]) => what === 'evicted')).toEqual([
      ['evicted', 'v0: storage was full'],
      ['evicted', 'v2: storage was full'],
    ])
    expect((await env.storage.keptVersions()).sort()).toEqual(['v1', 'v3'])
    expect(await (await env.storage.matchFile('v3', 'https://app.test/shop/assets/lazy-v3.js'))?.text()).toBe('lazy()')
  })

  it('with nothing to delete, the file is not kept, and the newest and the tabs\' deployments stay', async () => {
    let full = false
    const { w, env, gatekeeper } = world(
      createInMemoryCaches({
        beforePut: () => {
          if (full) throw quotaExceeded()
        },
      }),
    )
    w.serve(v1)
    await gatekeeper.learnCurrentDeployment()
    w.openTabs = new Set(['tab-a'])
    await gatekeeper.answer('tab-a', startUp(v1))
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    full = true
    await expect(
      gatekeeper.deployments.putFile('v2', new Request('https://app.test/shop/assets/lazy-v2.js'), new Response('lazy()')),
    ).rejects.toMatchObject({ name: 'QuotaExceededError' })
    expect((await env.storage.keptVersions()).sort()).toEqual(['v1', 'v2'])
  })
})

describe('the kill switch', () => {
  const KILL_SWITCH = { schema: 1, killSwitch: true }

  /** A worker on v1 with tab-a open, that counts the state it saves from now on; then the host serves `served`. */
  async function killedBy(served: unknown) {
    const saves = { count: 0 }
    const setup = world(createInMemoryCaches(), (storage) => ({
      ...storage,
      saveState: async (state) => {
        saves.count++
        return storage.saveState(state)
      },
    }))
    setup.w.serve(v1)
    await setup.gatekeeper.learnCurrentDeployment()
    setup.w.openTabs = new Set(['tab-a'])
    await setup.gatekeeper.answer('tab-a', startUp(v1))
    setup.w.answerWith(() => Response.json(served))
    setup.w.clock += CHECK_INTERVAL_MS
    return { ...setup, saves }
  }

  it('removes the gatekeeper once, though several tabs asked at the same time, and tells no tab', async () => {
    const { w, caches, gatekeeper } = await killedBy(KILL_SWITCH)
    const release = w.holdHost()
    const asked = Promise.all([
      gatekeeper.answer('tab-a', startUp(v1)),
      gatekeeper.answer('tab-b', startUp(v1)),
      gatekeeper.suspectNewDeployment(),
    ])
    release()
    await asked
    expect(w.removals).toBe(1)
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.broadcasts).toEqual([])
    expect(w.registrationUpdates).toBe(0)
    expect(await caches.keys()).toEqual([])
  })

  it('saves nothing once it removed the gatekeeper: no record of it comes back', async () => {
    const { w, caches, gatekeeper, saves } = await killedBy(KILL_SWITCH)
    await gatekeeper.suspectNewDeployment()
    const savesBefore = saves.count
    w.openTabs = new Set(['tab-a', 'tab-b'])
    await gatekeeper.answer('tab-b', startUp(v1))
    await gatekeeper.tidy()
    w.clock += SUSPICION_QUIET_MS
    await gatekeeper.suspectNewDeployment()
    expect(saves.count).toBe(savesBefore)
    expect(await caches.keys()).toEqual([])
  })

  it('is obeyed whatever else the manifest holds (a hand-edited one)', async () => {
    const { w, gatekeeper } = await killedBy({ ...manifest(v2), killSwitch: true })
    await gatekeeper.suspectNewDeployment()
    expect(w.removals).toBe(1)
    expect(w.broadcasts).toEqual([])
  })

  it('read at install, removes the gatekeeper before it keeps anything', async () => {
    const { w, caches, gatekeeper } = world()
    w.answerWith(() => Response.json(KILL_SWITCH))
    await expect(gatekeeper.learnCurrentDeployment()).resolves.toBeUndefined()
    expect(w.removals).toBe(1)
    expect(w.requests.map((request) => request.url)).toEqual([MANIFEST_URL])
    expect(await caches.keys()).toEqual([])
  })

  it('is not set off by killSwitch: false, which is an invalid manifest', async () => {
    const { w, gatekeeper } = await killedBy({ schema: 1, killSwitch: false })
    await gatekeeper.suspectNewDeployment()
    expect(w.removals).toBe(0)
    expect((await eventsOf(gatekeeper)).at(-2)).toEqual(['check failed', 'the manifest was invalid'])
  })

  it('leaves no cache behind for the files the tabs it still controls fetch until they navigate', async () => {
    // The removed worker keeps controlling its open tabs until their next document load; their lazy files still
    // pass through it. Whatever it does with them must not recreate a cache no gatekeeper will ever delete.
    const { w, env, caches, gatekeeper } = await killedBy(KILL_SWITCH)
    await gatekeeper.suspectNewDeployment()
    expect(w.removals).toBe(1)
    const FILE = 'https://app.test/shop/assets/index-v1.js'
    vi.stubGlobal('fetch', async () => fileResponse(FILE, undefined))
    try {
      const waited: Promise<unknown>[] = []
      const request = { url: FILE, method: 'GET', destination: 'script', headers: new Headers() } as unknown as Request
      const event = { clientId: 'tab-a', waitUntil: (promise: Promise<unknown>) => waited.push(promise) } as unknown as FetchEvent
      const response = await handleVersionedFile(gatekeeper, env.storage)({ request, url: new URL(FILE), event })
      expect(response.status).toBe(200)
      await Promise.all(waited)
    } finally {
      vi.unstubAllGlobals()
    }
    expect(await caches.keys()).toEqual([])
  })
})

describe('revalidate', () => {
  const FILE = 'https://app.test/shop/assets/index-v1.js'
  const OTHER_FILE = 'https://app.test/shop/assets/lazy-v1.js'
  const heads = (w: ReturnType<typeof world>['w']) => w.fileRequests.filter((request) => request.init?.method === 'HEAD')

  /** A worker on v1 with tab-a, a tab of v1, known to it. */
  async function withTabOnV1() {
    const setup = await installedOn(v1)
    setup.w.openTabs = new Set(['tab-a'])
    await setup.gatekeeper.answer('tab-a', startUp(v1))
    return setup
  }

  it('asks the host whether the file is still there with a HEAD that goes past the HTTP cache', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    await gatekeeper.revalidate(FILE, 'script', 'tab-a')
    expect(heads(w)).toEqual([{ url: FILE, init: expect.objectContaining({ method: 'HEAD', cache: 'no-cache', credentials: 'same-origin' }) }])
  })

  it(`asks at most once per ${REVALIDATION_INTERVAL_MS} ms, whatever the file`, async () => {
    const { w, gatekeeper } = await withTabOnV1()
    expect(REVALIDATION_INTERVAL_MS).toBe(10_000)
    await gatekeeper.revalidate(FILE, 'script', 'tab-a')
    await gatekeeper.revalidate(OTHER_FILE, 'script', 'tab-a')
    w.clock += REVALIDATION_INTERVAL_MS - 1
    await gatekeeper.revalidate(FILE, 'script', 'tab-a')
    expect(heads(w)).toHaveLength(1)
    w.clock += 1
    await gatekeeper.revalidate(OTHER_FILE, 'script', 'tab-a')
    expect(heads(w).map((request) => request.url)).toEqual([FILE, OTHER_FILE])
  })

  it('asks nothing for a tab on an older deployment than the newest known: that one is known to be gone already', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    const requests = w.requests.length
    await gatekeeper.revalidate(FILE, 'script', 'tab-a')
    expect(w.requests).toHaveLength(requests)
  })

  it('asks nothing for a tab that never checked in', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    await gatekeeper.revalidate(FILE, 'script', 'tab-unknown')
    expect(heads(w)).toEqual([])
  })

  it('a revalidation it skipped does not count against the interval', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    await gatekeeper.revalidate(FILE, 'script', 'tab-unknown')
    await gatekeeper.revalidate(FILE, 'script', 'tab-a')
    expect(heads(w)).toHaveLength(1)
  })

  it.each([
    ['404', () => new Response(null, { status: 404 })],
    ['410', () => new Response(null, { status: 410 })],
    ['HTML for a script (an SPA host)', () => new Response(null, { headers: { 'content-type': 'text/html; charset=utf-8' } })],
  ])('a file answered %s is a suspicion: a newer manifest confirms the deployment, told to every tab', async (_, answer) => {
    const { w, gatekeeper } = await withTabOnV1()
    w.answerFilesWith(answer)
    w.serve(v2)
    await gatekeeper.revalidate(FILE, 'script', 'tab-a')
    expect(w.manifestRequests.at(-1)?.init).toMatchObject({ cache: 'no-store' })
    expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }])
    expect(w.registrationUpdates).toBe(1)
  })

  it('a 404 the manifest does not confirm is dismissed and silences suspicions for a while', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    w.answerFilesWith(() => new Response(null, { status: 404 }))
    await gatekeeper.revalidate(FILE, 'script', 'tab-a')
    expect(w.broadcasts).toEqual([])
    expect((await eventsOf(gatekeeper)).at(-1)).toEqual(['suspicion dismissed', 'the host still serves v1'])
    const requests = w.manifestRequests.length
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests).toHaveLength(requests)
  })

  it.each([
    ['still there (200)', () => fileResponse(FILE, { method: 'HEAD' })],
    ['answered 503 (a host in trouble)', () => new Response(null, { status: 503 })],
    [
      'unreachable',
      () => {
        throw new TypeError('Failed to fetch')
      },
    ],
  ])('a file %s is no suspicion: the manifest is not asked for', async (_, answer) => {
    const { w, gatekeeper } = await withTabOnV1()
    w.answerFilesWith(answer)
    const requests = w.manifestRequests.length
    await expect(gatekeeper.revalidate(FILE, 'script', 'tab-a')).resolves.toBeUndefined()
    expect(w.manifestRequests).toHaveLength(requests)
  })
})

describe('report', () => {
  it('shows the kept deployments newest first, with their policy, their tabs and their caches as they are', async () => {
    const { w, env, gatekeeper } = await installedOn(manifest(v1, undefined, { precache: 'entry' }))
    w.openTabs = new Set(['tab-a', 'tab-b'])
    await gatekeeper.answer('tab-a', startUp(v1))
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    await gatekeeper.answer('tab-b', startUp(v2))
    w.openTabs = new Set(['tab-b'])
    const report = await gatekeeper.report()
    expect(report.scope).toBe(SCOPE)
    expect(report.workerStartedAt).toBe(new Date(1_000_000).toISOString())
    expect(report.newest).toEqual(v2)
    expect(report.versions).toEqual([
      { version: 'v2', builtAt: v2.builtAt, newest: true, tabs: 1, precache: 'none', cache: await env.storage.summarize('v2') },
      { version: 'v1', builtAt: v1.builtAt, newest: false, tabs: 1, precache: 'entry', cache: await env.storage.summarize('v1') },
    ])
    // v1: its manifest, the two fallback pages (de, en) and its entry file; v2: no file.
    expect(report.versions.map((version) => [version.cache.name, version.cache.entries])).toEqual([
      ['version-gatekeeper/shop/:v2', 3],
      ['version-gatekeeper/shop/:v1', 4],
    ])
    expect(report.tabs).toEqual([
      { id: 'tab-a', version: 'v1', seenAt: new Date(w.clock).toISOString(), open: false },
      { id: 'tab-b', version: 'v2', seenAt: new Date(w.clock).toISOString(), open: true },
    ])
    expect(report.lastCheck).toEqual({ at: new Date(w.clock).toISOString(), outcome: 'new-version' })
  })

  it('counts for a deployment only the tabs still counted: none gone longer than the grace period', async () => {
    // StateReport.versions[].tabs: "Tabs still counted that run it (open, or closed less than the grace period
    // ago)". The state page is often the first request after a quiet spell, when no CHECK has pruned the tabs yet.
    const { w, gatekeeper } = await installedOn(v1)
    w.openTabs = new Set(['tab-a'])
    await gatekeeper.answer('tab-a', startUp(v1))
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    w.openTabs = new Set()
    w.clock += 2 * GRACE_MS
    const report = await gatekeeper.report()
    expect(report.versions.map(({ version, tabs }) => ({ version, tabs }))).toEqual([
      { version: 'v2', tabs: 0 },
      { version: 'v1', tabs: 0 },
    ])
  })

  it('of a worker that knows nothing yet, is empty', async () => {
    const report = await world().gatekeeper.report()
    expect(report).toMatchObject({ newest: null, lastCheck: null, versions: [], tabs: [], events: [] })
  })

  it('tells when this instance of the worker started: a restarted one, its own start', async () => {
    const { w, env, gatekeeper } = await installedOn(v1)
    w.clock += 60_000
    const restarted = createGatekeeper(env) // the browser stopped the worker and started it again, on the same storage
    w.clock += 5_000
    expect((await restarted.report()).workerStartedAt).toBe(new Date(1_060_000).toISOString())
    expect((await gatekeeper.report()).workerStartedAt).toBe(new Date(1_000_000).toISOString())
  })
})

describe('a worker in trouble of its own', () => {
  it("records a failed look at install even when the host's answer comes before its stored state has loaded", async () => {
    // The first read of Cache Storage after a start can take longer than a failed request (offline: at once).
    const stateLoad = deferred()
    const { w, gatekeeper } = world(createInMemoryCaches(), (storage) => ({
      ...storage,
      loadState: async (now) => {
        await stateLoad.promise
        return storage.loadState(now)
      },
    }))
    w.goOffline()
    const installing = gatekeeper.learnCurrentDeployment()
    await new Promise((resolve) => setTimeout(resolve, 10)) // long enough for a failed request to come back
    stateLoad.release()
    await installing
    const report = await gatekeeper.report()
    expect(report.lastCheck).toEqual({ at: new Date(w.clock).toISOString(), outcome: 'unreachable' })
    expect(report.events.map((event) => event.what)).toEqual(['check failed'])
  })

  it("answers a tab's CHECK when storage is full and nothing can be deleted to make room", async () => {
    let full = false
    const { w, gatekeeper } = world(
      createInMemoryCaches({
        beforePut: () => {
          if (full) throw quotaExceeded()
        },
      }),
    )
    full = true
    w.serve(v1)
    await gatekeeper.learnCurrentDeployment()
    w.openTabs = new Set(['tab-a'])
    await expect(gatekeeper.answer('tab-a', startUp(v1))).resolves.toMatchObject({ type: 'STATE', newest: v1 })
  })
})
