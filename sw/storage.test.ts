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
  }
}

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
})

describe('cacheStorage', () => {
  const state: GatekeeperState = {
    schema: STATE_SCHEMA,
    newest: { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' },
    tabs: { 'tab-a': { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z', seenAt: 1 } },
    lastCheck: { at: 2, outcome: 'new-version' },
  }

  it('a worker that never saved anything loads the empty state', async () => {
    expect(await cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL).loadState()).toEqual(emptyState())
  })

  it('loads the state it saved, in the state cache', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveState(state)
    expect(await storage.loadState()).toEqual(state)
    expect(await caches.keys()).toContain('version-gatekeeper#state')
  })

  it('a corrupt stored state loads as the empty state', async () => {
    const caches = createInMemoryCaches()
    const storage = cacheStorage(caches, SCOPE, MANIFEST_URL)
    await storage.saveState(state)
    const cache = await caches.open(storage.names.state)
    for (const key of await cache.keys()) await cache.put(key, new Response('{"schema":1,'))
    expect(await storage.loadState()).toEqual(emptyState())
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
})
