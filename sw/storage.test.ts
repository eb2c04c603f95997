import { describe, expect, it } from 'vitest'
import { MANIFEST_SCHEMA, type DeployManifest } from '../manifest/manifest.js'
import { createInMemoryCaches } from './in-memory-caches.test-support.js'
import { emptyState, STATE_SCHEMA, type GatekeeperState } from './state.js'
import { cacheNames, cacheStorage } from './storage.js'

const SCOPE = 'https://app.test/'
const MANIFEST_URL = 'https://app.test/deploy-manifest.json'

function manifest(version: string, builtAt: string): DeployManifest {
  return {
    schema: MANIFEST_SCHEMA,
    version,
    builtAt,
    assetsDir: 'assets/',
    assets: [`assets/index-${version}.js`],
    entry: [`assets/index-${version}.js`],
    fallback: { defaultLocale: 'en', pages: { en: `fallback.${version}.en.html` }, contentSecurityPolicy: "default-src 'none'" },
    csp: { scriptSrc: [], styleSrc: [] },
    precache: 'entry',
    gracePeriodMs: 3_600_000,
  }
}

const NOW = 1_800_000_000_000

describe('cacheNames', () => {
  it('at the root scope, names the caches so that devtools shows the version', () => {
    const names = cacheNames('https://app.test/')
    expect(names.forVersion('a1b2c3')).toBe('version-gatekeeper:a1b2c3')
    expect(names.state).toBe('version-gatekeeper#state')
  })

  it('gives an app under /admin/ caches of its own', () => {
    const root = cacheNames('https://app.test/')
    const admin = cacheNames('https://app.test/admin/')
    expect(admin.forVersion('v1')).not.toBe(root.forVersion('v1'))
    expect(admin.state).not.toBe(root.state)
  })

  it('reads the version back from a version cache', () => {
    const names = cacheNames('https://app.test/admin/')
    expect(names.versionOf(names.forVersion('v1.2-rc_3'))).toBe('v1.2-rc_3')
  })

  it.each(['version-gatekeeper#state', 'workbox-precache-v2-https://app.test/', 'version-gatekeeper/admin/:v1', 'other:v1'])(
    'does not take "%s" for one of the root scope\'s version caches',
    (name) => {
      expect(cacheNames('https://app.test/').versionOf(name)).toBeUndefined()
    },
  )

  it('an app under /admin/ does not take the root app\'s caches for its own', () => {
    expect(cacheNames('https://app.test/admin/').versionOf(cacheNames('https://app.test/').forVersion('v1'))).toBeUndefined()
  })

  it('owns its state cache and its version caches', () => {
    const names = cacheNames('https://app.test/')
    expect(names.owns(names.state)).toBe(true)
    expect(names.owns(names.forVersion('v1'))).toBe(true)
  })

  it.each([
    ['another scope\'s version cache', 'version-gatekeeper/admin/:v1'],
    ['another scope\'s state', 'version-gatekeeper/admin/#state'],
    ['a Workbox precache', 'workbox-precache-v2-https://app.test/'],
    ['the app\'s own cache', 'api-responses'],
    ['a cache whose name merely starts alike', 'version-gatekeeper-old'],
  ])('does not own %s (%s)', (_, name) => {
    expect(cacheNames('https://app.test/').owns(name)).toBe(false)
  })

  it('an app under /admin/ owns its caches and not the root app\'s', () => {
    const [root, admin] = [cacheNames('https://app.test/'), cacheNames('https://app.test/admin/')]
    expect(admin.owns(admin.forVersion('v1'))).toBe(true)
    expect(admin.owns(admin.state)).toBe(true)
    expect(admin.owns(root.forVersion('v1'))).toBe(false)
    expect(admin.owns(root.state)).toBe(false)
    expect(root.owns(admin.forVersion('v1'))).toBe(false)
  })
})

