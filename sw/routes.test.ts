import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FALLBACK_ROUTE, PROTOCOL_SCHEMA } from '../channel/protocol.js'
import type { VersionStamp } from '../manifest/manifest.js'
import { fallbackHeaders } from './fallback.js'
import type { Gatekeeper } from './gatekeeper.js'
import { GONE_FILE_HOLD_MS, handleDocument, handleFallbackRoute, handleVersionedFile, matchFallbackRoute } from './routes.js'
import type { Storage } from './storage.js'

const SCOPE = 'https://app.test/shop/'
const POLICY = "default-src 'none'; style-src 'sha256-abc'"
const PAGE = '<!doctype html><html lang="de" data-gatekeeper-fallback data-version="v2"><p>Offline</p></html>'

/** Where the fake host serves the newest deployment's fallback page in its default locale. */
const HOST_PAGE = 'https://app.test/shop/fallback.3e930377.en.html'

/**
 * A gatekeeper that keeps one fallback page (or none), knows where the host serves one (or, given null, no deployment),
 * keeps `keptUrls` as fallback pages to answer navigations with, and records what it was asked for.
 */
function fakeGatekeeper(kept: string | null = PAGE, { hostPage = HOST_PAGE as string | null, keptUrls = [] as string[] } = {}) {
  const asked: { languages: readonly string[]; version: string | null | undefined }[] = []
  const gatekeeper = {
    async fallbackPage(languages: readonly string[], version?: string | null) {
      asked.push({ languages, version })
      return kept === null ? undefined : new Response(kept, { headers: fallbackHeaders(POLICY) })
    },
    async fallbackPageUrl() {
      return hostPage ?? undefined
    },
    async keptFallbackPage(url: string) {
      const page = new URL(url)
      page.search = ''
      return keptUrls.includes(page.href) ? new Response(PAGE, { headers: fallbackHeaders(POLICY) }) : undefined
    },
  } satisfies Partial<Gatekeeper>
  return { asked, gatekeeper: gatekeeper as unknown as Gatekeeper }
}

const options = (request: Request) => ({ request, url: new URL(request.url), event: {} as ExtendableEvent })
const documentRequest = (acceptLanguage?: string) =>
  new Request('https://app.test/shop/orders/42', { headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage } })

