/**
 * Projects that already have a service worker: vite-plugin-pwa builds and registers the project's own worker
 * (injectManifest with addVersionGatekeeper() in it, or generateSW importing version-gatekeeper-sw.js), beside
 * workbox-precaching's routes. After a deploy on a strict host, the tab that needs a removed chunk lands on its
 * destination in the new version, and the other tab, told by the project's worker, moves at its next click.
 */
import { appState, navigateClientSide, waitForRoute, waitUntilArmed, waitUntilGuarded, workerState } from './support/app.js'
import type { Variant } from './support/releases.js'
import { expect, test } from './support/test.js'

const PROJECTS: { variant: Variant; name: string }[] = [
  { variant: 'pwa-inject-manifest', name: "vite-plugin-pwa injectManifest, addVersionGatekeeper() in the project's worker" },
  { variant: 'pwa-generate-sw', name: 'vite-plugin-pwa generateSW, importScripts of version-gatekeeper-sw.js' },
]

for (const { variant, name } of PROJECTS) {
  test(`${name}: after a deploy on a strict host, the tab that needs a removed chunk lands on its destination in the new version, and the other tab moves at its next click`, { tag: ['@behaviour-2', '@own-service-worker'] }, async ({
    session,
    openSite,
  }) => {
    const site = await openSite({ server: 'node', mode: 'strict', variant })
    // vite-plugin-pwa's worker (registerType 'prompt') does not claim the first document: the next ones are its.
    const first = await session.openTab(site.url)
    await first.evaluate('void navigator.serviceWorker.ready.then(() => { window.fixtureWorkerReady = true })')
    await first.waitFor('window.fixtureWorkerReady === true', "the project's worker is active")
    const a = await session.openTab(site.url)
    const b = await session.openTab(site.url)
    await Promise.all([waitUntilGuarded(a), waitUntilGuarded(b)])
    expect(await a.evaluate<string>('navigator.serviceWorker.controller.scriptURL')).toBe(`${site.url}sw.js`)
    expect((await workerState(a)).newest?.version, "the gatekeeper answers in the project's worker").toBeTruthy()

    await navigateClientSide(a, '/b', 'b')
    await b.type('#note', 'words not saved anywhere')
    const [aBefore, bBefore] = [await appState(a), await appState(b)]

    site.deploy('v2')
    await a.click('nav a[href="/a"]')
    const aAfter = await waitForRoute(a, 'a', 'v2')
    expect(aAfter.location).toBe('/a')
    expect(aAfter.loads, 'tab A loaded exactly one new document').toBe(aBefore.loads + 1)
    expect(aAfter.errorsShown, 'the router never showed its error view on the way').toBe(0)

    await waitUntilArmed(b, 'v2')
    const bArmed = await appState(b)
    expect(bArmed.timeOrigin, 'tab B was not reloaded').toBe(bBefore.timeOrigin)
    expect(await b.evaluate('document.getElementById("note").value')).toBe('words not saved anywhere')
    await b.click('nav a[href="/c?tab=1#details"]')
    const bAfter = await waitForRoute(b, 'c', 'v2')
    expect(bAfter.location).toBe('/c?tab=1#details')
    expect(bAfter.loads).toBe(bBefore.loads + 1)
  })
}
