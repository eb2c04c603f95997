/**
 * Every text the build prints or throws, in one place. Errors carry a stable `code`, so tests assert the code and
 * the wording can improve; each message says what was seen and what to change.
 */

/** An error of the gatekeeper's build step. `code` is stable; the message is for people. */
export class GatekeeperBuildError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`[version-gatekeeper] ${message}`)
    this.name = 'GatekeeperBuildError'
  }
}

/** Shows a value as the user wrote it, with its type when that is the problem. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (number)` // JSON would say null
  try {
    return `${JSON.stringify(value) ?? String(value)} (${typeof value})`
  } catch {
    return String(value)
  }
}

export const errors = {
  notAnObject: (value: unknown) =>
    new GatekeeperBuildError(
      'options-not-object',
      `versionGatekeeper() takes one options object, got ${describeValue(value)}. Write versionGatekeeper() or versionGatekeeper({ ... }).`,
    ),
  unknownOption: (key: string, known: readonly string[]) => {
    const near = known.find((name) => name.toLowerCase() === key.toLowerCase() || editDistance(name, key) <= 2)
    return new GatekeeperBuildError(
      'unknown-option',
      `unknown option "${key}".${near ? ` Did you mean "${near}"?` : ''} Known options: ${known.join(', ')}.`,
    )
  },
  invalidOption: (key: string, value: unknown, expected: string, example: string) =>
    new GatekeeperBuildError(
      'invalid-option',
      `option "${key}" is ${describeValue(value)}; it must be ${expected}. For example: versionGatekeeper({ ${example} }).`,
    ),
  invalidVersionEnv: (name: string, value: string) =>
    new GatekeeperBuildError(
      'invalid-version-env',
      `environment variable ${name} is ${JSON.stringify(value)}; a version must be 1 to 64 letters, digits, "_", "." or "-". ` +
        `Unset it to use a hash of the build output, or pass a value such as a commit SHA.`,
    ),
  invalidSourceDateEpoch: (value: string) =>
    new GatekeeperBuildError(
      'invalid-source-date-epoch',
      `environment variable SOURCE_DATE_EPOCH is ${JSON.stringify(value)}; it must be a whole number of seconds since 1970 ` +
        `(for example the commit time: SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)). Unset it to use the build time.`,
    ),
  relativeBase: (base: string) =>
    new GatekeeperBuildError(
      'relative-base',
      `Vite's base is ${JSON.stringify(base)}; the gatekeeper needs an absolute path such as "/" or "/app/", because the ` +
        `service worker's scope and the manifest's URL are derived from it. Set base in vite.config.ts.`,
    ),
  noHtmlHead: (file: string) =>
    new GatekeeperBuildError(
      'no-html-head',
      `${file} has no <head> element, so the runtime cannot be added before the app's scripts. Add <head></head> to it.`,
    ),
  invalidFallbackTemplate: (locale: string, missingOnHtml: readonly string[], missingRetry: boolean) => {
    const lacks = [
      ...(missingOnHtml.length > 0 ? [`on its <html> element ${missingOnHtml.map((item) => JSON.stringify(item)).join(', ')}`] : []),
      ...(missingRetry ? ['a retry control with "data-gatekeeper-retry"'] : []),
    ]
    return new GatekeeperBuildError(
      'invalid-fallback-template',
      `the fallback template's page for "${locale}" lacks ${lacks.join(', and ')}. ` +
        'Put ${page.htmlAttributes} on <html> and ${page.retryAttributes} on the retry link, as the built-in template does.',
    )
  },
  unknownFallbackLocale: (locale: string, known: readonly string[]) =>
    new GatekeeperBuildError(
      'unknown-fallback-locale',
      `fallback locale ${JSON.stringify(locale)} has no built-in messages and none in fallback.messages. Built in: ` +
        `${known.join(', ')}. Add fallback.messages[${JSON.stringify(locale)}] with title, heading, body, retry and version.`,
    ),
  incompleteFallbackMessages: (locale: string, missing: readonly string[]) =>
    new GatekeeperBuildError(
      'incomplete-fallback-messages',
      `fallback.messages[${JSON.stringify(locale)}] is a new locale and lacks ${missing.join(', ')}; a locale without ` +
        'built-in messages must give every one of title, heading, body, retry and version.',
    ),
  competingServiceWorker: (base: string) =>
    new GatekeeperBuildError(
      'competing-service-worker',
      `vite.config has VitePWA() from vite-plugin-pwa, and versionGatekeeper() writes and registers a sw.js of its own: ` +
        `two service workers would compete for the scope ${JSON.stringify(base)} (a browser keeps one per scope; the last ` +
        `registered replaces the other). Keep yours and put the gatekeeper in it: versionGatekeeper({ serviceWorker: 'own' }), ` +
        `then addVersionGatekeeper() from 'version-gatekeeper/sw' at the top of your worker (injectManifest), or ` +
        `workbox: { importScripts: ['version-gatekeeper-sw.js'] } (generateSW). See the README, "Projects that already have a service worker".`,
    ),
  ownWorkerScope: (scope: string, base: string) =>
    new GatekeeperBuildError(
      'service-worker-scope',
      `vite-plugin-pwa registers your worker with scope ${JSON.stringify(scope)}, but the gatekeeper's pages talk to the ` +
        `worker of Vite's base ${JSON.stringify(base)}. Leave VitePWA's scope out (it defaults to base) or set it to ${JSON.stringify(base)}.`,
    ),
  missingRuntime: (path: string) =>
    new GatekeeperBuildError(
      'missing-runtime',
      `the prebuilt runtime ${path} is missing: the installed version-gatekeeper package is incomplete. Reinstall it.`,
    ),
}

/** Warnings: the build goes on, the message says what to check. */
export const warnings = {
  ownWorkerUnregistered: () =>
    `[version-gatekeeper] serviceWorker: 'own', and vite-plugin-pwa registers no worker (injectRegister: false, and no ` +
    `module imports virtual:pwa-register): unless your app calls navigator.serviceWorker.register() itself, the gatekeeper ` +
    `never runs. Remove injectRegister: false, or import { registerSW } from 'virtual:pwa-register' in your app.`,
}

/** The one line a build prints. */
export function summaryLine(facts: {
  version: string
  assets: number
  pageBytesGzip: number
  swBytesGzip: number
  /** The worker file the size is of: sw.js, or the script a project's own worker imports. */
  swFile: string
}): string {
  return (
    `version-gatekeeper: version ${facts.version} · ${facts.assets} hashed files · ` +
    `+${kilobytes(facts.pageBytesGzip)} gzip per page · ${facts.swFile} ${kilobytes(facts.swBytesGzip)} gzip`
  )
}

/** The one line a kill-switch build prints. */
export function killSwitchLine(paths: readonly string[]): string {
  return `version-gatekeeper: kill switch at ${paths.join(', ')}: deploy it, and every browser removes the gatekeeper at its next visit`
}

/** The line that gives the CSP sources a policy without 'unsafe-inline' needs (also in deploy-manifest.json `csp`). */
export function cspLine(scriptHashes: readonly string[], styleHashes: readonly string[]): string {
  return `version-gatekeeper: CSP without 'unsafe-inline': script-src 'self' ${scriptHashes.join(' ')}; style-src 'self' ${styleHashes.join(' ')}`
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KB`
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]!
}
