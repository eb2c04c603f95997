/**
 * The header rules every test host applies, in one place so that the Node host and the generated
 * nginx configuration describe the same caching behaviour.
 */
import { posix } from 'node:path'

/** Files that must be revalidated on every use: a release's entry points and anything unhashed. */
export const NO_CACHE = 'no-cache'

/** Files whose name carries a content hash: they never change, so the browser may keep them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'

/** URL prefix of Vite's hashed build output. */
export const ASSETS_PREFIX = '/assets/'

/** Root files that name a release and that a deploy replaces in place; hosts serve them `no-cache`. */
export const RELEASE_ENTRY_FILES = ['/index.html', '/sw.js', '/deploy-manifest.json'] as const

/** Content-Type per file extension (without the dot); anything else is {@link DEFAULT_CONTENT_TYPE}. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
}

/** Content-Type for files whose extension is not in {@link CONTENT_TYPES}. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream'

/** Returns the Content-Type for a file path by its extension, case-insensitively. */
export function contentTypeFor(filePath: string): string {
  const extension = posix.extname(filePath).slice(1).toLowerCase()
  return CONTENT_TYPES[extension] ?? DEFAULT_CONTENT_TYPE
}

/** True when a URL path lies under `/assets/`. */
export function isAssetPath(urlPath: string): boolean {
  return urlPath.startsWith(ASSETS_PREFIX)
}

/** True when the last segment of a URL path has a file extension (`/a/b.js` yes, `/notes/42` no). */
export function hasFileExtension(urlPath: string): boolean {
  const lastSegment = urlPath.slice(urlPath.lastIndexOf('/') + 1)
  return posix.extname(lastSegment) !== ''
}

/**
 * Returns the Cache-Control for the file served at `urlPath` (its path inside the release, not the
 * requested path when a fallback was served): HTML is always revalidated, hashed assets are immutable,
 * everything else is revalidated.
 */
export function cacheControlFor(urlPath: string): string {
  if (posix.extname(urlPath).toLowerCase() === '.html') return NO_CACHE
  return isAssetPath(urlPath) ? IMMUTABLE : NO_CACHE
}
