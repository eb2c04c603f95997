import { describe, expect, it, vi } from 'vitest'
import { PROTOCOL_SCHEMA, type Check, type VersionChanged } from '../channel/protocol.js'
import { MANIFEST_SCHEMA, type DeployManifest, type VersionStamp } from '../manifest/manifest.js'
import { createGatekeeper, SUSPICION_QUIET_MS, type WorkerEnvironment } from './gatekeeper.js'
import { createInMemoryCaches } from './in-memory-caches.test-support.js'
import { TAB_GRACE_MS } from './state.js'
import { cacheStorage } from './storage.js'

const SCOPE = 'https://app.test/shop/'
const MANIFEST_URL = 'https://app.test/shop/deploy-manifest.json'

const v1: VersionStamp = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2: VersionStamp = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }

function manifest(stamp: VersionStamp, assets = [`assets/index-${stamp.version}.js`]): DeployManifest {
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
  }
}

/** What the host serves at a fallback page's URL: a page of that version and locale. */
const fallbackHtml = (url: string) => {
  const [, version, locale] = url.match(/fallback\.([^.]+)\.([^.]+)\.html$/) ?? []
  return `<!doctype html><html lang="${locale}" data-gatekeeper-fallback data-version="${version}"><p>${locale} ${version}</p></html>`
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
 * A host serving one answer for the manifest and the fallback pages of every version, a browser with a clock and
 * open tabs, and a gatekeeper over them.
 */
function world(caches = createInMemoryCaches()) {
  let respond: () => Response = () => new Response(null, { status: 404 })
  let respondPage: (url: string) => Response | Promise<Response> = (url) => new Response(fallbackHtml(url), { headers: { 'content-type': 'text/html' } })
  let hold: Promise<void> = Promise.resolve()
  let tabsHold: Promise<void> = Promise.resolve()
  const w = {
    clock: 1_000_000,
    openTabs: new Set<string>(),
    requests: [] as { url: string; init: RequestInit | undefined }[],
    /** The requests for the manifest: what the gatekeeper's checks cost. */
    get manifestRequests() {
      return w.requests.filter((request) => request.url === MANIFEST_URL)
    },
    broadcasts: [] as VersionChanged[],
    registrationUpdates: 0,
    serve(served: DeployManifest | VersionStamp) {
      respond = () => Response.json('assets' in served ? served : manifest(served))
    },
    answerWith(make: () => Response) {
      respond = make
    },
    goOffline() {
      respond = respondPage = () => {
        throw new TypeError('Failed to fetch')
      }
    },
    answerPagesWith(make: (url: string) => Response | Promise<Response>) {
      respondPage = make
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
      w.requests.push({ url: String(input), init })
      await hold
      return String(input) === MANIFEST_URL ? respond() : respondPage(String(input))
    },
    storage: cacheStorage(caches, SCOPE, MANIFEST_URL),
    openTabIds: async () => {
      await tabsHold
      return new Set(w.openTabs)
    },
    broadcast: (message) => w.broadcasts.push(message),
    updateRegistration: () => w.registrationUpdates++,
    now: () => w.clock,
  }
  return { w, env, caches, gatekeeper: createGatekeeper(env) }
}

/** A world whose gatekeeper read `stamp` at install. */
async function installedOn(stamp: VersionStamp) {
  const setup = world()
  setup.w.serve(stamp)
  await setup.gatekeeper.learnCurrentDeployment()
  return setup
}

describe('createGatekeeper', () => {
  it('the manifest read at install is remembered without telling any tab', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    expect(w.manifestRequests).toEqual([{ url: MANIFEST_URL, init: expect.objectContaining({ cache: 'no-cache' }) }])
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

  it('a suspicion goes past the HTTP cache', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    await gatekeeper.suspectNewDeployment()
    expect(w.manifestRequests[1]?.init).toMatchObject({ cache: 'reload' })
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
    expect(Object.keys((await env.storage.loadState()).tabs).sort()).toEqual(['tab-a', 'tab-b', 'tab-c'])
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
    expect(await gatekeeper.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual(['v2', 'v1'])
    expect(await gatekeeper.versionsListing('https://app.test/shop/assets/index-v2.js#x')).toEqual(['v2'])
    expect(await gatekeeper.versionsListing('https://app.test/assets/index-v1.js')).toEqual([])
  })

  it('takes any file under a known assets directory for a versioned file, and nothing else', async () => {
    const { gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.isVersionedAsset('https://app.test/shop/assets/index-v1.js')).toBe(true)
    expect(await gatekeeper.isVersionedAsset('https://app.test/shop/assets/lazy-Dx8.js')).toBe(true)
    expect(await gatekeeper.isVersionedAsset('https://app.test/assets/lazy-Dx8.js')).toBe(false)
    expect(await gatekeeper.isVersionedAsset('https://app.test/shop/logo.png')).toBe(false)
  })

  it('a worker that knows no manifest takes no file for versioned', async () => {
    const { gatekeeper } = world()
    expect(await gatekeeper.isVersionedAsset('https://app.test/shop/assets/index-v1.js')).toBe(false)
    expect(await gatekeeper.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual([])
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
    expect(Object.keys((await restarted.env.storage.loadState()).tabs).sort()).toEqual(['tab-a', 'tab-b', 'tab-c'])
    expect(await restarted.gatekeeper.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual(['v1'])
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
    expect(await gatekeeper.versionsListing('https://app.test/shop/assets/index-v2.js')).toEqual(['v2'])
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

  it('fetches at a later check the pages it could not keep before, and not those it keeps', async () => {
    const { w, gatekeeper } = world()
    w.serve(v1)
    w.answerPagesWith((url) => (url.endsWith('.de.html') ? new Response('busy', { status: 503 }) : new Response(fallbackHtml(url))))
    await gatekeeper.learnCurrentDeployment()
    expect(await (await gatekeeper.fallbackPage(['de']))?.text()).toBe(fallbackHtml('fallback.v1.en.html'))
    w.answerPagesWith((url) => new Response(fallbackHtml(url)))
    w.clock += 60_000
    await gatekeeper.answer('tab-a', check(v1, 5_000))
    expect(w.requests.slice(3).map((request) => request.url)).toEqual([MANIFEST_URL, 'https://app.test/shop/fallback.v1.de.html'])
    expect(await (await gatekeeper.fallbackPage(['de']))?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
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
    expect((await env.storage.loadState()).tabs['tab-a']).toEqual({ version: 'v1', builtAt: v1.builtAt, seenAt: w.clock })
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

describe('suspectNewDeployment for a tab', () => {
  /** A worker on v1 with tab-a, a tab of v1, known to it. */
  async function withTabOnV1() {
    const setup = await installedOn(v1)
    setup.w.openTabs = new Set(['tab-a'])
    await setup.gatekeeper.answer('tab-a', startUp(v1))
    return setup
  }

  it('resolves to the newer deployment the host confirms for a tab on an older one', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    w.serve(v2)
    await expect(gatekeeper.suspectNewDeployment('tab-a')).resolves.toEqual(v2)
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.broadcasts).toHaveLength(1)
  })

  it('asks the host nothing when a deployment newer than the tab is already known', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    const requests = w.requests.length
    await expect(gatekeeper.suspectNewDeployment('tab-a')).resolves.toEqual(v2)
    expect(w.requests).toHaveLength(requests)
    expect(w.broadcasts).toHaveLength(1)
  })

  it('asks nothing for a tab on an older deployment even while suspicions are silenced', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    // An unconfirmed suspicion (v2 is no news by then) silences further ones; the known answer still stands.
    await gatekeeper.suspectNewDeployment()
    const requests = w.requests.length
    await expect(gatekeeper.suspectNewDeployment('tab-a')).resolves.toEqual(v2)
    expect(w.requests).toHaveLength(requests)
  })

  it('resolves to nothing for a tab already on the newest deployment, after asking the host', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    await expect(gatekeeper.suspectNewDeployment('tab-a')).resolves.toBeUndefined()
    expect(w.manifestRequests).toHaveLength(2)
    expect(w.manifestRequests[1]?.init).toMatchObject({ cache: 'reload' })
  })

  it('resolves to the newer deployment for a tab on the newest one when the host names an even newer one', async () => {
    const { w, gatekeeper } = await installedOn(v2)
    await gatekeeper.answer('tab-b', startUp(v2))
    const v3 = { version: 'v3', builtAt: '2026-11-03T10:00:00.000Z' }
    w.serve(v3)
    await expect(gatekeeper.suspectNewDeployment('tab-b')).resolves.toEqual(v3)
  })

  it('resolves to nothing for a tab that never checked in, though the deployment it confirms is broadcast', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await expect(gatekeeper.suspectNewDeployment('tab-unknown')).resolves.toBeUndefined()
    expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }])
    await expect(gatekeeper.suspectNewDeployment('tab-unknown')).resolves.toBeUndefined()
  })

  it('resolves to nothing without a tab', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await expect(gatekeeper.suspectNewDeployment()).resolves.toBeUndefined()
  })

  it('resolves to nothing when the host does not confirm a newer deployment', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    w.answerWith(() => new Response('busy', { status: 503 }))
    await expect(gatekeeper.suspectNewDeployment('tab-a')).resolves.toBeUndefined()
  })

  it('a tab that reloaded onto the newest deployment is no longer on an older one', async () => {
    const { w, gatekeeper } = await withTabOnV1()
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    await gatekeeper.answer('tab-a', startUp(v2))
    w.clock += SUSPICION_QUIET_MS
    await expect(gatekeeper.suspectNewDeployment('tab-a')).resolves.toBeUndefined()
  })
})

