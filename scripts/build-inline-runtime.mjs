// Bundles app-runtime/inline.ts into the one minified script the Vite plugin inlines into index.html, and prints
// its size: every byte of it is paid by every visitor of every app that uses the gatekeeper.
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { gzipSync, brotliCompressSync } from 'node:zlib'
import { build } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const outFile = new URL('../dist/app-runtime/inline.min.js', import.meta.url)

const result = await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    write: false,
    target: 'es2020',
    minify: true,
    lib: { entry: 'app-runtime/inline.ts', formats: ['iife'], name: 'versionGatekeeper' },
  },
})
const [output] = Array.isArray(result) ? result : [result]
const chunk = output.output.find((file) => file.type === 'chunk')
// The IIFE wrapper assigns nothing (the entry has no exports); strip a trailing newline so the inlined tag is tidy.
const code = chunk.code.trim()
if (code.split('__VERSION_GATEKEEPER_CONFIG__').length !== 2) {
  throw new Error('inline runtime: expected exactly one __VERSION_GATEKEEPER_CONFIG__ placeholder in the bundle')
}
await mkdir(new URL('.', outFile), { recursive: true })
await writeFile(outFile, code)
console.log(
  `inline runtime: ${code.length} B, ${gzipSync(code, { level: 9 }).length} B gzip, ` +
    `${brotliCompressSync(code).length} B brotli`,
)
