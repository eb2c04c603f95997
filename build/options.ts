/**
 * The plugin's options: their types, their defaults, and their validation, done once when the plugin is created
 * so that a bad value fails the build before anything is written.
 */
import { isValidBuiltAt, isValidVersion, PRECACHE_POLICIES, type PrecachePolicy } from '../manifest/manifest.js'
import { BUILT_IN_MESSAGES, DEFAULT_FALLBACK_LOCALE, FALLBACK_MESSAGE_KEYS, type FallbackMessages } from './fallback-messages.js'
import { DEFAULT_CHECK_INTERVAL_MS, DEFAULT_ENTRY_TIMEOUT_MS, SW_FILE } from '../app-runtime/config.js'
import type { FallbackTemplate } from './fallback-page.js'
import { errors } from './messages.js'

/** Options of `versionGatekeeper()`. Every one is optional; the defaults suit most apps. */
export interface VersionGatekeeperOptions {
  /**
   * Names the deployment. Default: the environment variable `VERSION_GATEKEEPER_VERSION` when set, else a hash
   * of the build output (identical builds get the same version). 1 to 64 letters, digits, `_`, `.`, `-`.
   */
  version?: string
  /**
   * The least time, in milliseconds, between two checks for a new deployment that a tab asks for while its user
   * navigates. Checks also happen when a tab becomes visible again, and cost one conditional request per browser,
   * not per tab. Default: 5 minutes. At least 1 second.
   */
  checkInterval?: number
  /** The page shown when the app cannot load: offline, host down, or its JavaScript failing. */
  fallback?: FallbackOptions
  /**
   * Which of a deployment's hashed files every browser keeps as soon as its service worker learns of the
   * deployment, beyond the files its tabs fetch (always kept). Default: `'entry'`.
   * - `'entry'`: the files index.html loads (just downloaded, so nearly free).
   * - `'all'`: every hashed file; unchanged ones are copied from the previous deployment. Lazy parts no tab has
   *   opened yet keep working after their files are deleted from the host: a tab opening such a route stays on its
   *   version for that navigation and moves at the next.
   * - `'none'`: only what tabs fetch.
   */
  precache?: PrecachePolicy
  /**
   * How long, in milliseconds, a deployment's caches outlive the last tab that ran it. Pages in the back/forward
   * cache are not listed among the open tabs, yet may come back and need their files. Default: 1 hour.
   */
  gracePeriod?: number
  /**
   * Builds a service worker that removes the gatekeeper from every browser instead: it deletes the gatekeeper's
   * caches and records, unregisters, and leaves open tabs working; pages get no runtime, and the manifest asks any
   * running gatekeeper to remove itself. `{ paths }` also writes it at the older service worker file names your
   * site used (relative to the output root), so registrations of those are removed too.
   */
  killSwitch?: boolean | { paths?: string[] }
  /**
   * Which service worker carries the gatekeeper. Default: `'gatekeeper'`, a sw.js the plugin builds and the page
   * registers. `'own'`: the project's own worker (vite-plugin-pwa's injectManifest or generateSW, or any other),
   * which adds the gatekeeper itself (`addVersionGatekeeper()` from `version-gatekeeper/sw`, or
   * `importScripts('version-gatekeeper-sw.js')`, which the build then writes) and which the project registers; the
   * plugin still writes the manifest and the fallback pages and adds the runtime to every page.
   */
  serviceWorker?: ServiceWorkerChoice
}

/** Who writes and registers the service worker: the gatekeeper (its sw.js), or the project (its own worker). */
export type ServiceWorkerChoice = 'gatekeeper' | 'own'
export const SERVICE_WORKER_CHOICES: readonly ServiceWorkerChoice[] = ['gatekeeper', 'own']

