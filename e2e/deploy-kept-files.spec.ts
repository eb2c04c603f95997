/**
 * Behaviour 4: a host that keeps old files never answers 404, so nothing fails and nothing reveals the deployment.
 * The tabs ask the service worker to check while their users navigate (at most once per check interval; this build
 * sets it to 1 s), and the worker makes one conditional request for the manifest per browser, not one per tab.
 */
import { appState, navigateClientSide, waitForRoute, waitUntilArmed, waitUntilGuarded } from './support/app.js'
import { expect, test } from './support/test.js'

test('keep-old host: after a deploy nothing breaks, one conditional request for both tabs finds the new version, and each tab moves to it at its next click', { tag: '@behaviour-4' }, async ({
  session,
  openSite,
}) => {
  const site = await openSite({ server: 'node', mode: 'keep-old', variant: 'quick-check' })
  const a = await session.openTab(site.url)
  await waitUntilGuarded(a)
  const b = await session.openTab(site.url)
  await waitUntilGuarded(b)
  await b.type('#note', 'still typing')
  const [aBefore, bBefore] = [await appState(a), await appState(b)]

  site.deploy('v2')
  site.clearRequests()
  await new Promise((resolve) => setTimeout(resolve, 1100)) // let the 1 s check interval pass
  // Both users navigate while the manifest is on its way (the host answers it late): both tabs ask for a check,
  // the worker asks the host once.
  site.injectFault(/^\/deploy-manifest\.json/, { delayMs: 1500 })
  await navigateClientSide(a, '/a', 'a')
  await navigateClientSide(b, '/b', 'b')
  expect((await appState(a)).routeRelease, 'the old files are still served: tab A keeps working on v1').toBe('v1')

  await Promise.all([waitUntilArmed(a, 'v2'), waitUntilArmed(b, 'v2')])
  const manifestRequests = site.requests.filter((request) => request.path === '/deploy-manifest.json')
  expect(manifestRequests, 'one manifest request for the whole browser').toHaveLength(1)
  expect(manifestRequests[0]!.conditional, 'the check is a conditional request').toBe(true)
  expect(site.requests.filter((request) => request.status === 404)).toEqual([])

  await a.click('nav a[href="/c?tab=1#details"]')
  const aAfter = await waitForRoute(a, 'c', 'v2')
  expect(aAfter.location).toBe('/c?tab=1#details')
  expect(aAfter.loads).toBe(aBefore.loads + 1)

  expect((await appState(b)).timeOrigin, 'tab B was not reloaded while armed').toBe(bBefore.timeOrigin)
  expect(await b.evaluate('document.getElementById("note").value')).toBe('still typing')
  await b.click('nav a[href="/"]')
  const bAfter = await waitForRoute(b, 'home', 'v2')
  expect(bAfter.loads).toBe(bBefore.loads + 1)
})
