/**
 * The in-page runtime, inlined into index.html before any app script runs. It watches the app's entry scripts,
 * registers the service worker, learns from it when a newer deployment exists, and then turns the user's next
 * navigation into a full document load of the destination, whatever router the app uses. It never reloads a tab
 * whose user did not navigate. Every byte here is paid by every visitor, so it stays small: decisions live in
 * navigation.ts and loop-guard.ts.
 */
import { announcedVersion, channelName, PROTOCOL_SCHEMA, type TabMessage } from '../channel/protocol.js'
import { isNewer, type VersionStamp } from '../manifest/manifest.js'
import { DEFAULT_CHECK_INTERVAL_MS, HANDLE_KEY, SW_FILE, type RuntimeConfig, type RuntimeHandle } from './config.js'
import { watchEntry } from './entry-watch.js'
import { FROZEN_MS, freezeView } from './freeze.js'
import { openLoopGuard } from './loop-guard.js'
import { clickDestination, isRouteChange, routeOf } from './navigation.js'

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

/** Between closing the channel and starting a document load: see `depart`. */
export const CHANNEL_SETTLE_MS = 50

/**
 * True only in the dev server's bundle (app-runtime/dev.ts, see scripts/build-scripts.mjs), where there is no
 * deployment to watch the entry of and no service worker to register. A build-time constant: the inline runtime's
 * bundle is built with it false, so its bytes do not change.
 */
declare const __VERSION_GATEKEEPER_DEV__: boolean

