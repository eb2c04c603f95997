/**
 * Which navigations the gatekeeper may turn into a full document load. Plain functions over the few facts they
 * read; the runtime passes the DOM's own objects (a MouseEvent, an anchor, `location`), tests pass plain ones.
 */

/** The part of a URL a router renders: path and query. The hash only scrolls within the page. */
export function routeOf(url: Route): string {
  return url.pathname + url.search
}

/**
 * What the decision reads from a click: a `MouseEvent` has it. Whether the click was already handled does not
 * matter: the runtime's listener is the first of all, in the capture phase of the window.
 */
export interface Click {
  button: number
  metaKey: boolean
  ctrlKey: boolean
  shiftKey: boolean
  altKey: boolean
}

/**
 * What the decision reads from a link: an `HTMLAnchorElement` or `HTMLAreaElement` has it. The DOM resolves the
 * link's URL against the document's base and gives its parts (HTMLHyperlinkElementUtils); without an href, or with
 * one that does not parse, `origin` and `pathname` are ''.
 */
export interface Link extends Here {
  href: string
  target: string
  hasAttribute(name: string): boolean
}

/** What the decisions read of a URL: `location` or a URL has it. */
export type Route = { pathname: string; search: string }

/** Where the page is: `location` or a URL. */
export type Here = Route & { origin: string }

/**
 * Where a click will take this tab, or undefined when it is not a same-tab, same-origin navigation to another
 * document state: other buttons, modifier keys (new tab, new window, download), a link without href (its `href`
 * is ''), a `target` other than `_self`, `download`, other origins (mailto: and javascript: included), and in-page
 * links (`#section`, `href="#"`) are left to the browser.
 */
export function clickDestination(click: Click, link: Link | undefined, here: Here): URL | undefined {
  if (!link || click.button || click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return
  if (link.hasAttribute('download') || (link.target && link.target !== '_self')) return
  // An empty hash (href="#") is '' in the link's `hash` but still an in-page jump, hence the test on href.
  if (link.origin === here.origin && !(link.href.includes('#') && routeOf(link) === routeOf(here))) return new URL(link.href)
}

/**
 * Whether the URL of the document moving from `from` to `to` (a `history.pushState`, a `replaceState` when `replace`,
 * or back and forward) is a navigation. A move to another path or query is; a hash-only move is not; a replace that
 * keeps the path is not (routers replace the entry to store scroll positions or to mirror a filter in the query, and
 * that must never reload the page).
 */
export function isRouteChange(from: Route, to: Route, replace: boolean): boolean {
  return replace ? to.pathname !== from.pathname : routeOf(to) !== routeOf(from)
}
