/**
 * The script of the fallback page itself (not of the app's pages): the build writes its source into every fallback
 * page, so it must be self-contained (`Function.prototype.toString` carries no imports).
 */

/**
 * Runs in a fallback page. Served as a file, the page first moves once to the reader's language when the build has
 * a page for it (`choose` is the same negotiation the service worker applies to Accept-Language). Shown in place of
 * an app page that could not start (`?from=`), it puts that page's address back, so that retrying, or reloading,
 * loads the app again. And a second after the browser comes back online, it retries by itself.
 */
export function startFallbackPage(
  choose: (requested: readonly string[], available: readonly string[], defaultLocale: string) => string,
  locales: readonly string[],
  defaultLocale: string,
): void {
  const query = new URLSearchParams(location.search)
  const here = document.documentElement.lang
  const best = choose(navigator.languages, locales, defaultLocale)
  const file = `.${here}.html`
  if (best !== here && location.pathname.endsWith(file) && !query.has('lang')) {
    location.replace(`${location.pathname.slice(0, -file.length)}.${best}.html${location.search || '?'}&lang`)
    return
  }
  const from = query.get('from')
  try {
    if (from) history.replaceState(null, '', from) // throws for another origin: then the address stays
  } catch {
    // The address stays the fallback page's.
  }
  // A connection reports "online" before it carries traffic (Wi-Fi association, DHCP, a captive portal): retrying a
  // second later keeps the retry from failing into this same page.
  addEventListener('online', () => setTimeout(() => location.reload(), 1000))
}
