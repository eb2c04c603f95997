import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RouteMatchCallback } from 'workbox-core/types.js'
import { FALLBACK_ROUTE, STATE_ROUTE } from '../channel/protocol.js'
import { parseAcceptLanguage } from '../manifest/locale.js'
import type { DeploymentStore } from './deployments.js'
import { fallbackHeaders } from './fallback.js'
import type { Gatekeeper } from './gatekeeper.js'
import type { StateReport } from './report.js'
import {
  BYPASS_HEADER,
  BYPASS_PARAMETER,
  handleDocument,
  handleFallbackRoute,
  handleStateRoute,
  handleVersionedFile,
  isBypassed,
  matchDocument,
  matchFallbackRoute,
  matchStateRoute,
  matchVersionedFile,
  unlessBypassed,
} from './routes.js'
import type { Storage } from './storage.js'

const SCOPE = 'https://app.test/shop/'
const POLICY = "default-src 'none'; style-src 'sha256-abc'"
const PAGE = '<!doctype html><html lang="de" data-gatekeeper-fallback data-version="v2"><p>Offline</p></html>'

/** Where the fake host serves the newest deployment's fallback page in its default locale. */
const HOST_PAGE = 'https://app.test/shop/fallback.3e930377.en.html'

/** The languages of the fake gatekeeper's worker (`navigator.languages` in the worker). */
const WORKER_LANGUAGES = ['ja', 'en']

/**
 * A gatekeeper that keeps one fallback page (or none), knows where the host serves one (or, given null, no deployment),
 * keeps `keptUrls` as fallback pages to answer navigations with, and records what it was asked for. Like the real
 * one, it takes a request's languages from its Accept-Language, else the worker's own (`WORKER_LANGUAGES`).
 */
function fakeGatekeeper(kept: string | null = PAGE, { hostPage = HOST_PAGE as string | null, keptUrls = [] as string[], keeping = async () => undefined as void } = {}) {
  const asked: { languages: readonly string[]; version: string | null | undefined }[] = []
  /** The requests whose languages were asked for. */
  const languagesAsked: Request[] = []
  /** The languages the documents asked to keep a fallback page for. */
  const keptFor: (readonly string[])[] = []
  const deployments = {
    async keepFallbackPageFor(languages: readonly string[]) {
      keptFor.push(languages)
      return keeping()
    },
    async fallbackPageUrl() {
      return hostPage ?? undefined
    },
    async keptFallbackPage(url: string) {
      const page = new URL(url)
      page.search = ''
      return keptUrls.includes(page.href) ? new Response(PAGE, { headers: fallbackHeaders(POLICY) }) : undefined
    },
  } satisfies Partial<DeploymentStore>
  const gatekeeper = {
    async fallbackPage(languages: readonly string[], version?: string | null) {
      asked.push({ languages, version })
      return kept === null ? undefined : new Response(kept, { headers: fallbackHeaders(POLICY) })
    },
    languagesOf(request: Request) {
      languagesAsked.push(request)
      const languages = parseAcceptLanguage(request.headers.get('accept-language'))
      return languages.length > 0 ? languages : WORKER_LANGUAGES
    },
    deployments: deployments as unknown as DeploymentStore,
  } satisfies Partial<Gatekeeper>
  return { asked, keptFor, languagesAsked, gatekeeper: gatekeeper as unknown as Gatekeeper }
}