describe('handleDocument', () => {
  let network: ReturnType<typeof vi.fn<(request: Request, init?: RequestInit) => Promise<Response>>>
  beforeEach(() => {
    network = vi.fn<(request: Request, init?: RequestInit) => Promise<Response>>()
    vi.stubGlobal('fetch', network)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('a host that answers gets the document as the host sent it, revalidated, and no fallback is looked up', async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    network.mockResolvedValue(new Response('<p>app</p>', { status: 200 }))
    const response = await handleDocument(gatekeeper)(options(documentRequest('de')))
    expect(await response.text()).toBe('<p>app</p>')
    expect(network).toHaveBeenCalledTimes(1)
    expect(network.mock.calls[0]?.[1]).toMatchObject({ cache: 'no-cache' })
    expect(asked).toEqual([])
  })

  it('a host in trouble (500) is not offline: its answer passes through', async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    network.mockResolvedValue(new Response('oops', { status: 500 }))
    expect((await handleDocument(gatekeeper)(options(documentRequest('de')))).status).toBe(500)
    expect(asked).toEqual([])
  })

  it('offline, the reader gets the kept fallback page in their language, with status 503 and its own safe headers', async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    const response = await handleDocument(gatekeeper)(options(documentRequest('de-CH, de;q=0.9, en;q=0.5')))
    expect(response.status).toBe(503)
    expect(await response.text()).toBe(PAGE)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(POLICY)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(asked.map((question) => question.languages)).toEqual([['de-CH', 'de', 'en']])
    expect(network).toHaveBeenCalledTimes(1)
  })

  it('a hostile Accept-Language reaches the fallback lookup as no language at all', async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    await handleDocument(gatekeeper)(options(documentRequest('"><script>alert(1)</script>, en_US, *')))
    expect(asked.map((question) => question.languages)).toEqual([[]])
  })

  it('offline with no fallback page kept, the browser gets the network error, as if there were no service worker', async () => {
    const { gatekeeper } = fakeGatekeeper(null)
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(handleDocument(gatekeeper)(options(documentRequest('de')))).rejects.toThrow('Failed to fetch')
    expect(network).toHaveBeenCalledTimes(1)
  })

  it('offline, a failing fallback lookup gives the network error, and the host is not asked twice', async () => {
    const gatekeeper = {
      keptFallbackPage: async () => undefined,
      fallbackPage: () => Promise.reject(new Error('cache broken')),
    } as unknown as Gatekeeper
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(handleDocument(gatekeeper)(options(documentRequest('de')))).rejects.toThrow('Failed to fetch')
    expect(network).toHaveBeenCalledTimes(1)
  })
  it('a navigation to a fallback page the worker keeps is answered from the cache, whatever its query, without the host', async () => {
    const { asked, gatekeeper } = fakeGatekeeper(PAGE, { keptUrls: [HOST_PAGE] })
    const request = new Request(`${HOST_PAGE}?from=${encodeURIComponent('https://app.test/shop/orders/42')}`)
    const response = await handleDocument(gatekeeper)(options(request))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(PAGE)
    expect(response.headers.get('content-security-policy')).toBe(POLICY)
    expect(network).not.toHaveBeenCalled()
    expect(asked).toEqual([])
  })

  it('a navigation to a fallback page the worker does not keep goes to the host', async () => {
    const { gatekeeper } = fakeGatekeeper(PAGE, { keptUrls: [] })
    network.mockResolvedValue(new Response('<p>from the host</p>', { status: 200 }))
    const response = await handleDocument(gatekeeper)(options(new Request(`${HOST_PAGE}?from=%2Fshop%2F`)))
    expect(await response.text()).toBe('<p>from the host</p>')
    expect(network).toHaveBeenCalledTimes(1)
  })

  it('a failing lookup of the kept pages passes the navigation to the host, as if there were no service worker', async () => {
    const gatekeeper = { keptFallbackPage: () => Promise.reject(new Error('cache broken')) } as unknown as Gatekeeper
    network.mockResolvedValue(new Response('<p>app</p>', { status: 200 }))
    expect(await (await handleDocument(gatekeeper)(options(documentRequest('de')))).text()).toBe('<p>app</p>')
    expect(network).toHaveBeenCalledTimes(1)
  })
})

describe('matchFallbackRoute', () => {
  const match = matchFallbackRoute(SCOPE)
  const at = (url: string, method = 'GET', sameOrigin = true) =>
    match({ url: new URL(url), request: new Request(url, { method }), sameOrigin, event: {} as ExtendableEvent }) as boolean

  it('answers the fallback route under the scope', () => {
    expect(new URL(FALLBACK_ROUTE, SCOPE).href).toBe('https://app.test/shop/__version-gatekeeper/fallback')
    expect(at('https://app.test/shop/__version-gatekeeper/fallback?version=v1&lang=de')).toBe(true)
  })

  it('leaves every other request alone', () => {
    expect(at('https://app.test/__version-gatekeeper/fallback')).toBe(false)
    expect(at('https://app.test/shop/__version-gatekeeper/fallback/x')).toBe(false)
    expect(at('https://app.test/shop/__version-gatekeeper/fallback', 'POST')).toBe(false)
    expect(at('https://other.test/shop/__version-gatekeeper/fallback', 'GET', false)).toBe(false)
  })
})