describe('isKnownTab', () => {
  it('knows a tab once it checked in, and no other', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.isKnownTab('tab-a')).toBe(false)
    w.openTabs = new Set(['tab-a'])
    await gatekeeper.answer('tab-a', startUp(v1))
    expect(await gatekeeper.isKnownTab('tab-a')).toBe(true)
    expect(await gatekeeper.isKnownTab('tab-b')).toBe(false)
  })

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('does not take %s for a tab', async (id) => {
    const { gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.isKnownTab(id)).toBe(false)
  })

  it('still knows its tabs after a restart', async () => {
    const first = await installedOn(v1)
    first.w.openTabs = new Set(['tab-a'])
    await first.gatekeeper.answer('tab-a', startUp(v1))
    expect(await world(first.caches).gatekeeper.isKnownTab('tab-a')).toBe(true)
  })

  it('forgets a tab closed TAB_GRACE_MS ago', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.openTabs = new Set(['tab-a'])
    await gatekeeper.answer('tab-a', startUp(v1))
    w.openTabs = new Set(['tab-b'])
    w.clock += TAB_GRACE_MS
    await gatekeeper.answer('tab-b', startUp(v1))
    expect(await gatekeeper.isKnownTab('tab-a')).toBe(false)
    expect(await gatekeeper.isKnownTab('tab-b')).toBe(true)
  })
})

