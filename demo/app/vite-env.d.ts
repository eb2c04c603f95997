/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The release label, e.g. `v2` (set by demo/build-releases.ts). */
  readonly VITE_RELEASE?: string
  /** The release's accent colour by name, e.g. `green`. */
  readonly VITE_RELEASE_COLOR_NAME?: string
  /** The release's accent colour as CSS, e.g. `#15803d`. */
  readonly VITE_RELEASE_COLOR?: string
}
