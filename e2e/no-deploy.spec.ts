/**
 * Behaviour 1: with no deployment, the gatekeeper costs nothing. Navigation stays client-side, and once each route's
 * chunk is loaded, navigating makes no request to the origin at all: no check, no revalidation, no beacon.
 */
import { appState, navigateClientSide, waitUntilGuarded } from './support/app.js'
import { expect, HOSTS, test, untilRequested } from './support/test.js'

const ROUTES = [
  ['/a', 'a'],
  ['/b', 'b'],
  ['/c?tab=1#details', 'c'],
  ['/', 'home'],
] as const

for (const choice of HOSTS.strict) {
  test(`${choice.server} host: without a deploy, 50 navigations stay in the document and make no request to the origin`, { tag: '@behaviour-1' }, async ({
    session,
    openSite,
  }) => {
    const site = await openSite(choice)
    const a = await session.openTab(site.url)
    await waitUntilGuarded(a)
    const lastDocumentLoad = Date.now()
    const b = await session.openTab(site.url)
    await waitUntilGuarded(b)
    const start = await appState(a)
    for (const [path, route] of ROUTES) await navigateClientSide(a, path, route) // each chunk loads once
    // Chrome checks sw.js for an update a few seconds after each document load (its own soft update, not ours):
    // let that pass, so that what is counted below is what the navigations cost.
    await untilRequested(site, '/sw.js', lastDocumentLoad)
    await site.clearRequests()

    for (let step = 0; step < 50; step++) {
      const [path, route] = ROUTES[step % ROUTES.length]!
      await navigateClientSide(a, path, route)
    }
    await a.back()
    await a.back()

    expect(await site.readRequests(), 'requests to the origin during 50 navigations and 2 back steps').toEqual([])
    const end = await appState(a)
    expect(end.loads).toBe(start.loads)
    expect(end.timeOrigin).toBe(start.timeOrigin)
    expect(end.newer).toEqual([])
    expect((await appState(b)).newer, 'the other tab heard of no deployment').toEqual([])
  })
}
