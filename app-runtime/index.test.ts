import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { channelName, PROTOCOL_SCHEMA, type StateReply, type VersionChanged } from '../channel/protocol.js'
import type { VersionStamp } from '../manifest/manifest.js'
import { HANDLE_KEY, type RuntimeHandle } from './config.js'
import { currentVersion, getState, newerVersion, onNewerVersion, type StateReport } from './index.js'

const v1: VersionStamp = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2: VersionStamp = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }
const v3: VersionStamp = { version: 'v3', builtAt: '2026-11-03T10:00:00.000Z' }

const changed = (to: VersionStamp): VersionChanged => ({ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: null, to })
const state = (newest: VersionStamp | null): StateReply => ({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest, checkedAt: 1 })

/**
 * A page of `tab` under scope `/shop/` whose inlined runtime knows `newest`: the runtime's handle on `window`, and a
 * `navigator.serviceWorker` that delivers what the worker posts to this tab. Node's BroadcastChannel is the real one.
 */
function page(tab: VersionStamp = v1, known?: VersionStamp) {
  let newest = known
  const runtime: RuntimeHandle = { tab, base: '/shop/', newest: () => newest }
  const serviceWorker = new EventTarget()
  vi.stubGlobal('window', { [Symbol.for(HANDLE_KEY)]: runtime })
  vi.stubGlobal('navigator', { serviceWorker })
  return {
    learn: (stamp: VersionStamp) => (newest = stamp),
    /** What the worker posts to this tab alone (client.postMessage). */
    fromWorker: (data: unknown) => serviceWorker.dispatchEvent(new MessageEvent('message', { data })),
  }
}

/** The worker's side of the channel of scope `path`. */
const channels: BroadcastChannel[] = []
function workerChannel(path = '/shop/') {
  const channel = new BroadcastChannel(channelName(path))
  channels.push(channel)
  return channel
}

