/**
 * The gatekeeper in `vite dev`. No service worker: a worker could serve stale files into the dev server. Instead:
 * - every HTML page runs the in-page runtime (app-runtime/dev.ts), so a simulated deployment arms open tabs exactly
 *   as a real one does, and their next navigation is a full document load;
 * - a deployment is simulated by a terminal shortcut (`d + enter`) or a `POST` to `__version-gatekeeper/deploy`: both
 *   send the custom HMR event `version-gatekeeper:version-changed` to the pages;
 * - `sw.js` is answered with the kill switch, so a gatekeeper worker an earlier `vite preview` left on this origin
 *   replaces itself with one that deletes its caches and unregisters (the dev runtime asks for that update);
 * - the fallback page can be previewed at `__version-gatekeeper/fallback?lang=de`, and reloads when what it shows
 *   changes.
 */
import type { Plugin, ViteDevServer } from 'vite'
import { SW_FILE, type RuntimeConfig } from '../app-runtime/config.js'
import { DEV_DEPLOY_ROUTE, DEV_EVENTS, FALLBACK_ROUTE, PROTOCOL_SCHEMA, type VersionChanged } from '../channel/protocol.js'
import type { VersionStamp } from '../manifest/manifest.js'
import { chooseLocale, parseAcceptLanguage } from '../manifest/locale.js'
import { fallbackPolicy, renderFallbackPage } from './fallback-page.js'
import type { ResolvedOptions } from './options.js'
import { PREBUILT, readPrebuilt } from './prebuilt.js'

/** The plugin's name: other code finds its `api` by it. */
export const DEV_SERVER_PLUGIN = 'version-gatekeeper:dev-server'

/** The key of the terminal shortcut that simulates a deployment (`d + enter`); Vite's own are h, r, u, o, c, q. */
export const DEPLOY_SHORTCUT_KEY = 'd'

/** The version of the dev server's pages until the first simulated deployment; later ones are `dev-1`, `dev-2`… */
export const DEV_VERSION = 'dev'

/** What the dev server plugin offers other plugins and tests, as `plugin.api` (Vite's convention). */
export interface DevServerApi {
  /** The deployment the dev server's pages run now. */
  readonly current: VersionStamp
  /**
   * Simulates a deployment: the dev server's pages run a new version from now on, and every open page hears of it
   * as it would from the worker, so its next navigation is a full document load. Returns the message sent.
   */
  simulateDeploy(): VersionChanged
}

/** The module the dev server's pages load first: the dev runtime with this page's configuration. */
const RUNTIME_MODULE = 'virtual:version-gatekeeper/dev-runtime'
/** The prebuilt dev runtime (dist/app-runtime/dev.min.js), an ES module that exports `startDevRuntime`. */
const RUNTIME_BUNDLE_MODULE = 'virtual:version-gatekeeper/dev-runtime-bundle'
/** The fallback preview's own module: it reloads the preview when the page it shows changed. */
const PREVIEW_MODULE = 'virtual:version-gatekeeper/fallback-preview'

