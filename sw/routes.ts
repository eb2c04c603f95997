/**
 * The requests the gatekeeper answers, as workbox-routing routes: documents (revalidated with the host), the app's
 * versioned files (served from their deployment's cache, and read for signs of a deployment), and two addresses of
 * its own under the scope (the fallback page and the state page). Every other request gets no route, so the
 * browser handles it as if there were no service worker; so does any request that asks to bypass the worker.
 */
import type { RouteHandlerCallback, RouteMatchCallback } from 'workbox-core/types.js'
import { FALLBACK_ROUTE, STATE_ROUTE } from '../channel/protocol.js'
import { parseAcceptLanguage } from '../manifest/locale.js'
import { classifyResponse, isCacheable, VERSIONED_DESTINATIONS } from './classify.js'
import type { Gatekeeper } from './gatekeeper.js'
import { logError } from './log.js'
import type { Storage } from './storage.js'

/** A request that carries this header (any value) or this query parameter bypasses the worker: for debugging. */
export const BYPASS_HEADER = 'x-version-gatekeeper-bypass'
export const BYPASS_PARAMETER = 'version-gatekeeper-bypass'

/** Whether a request asks to go to the network as if there were no service worker. */
export function isBypassed(request: Request, url: URL): boolean {
  return request.headers.has(BYPASS_HEADER) || url.searchParams.has(BYPASS_PARAMETER)
}

/** A match callback that never matches a request asking to bypass the worker. */
export function unlessBypassed(match: RouteMatchCallback): RouteMatchCallback {
  return (options) => !isBypassed(options.request, options.url) && match(options)
}

/** What a fail-open handler gets: the request, its event, and the one network request it may make. */
interface HandlerContext {
  request: Request
  event: FetchEvent
  /** Fetches the request once; later calls return the same promise. */
  network(): Promise<Response>
}

/**
 * Wraps a handler so that any error of the gatekeeper's own hands the request to the network: the site then
 * behaves as if there were no service worker. The network is asked at most once per request, so a failure of
 * the network itself is passed on, not retried.
 */
export function failOpen(
  handle: (context: HandlerContext) => Promise<Response>,
  goToNetwork: (request: Request) => Promise<Response> = (request) => fetch(request),
): RouteHandlerCallback {
  return async ({ request, event }) => {
    let pending: Promise<Response> | undefined
    const network = () => (pending ??= goToNetwork(request))
    try {
      return await handle({ request, event: event as FetchEvent, network })
    } catch (error) {
      if (!pending) logError('passing a request to the network after an error', error)
      return network()
    }
  }
}

/** Page loads: GET navigations. */
export const matchDocument: RouteMatchCallback = ({ request }) =>
  request.mode === 'navigate' && request.method === 'GET'

/**
 * Documents go to the host with revalidation (`no-cache`): an index.html that lingers in the HTTP cache would start
 * the tab on a deployment whose files may be gone. When the host cannot be reached at all (offline, refused, DNS),
 * the reader gets the newest deployment's fallback page in their language, with status 503. A fallback page this
 * worker keeps (where the bootstrap sends a page whose app could not start) comes from the cache.
 */
export function handleDocument(gatekeeper: Gatekeeper): RouteHandlerCallback {
  return failOpen(
    async ({ request, event, network }) => {
      const kept = await gatekeeper.deployments.keptFallbackPage(request.url)
      if (kept) return kept
      const languages = gatekeeper.languagesOf(request)
      try {
        const response = await network()
        // The readers' own languages, as their documents ask for them: keep the fallback page they would need.
        event.waitUntil(gatekeeper.deployments.keepFallbackPageFor(languages).catch(() => undefined))
        return response
      } catch (unreachable) {
        const page = await gatekeeper.fallbackPage(languages)
        if (!page) throw unreachable
        return new Response(page.body, { status: 503, statusText: 'Service Unavailable', headers: page.headers })
      }
    },
    (request) => fetch(request, { cache: 'no-cache' }),
  )
}

