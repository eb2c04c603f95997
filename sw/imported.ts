/**
 * The gatekeeper as a classic script for `importScripts()` in a service worker the project generates (vite-plugin-pwa's
 * generateSW: `workbox: { importScripts: ['version-gatekeeper-sw.js'] }`). It adds the gatekeeper and nothing else:
 * when the worker waits, skips waiting or claims its tabs stays the project's choice.
 */
import { addVersionGatekeeper } from './index.js'

addVersionGatekeeper()
