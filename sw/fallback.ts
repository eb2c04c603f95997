/**
 * The fallback pages in the service worker: kept in each deployment's cache with the headers they are served with,
 * and chosen for a reader by their languages. The page shows when a document cannot be fetched at all.
 */
import { isFallbackPage } from '../manifest/fallback-page.js'
import { chooseLocale } from '../manifest/locale.js'
import type { DeployManifest } from '../manifest/manifest.js'
import type { Storage } from './storage.js'

/**
 * The headers of a fallback page: HTML, a policy that allows its own inline script and styles and nothing else,
 * and never stored by the HTTP cache (the page stands in for whatever the address really holds).
 */
export function fallbackHeaders(contentSecurityPolicy: string): Headers {
  return new Headers({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  })
}

/**
 * The fallback pages a browser keeps of a deployment: the one for its languages and the default one. A browser's
 * languages rarely change, and the host serves every page; keeping all of them (19 built in) would cost each
 * browser some 50 KB per deployment for pages it never shows.
 */
export function pagesToKeep(manifest: DeployManifest, languages: readonly string[]): string[] {
  const { pages, defaultLocale } = manifest.fallback
  return [...new Set([pages[chooseLocale(languages, Object.keys(pages), defaultLocale)]!, pages[defaultLocale]!])]
}

/**
 * Fetches a deployment's fallback pages for a browser speaking `languages` into the deployment's cache. A page that
 * cannot be fetched is skipped: the fallback of an older deployment, or the default one, still stands in for it.
 */
export async function keepFallbackPages(
  manifest: DeployManifest,
  manifestUrl: string,
  storage: Storage,
  fetchPage: (url: string) => Promise<Response>,
  languages: readonly string[],
): Promise<void> {
  const headers = fallbackHeaders(manifest.fallback.contentSecurityPolicy)
  await Promise.all(
    pagesToKeep(manifest, languages).map(async (path) => {
      const url = new URL(path, manifestUrl).href
      try {
        if (await storage.matchFile(manifest.version, url)) return
        const response = await fetchPage(url)
        const html = response.ok ? await response.text() : ''
        if (isFallbackPage(html)) await storage.putFile(manifest.version, url, new Response(html, { headers }))
      } catch {
        // Offline or refused: the next deployment the worker learns brings its own pages.
      }
    }),
  )
}

/**
 * The best fallback page kept for a reader preferring `languages`: of the first of `manifests` (newest first) that
 * has one, in the reader's locale, else in that deployment's default locale. Undefined when none is kept.
 */
export async function findFallbackPage(
  manifests: readonly DeployManifest[],
  languages: readonly string[],
  manifestUrl: string,
  storage: Storage,
): Promise<Response | undefined> {
  for (const manifest of manifests) {
    const { pages, defaultLocale } = manifest.fallback
    const locale = chooseLocale(languages, Object.keys(pages), defaultLocale)
    for (const path of new Set([pages[locale], pages[defaultLocale]])) {
      const page = path && (await storage.matchFile(manifest.version, new URL(path, manifestUrl).href))
      if (page) return page
    }
  }
  return undefined
}