describe('handleFallbackRoute', () => {
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  const route = 'https://app.test/shop/__version-gatekeeper/fallback'

  it("gives the page of the deployment and language the page's bootstrap asks for", async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    const response = await handleFallbackRoute(gatekeeper)(options(new Request(`${route}?version=v1&lang=de`, { headers: { 'accept-language': 'fr' } })))
    expect(await response.text()).toBe(PAGE)
    expect(response.headers.get('content-security-policy')).toBe(POLICY)
    expect(asked).toEqual([{ languages: ['de'], version: 'v1' }])
  })

  it('without ?lang=, reads the languages from Accept-Language', async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    await handleFallbackRoute(gatekeeper)(options(new Request(`${route}?version=v1`, { headers: { 'accept-language': 'fr, en;q=0.5' } })))
    expect(asked).toEqual([{ languages: ['fr', 'en'], version: 'v1' }])
  })

  it('a hostile ?lang= reaches the lookup as no language at all', async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    await handleFallbackRoute(gatekeeper)(options(new Request(`${route}?lang=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`)))
    expect(asked.map((question) => question.languages)).toEqual([[]])
  })

  it("with no page kept, redirects (302) to the host's copy of the newest deployment's page, with the same query", async () => {
    const { asked, gatekeeper } = fakeGatekeeper(null)
    const query = `?version=v1&lang=de&from=${encodeURIComponent('https://app.test/shop/orders/42?tab=2')}`
    const response = await handleFallbackRoute(gatekeeper)(options(new Request(route + query)))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(HOST_PAGE + query)
    expect(new URL(response.headers.get('location')!).searchParams.get('from')).toBe('https://app.test/shop/orders/42?tab=2')
    expect(asked).toEqual([{ languages: ['de'], version: 'v1' }])
  })

  it("with no page kept and no query, redirects to the host's page as it is", async () => {
    const { gatekeeper } = fakeGatekeeper(null)
    const response = await handleFallbackRoute(gatekeeper)(options(new Request(route)))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(HOST_PAGE)
  })

  it('a kept page wins over the redirect', async () => {
    const { gatekeeper } = fakeGatekeeper(PAGE)
    const response = await handleFallbackRoute(gatekeeper)(options(new Request(`${route}?lang=de`)))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(PAGE)
  })

  it('with no deployment known at all, answers 404 in plain text', async () => {
    const { gatekeeper } = fakeGatekeeper(null, { hostPage: null })
    const response = await handleFallbackRoute(gatekeeper)(options(new Request(route)))
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('text/plain')
  })
})