/** The fallback page's stable address under the scope, for the page's bootstrap: `__version-gatekeeper/fallback`. */
export function matchFallbackRoute(scope: string): RouteMatchCallback {
  const route = new URL(FALLBACK_ROUTE, scope).pathname
  return ({ url, sameOrigin, request }) => sameOrigin && url.pathname === route && request.method === 'GET'
}

/**
 * A fallback page: of the deployment `?version=` names when kept, else of the newest; in the language of `?lang=`,
 * else of the request's Accept-Language. When none is kept yet, the host's copy of the newest deployment's page in
 * that language, with the same query (the page's script reads `from` there too).
 */
export function handleFallbackRoute(gatekeeper: Gatekeeper): RouteHandlerCallback {
  return failOpen(async ({ request }) => {
    const url = new URL(request.url)
    const requested = url.searchParams.get('lang')
    const languages = requested ? parseAcceptLanguage(requested) : gatekeeper.languagesOf(request)
    const page = await gatekeeper.fallbackPage(languages, url.searchParams.get('version'))
    if (page) return page
    const onHost = await gatekeeper.deployments.fallbackPageUrl(languages)
    return onHost
      ? Response.redirect(onHost + url.search, 302)
      : new Response('No fallback page is known yet.', { status: 404, headers: { 'content-type': 'text/plain' } })
  })
}

/** Same-origin GETs of the kinds of files Vite hashes (scripts, styles, fonts, images, workers); never ranges. */
export const matchVersionedFile: RouteMatchCallback = ({ request, sameOrigin }) =>
  sameOrigin &&
  request.method === 'GET' &&
  VERSIONED_DESTINATIONS.has(request.destination) &&
  !request.headers.has('range')

/**
 * A deployment's hashed files are immutable: served from that deployment's cache when kept there, else fetched
 * and kept. Every response from the host is also read for a sign that the tab's deployment is gone.
 */
export function handleVersionedFile(gatekeeper: Gatekeeper, storage: Storage): RouteHandlerCallback {
  const { deployments } = gatekeeper
  return failOpen(async ({ request, event, network }) => {
    const versions = await deployments.versionsListing(request.url)
    for (const version of versions) {
      const kept = await storage.matchFile(version, request)
      if (!kept) continue
      // The host was not asked: make sure, in the background, that this deployment is still the one it serves.
      if (event.clientId) event.waitUntil(gatekeeper.revalidate(request.url, request.destination, event.clientId).catch(() => undefined))
      return kept
    }
    const response = await network()
    const requestFacts = {
      destination: request.destination,
      versioned: versions.length > 0 || (await deployments.isVersionedAsset(request.url)),
    }
    const responseFacts = { status: response.status, contentType: response.headers.get('content-type'), type: response.type }
    if (classifyResponse(requestFacts, responseFacts) === 'version-gone') {
      // The answer goes out at once: the tab's runtime sends it to its destination when its import fails.
      event.waitUntil(gatekeeper.suspectNewDeployment().catch((error) => logError('confirming a deployment', error)))
    } else if (versions[0] && isCacheable(requestFacts, responseFacts)) {
      event.waitUntil(deployments.putFile(versions[0], request, response.clone()).catch((error) => logError('caching a file', error)))
    }
    return response
  })
}

/** The state page's address under the scope: `__version-gatekeeper/state`. */
export function matchStateRoute(scope: string): RouteMatchCallback {
  const route = new URL(STATE_ROUTE, scope).pathname
  return ({ url, sameOrigin, request }) => sameOrigin && url.pathname === route && request.method === 'GET'
}

/** What the worker knows, as JSON (see report.ts); never stored by any cache. */
export function handleStateRoute(gatekeeper: Gatekeeper): RouteHandlerCallback {
  return failOpen(async () =>
    new Response(`${JSON.stringify(await gatekeeper.report(), null, 2)}\n`, {
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    }),
  )
}
