/**
 * Behaviours 2 and 3: a deployment removes the old files. On a strict host the old chunk answers 404, on an
 * SPA-rewrite host it answers 200 with index.html; either way the tab that asks for it lands where its user was
 * going, in the new version, as one document load, and every other tab waits for its own user's next click.
 */
import { appState, navigateClientSide, waitForRoute, waitUntilArmed, waitUntilGuarded } from './support/app.js'
import { expect, HOSTS, test } from './support/test.js'

for (const choice of [...HOSTS.strict, ...HOSTS.spa, ...HOSTS.strictCsp]) {
  const mode = choice.mode === 'strict' ? 'strict (missing file = 404)' : 'SPA rewrite (missing file = index.html)'
  const host = `${choice.server} host, ${mode}${'strictCsp' in choice ? ', strict CSP' : ''}`

  test(`${host}: after a deploy, the tab that needs a removed chunk lands on its destination in the new version as one document load, and the other tab keeps its text until its own next click`, { tag: choice.mode === 'strict' ? '@behaviour-2' : '@behaviour-3' }, async ({
    session,
    openSite,
  }) => {
    const site = await openSite(choice)
    const a = await session.openTab(site.url)
    const b = await session.openTab(site.url)
    await Promise.all([waitUntilGuarded(a), waitUntilGuarded(b)])
    await navigateClientSide(a, '/b', 'b') // a route whose chunk this document already has
    await b.type('#note', 'words not saved anywhere')
    const [aBefore, bBefore] = [await appState(a), await appState(b)]

    site.deploy('v2')
    await a.click('nav a[href="/a"]')

    const aAfter = await waitForRoute(a, 'a', 'v2')
    expect(aAfter.location).toBe('/a')
    expect(aAfter.timeOrigin, 'tab A loaded a new document').not.toBe(aBefore.timeOrigin)
    expect(aAfter.loads, 'tab A loaded exactly one new document').toBe(aBefore.loads + 1)
    expect(aAfter.routeRelease).toBe('v2')
    expect(aAfter.errorsShown, 'the router never showed its error view on the way').toBe(0)

    await waitUntilArmed(b, 'v2')
    const bArmed = await appState(b)
    expect(bArmed.timeOrigin, 'tab B was not reloaded').toBe(bBefore.timeOrigin)
    expect(bArmed.release).toBe('v1')
    expect(await b.evaluate('document.getElementById("note").value')).toBe('words not saved anywhere')

    await b.click('nav a[href="/c?tab=1#details"]')
    const bAfter = await waitForRoute(b, 'c', 'v2')
    expect(bAfter.location, 'query and hash survive the document load').toBe('/c?tab=1#details')
    expect(bAfter.loads).toBe(bBefore.loads + 1)
  })
}
