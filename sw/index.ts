/**
 * `version-gatekeeper/sw`: the gatekeeper for a service worker, built into the sw.js the plugin emits, and usable
 * in a project's own service worker (`addVersionGatekeeper()` at the top, before its own routes).
 */
import { Route, Router } from 'workbox-routing'
import { channelName, readTabMessage } from '../channel/protocol.js'
import { MANIFEST_FILE } from '../manifest/manifest.js'
import { createGatekeeper, type Gatekeeper } from './gatekeeper.js'
import { logError, recordErrorsWith } from './log.js'
import {
  handleDocument,
  handleFallbackRoute,
  handleStateRoute,
  handleVersionedFile,
  matchDocument,
  matchFallbackRoute,
  matchStateRoute,
  matchVersionedFile,
  unlessBypassed,
} from './routes.js'
import { cacheStorage } from './storage.js'

declare const self: ServiceWorkerGlobalScope

export type { Gatekeeper } from './gatekeeper.js'
export type { StateReport } from './report.js'

/**
 * Adds the gatekeeper to this service worker: its routes (documents, versioned files, its fallback and state
 * pages), its answer to the tabs' messages, a first read of the host's manifest at install, and the removal of
 * unused deployments' caches. Call once, at the top level of the worker script, before any other fetch handler
 * (workbox-precaching's `precacheAndRoute`, `registerRoute`): a request the gatekeeper answers reaches no later
 * handler, and one it does not answer goes on to them untouched.
 */
export function addVersionGatekeeper(): Gatekeeper {
  const scope = self.registration.scope
  const manifestUrl = new URL(MANIFEST_FILE, self.location.href).href
  const storage = cacheStorage(caches, scope, manifestUrl)
  const gatekeeper = createGatekeeper({
    scope,
    manifestUrl,
    fetch: (input, init) => fetch(input, init),
    storage,
    openTabIds: async () => new Set((await self.clients.matchAll({ type: 'window', includeUncontrolled: true })).map((tab) => tab.id)),
    broadcast(message) {
      const channel = new BroadcastChannel(channelName(new URL(scope).pathname))
      channel.postMessage(message)
      channel.close()
    },
    updateRegistration() {
      self.registration.update().catch(() => undefined) // a failed update check is retried by the browser itself
    },
    async removeGatekeeper() {
      await storage.removeAll()
      await self.registration.unregister()
    },
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    languages: () => navigator.languages,
  })

  recordErrorsWith(gatekeeper.note)
  // A router of its own, not workbox-routing's shared default one: a worker that imports the gatekeeper as a
  // separate script (vite-plugin-pwa's generateSW) has a second copy of workbox-routing with a router of its own.
  const router = new Router()
  let answeredFirstReported = false
  router.registerRoute(new Route(unlessBypassed(matchStateRoute(scope)), handleStateRoute(gatekeeper)))
  router.registerRoute(new Route(unlessBypassed(matchFallbackRoute(scope)), handleFallbackRoute(gatekeeper)))
  router.registerRoute(new Route(unlessBypassed(matchDocument), handleDocument(gatekeeper)))
  router.registerRoute(new Route(unlessBypassed(matchVersionedFile), handleVersionedFile(gatekeeper, storage)))
  self.addEventListener('fetch', (event) => {
    const response = router.handleRequest({ request: event.request, event })
    if (!response) return
    try {
      event.respondWith(response)
    } catch (error) {
      // Another fetch listener, added before this one, answered first: the gatekeeper then sees nothing of it.
      if (!answeredFirstReported) logError(ANSWERED_FIRST, error)
      answeredFirstReported = true
      return
    }
    // Every router calls respondWith for a request it matches, and a second call throws: later ones must not run.
    event.stopImmediatePropagation()
  })

  const tidy = () => gatekeeper.tidy().catch((error) => logError('removing unused deployments', error))
  self.addEventListener('install', (event) => event.waitUntil(gatekeeper.learnCurrentDeployment()))
  self.addEventListener('activate', (event) => event.waitUntil(tidy()))
  self.addEventListener('message', (event) => {
    const message = readTabMessage(event.data)
    const tab = event.source
    if (!message || !(tab instanceof Client)) return
    // The answer goes to the asking tab alone: on the channel it would reach every tab, and a page entering the
    // back/forward cache at that moment is evicted by it in Firefox (seen in its SHIPBFCache log as NOT_ALLOWED).
    event.waitUntil(
      gatekeeper
        .answer(tab.id, message)
        .then((reply) => tab.postMessage(reply))
        .then(() => gatekeeper.deployments.keepFallbackPageFor(message.languages ?? []))
        .then(tidy)
        .catch((error) => logError('answering a tab', error)),
    )
  })
  return gatekeeper
}

const ANSWERED_FIRST =
  'answering a request another fetch handler had answered first (call addVersionGatekeeper() before ' +
  'precacheAndRoute(), registerRoute() or a fetch listener of your own)'
