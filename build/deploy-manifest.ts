/**
 * Writes `deploy-manifest.json` from what the build emitted. The type and the reader live in manifest/; this is the
 * producer's half: which files count, how the version is derived, and a byte-stable serialisation.
 */
import { createHash } from 'node:crypto'
import { MANIFEST_SCHEMA, type DeployManifest, type FallbackPages, type KillSwitchManifest, type PrecachePolicy } from '../manifest/manifest.js'

/** One file of the build output. */
export interface EmittedFile {
  fileName: string
  content: string | Uint8Array
}

/** Length of a derived version in hex digits: 48 bits, ample to tell one app's deployments apart. */
const VERSION_HEX_DIGITS = 12

/**
 * A version derived from the build output: a hash over every file's name and content (in name order) and
 * `settings`, the gatekeeper's own configuration as written into the pages. Identical builds get the same version.
 */
export function hashOutput(files: readonly EmittedFile[], settings: string): string {
  const hash = createHash('sha256')
  // Each part is preceded by its length, so no content can pass for a name or for another file.
  const part = (data: string | Uint8Array) => hash.update(`${Buffer.byteLength(data)}:`).update(data)
  for (const file of [...files].sort((a, b) => compare(a.fileName, b.fileName))) {
    part(file.fileName)
    part(file.content)
  }
  return hash.update(settings).digest('hex').slice(0, VERSION_HEX_DIGITS)
}

/** The files the gatekeeper may cache forever: those Vite wrote under `build.assetsDir`, where names carry a hash. */
export function hashedFiles(fileNames: Iterable<string>, assetsDir: string): string[] {
  return [...fileNames].filter((name) => name.startsWith(assetsDir) && !name.endsWith('.html')).sort(compare)
}

/** Assembles a manifest with every list sorted. */
export function createManifest(input: {
  version: string
  builtAt: string
  assetsDir: string
  assets: Iterable<string>
  entry: Iterable<string>
  fallback: FallbackPages
  csp: DeployManifest['csp']
  precache: PrecachePolicy
  gracePeriodMs: number
}): DeployManifest {
  return {
    schema: MANIFEST_SCHEMA,
    version: input.version,
    builtAt: input.builtAt,
    assetsDir: input.assetsDir,
    assets: [...new Set(input.assets)].sort(compare),
    entry: [...new Set(input.entry)].sort(compare),
    fallback: input.fallback,
    csp: { scriptSrc: [...new Set(input.csp.scriptSrc)].sort(compare), styleSrc: [...new Set(input.csp.styleSrc)].sort(compare) },
    precache: input.precache,
    gracePeriodMs: input.gracePeriodMs,
  }
}

/** The manifest of a kill-switch build: every running gatekeeper that reads it removes itself. */
export const KILL_SWITCH_MANIFEST: KillSwitchManifest = { schema: MANIFEST_SCHEMA, killSwitch: true }

/** JSON with keys sorted at every depth and a final newline: the same manifest always gives the same bytes. */
export function serializeManifest(manifest: DeployManifest | KillSwitchManifest): string {
  return `${JSON.stringify(sortKeys(manifest), null, 2)}\n`
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => compare(a, b))
      .map(([key, entry]) => [key, sortKeys(entry)]),
  )
}

// Code-unit order, independent of the machine's locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
