// Bundles the scripts the Vite plugin writes as they are, not through a build of the user's app: the inline
// runtime (app-runtime/inline.ts, copied into every index.html), the kill switch (sw/kill-switch.ts, written as
// sw.js with `killSwitch: true`, and answered at sw.js by the dev server), the gatekeeper for a generated worker's
// importScripts() (sw/imported.ts, written as version-gatekeeper-sw.js with `serviceWorker: 'own'`) and the dev
// server's runtime (app-runtime/dev.ts, an ES module). Prints the runtime's size: every byte of it is paid by every
// visitor.
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { gzipSync, brotliCompressSync } from 'node:zlib'
import { minify } from 'terser'
import { build } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const outFile = new URL('../dist/app-runtime/inline.min.js', import.meta.url)

/**
 * One minified bundle of `entry` (an IIFE unless `format` says otherwise), as a string. `dev` is the value of
 * `__VERSION_GATEKEEPER_DEV__`: false compiles the dev server's branches out of the runtime.
 */
async function bundle(entry, { format = 'iife', dev = false } = {}) {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    // workbox reads process.env.NODE_ENV, which no worker has: its production build, as vite-plugin-pwa makes it.
    define: { 'process.env.NODE_ENV': '"production"', __VERSION_GATEKEEPER_DEV__: JSON.stringify(dev) },
    build: { write: false, target: 'es2020', minify: true, lib: { entry, formats: [format], name: 'versionGatekeeper' } },
  })
  const [output] = Array.isArray(result) ? result : [result]
  // The IIFE wrapper assigns nothing (the entries have no exports); no trailing newline, so the inlined tag is tidy.
  return output.output.find((file) => file.type === 'chunk').code.trim()
}

// Every page load pays for the inline runtime, so it gets a second minifier over Vite's: terser (two passes) inlines
// the functions called once and the constants, 44 B of gzip less than Vite 8's minifier alone, and 11 B less than
// terser alone (measured on the history-app fixture's page).
const code = (await minify(await bundle('app-runtime/inline.ts'), { ecma: 2020, compress: { passes: 2 } })).code
if (code.split('__VERSION_GATEKEEPER_CONFIG__').length !== 2) {
  throw new Error('inline runtime: expected exactly one __VERSION_GATEKEEPER_CONFIG__ placeholder in the bundle')
}
await mkdir(new URL('.', outFile), { recursive: true })
await writeFile(outFile, code)
await mkdir(new URL('../dist/sw/', import.meta.url), { recursive: true })
await writeFile(new URL('../dist/sw/kill-switch.min.js', import.meta.url), `${await bundle('sw/kill-switch.ts')}\n`)
const imported = await bundle('sw/imported.ts')
await writeFile(new URL('../dist/sw/imported.min.js', import.meta.url), `${imported}\n`)
await writeFile(new URL('../dist/app-runtime/dev.min.js', import.meta.url), `${await bundle('app-runtime/dev.ts', { format: 'es', dev: true })}\n`)
console.log(
  `inline runtime: ${code.length} B, ${gzipSync(code, { level: 9 }).length} B gzip, ` +
    `${brotliCompressSync(code).length} B brotli; gatekeeper for importScripts(): ${gzipSync(imported, { level: 9 }).length} B gzip`,
)
