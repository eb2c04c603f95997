/**
 * The kill switch is a worker script: it runs as it is imported. Each test imports it afresh into a fake worker
 * global scope (`self`, `caches`) and plays the browser: install, then activate.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createInMemoryCaches } from './in-memory-caches.test-support.js'

/** A worker global scope registered at `scope`, with in-memory Cache Storage holding `cacheNames`. */
async function killSwitchWorker(scope: string, cacheNames: string[]) {
  const caches = createInMemoryCaches()
  for (const name of cacheNames) await caches.open(name)
  const happened: string[] = []
  const listeners = new Map<string, ((event: unknown) => void)[]>()
  const self = {
    registration: {
      scope,
      unregister: vi.fn(async () => {
        happened.push(`unregister (caches left: ${(await caches.keys()).join(', ')})`)
        return true
      }),
    },
    skipWaiting: vi.fn(async () => {
      happened.push('skipWaiting')
    }),
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
  }
  vi.stubGlobal('self', self)
  vi.stubGlobal('caches', caches)
  vi.resetModules()
  await import('./kill-switch.js')

  /** Dispatches an extendable event and waits for what it was asked to wait for. */
  const dispatch = async (type: string) => {
    const waited: Promise<unknown>[] = []
    for (const listener of listeners.get(type) ?? []) listener({ waitUntil: (promise: Promise<unknown>) => waited.push(promise) })
    await Promise.all(waited)
    return waited.length
  }
  return { self, caches, happened, listeners, dispatch }
}

const ROOT_CACHES = ['version-gatekeeper#state', 'version-gatekeeper:v1', 'version-gatekeeper:v2']
const OTHER_CACHES = ['version-gatekeeper/admin/#state', 'version-gatekeeper/admin/:v7', 'workbox-precache-v2-https://app.test/', 'api-responses']

describe('the kill-switch worker', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('takes over at once when installed', async () => {
    const worker = await killSwitchWorker('https://app.test/', [])
    await worker.dispatch('install')
    expect(worker.self.skipWaiting).toHaveBeenCalledTimes(1)
  })

  it("on activation, deletes every cache of its scope's gatekeeper, then unregisters", async () => {
    const worker = await killSwitchWorker('https://app.test/', [...ROOT_CACHES, ...OTHER_CACHES])
    expect(await worker.dispatch('activate')).toBe(1)
    expect((await worker.caches.keys()).sort()).toEqual([...OTHER_CACHES].sort())
    expect(worker.self.registration.unregister).toHaveBeenCalledTimes(1)
    expect(worker.happened.at(-1)).toBe(`unregister (caches left: ${OTHER_CACHES.join(', ')})`)
  })

  it("under another scope, deletes that scope's gatekeeper caches only", async () => {
    const worker = await killSwitchWorker('https://app.test/admin/', [...ROOT_CACHES, ...OTHER_CACHES])
    await worker.dispatch('activate')
    expect((await worker.caches.keys()).sort()).toEqual(
      [...ROOT_CACHES, 'workbox-precache-v2-https://app.test/', 'api-responses'].sort(),
    )
  })

  it('unregisters even when there is nothing to delete', async () => {
    const worker = await killSwitchWorker('https://app.test/', ['api-responses'])
    await worker.dispatch('activate')
    expect(worker.self.registration.unregister).toHaveBeenCalledTimes(1)
    expect(await worker.caches.keys()).toEqual(['api-responses'])
  })

  it('has no fetch handler: the tabs it still controls go to the host as if there were no service worker', async () => {
    const worker = await killSwitchWorker('https://app.test/', [])
    expect([...worker.listeners.keys()].sort()).toEqual(['activate', 'install'])
  })
})
