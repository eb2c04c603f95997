/**
 * Entry of the inline runtime: bundled to one minified script that the build copies into each index.html with
 * the placeholder replaced by that document's configuration.
 */
import type { RuntimeConfig } from './config.js'
import { startRuntime } from './runtime.js'

declare const __VERSION_GATEKEEPER_CONFIG__: RuntimeConfig

try {
  startRuntime(__VERSION_GATEKEEPER_CONFIG__)
} catch (error) {
  // Fail open: whatever went wrong here, the app itself must still start.
  console.warn('[version-gatekeeper]', error)
}
