import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PROTOCOL_SCHEMA, type Check } from '../channel/protocol.js'
import { MANIFEST_SCHEMA, type DeployManifest, type VersionStamp } from '../manifest/manifest.js'
import { createInMemoryCaches } from './in-memory-caches.test-support.js'
import { addVersionGatekeeper } from './index.js'

// workbox's logger reads `self` when it is imported, before any test stubs it.
vi.hoisted(() => Object.assign(globalThis, { self: globalThis }))


const SCOPE = 'https://app.test/shop/'
const v1: VersionStamp = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const manifest: DeployManifest = {
  schema: MANIFEST_SCHEMA,
  ...v1,
  assetsDir: 'assets/',
  assets: ['assets/index-v1.js'],
  entry: ['assets/index-v1.js'],
  fallback: {
    defaultLocale: 'en',
    pages: { de: 'fallback.v1.de.html', en: 'fallback.v1.en.html', fr: 'fallback.v1.fr.html' },
    contentSecurityPolicy: "default-src 'none'",
  },
  csp: { scriptSrc: [], styleSrc: [] },
  precache: 'none',
  gracePeriodMs: 30 * 60_000,
}
const fallbackHtml = (url: string) => `<!doctype html><html data-gatekeeper-fallback><p>${url}</p></html>`

/** A window client, as `event.source` of a tab's message; `instanceof Client` holds for it. */
class FakeClient {
  readonly received: unknown[] = []
  constructor(
    readonly id: string,
    private readonly log: string[] = [],
  ) {}
  postMessage(message: { type: string }) {
    this.log.push(`to ${this.id}: ${message.type}`)
    this.received.push(message)
  }
}

/**
 * A service worker global scope at `/shop/` over a host that serves v1 (with pages in de, en and fr) and a browser
 * whose own languages are `de`. What the worker fetches, posts to a tab and posts on a channel land in `log`, in order.
 */
function workerScope() {
  const log: string[] = []
  const posted: { channel: string; message: unknown }[] = []
  const listeners = new Map<string, (event: unknown) => void>()
  vi.stubGlobal('self', {
    registration: { scope: SCOPE, update: async () => undefined, unregister: async () => true },
    location: { href: `${SCOPE}sw.js` },
    clients: { matchAll: async () => [new FakeClient('tab-a')] },
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
  })
  vi.stubGlobal('caches', createInMemoryCaches())
  vi.stubGlobal('location', new URL(`${SCOPE}sw.js`))
  vi.stubGlobal('navigator', { languages: ['de'] })
  vi.stubGlobal('Client', FakeClient)
  vi.stubGlobal(
    'BroadcastChannel',
    class {
      constructor(readonly name: string) {}
      postMessage(message: { type: string }) {
        log.push(`channel: ${message.type}`)
        posted.push({ channel: this.name, message })
      }
      close() {}
    },
  )
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input)
    log.push(`fetch ${url}`)
    if (url === `${SCOPE}deploy-manifest.json`) return Response.json(manifest)
    return url.includes('/fallback.') ? new Response(fallbackHtml(url)) : new Response('Not Found', { status: 404 })
  })
  const gatekeeper = addVersionGatekeeper()
  /** Fires `type` at the worker with `init`, and waits for what it asked to be waited for. */
  const fire = async (type: string, init: object) => {
    const waited: Promise<unknown>[] = []
    listeners.get(type)?.({ ...init, waitUntil: (promise: Promise<unknown>) => waited.push(promise) })
    await Promise.all(waited)
  }
  return {
    gatekeeper,
    log,
    posted,
    install: () => fire('install', {}),
    tab: (id: string) => new FakeClient(id, log),
    message: (data: unknown, source: unknown) => fire('message', { data, source }),
    /** Fires a fetch event for `request`; `answeredBefore` plays a listener added before the gatekeeper's that answered. */
    fetch({ url, method = 'GET', mode = 'cors', destination = '' }: { url: string; method?: string; mode?: RequestMode; destination?: RequestDestination }, answeredBefore = false) {
      // Node's Request cannot be made a navigation or given a destination: those two are set on the instance.
      const request = Object.defineProperties(new Request(url, { method }), { mode: { value: mode }, destination: { value: destination } })
      const event = {
        request,
        answered: [] as unknown[],
        stopped: false,
        respondWith(response: unknown) {
          if (answeredBefore) throw new DOMException('The fetch event has already been responded to.', 'InvalidStateError')
          this.answered.push(response)
        },
        stopImmediatePropagation() {
          this.stopped = true
        },
        waitUntil: () => undefined,
      }
      listeners.get('fetch')?.(event)
      return event
    },
  }
}

