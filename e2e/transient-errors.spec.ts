/**
 * Behaviour 8: a chunk that fails with a 5xx or a network error while the deployment is unchanged is not a deploy.
 * Nothing is broadcast and no tab is armed: the other tab's next navigation stays client-side. The tab whose
 * navigation failed recovers with one document load of its destination, still on the same version.
 */
import { appState, navigateClientSide, waitForRoute, waitUntilGuarded } from './support/app.js'
import { expect, test } from './support/test.js'

const FAULTS = [
  ['a 503', { status: 503 }],
  ['a network error', 'reset'],
] as const

for (const [name, fault] of FAULTS) {
  test(`node host: ${name} on a chunk is not a deploy; nothing is broadcast and the other tab stays client-side`, { tag: '@behaviour-8' }, async ({
    session,
    openSite,
  }) => {
    const site = await openSite({ server: 'node', mode: 'strict' })
    const a = await session.openTab(site.url)
    await waitUntilGuarded(a)
    const b = await session.openTab(site.url)
    await waitUntilGuarded(b)
    const aBefore = await appState(a)
    site.clearRequests()

    // The chunk fails on every attempt (Chrome retries a GET whose connection was reset) until the document load
    // of /a that the failure leads to; then the host has recovered.
    let recovered = false
    site.injectFault((path) => (recovered ||= path === '/a') ? false : path.startsWith('/assets/a-'), fault, 10)
    await a.click('nav a[href="/a"]')
    const aAfter = await waitForRoute(a, 'a', 'v1')
    expect(aAfter.location).toBe('/a')
    expect(aAfter.loads, 'tab A recovered with one document load').toBe(aBefore.loads + 1)

    // Tab B did not hear of any deployment: its next navigation is client-side.
    await navigateClientSide(b, '/b', 'b')
    expect((await appState(b)).newer).toEqual([])
    expect((await appState(a)).newer).toEqual([])
    const manifestChecks = site.requests.filter((request) => request.path.startsWith('/deploy-manifest.json'))
    expect(manifestChecks, 'a transient failure does not even make the worker suspect a deploy').toEqual([])
  })
}
