import { describe, expect, it } from 'vitest'
import { PROTOCOL_SCHEMA, type Check, type Hello, type VersionChanged } from '../channel/protocol.js'
import { MANIFEST_SCHEMA, type DeployManifest, type VersionStamp } from '../manifest/manifest.js'
import { createGatekeeper, SUSPICION_QUIET_MS, type WorkerEnvironment } from './gatekeeper.js'
import { createInMemoryCaches } from './in-memory-caches.test-support.js'
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
    fallback: { defaultLocale: 'en', pages: { en: `fallback.en.${stamp.version}.html` } },
  }
}

const hello = (tab: VersionStamp): Hello => ({ type: 'HELLO', schema: PROTOCOL_SCHEMA, tab })
const check = (tab: VersionStamp, maxAgeMs: number): Check => ({ type: 'CHECK', schema: PROTOCOL_SCHEMA, tab, maxAgeMs })

function deferred() {
  let release!: () => void
  const promise = new Promise<void>((resolve) => (release = resolve))
  return { promise, release }
}

/** A host serving one answer for the manifest, a browser with a clock and open tabs, and a gatekeeper over them. */
function world(caches = createInMemoryCaches()) {
  let respond: () => Response = () => new Response(null, { status: 404 })
  let hold: Promise<void> = Promise.resolve()
  let tabsHold: Promise<void> = Promise.resolve()
  const w = {
    clock: 1_000_000,
    openTabs: new Set<string>(),
    requests: [] as { url: string; init: RequestInit | undefined }[],
    broadcasts: [] as VersionChanged[],
    registrationUpdates: 0,
    serve(served: DeployManifest | VersionStamp) {
      respond = () => Response.json('assets' in served ? served : manifest(served))
    },
    answerWith(make: () => Response) {
      respond = make
    },
    goOffline() {
      respond = () => {
        throw new TypeError('Failed to fetch')
      }
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
      return respond()
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
    expect(w.requests).toEqual([{ url: MANIFEST_URL, init: expect.objectContaining({ cache: 'no-cache' }) }])
    expect(w.broadcasts).toEqual([])
    expect(w.registrationUpdates).toBe(0)
    expect((await gatekeeper.answer('tab-a', hello(v1))).newest).toEqual(v1)
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
    expect(w.requests[1]?.init).toMatchObject({ cache: 'reload' })
  })

  it('during a rolling deploy, a server still serving the older manifest is not a deployment', async () => {
    const { w, gatekeeper } = await installedOn(v2)
    w.serve(v1)
    await gatekeeper.suspectNewDeployment()
    expect(w.broadcasts).toEqual([])
    expect(w.registrationUpdates).toBe(0)
    expect((await gatekeeper.answer('tab-a', hello(v1))).newest).toEqual(v2)
  })

  it('an unconfirmed suspicion silences further suspicions for SUSPICION_QUIET_MS', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    await gatekeeper.suspectNewDeployment()
    expect(w.requests).toHaveLength(2)
    w.clock += SUSPICION_QUIET_MS - 1
    await gatekeeper.suspectNewDeployment()
    expect(w.requests).toHaveLength(2)
    w.clock += 1
    await gatekeeper.suspectNewDeployment()
    expect(w.requests).toHaveLength(3)
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
    expect((await gatekeeper.answer('tab-a', hello(v1))).newest).toEqual(v1)
  })

  it('concurrent CHECKs from several tabs make one request to the host and share its answer', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += 60_000
    w.serve(v2)
    const release = w.holdHost()
    const replies = Promise.all(['tab-a', 'tab-b', 'tab-c'].map((id) => gatekeeper.answer(id, check(v1, 5_000))))
    release()
    expect((await replies).map((reply) => reply.newest)).toEqual([v2, v2, v2])
    expect(w.requests).toHaveLength(2)
    expect(w.broadcasts).toHaveLength(1)
  })

  it('tabs that say HELLO at the same moment are all remembered', async () => {
    const { w, env, gatekeeper } = await installedOn(v1)
    w.openTabs = new Set(['tab-a', 'tab-b', 'tab-c'])
    await Promise.all(['tab-a', 'tab-b', 'tab-c'].map((id) => gatekeeper.answer(id, hello(v1))))
    expect(Object.keys((await env.storage.loadState()).tabs).sort()).toEqual(['tab-a', 'tab-b', 'tab-c'])
  })

  it('a CHECK whose maxAgeMs covers the last check makes no request', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += 4_999
    await gatekeeper.answer('tab-a', check(v1, 5_000))
    expect(w.requests).toHaveLength(1)
  })

  it('a CHECK older than the last check asks the host', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.clock += 5_000
    await gatekeeper.answer('tab-a', check(v1, 5_000))
    expect(w.requests).toHaveLength(2)
  })

  it('a HELLO from a tab on the known version makes no request', async () => {
    const { w, gatekeeper } = await installedOn(v2)
    await gatekeeper.answer('tab-a', hello(v2))
    await gatekeeper.answer('tab-b', hello(v1))
    expect(w.requests).toHaveLength(1)
  })

  it('a HELLO from a tab newer than the worker knows makes it ask the host, which confirms the deployment', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const reply = await gatekeeper.answer('tab-new', hello(v2))
    expect(w.requests).toHaveLength(2)
    expect(w.broadcasts).toEqual([{ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'v1', to: v2 }])
    expect(reply).toEqual({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: v2 })
  })

  it('a HELLO from a newer tab that the host does not confirm broadcasts nothing', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    const reply = await gatekeeper.answer('tab-new', hello(v2))
    expect(w.requests).toHaveLength(2)
    expect(w.broadcasts).toEqual([])
    expect(reply.newest).toEqual(v1)
  })

  it('a worker that knows no version yet answers a HELLO with what the host says', async () => {
    const { w, gatekeeper } = world()
    w.serve(v2)
    expect((await gatekeeper.answer('tab-a', hello(v1))).newest).toEqual(v2)
    expect(w.broadcasts).toEqual([])
  })

  it('a tab that says HELLO while a deployment is being confirmed is told the new version, and tabs hear of it once', async () => {
    const { w, gatekeeper } = await installedOn(v1)
    w.serve(v2)
    const releaseHost = w.holdHost()
    const suspicion = gatekeeper.suspectNewDeployment()
    const releaseTabs = w.holdOpenTabs()
    const reply = gatekeeper.answer('tab-a', hello(v1))
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
    await first.gatekeeper.answer('tab-a', hello(v1))
    await first.gatekeeper.answer('tab-b', hello(v1))
    first.w.serve(v2)
    await first.gatekeeper.suspectNewDeployment()

    const restarted = world(first.caches)
    expect((await restarted.gatekeeper.answer('tab-c', hello(v1))).newest).toEqual(v2)
    expect(restarted.w.requests).toEqual([])
    expect(Object.keys((await restarted.env.storage.loadState()).tabs).sort()).toEqual(['tab-a', 'tab-b', 'tab-c'])
    expect(await restarted.gatekeeper.versionsListing('https://app.test/shop/assets/index-v1.js')).toEqual(['v1'])
  })
})