/** What a route handler gets: the request and its event, whose `waitUntil` promises are collected in `waited`. */
const waited: Promise<unknown>[] = []
const options = (request: Request) => ({
  request,
  url: new URL(request.url),
  event: { waitUntil: (promise: Promise<unknown>) => waited.push(promise) } as unknown as ExtendableEvent,
})
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

  it("has the fallback page of the reader's languages kept, in the background, when the host answers", async () => {
    const { keptFor, gatekeeper } = fakeGatekeeper()
    network.mockResolvedValue(new Response('<p>app</p>', { status: 200 }))
    waited.length = 0
    const response = await handleDocument(gatekeeper)(options(documentRequest('fr-CA, fr;q=0.9')))
    expect(await response.text()).toBe('<p>app</p>')
    expect(waited).toHaveLength(1)
    await Promise.all(waited)
    expect(keptFor).toEqual([['fr-CA', 'fr']])
  })

  it('a fallback page that cannot be kept costs the document nothing', async () => {
    const { gatekeeper } = fakeGatekeeper(PAGE, { keeping: () => Promise.reject(new DOMException('full', 'QuotaExceededError')) })
    network.mockResolvedValue(new Response('<p>app</p>', { status: 200 }))
    waited.length = 0
    const response = await handleDocument(gatekeeper)(options(documentRequest('de')))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('<p>app</p>')
    await expect(Promise.all(waited)).resolves.toBeDefined()
  })

  it('offline, keeps no page: there is no host to fetch it from', async () => {
    const { keptFor, gatekeeper } = fakeGatekeeper()
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    await handleDocument(gatekeeper)(options(documentRequest('de')))
    expect(keptFor).toEqual([])
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

  it("takes the reader's languages from the gatekeeper, which knows what to do without Accept-Language", async () => {
    const { asked, languagesAsked, keptFor, gatekeeper } = fakeGatekeeper()
    const request = documentRequest()
    network.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await handleDocument(gatekeeper)(options(request))
    expect(languagesAsked).toEqual([request])
    expect(asked.map((question) => question.languages)).toEqual([WORKER_LANGUAGES])
    network.mockResolvedValue(new Response('<p>app</p>', { status: 200 }))
    waited.length = 0
    await handleDocument(gatekeeper)(options(documentRequest()))
    await Promise.all(waited)
    expect(keptFor).toEqual([WORKER_LANGUAGES])
  })

  it('a hostile Accept-Language reaches the fallback lookup as none of its own languages', async () => {
    const { asked, gatekeeper } = fakeGatekeeper()
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    await handleDocument(gatekeeper)(options(documentRequest('"><script>alert(1)</script>, en_US, *')))
    expect(asked.map((question) => question.languages)).toEqual([WORKER_LANGUAGES])
  })

  it('offline with no fallback page kept, the browser gets the network error, as if there were no service worker', async () => {
    const { gatekeeper } = fakeGatekeeper(null)
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(handleDocument(gatekeeper)(options(documentRequest('de')))).rejects.toThrow('Failed to fetch')
    expect(network).toHaveBeenCalledTimes(1)
  })

  it('offline, a failing fallback lookup gives the network error, and the host is not asked twice', async () => {
    const gatekeeper = {
      deployments: { keptFallbackPage: async () => undefined },
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
    const gatekeeper = { deployments: { keptFallbackPage: () => Promise.reject(new Error('cache broken')) } } as unknown as Gatekeeper
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

  it.each([
    ['without ?lang=', ''],
    ['with an empty ?lang=', '&lang='],
  ])("%s and without Accept-Language, asks the gatekeeper for the reader's languages (the worker's own)", async (_, lang) => {
    const { asked, languagesAsked, gatekeeper } = fakeGatekeeper()
    const request = new Request(`${route}?version=v1${lang}`)
    await handleFallbackRoute(gatekeeper)(options(request))
    expect(languagesAsked).toEqual([request])
    expect(asked).toEqual([{ languages: WORKER_LANGUAGES, version: 'v1' }])
  })

  it('with ?lang=, does not ask the gatekeeper for the languages of the request', async () => {
    const { languagesAsked, gatekeeper } = fakeGatekeeper()
    await handleFallbackRoute(gatekeeper)(options(new Request(`${route}?lang=de`)))
    expect(languagesAsked).toEqual([])
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
  let host: ReturnType<typeof vi.fn<(request: Request) => Promise<Response>>>

  beforeEach(() => {
    host = vi.fn<(request: Request) => Promise<Response>>(async () => new Response('Not Found', { status: 404 }))
    vi.stubGlobal('fetch', host)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  /**
   * A gatekeeper that lists the file under v1 and keeps no copy of it; it counts its suspicions, which settle as
   * `suspicion` says (at once by default).
   */
  function goneFileGatekeeper(suspicion: () => Promise<void> = async () => undefined) {
    const suspected: unknown[][] = []
    const put: string[] = []
    const gatekeeper = {
      deployments: {
        versionsListing: async () => ['v1'],
        isVersionedAsset: async () => true,
        putFile: async (version: string) => void put.push(version),
      } as unknown as DeploymentStore,
      suspectNewDeployment: async (...args: unknown[]) => {
        suspected.push(args)
        return suspicion()
      },
    } satisfies Partial<Gatekeeper>
    return { suspected, put, gatekeeper: gatekeeper as unknown as Gatekeeper }
  }
  const storage = { matchFile: async () => undefined, putFile: async () => undefined } as unknown as Storage

  /** A request of tab `clientId` for a file of `destination` (Node's Request has no destination: a plain object). */
  async function fetchGone(gatekeeper: Gatekeeper, clientId = 'tab-a', destination = 'script') {
    const waitedFor: Promise<unknown>[] = []
    const event = { clientId, waitUntil: (promise: Promise<unknown>) => waitedFor.push(promise) } as unknown as FetchEvent
    const response = await handleVersionedFile(gatekeeper, storage)({ request: workerRequest(FILE, { destination }), url: new URL(FILE), event })
    return { response, waitedFor }
  }

  it("answers the host's 404 as it is, and confirms the deployment in the background", async () => {
    const { suspected, put, gatekeeper } = goneFileGatekeeper()
    const { response, waitedFor } = await fetchGone(gatekeeper)
    expect(response.status).toBe(404)
    expect(await response.text()).toBe('Not Found')
    expect(waitedFor).toHaveLength(1)
    await Promise.all(waitedFor)
    expect(suspected).toEqual([[]])
    expect(put).toEqual([])
    expect(host).toHaveBeenCalledTimes(1)
  })

  it('does not hold the answer while the suspicion is under way', async () => {
    const { suspected, gatekeeper } = goneFileGatekeeper(() => new Promise<void>(() => undefined))
    const { response, waitedFor } = await fetchGone(gatekeeper)
    expect(response.status).toBe(404)
    expect(suspected).toHaveLength(1)
    expect(waitedFor).toHaveLength(1)
  })

  it.each([
    ['410', () => new Response('Gone', { status: 410 })],
    ['HTML for a script (an SPA host)', () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })],
  ])('a file answered %s is a suspicion too, and is answered as the host sent it', async (_, answer) => {
    host.mockImplementation(async () => Object.defineProperty(answer(), 'type', { value: 'basic' }))
    const { suspected, put, gatekeeper } = goneFileGatekeeper()
    const { response, waitedFor } = await fetchGone(gatekeeper)
    await Promise.all(waitedFor)
    expect(response.status).toBe(answer().status)
    expect(suspected).toHaveLength(1)
    expect(put).toEqual([])
  })

  it('a request that comes from no window (a worker, a prefetch) is a suspicion as well', async () => {
    const { suspected, gatekeeper } = goneFileGatekeeper()
    const { waitedFor } = await fetchGone(gatekeeper, '')
    await Promise.all(waitedFor)
    expect(suspected).toHaveLength(1)
  })

  it('a suspicion that fails costs the request nothing, and is logged', async () => {
    const { gatekeeper } = goneFileGatekeeper(() => Promise.reject(new Error('cache broken')))
    const { response, waitedFor } = await fetchGone(gatekeeper)
    expect(response.status).toBe(404)
    await expect(Promise.all(waitedFor)).resolves.toBeDefined()
    expect(console.error).toHaveBeenCalled()
  })

  it('a host in trouble (503) is no sign of a deployment: no suspicion', async () => {
    const { suspected, gatekeeper } = goneFileGatekeeper()
    host.mockResolvedValue(new Response('busy', { status: 503 }))
    const { response, waitedFor } = await fetchGone(gatekeeper)
    await Promise.all(waitedFor)
    expect(response.status).toBe(503)
    expect(suspected).toEqual([])
  })
})

/** A request as the worker sees it (Node's Request has no `destination` and cannot be a navigation). */
function workerRequest(url: string, { destination = 'script', mode = 'no-cors', method = 'GET', headers = {} as Record<string, string> } = {}) {
  return { url, method, mode, destination, headers: new Headers(headers) } as unknown as Request
}
const matchOptions = (request: Request, sameOrigin = true) => ({ request, url: new URL(request.url), sameOrigin, event: {} as ExtendableEvent })

describe('bypassing the worker', () => {
  const FILE = 'https://app.test/shop/assets/index-v1.js'

  it.each([
    ['the header, with any value', workerRequest(FILE, { headers: { [BYPASS_HEADER]: '1' } })],
    ['the header, empty', workerRequest(FILE, { headers: { [BYPASS_HEADER]: '' } })],
    ['the header, in other case', workerRequest(FILE, { headers: { 'X-Version-Gatekeeper-Bypass': 'yes' } })],
    ['the query parameter, without a value', workerRequest(`${FILE}?${BYPASS_PARAMETER}`)],
    ['the query parameter, among others', workerRequest(`${FILE}?a=1&${BYPASS_PARAMETER}=1#x`)],
  ])('a request with %s bypasses the worker', (_, request) => {
    expect(isBypassed(request, new URL(request.url))).toBe(true)
  })

  it.each([
    ['no header and no parameter', workerRequest(FILE)],
    ['a parameter of another name', workerRequest(`${FILE}?${BYPASS_PARAMETER}x=1`)],
    ['the name in a parameter value', workerRequest(`${FILE}?debug=${BYPASS_PARAMETER}`)],
    ['the name in the hash', workerRequest(`${FILE}#${BYPASS_PARAMETER}`)],
  ])('a request with %s does not', (_, request) => {
    expect(isBypassed(request, new URL(request.url))).toBe(false)
  })

  it('the names are the ones the README gives', () => {
    expect([BYPASS_HEADER, BYPASS_PARAMETER]).toEqual(['x-version-gatekeeper-bypass', 'version-gatekeeper-bypass'])
  })

  const routes: [string, RouteMatchCallback, string, Partial<Parameters<typeof workerRequest>[1]>][] = [
    ['documents', matchDocument, 'https://app.test/shop/orders/42', { mode: 'navigate', destination: 'document' }],
    ['versioned files', matchVersionedFile, FILE, { destination: 'script' }],
    ['the fallback route', matchFallbackRoute(SCOPE), `https://app.test/shop/${FALLBACK_ROUTE}?lang=de`, { mode: 'navigate', destination: 'document' }],
    ['the state page', matchStateRoute(SCOPE), `https://app.test/shop/${STATE_ROUTE}`, { destination: '' }],
  ]

  it.each(routes)('the route for %s matches its requests, unless they ask to bypass the worker', (_, match, url, init) => {
    const guarded = unlessBypassed(match)
    const withQuery = new URL(url)
    withQuery.searchParams.set(BYPASS_PARAMETER, '')
    expect(guarded(matchOptions(workerRequest(url, init)))).toBe(true)
    expect(guarded(matchOptions(workerRequest(withQuery.href, init)))).toBe(false)
    expect(guarded(matchOptions(workerRequest(url, { ...init, headers: { [BYPASS_HEADER]: '1' } })))).toBe(false)
  })

  it('a bypassed request is not even looked at by the route', () => {
    const match = vi.fn(() => true)
    expect(unlessBypassed(match)(matchOptions(workerRequest(`${FILE}?${BYPASS_PARAMETER}`)))).toBe(false)
    expect(match).not.toHaveBeenCalled()
  })

  it('a route that does not match still does not match', () => {
    expect(unlessBypassed(() => false)(matchOptions(workerRequest(FILE)))).toBe(false)
  })
})

describe('matchStateRoute', () => {
  const match = matchStateRoute(SCOPE)
  const at = (url: string, method = 'GET', sameOrigin = true) => match(matchOptions(workerRequest(url, { method }), sameOrigin)) as boolean

  it('answers the state page under the scope', () => {
    expect(new URL(STATE_ROUTE, SCOPE).href).toBe('https://app.test/shop/__version-gatekeeper/state')
    expect(at('https://app.test/shop/__version-gatekeeper/state')).toBe(true)
    expect(at('https://app.test/shop/__version-gatekeeper/state?pretty')).toBe(true)
  })

  it('leaves every other request alone', () => {
    expect(at('https://app.test/__version-gatekeeper/state')).toBe(false)
    expect(at('https://app.test/shop/__version-gatekeeper/state/x')).toBe(false)
    expect(at('https://app.test/shop/__version-gatekeeper/fallback')).toBe(false)
    expect(at('https://app.test/shop/__version-gatekeeper/state', 'POST')).toBe(false)
    expect(at('https://other.test/shop/__version-gatekeeper/state', 'GET', false)).toBe(false)
  })
})

describe('handleStateRoute', () => {
  const report: StateReport = {
    schema: 1,
    scope: SCOPE,
    workerStartedAt: '2026-11-02T09:00:00.000Z',
    newest: { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' },
    lastCheck: { at: '2026-11-02T10:05:00.000Z', outcome: 'new-version' },
    versions: [],
    tabs: [{ id: 'tab-a', version: 'v1', seenAt: '2026-11-02T10:00:00.000Z', open: true }],
    events: [{ at: '2026-11-02T10:05:00.000Z', what: 'new deployment', detail: 'v1 → v2' }],
  }
  let network: ReturnType<typeof vi.fn<(request: Request) => Promise<Response>>>
  beforeEach(() => {
    network = vi.fn<(request: Request) => Promise<Response>>(async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }))
    vi.stubGlobal('fetch', network)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })
  const request = () => new Request(`https://app.test/shop/${STATE_ROUTE}`)

  it('answers the report as JSON that no cache keeps, without asking the host', async () => {
    const gatekeeper = { report: async () => report } as unknown as Gatekeeper
    const response = await handleStateRoute(gatekeeper)(options(request()))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual(report)
    expect(network).not.toHaveBeenCalled()
  })

  it('a report that fails passes the request to the host, as if there were no service worker', async () => {
    const gatekeeper = { report: () => Promise.reject(new Error('cache broken')) } as unknown as Gatekeeper
    const response = await handleStateRoute(gatekeeper)(options(request()))
    expect(response.headers.get('content-type')).toBe('text/html')
    expect(network).toHaveBeenCalledTimes(1)
  })
})

describe('handleVersionedFile, for files the worker keeps or fetches', () => {
  const FILE = 'https://app.test/shop/assets/lazy-v1.js'
  let host: ReturnType<typeof vi.fn<(request: Request) => Promise<Response>>>
  const js = (body: string, type = 'basic') => {
    const response = new Response(body, { headers: { 'content-type': 'text/javascript' } })
    Object.defineProperty(response, 'type', { value: type })
    return response
  }

  beforeEach(() => {
    host = vi.fn<(request: Request) => Promise<Response>>(async () => js('fromHost()'))
    vi.stubGlobal('fetch', host)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  /** A gatekeeper whose deployments `listing` list the file, `kept` being what each deployment's cache holds. */
  function keeping(listing: string[], kept: Record<string, string>, { revalidate = async () => undefined as void, putFile = async () => undefined as void } = {}) {
    const revalidated: [string, string, string][] = []
    const put: { version: string; body: Promise<string> }[] = []
    const gatekeeper = {
      deployments: {
        versionsListing: async () => listing,
        isVersionedAsset: async () => listing.length > 0,
        putFile: async (version: string, _: Request, response: Response) => {
          put.push({ version, body: response.text() })
          return putFile()
        },
      } as unknown as DeploymentStore,
      revalidate: async (url: string, destination: string, tabId: string) => {
        revalidated.push([url, destination, tabId])
        return revalidate()
      },
      suspectNewDeployment: async () => undefined,
    } satisfies Partial<Gatekeeper>
    const storage = {
      matchFile: async (version: string) => (kept[version] === undefined ? undefined : js(kept[version]!)),
    } as unknown as Storage
    return { gatekeeper: gatekeeper as unknown as Gatekeeper, storage, revalidated, put }
  }

  async function fetchFile(gatekeeper: Gatekeeper, storage: Storage, clientId = 'tab-a') {
    const waitedFor: Promise<unknown>[] = []
    const event = { clientId, waitUntil: (promise: Promise<unknown>) => waitedFor.push(promise) } as unknown as FetchEvent
    const response = await handleVersionedFile(gatekeeper, storage)({ request: workerRequest(FILE), url: new URL(FILE), event })
    await Promise.all(waitedFor)
    return { response, waitedFor }
  }

  it("serves a kept file from its deployment's cache, without the host, and has it checked in the background", async () => {
    const { gatekeeper, storage, revalidated } = keeping(['v1'], { v1: 'fromCache()' })
    const { response, waitedFor } = await fetchFile(gatekeeper, storage)
    expect(await response.text()).toBe('fromCache()')
    expect(host).not.toHaveBeenCalled()
    expect(revalidated).toEqual([[FILE, 'script', 'tab-a']])
    expect(waitedFor).toHaveLength(1)
  })

  it('serves the newest kept copy among the deployments that list the file', async () => {
    const { gatekeeper, storage } = keeping(['v2', 'v1'], { v1: 'one()' })
    expect(await (await fetchFile(gatekeeper, storage)).response.text()).toBe('one()')
  })

  it('has nothing checked for a request that comes from no window', async () => {
    const { gatekeeper, storage, revalidated } = keeping(['v1'], { v1: 'fromCache()' })
    const { response } = await fetchFile(gatekeeper, storage, '')
    expect(await response.text()).toBe('fromCache()')
    expect(revalidated).toEqual([])
  })

  it('a check that fails costs the request nothing', async () => {
    const { gatekeeper, storage } = keeping(['v1'], { v1: 'fromCache()' }, { revalidate: () => Promise.reject(new Error('offline')) })
    const { response } = await fetchFile(gatekeeper, storage)
    expect(await response.text()).toBe('fromCache()')
  })

  it('keeps a file it had to fetch in the newest deployment that lists it, and answers it whole', async () => {
    const { gatekeeper, storage, put, revalidated } = keeping(['v2', 'v1'], {})
    const { response } = await fetchFile(gatekeeper, storage)
    expect(await response.text()).toBe('fromHost()')
    expect(put.map((entry) => entry.version)).toEqual(['v2'])
    expect(await put[0]!.body).toBe('fromHost()')
    expect(revalidated).toEqual([])
  })

  it('keeps no file that no deployment lists', async () => {
    const { gatekeeper, storage, put } = keeping([], {})
    expect(await (await fetchFile(gatekeeper, storage)).response.text()).toBe('fromHost()')
    expect(put).toEqual([])
  })

  it.each([
    ['a response from another origin (cors)', () => js('x()', 'cors')],
    ['an opaque response', () => js('x()', 'opaque')],
    ['a partial response (206)', () => Object.defineProperty(new Response('x', { status: 206 }), 'type', { value: 'basic' })],
    ['a host in trouble (503)', () => Object.defineProperty(new Response('busy', { status: 503 }), 'type', { value: 'basic' })],
  ])('keeps no %s', async (_, answer) => {
    host.mockImplementation(async () => answer())
    const { gatekeeper, storage, put } = keeping(['v1'], {})
    await fetchFile(gatekeeper, storage)
    expect(put).toEqual([])
  })

  it('a file it cannot keep (storage full, nothing to delete) is still answered', async () => {
    const { gatekeeper, storage } = keeping(['v1'], {}, { putFile: () => Promise.reject(new DOMException('full', 'QuotaExceededError')) })
    const { response } = await fetchFile(gatekeeper, storage)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('fromHost()')
  })
})
