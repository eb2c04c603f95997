/**
 * The requests the gatekeeper answers, as workbox-routing routes. Only two kinds: documents (revalidated with the
 * host) and the app's versioned files (served from their deployment's cache, and read for signs of a deployment).
 * Every other request gets no route, so the browser handles it as if there were no service worker.
 */
import type { RouteHandlerCallback, RouteMatchCallback } from 'workbox-core/types.js'
import { classifyResponse, isCacheable, VERSIONED_DESTINATIONS } from './classify.js'
import type { Gatekeeper } from './gatekeeper.js'
import { logError } from './log.js'
import type { CacheNames } from './storage.js'

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
 * the tab on a deployment whose files may be gone.
 */
export function handleDocument(): RouteHandlerCallback {
  return failOpen(
    ({ network }) => network(),
    (request) => fetch(request, { cache: 'no-cache' }),
  )
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
export function handleVersionedFile(gatekeeper: Gatekeeper, names: CacheNames): RouteHandlerCallback {
  return failOpen(async ({ request, event, network }) => {
    const versions = await gatekeeper.versionsListing(request.url)
    for (const version of versions) {
      const kept = await caches.match(request, { cacheName: names.forVersion(version) })
      if (kept) return kept
    }
    const response = await network()
    const requestFacts = {
      destination: request.destination,
      versioned: versions.length > 0 || (await gatekeeper.isVersionedAsset(request.url)),
    }
    const responseFacts = { status: response.status, contentType: response.headers.get('content-type'), type: response.type }
    if (classifyResponse(requestFacts, responseFacts) === 'version-gone') {
      event.waitUntil(gatekeeper.suspectNewDeployment().catch((error) => logError('confirming a deployment', error)))
    } else if (versions[0] && isCacheable(requestFacts, responseFacts)) {
      const copy = response.clone()
      const cacheName = names.forVersion(versions[0])
      event.waitUntil(caches.open(cacheName).then((cache) => cache.put(request, copy)).catch((error) => logError('caching a file', error)))
    }
    return response
  })
}
