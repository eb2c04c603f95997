/**
 * The gatekeeper in `vite dev`: no service worker, no runtime (a worker could serve stale files into the dev
 * server), but the fallback page can be previewed at `/__version-gatekeeper/fallback?lang=de`.
 */
import type { Plugin } from 'vite'
import { FALLBACK_ROUTE } from '../channel/protocol.js'
import { chooseLocale, parseAcceptLanguage } from '../manifest/locale.js'
import { fallbackPolicy, renderFallbackPage } from './fallback-page.js'
import type { ResolvedOptions } from './options.js'

/** The version the preview shows: there is no deployment in the dev server. */
const PREVIEW_VERSION = 'dev'

/** Serves the fallback page preview in the dev server. */
export function fallbackPreview(settings: ResolvedOptions['fallback']): Plugin {
  return {
    name: 'version-gatekeeper:fallback-preview',
    apply: 'serve',
    configureServer(server) {
      const route = server.config.base + FALLBACK_ROUTE
      server.middlewares.use((request, response, next) => {
        const url = new URL(request.url ?? '/', 'http://dev.invalid')
        if (url.pathname !== route) return next()
        const languages = parseAcceptLanguage(url.searchParams.get('lang') ?? request.headers['accept-language'])
        const locale = chooseLocale(languages, Object.keys(settings.messages), settings.defaultLocale)
        const html = renderFallbackPage(PREVIEW_VERSION, locale, settings.messages[locale]!, settings.template)
        response.setHeader('content-type', 'text/html; charset=utf-8')
        response.setHeader('cache-control', 'no-store')
        response.setHeader('content-security-policy', fallbackPolicy([html]))
        response.end(html)
      })
    },
  }
}