/** Options of the fallback page. */
export interface FallbackOptions {
  /** The locale of readers whose languages match none of the pages. Default: `en`. */
  defaultLocale?: string
  /** Which built-in locales to build pages for (plus those added in `messages`). Default: all of them. */
  locales?: string[]
  /**
   * Texts by locale: overrides of built-in texts (any subset of keys), or new locales (every key:
   * `title`, `heading`, `body`, `retry`, `version`). Plain text: it is escaped.
   */
  messages?: Record<string, Partial<FallbackMessages>>
  /** Replaces the page's HTML. It receives escaped texts and the attributes the page must carry. */
  template?: FallbackTemplate
  /**
   * How long, in milliseconds, the page waits for the app's entry script to run before it counts as failed (a
   * hung request looks like nothing at all). Default: 30 seconds, room for a large bundle on a slow connection.
   */
  entryTimeout?: number
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  /** The user's or the environment's version; undefined means "hash the output". */
  version: string | undefined
  checkIntervalMs: number
  fallback: {
    defaultLocale: string
    messages: Record<string, FallbackMessages>
    template: FallbackTemplate | undefined
    entryTimeoutMs: number
  }
  precache: PrecachePolicy
  gracePeriodMs: number
  /** The file names, relative to the output root, to write the kill switch at; undefined when it is off. */
  killSwitch: string[] | undefined
  serviceWorker: ServiceWorkerChoice
}

// The runtime applies these when a page's configuration leaves them out: defined beside it.
export { DEFAULT_CHECK_INTERVAL_MS, DEFAULT_ENTRY_TIMEOUT_MS }
export const DEFAULT_PRECACHE: PrecachePolicy = 'entry'
export const DEFAULT_GRACE_PERIOD_MS = 60 * 60 * 1000
export const VERSION_ENV = 'VERSION_GATEKEEPER_VERSION'
const MIN_CHECK_INTERVAL_MS = 1000
const KNOWN_OPTIONS = ['version', 'checkInterval', 'fallback', 'precache', 'gracePeriod', 'killSwitch', 'serviceWorker'] as const satisfies readonly (keyof VersionGatekeeperOptions)[]
// A file name under the output root: no scheme, no leading slash, no parent segment, ending in .js.
const SCRIPT_PATH = /^(?!\/)(?![a-z][\w+.-]*:)(?!.*(?:^|\/)\.\.(?:\/|$))[\w./-]+\.js$/i
const KNOWN_FALLBACK_OPTIONS = ['defaultLocale', 'locales', 'messages', 'template', 'entryTimeout'] as const satisfies readonly (keyof FallbackOptions)[]
// A BCP 47 tag as the pages' file names and `lang` attributes use it: letters, digits and hyphens.
const LOCALE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i

/** Validates `options` and applies defaults; throws a `GatekeeperBuildError` naming the key, the value and the fix. */
export function resolveOptions(options: unknown, env: Record<string, string | undefined> = process.env): ResolvedOptions {
  if (options === undefined) options = {}
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw errors.notAnObject(options)
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) throw errors.unknownOption(key, KNOWN_OPTIONS)
  }
  const { version, checkInterval, fallback, precache, gracePeriod, killSwitch, serviceWorker } = options as VersionGatekeeperOptions

  if (version !== undefined && !isValidVersion(version)) {
    throw errors.invalidOption(
      'version',
      version,
      'a string of 1 to 64 letters, digits, "_", "." or "-" (or left out, to use a hash of the build output)',
      'version: process.env.GITHUB_SHA',
    )
  }
  const envVersion = env[VERSION_ENV]
  if (version === undefined && envVersion !== undefined && envVersion !== '' && !isValidVersion(envVersion)) {
    throw errors.invalidVersionEnv(VERSION_ENV, envVersion)
  }

  if (
    checkInterval !== undefined &&
    (typeof checkInterval !== 'number' || !Number.isFinite(checkInterval) || checkInterval < MIN_CHECK_INTERVAL_MS)
  ) {
    throw errors.invalidOption(
      'checkInterval',
      checkInterval,
      `a number of milliseconds, at least ${MIN_CHECK_INTERVAL_MS}`,
      'checkInterval: 5 * 60_000',
    )
  }

  if (precache !== undefined && !PRECACHE_POLICIES.includes(precache)) {
    throw errors.invalidOption('precache', precache, `one of ${PRECACHE_POLICIES.map((policy) => `'${policy}'`).join(', ')}`, "precache: 'all'")
  }
  if (gracePeriod !== undefined && (typeof gracePeriod !== 'number' || !Number.isFinite(gracePeriod) || gracePeriod < 0)) {
    throw errors.invalidOption('gracePeriod', gracePeriod, 'a number of milliseconds, 0 or more', 'gracePeriod: 60 * 60_000')
  }

  if (serviceWorker !== undefined && !SERVICE_WORKER_CHOICES.includes(serviceWorker)) {
    throw errors.invalidOption(
      'serviceWorker',
      serviceWorker,
      "'gatekeeper' (the plugin writes and registers sw.js) or 'own' (your worker adds the gatekeeper, and you register it)",
      "serviceWorker: 'own'",
    )
  }

  return {
    version: version ?? (envVersion || undefined),
    checkIntervalMs: checkInterval ?? DEFAULT_CHECK_INTERVAL_MS,
    fallback: resolveFallbackOptions(fallback),
    precache: precache ?? DEFAULT_PRECACHE,
    gracePeriodMs: gracePeriod ?? DEFAULT_GRACE_PERIOD_MS,
    killSwitch: resolveKillSwitch(killSwitch),
    serviceWorker: serviceWorker ?? 'gatekeeper',
  }
}

