/**
 * The service worker the plugin builds into sw.js. It holds no version of its own: deployments are learned from
 * deploy-manifest.json, so this file changes only when the gatekeeper does, and a deployment never waits on a
 * service worker update. A new sw.js (a gatekeeper upgrade) takes over at once: it reads the same records, so the
 * tabs the old one controlled keep working.
 */
import { clientsClaim } from 'workbox-core'
import { readTabMessage } from '../channel/protocol.js'
import { addVersionGatekeeper } from './index.js'

declare const self: ServiceWorkerGlobalScope

addVersionGatekeeper()
self.addEventListener('install', () => void self.skipWaiting())
clientsClaim()
// A tab whose document was still loading while this worker activated was no client yet, so the claim at activation
// missed it and it would stay uncontrolled until its next load. Its first CHECK comes once it runs: claim it then.
self.addEventListener('message', (event) => {
  if (readTabMessage(event.data)) event.waitUntil(self.clients.claim())
})
