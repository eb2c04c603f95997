import { defineConfig } from 'vite'
import { versionGatekeeper } from 'version-gatekeeper/vite'
import { CHECK_INTERVAL_MS } from './settings.ts'

// demo/build-releases.ts builds this app once per release, with VITE_RELEASE* and DEMO_OUT_DIR set.
export default defineConfig({
  plugins: [versionGatekeeper({ checkInterval: CHECK_INTERVAL_MS })],
  build: { outDir: process.env.DEMO_OUT_DIR ?? 'dist', emptyOutDir: true },
})
