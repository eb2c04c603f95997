/**
 * The kill-switch build (`killSwitch: true`): instead of the gatekeeper, the output gets a service worker that
 * removes it from every browser (at sw.js and at any older file name given), and a manifest that tells any
 * gatekeeper still running to remove itself. Pages get nothing: the app runs as if the gatekeeper had never been.
 */
import type { Logger, Plugin } from 'vite'
import { MANIFEST_FILE } from '../manifest/manifest.js'
import { KILL_SWITCH_MANIFEST, serializeManifest } from './deploy-manifest.js'
import { killSwitchLine } from './messages.js'
import { PREBUILT, readPrebuilt } from './prebuilt.js'

/** The plugin of a kill-switch build: writes the kill switch at each of `paths` and the kill-switch manifest. */
export function killSwitchPlugin(paths: readonly string[], clientOnly: Plugin['applyToEnvironment']): Plugin {
  let logger: Logger | undefined
  return {
    name: 'version-gatekeeper:kill-switch',
    apply: 'build',
    applyToEnvironment: clientOnly,
    generateBundle() {
      const code = readPrebuilt(PREBUILT.killSwitch)
      for (const fileName of paths) this.emitFile({ type: 'asset', fileName, source: code })
      this.emitFile({ type: 'asset', fileName: MANIFEST_FILE, source: serializeManifest(KILL_SWITCH_MANIFEST) })
    },
    configResolved(config) {
      logger = config.logger
    },
    closeBundle() {
      logger?.info(killSwitchLine(paths))
    },
  }
}
