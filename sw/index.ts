/**
 * `version-gatekeeper/sw`: the gatekeeper for a service worker, built into the sw.js the plugin emits, and usable
 * in a project's own service worker (`addVersionGatekeeper()` at the top, before its own routes).
 */
import { registerRoute } from 'workbox-routing'
import { channelName, readTabMessage } from '../channel/protocol.js'
import { MANIFEST_FILE } from '../manifest/manifest.js'
import { createGatekeeper, type Gatekeeper } from './gatekeeper.js'
import { logError } from './log.js'
import {
  handleDocument,
  handleFallbackRoute,
  handleVersionedFile,
  matchDocument,
  matchFallbackRoute,
  matchVersionedFile,
} from './routes.js'
import { cacheStorage } from './storage.js'

declare const self: ServiceWorkerGlobalScope

export type { Gatekeeper } from './gatekeeper.js'

/**
 * Adds the gatekeeper to this service worker: its routes (documents, versioned files), its answer to the tabs'
 * messages, and a first read of the host's manifest at install. Routes registered earlier keep precedence
 * (workbox-routing: the first matching route wins). Call once, at the top level of the worker script.
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
    now: Date.now,
  })

  registerRoute(matchFallbackRoute(scope), handleFallbackRoute(gatekeeper))
  registerRoute(matchDocument, handleDocument(gatekeeper))
  registerRoute(matchVersionedFile, handleVersionedFile(gatekeeper, storage))

  self.addEventListener('install', (event) => event.waitUntil(gatekeeper.learnCurrentDeployment()))
  self.addEventListener('message', (event) => {
    const message = readTabMessage(event.data)
    const tab = event.source
    if (!message || !(tab instanceof Client)) return
    event.waitUntil(
      gatekeeper
        .answer(tab.id, message)
        .then((reply) => tab.postMessage(reply))
        .catch((error) => logError('answering a tab', error)),
    )
  })
  return gatekeeper
}