describe('fallbackPageUrl', () => {
  it('is unknown before the worker knows a deployment', async () => {
    expect(await world().gatekeeper.fallbackPageUrl([])).toBeUndefined()
  })

  it("is where the host serves the newest known deployment's page in its default locale", async () => {
    const { w, gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v1.en.html')
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    expect(await gatekeeper.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v2.en.html')
  })

  it("is in the reader's language when the deployment has a page for it", async () => {
    const { gatekeeper } = await installedOn(v1)
    expect(await gatekeeper.fallbackPageUrl(['de-CH', 'en'])).toBe('https://app.test/shop/fallback.v1.de.html')
  })

  it("follows the deployment's default locale", async () => {
    const german = manifest(v1)
    german.fallback.defaultLocale = 'de'
    const { w, gatekeeper } = world()
    w.serve(german)
    await gatekeeper.learnCurrentDeployment()
    expect(await gatekeeper.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v1.de.html')
  })

  it('is known even when none of the pages could be kept: the host may still serve them', async () => {
    const { w, gatekeeper } = world()
    w.serve(v1)
    w.answerPagesWith(() => new Response('busy', { status: 503 }))
    await gatekeeper.learnCurrentDeployment()
    expect(await gatekeeper.fallbackPage(['en'])).toBeUndefined()
    expect(await gatekeeper.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v1.en.html')
  })

  it('does not go back to an older deployment while the host serves one during a rolling deploy', async () => {
    const { w, gatekeeper } = await installedOn(v2)
    w.serve(v1)
    await gatekeeper.suspectNewDeployment()
    expect(await gatekeeper.fallbackPageUrl([])).toBe('https://app.test/shop/fallback.v2.en.html')
  })
})

describe('keptFallbackPage', () => {
  it('gives the kept copy of a page of any known deployment, whatever its query', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    await gatekeeper.suspectNewDeployment()
    const requests = w.requests.length
    const page = await gatekeeper.keptFallbackPage('https://app.test/shop/fallback.v1.de.html?from=%2Fshop%2Forders&lang#top')
    expect(await page?.text()).toBe(fallbackHtml('fallback.v1.de.html'))
    expect(page?.headers.get('content-security-policy')).toBe(manifest(v1).fallback.contentSecurityPolicy)
    expect(await (await gatekeeper.keptFallbackPage('https://app.test/shop/fallback.v2.en.html'))?.text()).toBe(fallbackHtml('fallback.v2.en.html'))
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
      expect(await gatekeeper.keptFallbackPage(url), url).toBeUndefined()
    }
  })

  it('gives nothing for a listed page it could not keep', async () => {
    const { w, gatekeeper } = world()
    w.serve(v1)
    w.answerPagesWith((url) => (url.endsWith('.de.html') ? new Response('busy', { status: 503 }) : new Response(fallbackHtml(url))))
    await gatekeeper.learnCurrentDeployment()
    expect(await gatekeeper.keptFallbackPage('https://app.test/shop/fallback.v1.de.html')).toBeUndefined()
    expect(await gatekeeper.keptFallbackPage('https://app.test/shop/fallback.v1.en.html')).toBeDefined()
  })

  it('gives nothing before the worker knows a deployment', async () => {
    expect(await world().gatekeeper.keptFallbackPage('https://app.test/shop/fallback.v1.de.html')).toBeUndefined()
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