describe('handleVersionedFile, for a file of a deployment that is gone', () => {
  const FILE = 'https://app.test/shop/assets/lazy-v1.js'
  const v2: VersionStamp = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }
  let posted: unknown[]
  let host: ReturnType<typeof vi.fn<(request: Request) => Promise<Response>>>

  beforeEach(() => {
    vi.useFakeTimers()
    posted = []
    // The worker's open windows: tab-a, whose runtime checked in, and tab-b, a page without the runtime. `self` is
    // the one global the hold needs besides fetch and timers.
    const window = (id: string) => ({ postMessage: (message: unknown) => posted.push({ to: id, message }) })
    vi.stubGlobal('self', { clients: { get: async (id: string) => (['tab-a', 'tab-b'].includes(id) ? window(id) : undefined) } })
    host = vi.fn<(request: Request) => Promise<Response>>(async () => new Response('Not Found', { status: 404 }))
    vi.stubGlobal('fetch', host)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  /** A gatekeeper that lists the file under v1 and knows tab-a; its suspicion confirms `newer` (null: nothing newer). */
  function goneFileGatekeeper(newer: VersionStamp | null = v2) {
    const suspected: (string | undefined)[] = []
    const gatekeeper = {
      versionsListing: async () => ['v1'],
      isVersionedAsset: async () => true,
      isKnownTab: async (id: string) => id === 'tab-a',
      suspectNewDeployment: async (tabId?: string) => {
        suspected.push(tabId)
        return newer ?? undefined
      },
    } satisfies Partial<Gatekeeper>
    return { suspected, gatekeeper: gatekeeper as unknown as Gatekeeper }
  }
  const storage = { matchFile: async () => undefined, putFile: async () => undefined } as unknown as Storage

  /** A script request of tab `clientId` (Node's Request has no destination, so a plain object stands in). */
  function fetchScript(gatekeeper: Gatekeeper, clientId: string) {
    const request = { url: FILE, method: 'GET', destination: 'script', headers: new Headers() } as unknown as Request
    const waitedFor: Promise<unknown>[] = []
    const event = { clientId, waitUntil: (promise: Promise<unknown>) => waitedFor.push(promise) } as unknown as FetchEvent
    let settled = false
    const answer = handleVersionedFile(gatekeeper, storage)({ request, url: new URL(FILE), event }).then((response) => {
      settled = true
      return response
    })
    return { answer, waitedFor, isSettled: () => settled }
  }

  it('tells a listening tab FILE_GONE with the newer deployment, and holds the answer GONE_FILE_HOLD_MS', async () => {
    const { suspected, gatekeeper } = goneFileGatekeeper()
    const { answer, waitedFor, isSettled } = fetchScript(gatekeeper, 'tab-a')
    await vi.advanceTimersByTimeAsync(GONE_FILE_HOLD_MS - 1)
    expect(posted).toEqual([{ to: 'tab-a', message: { type: 'FILE_GONE', schema: PROTOCOL_SCHEMA, to: v2 } }])
    expect(isSettled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(isSettled()).toBe(true)
    const response = await answer
    expect(response.status).toBe(404)
    expect(await response.text()).toBe('Not Found')
    expect(suspected).toEqual(['tab-a'])
    expect(waitedFor).toHaveLength(1)
    expect(host).toHaveBeenCalledTimes(1)
  })

  it('answers an open tab whose runtime never checked in at once, and tells it nothing; the suspicion still runs', async () => {
    const { suspected, gatekeeper } = goneFileGatekeeper()
    const { answer, waitedFor, isSettled } = fetchScript(gatekeeper, 'tab-b')
    await vi.advanceTimersByTimeAsync(0)
    expect(isSettled()).toBe(true)
    expect((await answer).status).toBe(404)
    expect(posted).toEqual([])
    expect(suspected).toEqual(['tab-b'])
    expect(waitedFor).toHaveLength(1)
  })

  it('answers at once, and tells nothing, when the host confirms no newer deployment', async () => {
    const { gatekeeper } = goneFileGatekeeper(null)
    const { answer, isSettled } = fetchScript(gatekeeper, 'tab-a')
    await vi.advanceTimersByTimeAsync(0)
    expect(isSettled()).toBe(true)
    expect((await answer).status).toBe(404)
    expect(posted).toEqual([])
  })

  it('answers at once a request that comes from no window (a worker, a prefetch)', async () => {
    const { gatekeeper } = goneFileGatekeeper()
    const { isSettled } = fetchScript(gatekeeper, '')
    await vi.advanceTimersByTimeAsync(0)
    expect(isSettled()).toBe(true)
    expect(posted).toEqual([])
  })

  it('answers at once when the tab the worker knows is closed by then', async () => {
    const { gatekeeper } = goneFileGatekeeper()
    vi.stubGlobal('self', { clients: { get: async () => undefined } })
    const { isSettled } = fetchScript(gatekeeper, 'tab-a')
    await vi.advanceTimersByTimeAsync(0)
    expect(isSettled()).toBe(true)
    expect(posted).toEqual([])
  })

  it('a host in trouble (503) is no sign of a deployment: no suspicion, no hold', async () => {
    const { suspected, gatekeeper } = goneFileGatekeeper()
    host.mockResolvedValue(new Response('busy', { status: 503 }))
    const { answer, isSettled } = fetchScript(gatekeeper, 'tab-a')
    await vi.advanceTimersByTimeAsync(0)
    expect(isSettled()).toBe(true)
    expect((await answer).status).toBe(503)
    expect(suspected).toEqual([])
    expect(posted).toEqual([])
  })
})
