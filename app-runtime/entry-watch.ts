/**
 * The inline bootstrap: it watches the app's entry scripts and, when they cannot run (blocked, a 5xx, HTML served
 * for JavaScript, or nothing within the timeout), first reloads the document once (its HTML may name files of a
 * deployment that is gone), then shows the fallback page of its deployment. Once the fallback shows, nothing
 * reloads until the user asks to or the browser comes back online (the fallback page's own script sees to that).
 */
import { DEFAULT_ENTRY_TIMEOUT_MS, type RuntimeConfig } from './config.js'
import type { LoopGuard } from './loop-guard.js'

/** Starts watching the entry scripts of this document. */
export function watchEntry({ entryTimeoutMs = DEFAULT_ENTRY_TIMEOUT_MS, fallback }: RuntimeConfig, guard: LoopGuard): void {
  let settled = false
  const fail = () => {
    if (settled) return
    settled = true
    // Offline, a reload would only trade the page for the browser's own error page. The fallback page comes from
    // the service worker's cache when one controls the page, else from the host; it moves to the reader's language
    // and puts this page's address back (`from`), so retrying reloads the app.
    if (navigator.onLine && guard.recordLeave()) location.reload()
    else location.replace(`${fallback}?from=${encodeURIComponent(location.href)}`)
  }
  // A document that is being left aborts its loads, and Firefox reports those as script errors.
  addEventListener('beforeunload', () => (settled = true))
  // Both events reach the document in the capture phase; element loads never reach the window (DOM spec).
  for (const type of ['load', 'error']) {
    document.addEventListener(
      type,
      ({ target }) => {
        if (isEntryScript(target as Partial<HTMLScriptElement>)) type === 'load' ? (settled = true) : fail()
      },
      true,
    )
  }
  setTimeout(fail, entryTimeoutMs)
}

/**
 * Whether an element that loaded or failed is one of the app's entry scripts: a module script with a `src`, which
 * is what Vite writes into index.html for each entry. The HTML's are the only ones there are until an entry has run
 * (the runtime comes first in <head>, and module scripts wait for the end of parsing), and the first entry that
 * runs ends the watch.
 */
export function isEntryScript(element: Partial<Pick<HTMLScriptElement, 'type' | 'src'>>): boolean {
  return element.type === 'module' && !!element.src
}
