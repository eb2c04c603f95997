/**
 * `version-gatekeeper/runtime`: what an app may want to know from the gatekeeper. It reads the runtime that the
 * build inlined into index.html (in `vite dev`, the dev server's runtime) and listens where that runtime listens; on a
 * page without it (a test renderer) the functions answer `undefined` and subscriptions never fire. What is here costs the page
 * nothing unless the app imports it.
 */
import { announcedVersion, channelName, STATE_ROUTE } from '../channel/protocol.js'
import { isNewer, type VersionStamp } from '../manifest/manifest.js'
import type { StateReport } from '../sw/report.js'
import { HANDLE_KEY, type RuntimeHandle } from './config.js'

export type { VersionStamp } from '../manifest/manifest.js'
export type { StateReport } from '../sw/report.js'

function handle(): RuntimeHandle | undefined {
  return typeof window === 'undefined'
    ? undefined
    : (window as unknown as Record<symbol, RuntimeHandle | undefined>)[Symbol.for(HANDLE_KEY)]
}

/** The deployment this document runs. */
export function currentVersion(): VersionStamp | undefined {
  return handle()?.tab
}

/**
 * The newest deployment known to be newer than this document's, or undefined while there is none. Once set, the
 * tab's next navigation is a full document load into that deployment.
 */
export function newerVersion(): VersionStamp | undefined {
  return handle()?.newest()
}

/**
 * Calls `listener` when a newer deployment becomes known (at once if one already is), and again if an even newer
 * one follows. Returns the function that ends the subscription. The gatekeeper already moves the tab at its next
 * navigation; use this to show a hint or to save a draft, never to reload.
 */
export function onNewerVersion(listener: (newest: VersionStamp) => void): () => void {
  const runtime = handle()
  if (!runtime || typeof BroadcastChannel === 'undefined' || !navigator.serviceWorker) return () => {}
  let told: VersionStamp = runtime.tab
  const tell = (stamp: VersionStamp | undefined) => {
    if (stamp && isNewer(stamp, told)) listener((told = stamp))
  }
  // The same announcements the runtime hears: the worker's broadcasts, and its answers to the runtime's questions.
  const channel = new BroadcastChannel(channelName(runtime.base))
  const fromWorker = (event: MessageEvent) => tell(announcedVersion(event.data))
  channel.onmessage = fromWorker
  navigator.serviceWorker.addEventListener('message', fromWorker)
  tell(runtime.newest())
  return () => {
    channel.close()
    navigator.serviceWorker.removeEventListener('message', fromWorker)
  }
}

/**
 * What the service worker knows, as its state page (`__version-gatekeeper/state`) shows it: deployments kept, the
 * newest, tabs per version, the last check, cache names and sizes, recent events. Undefined without the runtime,
 * or when no gatekeeper worker answers.
 */
export async function getState(): Promise<StateReport | undefined> {
  const runtime = handle()
  if (!runtime) return undefined
  try {
    const response = await fetch(`${runtime.base}${STATE_ROUTE}`, { cache: 'no-store' })
    return response.ok && response.headers.get('content-type')?.startsWith('application/json') ? ((await response.json()) as StateReport) : undefined
  } catch {
    return undefined
  }
}