describe('cacheStorage', () => {
  const state: GatekeeperState = {
    schema: STATE_SCHEMA,
    newest: { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' },
    tabs: { 'tab-a': { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z', seenAt: 1 } },
    lastCheck: { at: 2, outcome: 'new-version' },
    manifestEtag: 'W/"v2-manifest"',
    events: [{ at: 2, what: 'new deployment', detail: 'v1 → v2' }],
  }

  it('a worker that never saved anything loads the empty state', async () => {
    expect(await cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL).loadState(NOW)).toEqual(emptyState())
  })

  it('loads the state it saved, in the state cache', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveState(state)
    expect(await storage.loadState(NOW)).toEqual(state)
    expect(await caches.keys()).toContain('version-gatekeeper#state')
  })

  it('a corrupt stored state loads as the empty state', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveState(state)
    const cache = await caches.open(storage.names.state)
    for (const key of await cache.keys()) await cache.put(key, new Response('{"schema":1,'))
    expect(await storage.loadState(NOW)).toEqual(emptyState())
  })

  it('keeps each manifest in its version\'s cache and loads them newest first', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveManifest(manifest('v2', '2026-11-02T00:00:00.000Z'))
    await storage.saveManifest(manifest('v3', '2026-11-03T00:00:00.000Z'))
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    expect((await storage.loadManifests()).map((kept) => kept.version)).toEqual(['v3', 'v2', 'v1'])
    expect(await caches.keys()).toEqual(expect.arrayContaining(['version-gatekeeper:v1', 'version-gatekeeper:v2', 'version-gatekeeper:v3']))
  })

  it('loads manifests back intact', async () => {
    const storage = cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    expect(await storage.loadManifests()).toEqual([manifest('v1', '2026-11-01T00:00:00.000Z')])
  })

  it('ignores the caches of other apps and manifests that are corrupt', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    const json = (value: unknown) => new Response(JSON.stringify(value))
    await (await caches.open('workbox-precache-v2')).put(MANIFEST_URL, json(manifest('wb', '2027-01-01T00:00:00.000Z')))
    await cacheStorage(caches, 'https://app.test/admin/', MANIFEST_URL).saveManifest(manifest('admin', '2027-01-01T00:00:00.000Z'))
    await (await caches.open('version-gatekeeper:broken')).put(MANIFEST_URL, new Response('{not json'))
    await (await caches.open('version-gatekeeper:old-schema')).put(MANIFEST_URL, json({ ...manifest('x', '2027-01-01T00:00:00.000Z'), schema: 2 }))
    await caches.open('version-gatekeeper:empty')
    expect((await storage.loadManifests()).map((kept) => kept.version)).toEqual(['v1'])
  })

  it('keeps a file in its version\'s cache and finds it there only', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    const url = 'https://app.test/fallback.v1.en.html'
    await storage.putFile('v1', url, new Response('<p>one</p>', { headers: { 'x-kept': 'yes' } }))
    const kept = await storage.matchFile('v1', url)
    expect(await kept?.text()).toBe('<p>one</p>')
    expect(kept?.headers.get('x-kept')).toBe('yes')
    expect(await storage.matchFile('v2', url)).toBeUndefined()
    expect(await storage.matchFile('v1', 'https://app.test/other.html')).toBeUndefined()
    expect(await (await caches.open('version-gatekeeper:v1')).match(url)).toBeDefined()
  })

  it('finds a kept file by a Request as well as by its URL', async () => {
    const storage = cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)
    await storage.putFile('v1', new Request('https://app.test/assets/a.js'), new Response('a()'))
    expect(await (await storage.matchFile('v1', 'https://app.test/assets/a.js'))?.text()).toBe('a()')
  })

  it('a file kept beside a manifest does not hide the manifest', async () => {
    const storage = cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    await storage.putFile('v1', 'https://app.test/fallback.v1.en.html', new Response('<p>page</p>'))
    expect((await storage.loadManifests()).map((kept) => kept.version)).toEqual(['v1'])
  })

  it('migrates the state a previous release saved, dating the migration with the time it is given', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveState(state)
    const cache = await caches.open(storage.names.state)
    const schema1 = { schema: 1, newest: state.newest, tabs: { 'tab-a': { version: 'v1', seenAt: 1 } }, lastCheck: state.lastCheck }
    for (const key of await cache.keys()) await cache.put(key, new Response(JSON.stringify(schema1)))
    expect(await storage.loadState(NOW)).toEqual({
      schema: STATE_SCHEMA,
      newest: state.newest,
      tabs: {},
      lastCheck: state.lastCheck,
      manifestEtag: null,
      events: [{ at: NOW, what: 'migrated', detail: 'state schema 1 to 2' }],
    })
  })

  it('lists the versions it keeps a cache for, and no other cache', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    await storage.putFile('v2', 'https://app.test/assets/index-v2.js', new Response('v2()'))
    await storage.saveState(state)
    await caches.open('workbox-precache-v2')
    await cacheStorage(caches, 'https://app.test/admin/', MANIFEST_URL).saveManifest(manifest('admin', '2026-11-01T00:00:00.000Z'))
    expect((await storage.keptVersions()).sort()).toEqual(['v1', 'v2'])
  })

  it("drops a version's cache with its manifest and files, and nothing else", async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    await storage.saveManifest(manifest('v2', '2026-11-02T00:00:00.000Z'))
    await storage.putFile('v1', 'https://app.test/assets/index-v1.js', new Response('v1()'))
    await storage.saveState(state)
    await storage.dropVersion('v1')
    expect(await caches.keys()).not.toContain('version-gatekeeper:v1')
    expect(await storage.keptVersions()).toEqual(['v2'])
    expect((await storage.loadManifests()).map((kept) => kept.version)).toEqual(['v2'])
    expect(await storage.loadState(NOW)).toEqual(state)
  })

  it('dropping a version it does not keep does nothing', async () => {
    const storage = cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    await expect(storage.dropVersion('v9')).resolves.toBeUndefined()
    expect(await storage.keptVersions()).toEqual(['v1'])
  })

  it("summarizes a version's cache: its name, its entries, and the bytes of their bodies", async () => {
    const storage = cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)
    await storage.putFile('v1', 'https://app.test/assets/a.js', new Response('é€')) // 2 characters, 5 bytes in UTF-8
    await storage.putFile('v1', 'https://app.test/assets/b.css', new Response(new Uint8Array(1024)))
    await storage.putFile('v2', 'https://app.test/assets/c.js', new Response('not counted'))
    expect(await storage.summarize('v1')).toEqual({ name: 'version-gatekeeper:v1', entries: 2, bytes: 1029 })
  })

  it('summarizes the manifest kept in a cache as one of its entries', async () => {
    const storage = cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)
    const kept = manifest('v1', '2026-11-01T00:00:00.000Z')
    await storage.saveManifest(kept)
    expect(await storage.summarize('v1')).toEqual({
      name: 'version-gatekeeper:v1',
      entries: 1,
      bytes: new TextEncoder().encode(JSON.stringify(kept)).byteLength,
    })
  })

  it('summarizes a file without reading it away: it is still served whole afterwards', async () => {
    const storage = cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)
    await storage.putFile('v1', 'https://app.test/assets/a.js', new Response('a()'))
    await storage.summarize('v1')
    expect(await (await storage.matchFile('v1', 'https://app.test/assets/a.js'))?.text()).toBe('a()')
  })

  it("removes every cache of its scope's gatekeeper, the state included, and no one else's", async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveState(state)
    await storage.saveManifest(manifest('v1', '2026-11-01T00:00:00.000Z'))
    await storage.putFile('v2', 'https://app.test/assets/index-v2.js', new Response('v2()'))
    await caches.open('workbox-precache-v2')
    await caches.open('api-responses')
    const admin = cacheStorage(caches, 'https://app.test/admin/', MANIFEST_URL)
    await admin.saveState(state)
    await admin.saveManifest(manifest('admin', '2026-11-01T00:00:00.000Z'))
    await storage.removeAll()
    expect((await caches.keys()).sort()).toEqual(['api-responses', 'version-gatekeeper/admin/#state', 'version-gatekeeper/admin/:admin', 'workbox-precache-v2'])
    expect(await storage.loadState(NOW)).toEqual(emptyState())
  })
})