const check = (languages?: unknown): Check => ({ type: 'CHECK', schema: PROTOCOL_SCHEMA, tab: v1, maxAgeMs: 60_000, languages } as Check)
const pageUrl = (locale: string) => `${SCOPE}fallback.v1.${locale}.html`

beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined)
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe("addVersionGatekeeper: a tab's CHECK", () => {
  it('is answered to the asking tab alone, never on the channel every tab hears', async () => {
    const worker = workerScope()
    await worker.install()
    const tab = worker.tab('tab-a')
    await worker.message(check(['de']), tab)
    expect(tab.received).toEqual([{ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: v1, checkedAt: expect.any(Number) }])
    expect(worker.posted).toEqual([])
  })

  it("keeps the fallback page of the tab's languages, once the answer is out", async () => {
    const worker = workerScope()
    await worker.install()
    expect(worker.log).not.toContain(`fetch ${pageUrl('fr')}`)
    worker.log.length = 0
    await worker.message(check(['fr-CH', 'fr']), worker.tab('tab-a'))
    expect(worker.log).toEqual(['to tab-a: STATE', `fetch ${pageUrl('fr')}`])
    expect(await (await worker.gatekeeper.fallbackPage(['fr']))?.text()).toBe(fallbackHtml(pageUrl('fr')))
  })

  it('fetches no page it keeps already', async () => {
    const worker = workerScope()
    await worker.install()
    worker.log.length = 0
    await worker.message(check(['de', 'en']), worker.tab('tab-a'))
    expect(worker.log).toEqual(['to tab-a: STATE'])
  })

  it('from a runtime that sends no languages, keeps no other page', async () => {
    const worker = workerScope()
    await worker.install()
    worker.log.length = 0
    await worker.message(check(), worker.tab('tab-a'))
    expect(worker.log).toEqual(['to tab-a: STATE'])
  })

  it('fetches nothing for languages that are not language tags', async () => {
    const worker = workerScope()
    await worker.install()
    worker.log.length = 0
    await worker.message(check(['../../etc/passwd', '<script>', 42]), worker.tab('tab-a'))
    expect(worker.log).toEqual(['to tab-a: STATE'])
  })

  it('is not answered when it is no CHECK, or comes from no window client', async () => {
    const worker = workerScope()
    await worker.install()
    worker.log.length = 0
    await worker.message({ ...check(['fr']), type: 'HELLO' }, worker.tab('tab-a'))
    await worker.message(check(['fr']), { id: 'tab-a' })
    await worker.message(check(['fr']), null)
    expect(worker.log).toEqual([])
  })
})

describe('addVersionGatekeeper: fetch events', () => {
  it('answers a navigation, and no fetch listener added after it (precacheAndRoute, a generated worker) sees that request', async () => {
    const worker = workerScope()
    const event = worker.fetch({ url: `${SCOPE}notes/1`, mode: 'navigate', destination: 'document' })
    expect(event.answered).toHaveLength(1)
    expect(event.stopped).toBe(true)
    await event.answered[0]
  })

  it('leaves a request it has no route for to the listeners after it', () => {
    const worker = workerScope()
    const posted = worker.fetch({ url: `${SCOPE}api/notes`, method: 'POST' })
    const data = worker.fetch({ url: `${SCOPE}manifest.webmanifest`, destination: 'manifest' })
    for (const event of [posted, data]) {
      expect(event.answered).toEqual([])
      expect(event.stopped).toBe(false)
    }
  })

  it('when a listener added before it answered first, lets that answer stand and reports the order once', async () => {
    const worker = workerScope()
    await worker.install()
    const request = { url: `${SCOPE}assets/index-v1.js`, destination: 'script' as const }
    const first = worker.fetch(request, true)
    const second = worker.fetch(request, true)
    expect([first.stopped, second.stopped]).toEqual([false, false])
    const reports = vi.mocked(console.error).mock.calls.filter(([line]) => String(line).includes('call addVersionGatekeeper() before'))
    expect(reports).toHaveLength(1)
    const report = await worker.gatekeeper.report()
    expect(report.events.filter((event) => event.detail.includes('call addVersionGatekeeper() before'))).toHaveLength(1)
  })
})