function resolveKillSwitch(killSwitch: unknown): string[] | undefined {
  if (killSwitch === undefined || killSwitch === false) return undefined
  if (killSwitch === true) return [SW_FILE]
  const isOptions = typeof killSwitch === 'object' && killSwitch !== null && !Array.isArray(killSwitch)
  const given = isOptions ? (killSwitch as { paths?: unknown }).paths : undefined
  // `./old-sw.js` names the same file as `old-sw.js`; the bundler takes only the latter.
  const paths = Array.isArray(given) ? given.map((path) => (typeof path === 'string' ? path.replace(/^\.\//, '') : path)) : given
  if (
    !isOptions ||
    Object.keys(killSwitch).some((key) => key !== 'paths') ||
    (paths !== undefined && (!Array.isArray(paths) || !paths.every((path) => typeof path === 'string' && SCRIPT_PATH.test(path))))
  ) {
    throw errors.invalidOption(
      'killSwitch',
      killSwitch,
      'true, or { paths } with the file names of service workers your site used before, relative to the output root',
      "killSwitch: { paths: ['service-worker.js'] }",
    )
  }
  return [...new Set([SW_FILE, ...((paths as string[] | undefined) ?? [])])]
}

function resolveFallbackOptions(fallback: unknown): ResolvedOptions['fallback'] {
  if (fallback === undefined) fallback = {}
  if (typeof fallback !== 'object' || fallback === null || Array.isArray(fallback)) {
    throw errors.invalidOption('fallback', fallback, 'an object of fallback options', "fallback: { defaultLocale: 'de' }")
  }
  for (const key of Object.keys(fallback)) {
    if (!(KNOWN_FALLBACK_OPTIONS as readonly string[]).includes(key)) throw errors.unknownOption(`fallback.${key}`, KNOWN_FALLBACK_OPTIONS.map((name) => `fallback.${name}`))
  }
  const { defaultLocale = DEFAULT_FALLBACK_LOCALE, locales, messages = {}, template, entryTimeout } = fallback as FallbackOptions

  if (locales !== undefined && (!Array.isArray(locales) || !locales.every((locale) => typeof locale === 'string'))) {
    throw errors.invalidOption('fallback.locales', locales, 'an array of locale tags', "fallback: { locales: ['en', 'de'] }")
  }
  if (typeof messages !== 'object' || messages === null || Array.isArray(messages)) {
    throw errors.invalidOption('fallback.messages', messages, 'an object of texts by locale', "fallback: { messages: { en: { retry: 'Reload' } } }")
  }
  const resolved: Record<string, FallbackMessages> = {}
  // Own keys only: a locale named "constructor" must not find Object.prototype's.
  const builtInFor = (locale: string) => (Object.hasOwn(BUILT_IN_MESSAGES, locale) ? BUILT_IN_MESSAGES[locale] : undefined)
  for (const locale of locales ?? Object.keys(BUILT_IN_MESSAGES)) {
    const builtIn = builtInFor(locale)
    if (!builtIn && !Object.hasOwn(messages, locale)) throw errors.unknownFallbackLocale(locale, Object.keys(BUILT_IN_MESSAGES))
    if (builtIn) resolved[locale] = builtIn
  }
  for (const [locale, texts] of Object.entries(messages)) {
    if (!LOCALE_TAG.test(locale)) {
      throw errors.invalidOption(`fallback.messages[${JSON.stringify(locale)}]`, locale, 'keyed by a locale tag such as "de" or "pt-BR"', "fallback: { messages: { 'pt-BR': { ... } } }")
    }
    if (typeof texts !== 'object' || texts === null) {
      throw errors.invalidOption(`fallback.messages.${locale}`, texts, 'an object of texts', `fallback: { messages: { ${locale}: { retry: '…' } } }`)
    }
    for (const [key, text] of Object.entries(texts)) {
      if (!(FALLBACK_MESSAGE_KEYS as readonly string[]).includes(key)) throw errors.unknownOption(`fallback.messages.${locale}.${key}`, FALLBACK_MESSAGE_KEYS)
      if (typeof text !== 'string') {
        throw errors.invalidOption(`fallback.messages.${locale}.${key}`, text, 'a string (plain text; it is escaped)', `fallback: { messages: { ${locale}: { ${key}: '…' } } }`)
      }
    }
    const base = (Object.hasOwn(resolved, locale) ? resolved[locale] : undefined) ?? builtInFor(locale)
    const missing = FALLBACK_MESSAGE_KEYS.filter((key) => !base && typeof texts[key] !== 'string')
    if (missing.length > 0) throw errors.incompleteFallbackMessages(locale, missing)
    resolved[locale] = { ...base!, ...texts }
  }
  if (typeof defaultLocale !== 'string' || !Object.hasOwn(resolved, defaultLocale)) {
    throw errors.invalidOption(
      'fallback.defaultLocale',
      defaultLocale,
      `one of the fallback locales (${Object.keys(resolved).sort().join(', ')})`,
      "fallback: { defaultLocale: 'en' }",
    )
  }
  if (template !== undefined && typeof template !== 'function') {
    throw errors.invalidOption('fallback.template', template, 'a function from the page data to HTML', 'fallback: { template: (page) => `<!doctype html>…` }')
  }
  if (entryTimeout !== undefined && (typeof entryTimeout !== 'number' || !Number.isFinite(entryTimeout) || entryTimeout < 1000)) {
    throw errors.invalidOption('fallback.entryTimeout', entryTimeout, 'a number of milliseconds, at least 1000', 'fallback: { entryTimeout: 30_000 }')
  }
  return { defaultLocale, messages: resolved, template, entryTimeoutMs: entryTimeout ?? DEFAULT_ENTRY_TIMEOUT_MS }
}

/**
 * When this build counts as built: `SOURCE_DATE_EPOCH` (the reproducible-builds convention, seconds) when set, so
 * identical builds give identical bytes; otherwise now. Not the commit time: rebuilding an older commit to roll
 * back must still count as the newest deployment.
 */
export function resolveBuiltAt(env: Record<string, string | undefined> = process.env, now = new Date()): string {
  const epoch = env.SOURCE_DATE_EPOCH
  if (epoch === undefined || epoch === '') return now.toISOString()
  // Past the year 9999 the ISO form grows a sign and six digits, which no manifest reader accepts.
  const builtAt = /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : undefined
  if (!builtAt || Number.isNaN(builtAt.getTime()) || !isValidBuiltAt(builtAt.toISOString())) {
    throw errors.invalidSourceDateEpoch(epoch)
  }
  return builtAt.toISOString()
}
