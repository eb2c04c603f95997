// Bundles the scripts the Vite plugin writes as they are, not through a build of the user's app: the inline
// runtime (app-runtime/inline.ts, copied into every index.html), the service worker (sw/sw.ts, written as sw.js:
// it holds no deployment of its own, so one build serves every app), the kill switch (sw/kill-switch.ts, written as
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

/**
 * What every visitor downloads gets a second minifier over Vite's: terser, whose repeated passes inline functions
 * called once and constants. Measured on the history-app fixture: the inline runtime 44 B of gzip smaller (11 B
 * less than terser alone), sw.js 232 B (120 B less than terser alone).
 */
async function squeezed(code) {
  return (await minify(code, { ecma: 2020, compress: { passes: 3 } })).code
}

const code = await squeezed(await bundle('app-runtime/inline.ts'))
if (code.split('__VERSION_GATEKEEPER_CONFIG__').length !== 2) {
  throw new Error('inline runtime: expected exactly one __VERSION_GATEKEEPER_CONFIG__ placeholder in the bundle')
}
await mkdir(new URL('.', outFile), { recursive: true })
await writeFile(outFile, code)
await mkdir(new URL('../dist/sw/', import.meta.url), { recursive: true })
const worker = await squeezed(await bundle('sw/sw.ts'))
await writeFile(new URL('../dist/sw/sw.min.js', import.meta.url), `${worker}\n`)
await writeFile(new URL('../dist/sw/kill-switch.min.js', import.meta.url), `${await bundle('sw/kill-switch.ts')}\n`)
const imported = await squeezed(await bundle('sw/imported.ts'))
await writeFile(new URL('../dist/sw/imported.min.js', import.meta.url), `${imported}\n`)
await writeFile(new URL('../dist/app-runtime/dev.min.js', import.meta.url), `${await bundle('app-runtime/dev.ts', { format: 'es', dev: true })}\n`)
console.log(
  `inline runtime: ${code.length} B, ${gzipSync(code, { level: 9 }).length} B gzip, ` +
    `${brotliCompressSync(code).length} B brotli; sw.js: ${gzipSync(worker, { level: 9 }).length} B gzip; ` +
    `gatekeeper for importScripts(): ${gzipSync(imported, { level: 9 }).length} B gzip`,
)
