/**
 * The inline bootstrap: it watches the app's entry scripts and, when they cannot run (blocked, a 5xx, HTML served
 * for JavaScript, or nothing within the timeout), first reloads the document once (its HTML may name files of a
 * deployment that is gone), then replaces the page with the fallback page of its deployment. Once the fallback
 * shows, nothing reloads until the user asks to or the browser comes back online.
 */
import { FALLBACK_ROUTE } from '../channel/protocol.js'
import { chooseLocale } from '../manifest/locale.js'
import type { RuntimeConfig } from './config.js'
import type { LoopGuard } from './loop-guard.js'

/** Starts watching the entry scripts of this document. */
export function watchEntry(config: RuntimeConfig, guard: LoopGuard): void {
  const entries = config.entry.map((path) => new URL(path, location.href).href)
  const isEntry = (target: EventTarget | null) => target instanceof HTMLScriptElement && entries.includes(target.src)
  let settled = !entries.length
  const fail = () => {
    if (settled) return
    settled = true
    // Offline, a reload would only trade the page for the browser's own error page.
    if (navigator.onLine && guard.recordLeave()) location.reload()
    else void showFallback(config)
  }
  // A document that is being left aborts its loads, and Firefox reports those as script errors.
  addEventListener('pagehide', () => (settled = true))
  addEventListener('beforeunload', () => (settled = true))
  // Script load events reach the document but not the window (the DOM spec keeps element loads off window).
  document.addEventListener('load', (event) => isEntry(event.target) && (settled = true), true)
  addEventListener('error', (event) => isEntry(event.target) && fail(), true)
  setTimeout(fail, config.entryTimeoutMs)
}

/**
 * Replaces this document with the fallback page: from the service worker (its cache, in the browser's language)
 * when one controls the page, else from the host. The page keeps its address, so retrying reloads the app.
 */
async function showFallback(config: RuntimeConfig): Promise<void> {
  const { prefix, locales, defaultLocale } = config.fallback
  const sources = [prefix + chooseLocale(navigator.languages, locales, defaultLocale) + '.html']
  if (navigator.serviceWorker?.controller) {
    sources.unshift(`${new URL(FALLBACK_ROUTE, new URL(config.scope, location.href)).href}?version=${config.tab.version}`)
  }
  for (const source of sources) {
    try {
      const page = new DOMParser().parseFromString(await (await fetch(source)).text(), 'text/html').documentElement
      // An SPA host answers a missing page with index.html: only the fallback page itself will do.
      if (!page.hasAttribute('data-gatekeeper-fallback')) continue
      document.documentElement.replaceWith(page)
      break
    } catch {
      // Try the next source.
    }
  }
  // As the fallback page itself does: a second after the connection returns, when it carries traffic.
  addEventListener('online', () => setTimeout(() => location.reload(), 1000))
}
