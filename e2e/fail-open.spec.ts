/**
 * Behaviour 9: anything wrong inside the gatekeeper fails open. A deployment whose manifest the worker cannot read,
 * messages that are not the gatekeeper's, and the worker's storage wiped under open tabs: the site keeps working as
 * if there were no service worker, and no tab is sent anywhere on the strength of a message it cannot trust.
 */
import type { Tab } from './driver/driver.js'
import { appState, navigateClientSide, waitForRoute, waitUntilArmed, waitUntilGuarded, workerState } from './support/app.js'
import { expect, test } from './support/test.js'

const CORRUPT_MANIFESTS = [
  ['cut short', '{"schema": 1, "version": "5c1e0b0f3a21", "builtAt": "2099-'],
  ['of a schema this worker does not know', JSON.stringify({ schema: 99, version: 'from-the-future', builtAt: '2099-01-01T00:00:00.000Z' })],
] as const

for (const [name, body] of CORRUPT_MANIFESTS) {
  test(`a deployment whose manifest is ${name}: nothing is broadcast, the tab that needs a removed chunk still lands on its destination, and so does the other tab at its next click`, {
    tag: '@behaviour-9',
  }, async ({ session, openSite }) => {
    const site = await openSite({ server: 'node', mode: 'strict' })
    const a = await session.openTab(site.url)
    await waitUntilGuarded(a)
    const b = await session.openTab(site.url)
    await waitUntilGuarded(b)
    const [aBefore, bBefore] = [await appState(a), await appState(b)]

    site.deploy('v2')
    site.injectFault((path) => path.startsWith('/deploy-manifest.json'), { status: 200, body }, 1_000)
    site.clearRequests()
    await a.click('nav a[href="/a"]')
    const aAfter = await waitForRoute(a, 'a', 'v2')
    expect(aAfter.loads, 'tab A went where its user was going, in one document load').toBe(aBefore.loads + 1)
    expect(site.requests.some((request) => request.path.startsWith('/deploy-manifest.json')), 'the worker looked').toBe(true)

    const report = await workerState(a)
    expect(report.lastCheck?.outcome).toBe('invalid')
    expect(report.events).toContainEqual(expect.objectContaining({ what: 'check failed', detail: 'the manifest was invalid' }))
    expect(report.newest?.version, 'the worker believes nothing it could not read').not.toBe(aAfter.release)
    expect((await appState(b)).newer, 'tab B heard of nothing').toEqual([])
    expect((await appState(b)).timeOrigin).toBe(bBefore.timeOrigin)

    // Tab B's next click needs a chunk the deployment removed: it recovers alone, as without any worker.
    await b.click('nav a[href="/b"]')
    const bAfter = await waitForRoute(b, 'b', 'v2')
    expect(bAfter.loads).toBe(bBefore.loads + 1)
    expect([aAfter.errorsShown, bAfter.errorsShown], 'no error view showed in either tab').toEqual([0, 0])
  })
}

/** Messages a page of the origin (a stray script, an old release, an extension) could post: none is the gatekeeper's. */
const FUTURE = '2099-01-01T00:00:00.000Z'
const HOSTILE_ON_THE_CHANNEL = [
  null,
  'VERSION_CHANGED',
  { type: 'VERSION_CHANGED' },
  { type: 'VERSION_CHANGED', schema: 99, from: null, to: { version: 'v9', builtAt: FUTURE } },
  { type: 'VERSION_CHANGED', schema: 1, from: null, to: { version: 42, builtAt: FUTURE } },
  { type: 'VERSION_CHANGED', schema: 1, from: null, to: { version: 'v9', builtAt: 'tomorrow' } },
  { type: 'VERSION_CHANGED', schema: 1, from: null, to: { version: 'v0', builtAt: '2000-01-01T00:00:00.000Z' } },
  { type: 'STATE', schema: 1, newest: 'v9', checkedAt: 'now' },
  { type: 'VERSION_CHANGED', schema: 1, to: { version: 'x'.repeat(100_000), builtAt: { toString: null } } },
]
const HOSTILE_TO_THE_WORKER = [
  null,
  { type: 'CHECK' },
  { type: 'CHECK', schema: 1, tab: { version: {}, builtAt: [] }, maxAgeMs: 0 },
  { type: 'CHECK', schema: 1, tab: { version: 'v1', builtAt: 'x' }, maxAgeMs: -Infinity, languages: ['../../etc/passwd', {}, 'x'.repeat(10_000)] },
  { type: 'CHECK', schema: 2, tab: { version: 'v1', builtAt: FUTURE }, maxAgeMs: 1 },
  { type: 'SKIP_WAITING' },
  { type: 'UNREGISTER', schema: 1 },
  'x'.repeat(1_000_000),
]

test('messages that are not the gatekeeper\'s, on its channel and to its worker, change nothing: the tab stays on its version and client-side, and a real deployment still reaches it', {
  tag: '@behaviour-9',
}, async ({ session, openSite }) => {
  const site = await openSite({ server: 'node', mode: 'strict' })
  const a = await session.openTab(site.url)
  await waitUntilGuarded(a)
  const before = await workerState(a)
  await a.evaluate(`(() => {
    const channel = new BroadcastChannel('version-gatekeeper:/')
    for (const message of ${JSON.stringify(HOSTILE_ON_THE_CHANNEL)}) channel.postMessage(message)
    channel.close()
    for (const message of ${JSON.stringify(HOSTILE_TO_THE_WORKER)}) navigator.serviceWorker.controller.postMessage(message)
    return true
  })()`)

  await navigateClientSide(a, '/a', 'a')
  await navigateClientSide(a, '/b', 'b')
  expect((await appState(a)).newer).toEqual([])
  const after = await workerState(a)
  expect(after.newest).toEqual(before.newest)
  expect(after.tabs.map((tab) => tab.version)).toEqual(before.tabs.map((tab) => tab.version))

  site.deploy('v2')
  await a.click('nav a[href="/c?tab=1#details"]')
  await waitForRoute(a, 'c', 'v2')
})

test("the worker's storage wiped under open tabs (every cache deleted): navigation keeps working, and a later deployment still moves both tabs", {
  tag: '@behaviour-9',
}, async ({ session, openSite }) => {
  const site = await openSite({ server: 'node', mode: 'strict' })
  const a = await session.openTab(site.url)
  await waitUntilGuarded(a)
  const b = await session.openTab(site.url)
  await waitUntilGuarded(b)
  expect(await a.evaluate('caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))).then(() => caches.keys())')).toEqual([])

  await navigateClientSide(a, '/a', 'a')
  await navigateClientSide(b, '/c?tab=1#details', 'c')
  site.deploy('v2')
  await a.click('nav a[href="/b"]')
  await waitForRoute(a, 'b', 'v2')
  await waitUntilArmed(b, 'v2')
  await b.click('nav a[href="/a"]')
  await waitForRoute(b, 'a', 'v2')
})