/** The gatekeeper's plugin for `vite dev`: see the top of this file. */
export function devServer(settings: ResolvedOptions['fallback'] & { checkIntervalMs: number }): Plugin<DevServerApi> {
  let base = '/'
  let current: VersionStamp = { version: DEV_VERSION, builtAt: new Date().toISOString() }
  let deploys = 0
  let server: ViteDevServer | undefined
  /** The fallback pages the preview served, by locale: what an open preview shows. */
  const previewed = new Map<string, string>()

  const renderPreview = (locale: string) =>
    renderFallbackPage(DEV_VERSION, locale, settings.messages[locale]!, settings.template) +
    `<script type="module" src="${base}@id/${PREVIEW_MODULE}"></script>\n`

  const api: DevServerApi = {
    get current() {
      return current
    },
    simulateDeploy() {
      deploys += 1
      // Later than the last one even within one millisecond: the runtime only moves to a later builtAt.
      const builtAt = new Date(Math.max(Date.now(), Date.parse(current.builtAt) + 1)).toISOString()
      const message: VersionChanged = {
        type: 'VERSION_CHANGED',
        schema: PROTOCOL_SCHEMA,
        from: current.version,
        to: { version: `${DEV_VERSION}-${deploys}`, builtAt },
      }
      current = message.to
      // Pages loaded from now on run the new version: Vite keeps a module's code until it is invalidated.
      const graph = server?.environments.client.moduleGraph
      const runtime = graph?.getModuleById(`\0${RUNTIME_MODULE}`)
      if (runtime) graph!.invalidateModule(runtime)
      server?.environments.client.hot.send({ type: 'custom', event: DEV_EVENTS.versionChanged, data: message })
      server?.config.logger.info(`version-gatekeeper: simulated a deployment of ${current.version}; open tabs load it at their next navigation`, {
        timestamp: true,
      })
      return message
    },
  }

  return {
    name: DEV_SERVER_PLUGIN,
    apply: 'serve',
    api,

    configResolved(config) {
      base = config.base
    },

    configureServer(devServer) {
      server = devServer
      const route = (path: string) => base + path
      devServer.middlewares.use((request, response, next) => {
        const url = new URL(request.url ?? '/', 'http://dev.invalid')
        if (url.pathname === route(SW_FILE)) {
          // The kill switch, so that a gatekeeper left by `vite preview` on this origin removes itself and its caches.
          response.setHeader('content-type', 'text/javascript; charset=utf-8')
          response.setHeader('cache-control', 'no-store')
          response.end(readPrebuilt(PREBUILT.killSwitch))
          return
        }
        if (url.pathname === route(DEV_DEPLOY_ROUTE)) {
          if (request.method !== 'POST') {
            response.statusCode = 405
            response.setHeader('allow', 'POST')
            response.end('POST here to simulate a deployment.\n')
            return
          }
          response.setHeader('content-type', 'application/json')
          response.setHeader('cache-control', 'no-store')
          response.end(JSON.stringify(api.simulateDeploy()))
          return
        }
        if (url.pathname === route(FALLBACK_ROUTE)) {
          const languages = parseAcceptLanguage(url.searchParams.get('lang') ?? request.headers['accept-language'])
          const locale = chooseLocale(languages, Object.keys(settings.messages), settings.defaultLocale)
          const html = renderPreview(locale)
          previewed.set(locale, html)
          response.setHeader('content-type', 'text/html; charset=utf-8')
          response.setHeader('cache-control', 'no-store')
          // The page's own policy, plus what the preview adds: its module and Vite's client, which connects to the
          // server over a WebSocket and, while the server is away, pings it from a worker it makes from a blob: URL.
          const devSources = { 'script-src': ["'self'"], 'connect-src': ["'self'", 'ws:', 'wss:'], 'worker-src': ['blob:'] }
          response.setHeader('content-security-policy', fallbackPolicy([html], devSources))
          response.end(html)
          return
        }
        next()
      })

      // Vite's CLI binds its shortcuts after the server listens, through this method: the deploy shortcut joins them.
      // (Binding our own from here would, on Vite 6, read the terminal twice.)
      const bindCLIShortcuts = devServer.bindCLIShortcuts.bind(devServer)
      devServer.bindCLIShortcuts = (options, ...rest) =>
        bindCLIShortcuts({ ...options, customShortcuts: [...(options?.customShortcuts ?? []), deployShortcut] }, ...rest)
    },

    resolveId(id) {
      if (id === RUNTIME_MODULE || id === RUNTIME_BUNDLE_MODULE || id === PREVIEW_MODULE) return `\0${id}`
    },

    load(id) {
      if (id === `\0${RUNTIME_BUNDLE_MODULE}`) return readPrebuilt(PREBUILT.devRuntime)
      if (id === `\0${RUNTIME_MODULE}`) {
        const config: RuntimeConfig = {
          tab: current,
          base,
          checkIntervalMs: settings.checkIntervalMs,
          entryTimeoutMs: settings.entryTimeoutMs,
          fallback: base + FALLBACK_ROUTE,
        }
        return `import { startDevRuntime } from '${RUNTIME_BUNDLE_MODULE}'\nstartDevRuntime(${JSON.stringify(config)}, import.meta.hot)\n`
      }
      if (id === `\0${PREVIEW_MODULE}`) {
        return `import.meta.hot?.on('${DEV_EVENTS.fallbackChanged}', () => location.reload())\n`
      }
    },

    transformIndexHtml: {
      order: 'pre',
      handler() {
        // A module, first in <head>: it runs before the app's entry modules, in document order. Vite puts `base` in
        // front of the address, as it does for the page's own scripts.
        return [{ tag: 'script', attrs: { type: 'module', src: `/@id/${RUNTIME_MODULE}` }, injectTo: 'head-prepend' }]
      },
    },

    applyToEnvironment: (environment) => environment.name === 'client',

    // A file changed that feeds the fallback page (a template that reads it, say): an open preview reloads. Changes
    // to vite.config.ts or what it imports restart the server instead, and Vite's client reloads the preview then.
    // The app's own update is left to Vite: a file that only the template reads is in no module graph, so nothing
    // else reloads for it (for an .html file, Vite reloads the pages at that path only).
    hotUpdate() {
      if (previewed.size === 0) return
      let changed = false
      for (const [locale, html] of previewed) {
        let now: string
        try {
          now = renderPreview(locale)
        } catch (error) {
          // A template mid-edit: the reloaded preview shows the error.
          now = String(error)
        }
        if (now !== html) {
          changed = true
          previewed.set(locale, now)
        }
      }
      if (changed) this.environment.hot.send({ type: 'custom', event: DEV_EVENTS.fallbackChanged })
    },
  }
}

/** The terminal shortcut that simulates a deployment. */
const deployShortcut = {
  key: DEPLOY_SHORTCUT_KEY,
  description: 'simulate a deployment (version-gatekeeper: open tabs load the page at their next navigation)',
  action(server: ViteDevServer) {
    // The server, not a closure: after a restart the shortcut is bound again with the new server's plugins.
    const plugin = server.config.plugins.find((candidate) => candidate.name === DEV_SERVER_PLUGIN) as Plugin<DevServerApi> | undefined
    plugin?.api?.simulateDeploy()
  },
}
