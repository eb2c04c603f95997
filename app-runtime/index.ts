/**
 * `version-gatekeeper/runtime`: what an app may want to know from the gatekeeper. Everything here reads the
 * runtime that the build inlined into index.html; on a page without it (the dev server, a test renderer) the
 * functions answer `undefined` and subscriptions never fire.
 */
import type { VersionStamp } from '../manifest/manifest.js'
import { HANDLE_KEY, type RuntimeHandle } from './config.js'

export type { VersionStamp } from '../manifest/manifest.js'

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
 * Calls `listener` when a newer deployment becomes known (at once if one already is). Returns the function that
 * ends the subscription. The gatekeeper already moves the tab at its next navigation; use this to show a hint or
 * to save a draft, never to reload.
 */
export function onNewerVersion(listener: (newest: VersionStamp) => void): () => void {
  const runtime = handle()
  if (!runtime) return () => {}
  runtime.listeners.add(listener)
  const known = runtime.newest()
  if (known) listener(known)
  return () => runtime.listeners.delete(listener)
}
