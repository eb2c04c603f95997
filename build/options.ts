/**
 * The plugin's options: their types, their defaults, and their validation, done once when the plugin is created
 * so that a bad value fails the build before anything is written.
 */
import { isValidBuiltAt, isValidVersion } from '../manifest/manifest.js'
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
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  /** The user's or the environment's version; undefined means "hash the output". */
  version: string | undefined
  checkIntervalMs: number
}

export const DEFAULT_CHECK_INTERVAL_MS = 5 * 60 * 1000
export const VERSION_ENV = 'VERSION_GATEKEEPER_VERSION'
const MIN_CHECK_INTERVAL_MS = 1000
const KNOWN_OPTIONS = ['version', 'checkInterval'] as const satisfies readonly (keyof VersionGatekeeperOptions)[]

/** Validates `options` and applies defaults; throws a `GatekeeperBuildError` naming the key, the value and the fix. */
export function resolveOptions(options: unknown, env: Record<string, string | undefined> = process.env): ResolvedOptions {
  if (options === undefined) options = {}
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw errors.notAnObject(options)
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) throw errors.unknownOption(key, KNOWN_OPTIONS)
  }
  const { version, checkInterval } = options as VersionGatekeeperOptions

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

  return {
    version: version ?? (envVersion || undefined),
    checkIntervalMs: checkInterval ?? DEFAULT_CHECK_INTERVAL_MS,
  }
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