/** Starts the runtime for the document described by `config`. Where service workers are missing, only the entry watch runs. */
export function startRuntime(config: RuntimeConfig): void {
  const { tab, base, checkIntervalMs = DEFAULT_CHECK_INTERVAL_MS } = config
  const guard = openLoopGuard(tab.version)
  // In the dev server an entry that fails is Vite's error overlay to show, not a deployment gone.
  if (!__VERSION_GATEKEEPER_DEV__) watchEntry(config, guard)

  const container = navigator.serviceWorker
  let newest: VersionStamp | undefined
  ;(window as unknown as Record<symbol, RuntimeHandle>)[Symbol.for(HANDLE_KEY)] = { tab, base, newest: () => newest }
  if (!container) return

  const armed = () => !!newest && !guard.bounced
  // What the worker says: a new deployment on the channel (to every tab), its answer to a CHECK to this tab alone.
  const hear = ({ data }: MessageEvent) => {
    const stamp = announcedVersion(data)
    if (stamp && isNewer(stamp, newest ?? tab)) newest = stamp
    if (typeof data?.checkedAt === 'number') lastCheck = data.checkedAt
  }
  // The channel is closed while the page may sit in the back/forward cache, where a message evicts it (Chrome's
  // notRestoredReasons say "broadcastchannel-message"), and while the tab leaves (see `depart`).
  let channel: BroadcastChannel | undefined
  let leaving = false
  // The tab stays in this document: it started, it is back from the back/forward cache, or a load the runtime
  // started never replaced it. It listens, and it may leave.
  const stay = () => {
    leaving = false
    channel ??= new BroadcastChannel(channelName(base))
    channel.onmessage = hear
  }
  const deafen = () => {
    channel?.close()
    channel = undefined
  }
  stay()
  addEventListener('pagehide', (event) => event.persisted && deafen())
  container.addEventListener('message', hear)

  let lastCheck = Date.now()
  const check = (maxAgeMs: number) => {
    lastCheck = Date.now()
    container.ready.then((registration) =>
      registration.active?.postMessage({ type: 'CHECK', schema: PROTOCOL_SCHEMA, tab, maxAgeMs, languages: navigator.languages } satisfies TabMessage),
    )
  }
  // A worker in the dev server could serve stale files into it; a project with its own worker registers that one.
  if (!__VERSION_GATEKEEPER_DEV__ && config.register !== false) {
    // Its scope is the folder of its script, `base`: the default.
    addEventListener('load', () => {
      container.register(base + SW_FILE, { updateViaCache: 'none' }).catch((error: unknown) => console.warn('[version-gatekeeper]', error))
    })
  }
  check(checkIntervalMs)
  // Messages are not kept for tabs that were not listening: a tab back from the background or from the
  // back/forward cache asks again.
  document.addEventListener('visibilitychange', () => !document.hidden && check(VISIBLE_CHECK_MAX_AGE_MS))
  addEventListener('pageshow', (event) => {
    if (event.persisted) {
      stay()
      check(VISIBLE_CHECK_MAX_AGE_MS)
    }
  })

  // Every navigation the user starts: remembered as the destination a failing chunk should lead to, turned into a
  // full document load when armed, and otherwise an occasion to ask for a check now and then.
  let intent: { url: URL; at: number } | undefined
  // A tab the runtime sends away stops listening first, not at pagehide: the worker's news of a deployment races
  // the very load it causes. Firefox evicts a page from its back/forward cache for a message that was on its way
  // when close() ran (BroadcastChannel::MessageReceived checks the window before the closed state:
  // https://searchfox.org/mozilla-central/source/dom/broadcastchannel/BroadcastChannel.cpp), so the load
  // starts CHANNEL_SETTLE_MS after close(), while the document is still current to drop such a message (a restore
  // into that page failed 4 times in 24 without the pause, 0 in 24 with it, in e2e/successive-deploys.spec.ts).
  // The view is frozen meanwhile. Should the load never replace the document (a download, a 204, a Stop), the tab
  // stays.
  const depart = () => {
    leaving = true
    deafen()
    setTimeout(stay, FROZEN_MS)
  }
  // A document load the runtime starts itself, once: the view freezes as a link click would leave it.
  const load = (start: () => void) => {
    if (leaving) return
    depart()
    freezeView()
    setTimeout(start, CHANNEL_SETTLE_MS)
  }
  // A chunk that cannot load during a navigation (a deployment removed it, or the host answered HTML): one full
  // document load to where the user was going, even when the router had not committed the URL yet. A failed chunk
  // is reason enough, with or without a known newer deployment; offline, a load would only bring the browser's
  // error page. Outside a navigation (a lazy part of the page), nothing reloads.
  // Where to is read as the load starts: a data router commits the URL of a navigation whose chunk failed right
  // after the failure (React Router 7 does, with its error as the state), and that push, heard during the pause,
  // names the destination of a programmatic navigation, which the intent before it (an earlier click) does not.
  // In an armed tab a chunk fails because its deployment is gone, navigation in sight or not: a router that loads
  // before it commits and never commits a failure (Vue Router 4's router.push from code) leaves no destination, and
  // the tab reloads where it is rather than show the router's error.
  function chunkFailed() {
    const recentIntent = () => (intent && Date.now() - intent.at < INTENT_WINDOW_MS ? intent.url : undefined)
    if ((recentIntent() || armed()) && navigator.onLine && guard.recordLeave()) {
      load(() => {
        const to = recentIntent()
        !to || routeOf(to) === routeOf(location) ? location.reload() : location.assign(to.href)
      })
    }
  }
  const leaves = (url: URL) => {
    intent = { url, at: Date.now() }
    if (armed()) return guard.recordLeave()
    if (Date.now() - lastCheck >= checkIntervalMs) check(checkIntervalMs)
    return false
  }

  // Link clicks, in the capture phase of the window: before any router's listener. When the tab leaves, no router
  // hears the click and the browser follows the link itself, as one document load.
  addEventListener(
    'click',
    (event) => {
      // The path, not the target: a link inside a shadow root is retargeted to its host by the time it reaches here.
      const link = event.composedPath().find((node) => (node as Element).matches?.('a,area'))
      const to = clickDestination(event, link as HTMLAnchorElement | undefined, location)
      if (to && leaves(to)) {
        // The browser follows the link at once (no pause here, as in `load`): the news that armed the tab is in,
        // and only another deployment within these milliseconds could race it.
        event.stopImmediatePropagation()
        depart()
      }
    },
    true,
  )

  // Every move of the URL within the document: the app's pushState and replaceState, and back and forward (popstate,
  // where the URL has already moved). `here` is where the document was before the move.
  let here = new URL(location.href)
  const moved = (replace: boolean) => {
    const from = here
    here = new URL(location.href)
    return isRouteChange(from, here, replace) && leaves(here)
  }

  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method]
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args)
      // The URL moves as the router asked, and then the document reloads it: a router that reloads the page by itself
      // when a chunk is missing (TanStack Router's lazyRouteComponent, once the push has started a load of the route
      // from the old build) then reloads the destination too, not the page the tab leaves.
      if (moved(method === 'replaceState')) load(() => location.reload())
    }
  }

  // Back and forward between entries of this document. Registered before the app's listeners, so when the tab leaves
  // no router renders the old route.
  addEventListener('popstate', (event) => {
    if (moved(false)) {
      event.stopImmediatePropagation()
      load(() => location.reload())
    }
  })

  // Routers built on the Navigation API intercept navigations to keep them in the document. While armed, this
  // listener (the first registered) keeps them from doing so, so the navigation stays a document load. Hash
  // changes stay theirs; for downloads and other origins, which no router can intercept, stopping is harmless.
  // A router on the Navigation API moves the URL without pushState: `here` is where navigate finds the document,
  // since navigate comes before every move of the URL (pushState, replaceState, an intercepted navigation, a hash,
  // back and forward: Chromium 156, Firefox 153). Not at navigatesuccess: for back and forward it comes before
  // popstate, which must still see the move, or an armed tab's back button stays in the old document.
  ;(window as { navigation?: EventTarget }).navigation?.addEventListener('navigate', (event) => {
    here = new URL(location.href)
    if (armed() && !(event as Event & { hashChange: boolean }).hashChange) event.stopImmediatePropagation()
  })

  // Vite's preload helper reports every failed dynamic import and every CSS file of a lazy chunk here, before the
  // failure reaches the router: the view freezes and the tab leaves, so the router's error renders out of sight.
  // (The failed request is over by then: Firefox keeps no document that leaves with a request in flight.)
  addEventListener('vite:preloadError', () => chunkFailed())
}