/** Lets messages on the channel arrive (they are delivered on a later turn of the event loop). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

describe('version-gatekeeper/runtime', () => {
  const unsubscribe: (() => void)[] = []
  beforeEach(() => {
    unsubscribe.length = 0
  })
  afterEach(() => {
    unsubscribe.forEach((stop) => stop())
    channels.splice(0).forEach((channel) => channel.close())
    vi.unstubAllGlobals()
  })
  const subscribe = (listener: (stamp: VersionStamp) => void) => {
    const stop = onNewerVersion(listener)
    unsubscribe.push(stop)
    return stop
  }

  it('on a page without the runtime, knows no version and never calls a listener', () => {
    vi.stubGlobal('window', {})
    vi.stubGlobal('navigator', { serviceWorker: new EventTarget() })
    const listener = vi.fn()
    expect(currentVersion()).toBeUndefined()
    expect(newerVersion()).toBeUndefined()
    expect(() => subscribe(listener)()).not.toThrow()
    expect(listener).not.toHaveBeenCalled()
  })

  it('outside a browser (no window), answers undefined', () => {
    expect(currentVersion()).toBeUndefined()
    expect(newerVersion()).toBeUndefined()
    expect(() => onNewerVersion(() => undefined)()).not.toThrow()
  })

  it("reads this document's deployment and the newest known from the runtime", () => {
    const tab = page(v1)
    expect(currentVersion()).toEqual(v1)
    expect(newerVersion()).toBeUndefined()
    tab.learn(v2)
    expect(newerVersion()).toEqual(v2)
  })

  it('where service workers are missing, a subscription never fires', () => {
    page(v1, v2)
    vi.stubGlobal('navigator', {})
    const listener = vi.fn()
    subscribe(listener)
    expect(listener).not.toHaveBeenCalled()
  })

  it('calls a new listener at once with a newer deployment the runtime already knows', () => {
    page(v1, v2)
    const listener = vi.fn()
    subscribe(listener)
    expect(listener).toHaveBeenCalledExactlyOnceWith(v2)
  })

  it("hears a deployment the worker broadcasts on the scope's channel, and an even newer one after it, once each", async () => {
    page(v1)
    const listener = vi.fn()
    subscribe(listener)
    const worker = workerChannel()
    worker.postMessage(changed(v2))
    worker.postMessage(changed(v2))
    worker.postMessage(changed(v3))
    await vi.waitFor(() => expect(listener).toHaveBeenCalledTimes(2))
    await settle()
    expect(listener.mock.calls).toEqual([[v2], [v3]])
  })

  it("hears the worker's answer to a tab's CHECK on the scope's channel, whichever tab asked", async () => {
    page(v1)
    const listener = vi.fn()
    subscribe(listener)
    workerChannel().postMessage(state(v2))
    await vi.waitFor(() => expect(listener).toHaveBeenCalledTimes(1))
    expect(listener).toHaveBeenCalledWith(v2)
  })

  it("hears the worker's answers posted to this tab", () => {
    const tab = page(v1)
    const listener = vi.fn()
    subscribe(listener)
    tab.fromWorker(state(v2))
    tab.fromWorker(state(v3))
    expect(listener.mock.calls).toEqual([[v2], [v3]])
  })

  it('ignores the deployment the tab runs, older ones, and anything that is no announcement', async () => {
    const tab = page(v2)
    const listener = vi.fn()
    subscribe(listener)
    tab.fromWorker(state(v2))
    tab.fromWorker(state(v1))
    tab.fromWorker(state(null))
    tab.fromWorker({ type: 'VERSION_CHANGED', schema: 2, to: v3 })
    tab.fromWorker('VERSION_CHANGED')
    workerChannel().postMessage(changed(v1))
    await settle()
    expect(listener).not.toHaveBeenCalled()
  })

  it("does not hear another app's channel on the same origin", async () => {
    page(v1)
    const listener = vi.fn()
    subscribe(listener)
    workerChannel('/admin/').postMessage(changed(v2))
    workerChannel('/').postMessage(changed(v2))
    await settle()
    expect(listener).not.toHaveBeenCalled()
  })

  it('after a newer deployment was told, an announcement between it and the tab is not news', () => {
    const tab = page(v1)
    const listener = vi.fn()
    subscribe(listener)
    tab.fromWorker(state(v3))
    tab.fromWorker(changed(v2))
    expect(listener.mock.calls).toEqual([[v3]])
  })

  it('ending the subscription stops both the channel and the messages from the worker', async () => {
    const tab = page(v1)
    const listener = vi.fn()
    subscribe(listener)()
    tab.fromWorker(state(v2))
    workerChannel().postMessage(changed(v3))
    await settle()
    expect(listener).not.toHaveBeenCalled()
  })

  it('each listener is told on its own', () => {
    const tab = page(v1)
    const first = vi.fn()
    const second = vi.fn()
    subscribe(first)
    const stopSecond = subscribe(second)
    tab.fromWorker(state(v2))
    stopSecond()
    tab.fromWorker(state(v3))
    expect(first.mock.calls).toEqual([[v2], [v3]])
    expect(second.mock.calls).toEqual([[v2]])
  })
})

describe('getState', () => {
  const report: StateReport = {
    schema: 1,
    scope: 'https://app.test/shop/',
    workerStartedAt: '2026-11-02T09:00:00.000Z',
    newest: v2,
    lastCheck: { at: '2026-11-02T10:05:00.000Z', outcome: 'new-version' },
    versions: [],
    tabs: [],
    events: [{ at: '2026-11-02T10:05:00.000Z', what: 'new deployment', detail: 'v1 → v2' }],
  }
  let network: ReturnType<typeof vi.fn<(url: string, init?: RequestInit) => Promise<Response>>>
  beforeEach(() => {
    network = vi.fn<(url: string, init?: RequestInit) => Promise<Response>>(async () =>
      Response.json(report, { headers: { 'content-type': 'application/json; charset=utf-8' } }),
    )
    vi.stubGlobal('fetch', network)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it("reads the worker's state page under the app's base, past the HTTP cache", async () => {
    page(v1)
    expect(await getState()).toEqual(report)
    expect(network).toHaveBeenCalledExactlyOnceWith('/shop/__version-gatekeeper/state', { cache: 'no-store' })
  })

  it('on a page without the runtime, answers undefined and asks nothing', async () => {
    vi.stubGlobal('window', {})
    expect(await getState()).toBeUndefined()
    expect(network).not.toHaveBeenCalled()
  })

  it('outside a browser (no window), answers undefined', async () => {
    expect(await getState()).toBeUndefined()
    expect(network).not.toHaveBeenCalled()
  })

  it.each([
    ['the HTML an SPA host serves when no worker answers', () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })],
    ['a 404', () => new Response('{}', { status: 404, headers: { 'content-type': 'application/json' } })],
    ['JSON that does not parse', () => new Response('{"schema":', { headers: { 'content-type': 'application/json' } })],
  ])('answers undefined for %s', async (_, answer) => {
    page(v1)
    network.mockImplementation(async () => answer())
    expect(await getState()).toBeUndefined()
  })

  it('answers undefined when the request fails', async () => {
    page(v1)
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    expect(await getState()).toBeUndefined()
  })
})
