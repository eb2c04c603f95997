/**
 * The scripts scripts/build-scripts.mjs bundles when the package is built, and the one way the plugin reads them:
 * a missing file means an incomplete installation, and says so.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { errors } from './messages.js'

export const PREBUILT = {
  /** The inline runtime, with its configuration placeholder (build/runtime-script.ts). */
  inlineRuntime: new URL('../app-runtime/inline.min.js', import.meta.url),
  /** The dev server's runtime, an ES module that exports `startDevRuntime` (build/dev-server.ts). */
  devRuntime: new URL('../app-runtime/dev.min.js', import.meta.url),
  /** The gatekeeper's service worker (sw/sw.ts), written as sw.js by every build: it holds no deployment of its own. */
  worker: new URL('../sw/sw.min.js', import.meta.url),
  /** The worker that removes the gatekeeper: a kill-switch build's sw.js, and the dev server's answer at sw.js. */
  killSwitch: new URL('../sw/kill-switch.min.js', import.meta.url),
  /** The gatekeeper for `importScripts()` in a project's generated worker (`serviceWorker: 'own'`). */
  importedWorker: new URL('../sw/imported.min.js', import.meta.url),
} as const

/** The text of a prebuilt script; a missing one fails the build with the fix (reinstall). */
export function readPrebuilt(file: URL): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    throw errors.missingRuntime(fileURLToPath(file))
  }
}
