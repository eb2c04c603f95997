/**
 * Behaviour 5: deployments follow each other while tabs stay open on different versions, and a tab goes back into
 * an old document restored from the back/forward cache. Every tab ends on the newest version at its next
 * navigation: none is left behind, none is sent back to an older one.
 */
import { appState, navigateClientSide, waitForRoute, waitUntilArmed, waitUntilGuarded } from './support/app.js'
import { expect, HOSTS, test } from './support/test.js'

for (const choice of HOSTS.strict) {
  test(`${choice.server} host: after two deploys in a row, tabs on v1 and v2 and a v2 document restored from the back/forward cache all move to v3 at their next navigation`, { tag: '@behaviour-5' }, async ({
    session,
    openSite,
  }) => {
    const site = await openSite(choice)
    const a = await session.openTab(site.url)
    await waitUntilGuarded(a)
    const b = await session.openTab(site.url)
    await waitUntilGuarded(b)
    await navigateClientSide(a, '/a', 'a')

    site.deploy('v2')
    await a.click('nav a[href="/b"]')
    const aOnV2 = await waitForRoute(a, 'b', 'v2')
    await waitUntilArmed(b, 'v2')
    const bOnV1 = await appState(b)
    expect(bOnV1.release, 'tab B stays on v1 until its user navigates').toBe('v1')

    site.deploy('v3')
    await a.click('nav a[href="/c?tab=1#details"]')
    const aOnV3 = await waitForRoute(a, 'c', 'v3')
    expect(aOnV3.loads).toBe(aOnV2.loads + 1)
    await b.waitFor(`window.fixture.newer.length >= 2`, 'tab B hears of v3 too')
    expect((await appState(b)).timeOrigin, 'two deploys, and tab B is still untouched').toBe(bOnV1.timeOrigin)

    // Back into the v2 document: restored from the back/forward cache, it asks again and learns of v3.
    await a.back()
    const restored = await waitForRoute(a, 'b', 'v2')
    expect(restored.restored, 'the v2 document came back from the back/forward cache').toBe(1)
    expect(restored.timeOrigin).toBe(aOnV2.timeOrigin)
    await a.waitFor('window.fixture.newer.length > 0', 'the restored v2 document learns of v3')
    await a.click('nav a[href="/a"]')
    const aFinal = await waitForRoute(a, 'a', 'v3')
    expect(aFinal.loads).toBe(aOnV3.loads + 1)

    await b.click('nav a[href="/b"]')
    const bFinal = await waitForRoute(b, 'b', 'v3')
    expect(bFinal.loads, 'tab B skips v2 and lands on v3 in one document load').toBe(bOnV1.loads + 1)
    expect([aFinal.errorsShown, bFinal.errorsShown], 'no error view showed in either tab').toEqual([0, 0])
  })
}
