/**
 * The in-page runtime, inlined into index.html before any app script runs. It registers the service worker,
 * learns from it when a newer deployment exists, and then turns the user's next navigation into a full document
 * load of the destination, whatever router the app uses. It never reloads a tab whose user did not navigate.
 * Every byte here is paid by every visitor, so it stays small: decisions live in navigation.ts and loop-guard.ts.
 */
import { announcedVersion, channelName, PROTOCOL_SCHEMA, type TabMessage } from '../channel/protocol.js'
import { isNewer, type VersionStamp } from '../manifest/manifest.js'
import { HANDLE_KEY, type RuntimeConfig, type RuntimeHandle } from './config.js'
import { isBounce, LEAVE_RECORD_KEY, parseLeaveRecord } from './loop-guard.js'
import { clickDestination, isHistoryNavigation, routeOf } from './navigation.js'

/**
 * A tab that became visible asks for an answer at most this old: tabs restored together (a window brought back)
 * then share one request, and a user flicking between tabs costs one small conditional request per 5 s at most.
 */
const VISIBLE_CHECK_MAX_AGE_MS = 5_000

/**
 * A chunk that fails this soon after a click or a history change belongs to that navigation. Lazy routes start
 * loading their chunk on the click; 10 s leaves room for a data router that awaits a slow loader first.
 */
const INTENT_WINDOW_MS = 10_000

/** Starts the runtime for the document described by `config`. Steps aside where service workers are missing. */
export function startRuntime(config: RuntimeConfig): void {
  const { tab, checkIntervalMs } = config
  const container = navigator.serviceWorker
  const listeners: RuntimeHandle['listeners'] = new Set()
  let newest: VersionStamp | undefined
  ;(window as unknown as Record<symbol, RuntimeHandle>)[Symbol.for(HANDLE_KEY)] = {
    tab,
    newest: () => newest,
    listeners,
  }
  if (!container) return

  // The loop guard. A tab whose storage fails cannot guard against loops, so it never starts a load: the
  // gatekeeper steps aside and the app runs as if it were not there.
  let bounced: boolean
  try {
    bounced = isBounce(parseLeaveRecord(sessionStorage.getItem(LEAVE_RECORD_KEY)), tab.version, Date.now())
  } catch {
    bounced = true
  }
  const armed = () => !!newest && !bounced
  /** Records that this tab leaves its version; false when that cannot be recorded (then it must not leave). */
  const recordLeave = () => {
    try {
      sessionStorage.setItem(LEAVE_RECORD_KEY, JSON.stringify({ version: tab.version, at: Date.now() }))
      return true
    } catch {
      return false
    }
  }
  /** A full document load of `url`, or of the current URL again when `url` is the same route. */
  const leave = (url: URL | Location) => {
    if (routeOf(url) === routeOf(location)) location.reload()
    else location.assign(url.href)
  }

  const learn = (data: unknown) => {
    const stamp = announcedVersion(data)
    if (stamp && isNewer(stamp, newest ?? tab)) {
      newest = stamp
      listeners.forEach((listener) => listener(stamp))
    }
  }
  new BroadcastChannel(channelName(new URL(config.scope, location.href).href)).onmessage = (event) => learn(event.data)
  container.addEventListener('message', (event) => learn(event.data))

  const tell = (message: TabMessage) => container.ready.then((registration) => registration.active?.postMessage(message))
  let lastCheck = Date.now()
  const check = (maxAgeMs: number) => {
    lastCheck = Date.now()
    tell({ type: 'CHECK', schema: PROTOCOL_SCHEMA, tab, maxAgeMs })
  }
  addEventListener('load', () => {
    container.register(config.sw, { scope: config.scope, updateViaCache: 'none' }).catch((error: unknown) => {
      console.warn('[version-gatekeeper] not registered:', error)
    })
  })
  tell({ type: 'HELLO', schema: PROTOCOL_SCHEMA, tab })
  // Messages are not kept for tabs that were not listening: a tab back from the background or from the
  // back/forward cache asks again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check(VISIBLE_CHECK_MAX_AGE_MS)
  })
  addEventListener('pageshow', (event) => {
    if (event.persisted) check(VISIBLE_CHECK_MAX_AGE_MS)
  })

  // Every navigation the user starts: remembered as the destination a failing chunk should lead to, turned into a
  // full document load when armed, and otherwise an occasion to ask for a check now and then.
  let intent: { url: URL; at: number } | undefined
  let here = routeOf(location)
  const navigating = (url: URL) => {
    intent = { url, at: Date.now() }
    if (armed()) return recordLeave()
    if (Date.now() - lastCheck >= checkIntervalMs) check(checkIntervalMs)
    return false
  }

  // Link clicks, in the capture phase of the window: before any router's listener. When the tab leaves, no router
  // hears the click and the browser follows the link itself, as one document load.
  addEventListener(
    'click',
    (event) => {
      const link = event.composedPath().find((node): node is HTMLAnchorElement | HTMLAreaElement =>
        node instanceof Element && node.matches('a[href],area[href]'),
      )
      const facts = link && { href: link.href, target: link.getAttribute('target'), download: link.hasAttribute('download') }
      const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey
      const to = clickDestination({ button: event.button, modified }, facts, new URL(location.href))
      if (to && !event.defaultPrevented && navigating(to)) event.stopImmediatePropagation()
    },
    true,
  )

  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method]
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const url = args[2]
      if (url != null) {
        const to = new URL(url, location.href)
        if (isHistoryNavigation(method, new URL(location.href), to) && navigating(to)) {
          return method === 'pushState' ? location.assign(to.href) : location.replace(to.href)
        }
      }
      original.apply(this, args)
      here = routeOf(location)
    }
  }

  // Back and forward between entries of this document. The URL has already changed; a hash-only move is not a
  // navigation. Registered before the app's listeners, so when the tab leaves no router renders the old route.
  addEventListener('popstate', (event) => {
    if (routeOf(location) === here) return
    here = routeOf(location)
    if (navigating(new URL(location.href))) {
      event.stopImmediatePropagation()
      location.reload()
    }
  })

  // Routers built on the Navigation API intercept navigations to keep them in the document. While armed, this
  // listener (the first registered) keeps them from doing so, so the navigation stays a document load.
  const navigation = (window as { navigation?: EventTarget }).navigation
  navigation?.addEventListener('navigate', (event) => {
    const navigate = event as Event & { hashChange: boolean; canIntercept: boolean; downloadRequest: string | null }
    if (armed() && navigate.canIntercept && !navigate.hashChange && navigate.downloadRequest === null) {
      event.stopImmediatePropagation()
    }
  })
  navigation?.addEventListener('navigatesuccess', () => {
    here = routeOf(location)
  })

  // A chunk that cannot load during a navigation (a deployment removed it, or the host answered HTML): one full
  // document load to where the user was going, even when the router had not committed the URL yet.
  // A failed chunk is reason enough to leave, with or without a known newer deployment; offline, a load would
  // only swap the app for the browser's error page.
  const chunkFailed = () => {
    if (intent && Date.now() - intent.at < INTENT_WINDOW_MS && navigator.onLine && !bounced && recordLeave()) {
      leave(intent.url)
    }
  }
  // Vite's preload helper reports every failed dynamic import and every CSS file of a lazy chunk here.
  addEventListener('vite:preloadError', chunkFailed)
}
