/**
 * The deployment manifest: what `vite build` writes to `deploy-manifest.json` and what the service worker reads to
 * learn which deployment is the newest. Written by `build/`, read by `sw/`; neither Node nor DOM code lives here.
 */

/** File name of the manifest, at the root of the build output beside index.html and sw.js. */
export const MANIFEST_FILE = 'deploy-manifest.json'

/** Bumped when a field changes meaning. Readers accept only the schemas they know and step aside otherwise. */
export const MANIFEST_SCHEMA = 1

/** Identifies a deployment and orders it among others. */
export interface VersionStamp {
  /** Names the deployment: a hash of the build output unless the user chose one. */
  version: string
  /** ISO 8601 UTC instant (`Date.prototype.toISOString`); only a later `builtAt` counts as a newer deployment. */
  builtAt: string
}

/** Fallback pages of one deployment, one self-contained HTML document per locale. */
export interface FallbackPages {
  /** The locale served when none of the reader's languages has a page. Always a key of `pages`. */
  defaultLocale: string
  /** Locale (BCP 47 tag) to page path, relative to the manifest. Paths carry a content hash. Keys sorted. */
  pages: Record<string, string>
  /** The Content-Security-Policy the pages are served with: their own inline script and styles, nothing else. */
  contentSecurityPolicy: string
}

/**
 * Which of a deployment's files the service worker keeps as soon as it learns of the deployment (beyond the files
 * tabs fetch, which it always keeps): every hashed file, the entry files, or none.
 */
export type PrecachePolicy = 'all' | 'entry' | 'none'
export const PRECACHE_POLICIES: readonly PrecachePolicy[] = ['all', 'entry', 'none']

/** Contents of `deploy-manifest.json`. Keys and lists are sorted, so identical builds give identical bytes. */
export interface DeployManifest extends VersionStamp {
  schema: typeof MANIFEST_SCHEMA
  /** Directory of the hashed files, relative to the manifest, with a trailing slash (Vite's `build.assetsDir`). */
  assetsDir: string
  /** Every file the build emitted with a content hash: immutable, so cacheable forever. Sorted. */
  assets: string[]
  /** The subset of `assets` that index.html loads at start-up: entry scripts, their static imports, their CSS. */
  entry: string[]
  fallback: FallbackPages
  /**
   * CSP sources (`'sha256-…'`) for a page policy without `'unsafe-inline'`: `scriptSrc`, the inline script the build
   * added to the HTML pages and the fallback pages' script; `styleSrc`, the fallback pages' inline styles. The
   * fallback sources matter where the host, not the worker, serves the fallback pages under the site's policy.
   */
  csp: { scriptSrc: string[]; styleSrc: string[] }
  /** Which files the service worker keeps for this deployment when it learns of it. */
  precache: PrecachePolicy
  /**
   * How long a deployment's caches outlive the last tab that ran it (ms): tabs in the back/forward cache are not
   * listed among the open ones, yet may come back and need their files.
   */
  gracePeriodMs: number
}

/**
 * What a host serves as deploy-manifest.json to remove the gatekeeper from every browser: `{ "schema": 1,
 * "killSwitch": true }`, written by the build (option `killSwitch`) or by hand (see the README's runbook).
 */
export interface KillSwitchManifest {
  schema: typeof MANIFEST_SCHEMA
  killSwitch: true
}

/** Whether parsed JSON is the kill switch: any manifest of this schema with `killSwitch: true`. */
export function isKillSwitch(json: unknown): json is KillSwitchManifest {
  return isRecord(json) && json.schema === MANIFEST_SCHEMA && json.killSwitch === true
}

const VERSION_PATTERN = /^[\w.-]{1,64}$/
// Any base works: a path is inside the deployment when resolving it against a directory stays in that directory.
const PROBE_BASE = 'https://deployment.invalid/base/'

/** Whether `value` can name a version: 1 to 64 letters, digits, `_`, `.` or `-` (safe in cache names and HTML). */
export function isValidVersion(value: unknown): value is string {
  return typeof value === 'string' && VERSION_PATTERN.test(value)
}

/** Whether `value` is an instant written by `Date.prototype.toISOString` (which makes string order time order). */
export function isValidBuiltAt(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 24) return false
  const date = new Date(value)
  return !Number.isNaN(date.getTime()) && date.toISOString() === value
}

/**
 * Whether `candidate` is a newer deployment than `known`: a different version built later. A rolling deploy that
 * serves an older manifest from a server not yet updated is therefore never mistaken for a new deployment.
 */
export function isNewer(candidate: VersionStamp, known: VersionStamp | null | undefined): boolean {
  return !known || (candidate.version !== known.version && candidate.builtAt > known.builtAt)
}

/**
 * Validates parsed JSON as a deploy manifest. Returns `undefined` for anything else (another schema, a missing or
 * malformed field), so a corrupt or foreign manifest makes the gatekeeper step aside instead of acting on it.
 */
export function readManifest(json: unknown): DeployManifest | undefined {
  if (!isRecord(json) || json.schema !== MANIFEST_SCHEMA) return undefined
  const { version, builtAt, assetsDir, assets, entry, fallback, csp, precache, gracePeriodMs } = json
  if (!PRECACHE_POLICIES.includes(precache as PrecachePolicy)) return undefined
  if (typeof gracePeriodMs !== 'number' || !Number.isFinite(gracePeriodMs) || gracePeriodMs < 0) return undefined
  if (!isValidVersion(version) || !isValidBuiltAt(builtAt)) return undefined
  if (typeof assetsDir !== 'string' || (assetsDir !== '' && !isRelativePath(assetsDir))) return undefined
  if (!isPathList(assets) || !isPathList(entry)) return undefined
  if (!isRecord(fallback) || !isRecord(fallback.pages) || typeof fallback.defaultLocale !== 'string') return undefined
  if (typeof fallback.contentSecurityPolicy !== 'string' || /[\r\n]/.test(fallback.contentSecurityPolicy)) return undefined
  if (!isRecord(csp) || !isStringList(csp.scriptSrc) || !isStringList(csp.styleSrc)) return undefined
  const pages = fallback.pages
  if (!Object.values(pages).every(isRelativePath) || !Object.hasOwn(pages, fallback.defaultLocale)) return undefined
  return {
    schema: MANIFEST_SCHEMA,
    version,
    builtAt,
    assetsDir,
    assets: [...assets],
    entry: [...entry],
    fallback: {
      defaultLocale: fallback.defaultLocale,
      pages: { ...(pages as Record<string, string>) },
      contentSecurityPolicy: fallback.contentSecurityPolicy,
    },
    csp: { scriptSrc: [...csp.scriptSrc], styleSrc: [...csp.styleSrc] },
    precache: precache as PrecachePolicy,
    gracePeriodMs,
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A path that stays inside the deployment's directory once a browser resolves it: no scheme, no leading slash,
 * no `..` (nor `%2e%2e`, which URLs also resolve as a parent), no query or hash, no backslash or whitespace.
 */
function isRelativePath(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || /[\s?#\\]/.test(value)) return false
  try {
    return new URL(value, PROBE_BASE).href.startsWith(PROBE_BASE)
  } catch {
    return false
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

function isPathList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isRelativePath)
}
