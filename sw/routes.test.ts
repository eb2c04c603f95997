import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FALLBACK_ROUTE } from '../channel/protocol.js'
import { fallbackHeaders } from './fallback.js'
import type { Gatekeeper } from './gatekeeper.js'
import { handleDocument, handleFallbackRoute, matchFallbackRoute } from './routes.js'

const SCOPE = 'https://app.test/shop/'
const POLICY = "default-src 'none'; style-src 'sha256-abc'"
const PAGE = '<!doctype html><html lang="de" data-gatekeeper-fallback data-version="v2"><p>Offline</p></html>'

/** A gatekeeper that keeps one fallback page (or none), and records what it was asked for. */
function fakeGatekeeper(kept: string | null = PAGE) {
  const asked: { languages: readonly string[]; version: string | null | undefined }[] = []
  const gatekeeper = {
    async fallbackPage(languages: readonly string[], version?: string | null) {
      asked.push({ languages, version })
      return kept === null ? undefined : new Response(kept, { headers: fallbackHeaders(POLICY) })
    },
  }
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
    const gatekeeper = { fallbackPage: () => Promise.reject(new Error('cache broken')) } as unknown as Gatekeeper
    network.mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(handleDocument(gatekeeper)(options(documentRequest('de')))).rejects.toThrow('Failed to fetch')
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

  it('with no page kept, answers 404 in plain text', async () => {
    const { gatekeeper } = fakeGatekeeper(null)
    const response = await handleFallbackRoute(gatekeeper)(options(new Request(route)))
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('text/plain')
  })
})
