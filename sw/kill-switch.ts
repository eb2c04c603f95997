/**
 * The kill switch: the service worker the plugin builds with `killSwitch: true`, for a site that must lose the
 * gatekeeper. It takes over at once, deletes every cache and record the gatekeeper made under its scope, and
 * unregisters itself. It has no fetch handler, so the tabs it still controls until they navigate fetch from the
 * network as if there were no service worker: they keep working.
 */
import { cacheNames } from './storage.js'

declare const self: ServiceWorkerGlobalScope

self.addEventListener('install', () => void self.skipWaiting())
self.addEventListener('activate', (event) => {
  const names = cacheNames(self.registration.scope)
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter(names.owns).map((name) => caches.delete(name))))
      .then(() => self.registration.unregister()),
  )
})
