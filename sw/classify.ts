/**
 * What a response to one of the app's own files says about the deployment the tab runs. Plain functions over
 * plain facts, so every rule is tested without a service worker.
 */

/** Destinations whose files Vite emits with a content hash, and so the only requests the gatekeeper looks at. */
export const VERSIONED_DESTINATIONS: ReadonlySet<string> = new Set(['script', 'style', 'font', 'image', 'worker'])

// Code must never arrive as HTML; an SPA host that rewrites every missing path to index.html does exactly that.
const CODE_DESTINATIONS: ReadonlySet<string> = new Set(['script', 'style', 'worker'])

/** The facts about a request that the verdict depends on. */
export interface RequestFacts {
  destination: string
  /** The URL is one of a deployment's hashed files (listed in a manifest, or under its assets directory). */
  versioned: boolean
}

/** The facts about a response that the verdict depends on. */
export interface ResponseFacts {
  status: number
  contentType: string | null
  /** `Response.type`: only `basic` responses (same origin, readable) are cached. */
  type?: string
}

/**
 * - `version-gone`: the file of the tab's deployment is no longer there: a hashed file answered 404 or 410, or
 *   code answered HTML. A suspicion only; the manifest confirms or dismisses it.
 * - `transient`: the host is in trouble (5xx, 429). Not a deployment; nothing to do.
 * - `ok`: anything else.
 */
export type Verdict = 'version-gone' | 'transient' | 'ok'

/** Judges a response; see `Verdict`. A network error never reaches here: it is not a deployment either. */
export function classifyResponse(request: RequestFacts, response: ResponseFacts): Verdict {
  const code = CODE_DESTINATIONS.has(request.destination)
  if (response.status === 404 || response.status === 410) return request.versioned || code ? 'version-gone' : 'ok'
  if (response.status >= 500 || response.status === 429) return 'transient'
  if (code && response.status >= 200 && response.status < 300 && isHtml(response.contentType)) return 'version-gone'
  return 'ok'
}

/** Whether a response may be kept in a deployment's cache: a complete, same-origin 200 that is not HTML posing as code. */
export function isCacheable(request: RequestFacts, response: ResponseFacts): boolean {
  return response.status === 200 && response.type === 'basic' && classifyResponse(request, response) === 'ok'
}

function isHtml(contentType: string | null): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i.test(contentType ?? '')
}
