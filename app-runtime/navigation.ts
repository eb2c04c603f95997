/**
 * Which navigations the gatekeeper may turn into a full document load. Plain functions over URLs and plain facts,
 * so they are tested without a browser; `runtime.ts` reads the facts off the DOM events.
 */

/** The part of a URL a router renders: path and query. The hash only scrolls within the page. */
export function routeOf(url: { pathname: string; search: string }): string {
  return url.pathname + url.search
}

/** What a click event says about the user's intent. */
export interface ClickFacts {
  button: number
  /** Any of Ctrl, Meta, Shift or Alt held: new tab, new window, download or the OS's own use. */
  modified: boolean
}

/** What the clicked `<a>` or `<area>` says, if the click landed on one. */
export interface LinkFacts {
  /** The link's resolved `href`. */
  href: string
  /** The `target` attribute, or null when absent. */
  target: string | null
  /** Whether the link carries a `download` attribute. */
  download: boolean
}

/**
 * Where a click will take this tab, or undefined when the click is not a same-tab, same-origin navigation to
 * another document state: other buttons, modifier keys, `target` other than `_self`, downloads, other origins and
 * in-page hash links are left to the browser.
 */
export function clickDestination(click: ClickFacts, link: LinkFacts | undefined, here: URL): URL | undefined {
  if (!link || click.button !== 0 || click.modified || link.download) return undefined
  if (link.target && link.target.toLowerCase() !== '_self') return undefined
  let to: URL
  try {
    to = new URL(link.href, here)
  } catch {
    return undefined
  }
  if (to.origin !== here.origin || !/^https?:$/.test(to.protocol)) return undefined
  // `href="#"` resolves to a URL with an empty hash ('' in `URL.hash`) and is still an in-page jump.
  if (to.href.includes('#') && routeOf(to) === routeOf(here)) return undefined
  return to
}

/**
 * Whether `history.pushState` or `replaceState` from `here` to `to` is a navigation. A push to another path or
 * query is; a hash-only change is not; a replace that keeps the path is not (routers replace the entry to store
 * scroll positions or to mirror a filter in the query, and that must never reload the page).
 */
export function isHistoryNavigation(method: 'pushState' | 'replaceState', here: URL, to: URL): boolean {
  if (to.origin !== here.origin) return false
  return method === 'pushState' ? routeOf(to) !== routeOf(here) : to.pathname !== here.pathname
}
