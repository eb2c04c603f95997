/**
 * The runtime in `vite dev`: the production runtime, built without its entry watch and its worker registration
 * (`__VERSION_GATEKEEPER_DEV__`), plus two things only the dev server needs. It removes a gatekeeper worker that an
 * earlier `vite preview` (or a build served on this origin) left registered, so no worker serves stale files into
 * the dev server. And it hears a simulated deployment from the dev server (a terminal shortcut or a POST) and posts
 * it on the BroadcastChannel as the worker would, so the tab arms exactly as in production: its next navigation is
 * a full document load. Served by the dev server as a module (build/dev-server.ts); never part of a build.
 */
import { channelName, DEV_EVENTS, type VersionChanged } from '../channel/protocol.js'
import { SW_FILE, type RuntimeConfig } from './config.js'
import { startRuntime } from './runtime.js'

/**
 * How long the kill switch may take to replace a leftover worker: an update check took up to 5.6 s here, and once
 * more than 15 s in a full CI run on two loaded cores. Only a slower removal leaves the caches behind.
 */
export const LEFTOVER_REMOVAL_MS = 30_000

/** The part of Vite's `import.meta.hot` the dev runtime uses. */
export interface DevHotContext {
  on(event: string, listener: (data: never) => void): void
}

/** Starts the runtime in a page of the dev server; `hot` is the page module's `import.meta.hot`. */
export function startDevRuntime(config: RuntimeConfig, hot: DevHotContext | undefined): void {
  removeLeftoverWorker(config.base).catch((error: unknown) => console.warn('[version-gatekeeper]', error))
  startRuntime(config)
  hot?.on(DEV_EVENTS.versionChanged, (message: VersionChanged) => {
    // Another BroadcastChannel object of the same name, in this very document, reaches the runtime's own.
    const channel = new BroadcastChannel(channelName(config.base))
    channel.postMessage(message)
    channel.close()
  })
}

/**
 * Replaces the gatekeeper's worker registered at `base`, if any, with the kill switch the dev server answers at
 * its address (build/dev-server.ts): the kill switch deletes the gatekeeper's caches of its scope and unregisters
 * itself. Other service workers are left alone. A page the old worker controlled reloads once the registration is
 * gone, so that it too is served by the dev server alone.
 */
async function removeLeftoverWorker(base: string): Promise<void> {
  const container = navigator.serviceWorker
  const scriptURL = new URL(base + SW_FILE, location.origin).href
  const registration = await container?.getRegistration(base)
  const worker = registration && (registration.active ?? registration.waiting ?? registration.installing)
  if (!registration || worker?.scriptURL !== scriptURL) return
  const controlled = container.controller?.scriptURL === scriptURL
  console.info('[version-gatekeeper] removing the service worker an earlier build left on this origin')
  // Firefox rejects the update ("the registration has been uninstalled since the update was scheduled") when the
  // kill switch unregisters before the update settles: what counts is below.
  await registration.update().catch(() => undefined)
  // The kill switch unregisters itself once it has deleted the caches, and an unregistered registration is no
  // longer returned (https://w3c.github.io/ServiceWorker/#navigator-service-worker-getRegistration). Should it not
  // get there (an update check can take seconds), the registration goes without it and its caches stay.
  const deadline = Date.now() + LEFTOVER_REMOVAL_MS
  while ((await container.getRegistration(base))?.scope === registration.scope) {
    if (Date.now() > deadline) {
      console.warn(`[version-gatekeeper] the old service worker did not remove itself; unregistered it, its caches stay`)
      await registration.unregister()
      break
    }
    await new Promise((done) => setTimeout(done, 100))
  }
  if (controlled) location.reload()
}
