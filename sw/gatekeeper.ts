/**
 * The gatekeeper's memory and its conversations with the host and the tabs: which deployment is the newest, which
 * tab runs which, when to read the host's manifest, when a deployment's files may go. What is kept of each
 * deployment is the store's business (deployments.ts). Everything it needs from the worker's global scope comes in
 * through `WorkerEnvironment`, so it runs in unit tests exactly as in the browser.
 */
import { PROTOCOL_SCHEMA, type Check, type StateReply, type VersionChanged } from '../channel/protocol.js'
import { isKillSwitch, isNewer, readManifest, type DeployManifest, type VersionStamp } from '../manifest/manifest.js'
import { parseAcceptLanguage } from '../manifest/locale.js'
import { classifyResponse } from './classify.js'
import { createDeploymentStore, type DeploymentStore } from './deployments.js'
import { buildReport, type StateReport } from './report.js'
import {
  countedTabs,
  DEFAULT_GRACE_PERIOD_MS,
  isFresh,
  logEvent,
  recordTab,
  unusedVersions,
  type CheckOutcome,
  type GatekeeperState,
} from './state.js'
import type { Storage } from './storage.js'

/**
 * After a suspicion that the manifest did not confirm, further suspicions wait this long. A page with a broken
 * image, or a host with a transient 404, then costs at most six manifest requests a minute, while a real deployment
 * noticed by a later request is still confirmed within 10 s.
 */
export const SUSPICION_QUIET_MS = 10_000

/**
 * A file served from a deployment's cache is checked with the host (a conditional HEAD) at most this often: the
 * files of one route come in a burst, and one of them tells whether the deployment is still there.
 */
export const REVALIDATION_INTERVAL_MS = 10_000

/** What the gatekeeper needs from the service worker's global scope. */
export interface WorkerEnvironment {
  /** The registration's scope URL. */
  scope: string
  /** Where the host serves `deploy-manifest.json` (beside sw.js). */
  manifestUrl: string
  fetch: typeof fetch
  storage: Storage
  /** Ids of the window clients open now. */
  openTabIds(): Promise<ReadonlySet<string>>
  /** Posts to every tab of this scope, on the BroadcastChannel. */
  broadcast(message: VersionChanged): void
  /** Asks the browser to look for a new sw.js now, so a gatekeeper upgrade or a kill switch arrives with the deployment. */
  updateRegistration(): void
  /** Removes the gatekeeper from this browser: every cache and record of it, and the registration. */
  removeGatekeeper(): Promise<void>
  now(): number
  sleep(ms: number): Promise<void>
  /** The browser's languages (`navigator.languages`), most preferred first. */
  languages(): readonly string[]
}

/** The service worker's view of deployments and tabs. */
export interface Gatekeeper {
  /** What the worker keeps of each deployment. */
  readonly deployments: DeploymentStore
  /** Reads the host's manifest (at install). Never rejects: a host that is down must not cost the install. */
  learnCurrentDeployment(): Promise<void>
  /** Records what a tab says, looks at the host if its answer must be fresher, and answers with the newest deployment. */
  answer(tabId: string, message: Check): Promise<StateReply>
  /**
   * A response suggested that a tab's deployment is gone: confirm with a fresh manifest. Only a newer deployment
   * counts; it is then recorded, broadcast once to every tab, and the registration is updated.
   */
  suspectNewDeployment(): Promise<void>
  /**
   * File `url` was served to tab `tabId` from its deployment's cache, so the host was not asked: while that
   * deployment is the newest known, ask the host whether the file is still there (at most once per
   * `REVALIDATION_INTERVAL_MS`); if it is gone, that is a suspicion.
   */
  revalidate(url: string, destination: string, tabId: string): Promise<void>
  /**
   * The fallback page for a reader preferring `languages`: of deployment `version` when given and kept (waiting for
   * a look in progress when `version` is being learned), else of the newest deployment that has one kept.
   */
  fallbackPage(languages: readonly string[], version?: string | null): Promise<Response | undefined>
  /** Forgets tabs gone longer than the grace period, and deletes the caches of deployments no tab still runs. */
  tidy(): Promise<void>
  /** What the state page shows. */
  report(): Promise<StateReport>
  /** Adds an event to the state page's log. */
  note(what: string, detail: string): void
  /**
   * The languages of the reader of `request`: its Accept-Language, or the worker's own languages when it has none
   * (WebKit's worker fetch events carry no Accept-Language).
   */
  languagesOf(request: Request): readonly string[]
}

/** Creates the gatekeeper. Its state loads from storage at once and is written through on every change. */
export function createGatekeeper(env: WorkerEnvironment): Gatekeeper {
  const startedAt = env.now()
  let state: GatekeeperState
  const loaded = env.storage.loadState(env.now()).then((stored) => {
    state = stored
  })
  // Every change is a function of the state as it is when the change lands, never of a copy read before an
  // await: events interleave at every await, and a change computed from an old copy would undo the others.
  let saving = Promise.resolve()
  let removed = false
  const remember = (change: (current: GatekeeperState) => GatekeeperState) => {
    const next = (state = change(state))
    if (!removed) saving = saving.then(() => env.storage.saveState(next)).catch(() => undefined)
    return saving
  }
  const log = (what: string, detail: string) => void remember((current) => logEvent(current, env.now(), what, detail))

  const gracePeriod = async () => (await deployments.known())[0]?.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS
  const deployments = createDeploymentStore({
    storage: env.storage,
    manifestUrl: env.manifestUrl,
    fetch: env.fetch,
    sleep: env.sleep,
    languages: env.languages,
    log,
    // Under storage pressure: deployments no tab still runs, the oldest first.
    evictable: async () => {
      await loaded
      const kept = (await deployments.known()).map((manifest) => manifest.version).reverse()
      return unusedVersions(kept, state.newest?.version, state.tabs)
    },
  })

  // Keeping a deployment must never cost an answer: a failure (storage full beyond what eviction frees) is logged.
  const keep = async (manifest: DeployManifest) => {
    const report = await deployments.keep(manifest).catch((error: unknown) => {
      log('not kept', `${manifest.version}: ${String(error)}`)
      return undefined
    })
    if (!report) return
    const copied = report.copied > 0 ? ` (${report.copied} copied from an older deployment)` : ''
    const failed = report.failed.length > 0 ? `; not kept: ${report.failed.join(', ')}` : ''
    if (report.kept + report.failed.length > 0) log('precached', `${manifest.version}: ${report.kept} files${copied}${failed}`)
  }

  const learn = async (manifest: DeployManifest): Promise<CheckOutcome> => {
    await loaded
    const previous = state.newest
    if (!isNewer(manifest, previous)) {
      if (previous?.version === manifest.version && !(await deployments.known()).some((kept) => kept.version === manifest.version)) {
        await keep(manifest) // a restarted worker whose deployment cache was evicted: keep it again
      }
      return 'unchanged'
    }
    const newest: VersionStamp = { version: manifest.version, builtAt: manifest.builtAt }
    // The tabs hear of it as soon as the worker knows it, not after the write to Cache Storage (which took about as
    // long as the manifest request in `npm run bench`): the write only matters to a restarted worker, which reads
    // the manifest again anyway.
    const saved = remember((current) => ({ ...current, newest }))
    // The first manifest a new service worker reads is not a change: tabs compare it with their own when they ask.
    if (previous) {
      env.broadcast({ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: previous.version, to: newest })
      env.updateRegistration()
      log('new deployment', `${previous.version} → ${manifest.version}`)
    } else {
      log('learned', manifest.version)
    }
    await saved
    // Tabs first; then what is kept of the deployment (the fallback route waits for a look in progress).
    await keep(manifest)
    return 'new-version'
  }

  // One look at the host's manifest at a time, whoever asks: tabs share the answer.
  let looking: Promise<CheckOutcome> | undefined
  // A routine check is conditional (If-None-Match with the ETag of the last manifest: a 304 costs a few bytes); a
  // suspicion asks for the manifest whatever it was.
  const look = (conditional: boolean) =>
    (looking ??= (async () => {
      await loaded
      // Removed by the kill switch: nothing to look for any more, and nothing to keep.
      if (removed) return 'kill-switch' as const
      let read = await fetchManifest(env, conditional ? state.manifestEtag : null)
      // "Not modified" helps only if the worker still keeps that manifest (storage pressure may have taken it).
      if (read === 'unchanged' && !(await deployments.known()).some((kept) => kept.version === state.newest?.version)) {
        read = await fetchManifest(env, null)
      }
      if (read === 'kill-switch') {
        removed = true
        deployments.retire()
        await saving
        await env.removeGatekeeper()
        return read
      }
      // Saved in the background (writes are queued in order): the answer must not wait on Cache Storage.
      if (typeof read !== 'string') void remember((current) => ({ ...current, manifestEtag: read.etag }))
      const outcome = typeof read === 'string' ? read : await learn(read.manifest)
      if (outcome === 'unreachable' || outcome === 'invalid') log('check failed', `the manifest was ${outcome}`)
      await remember((current) => ({ ...current, lastCheck: { at: env.now(), outcome } }))
      return outcome
    })().finally(() => {
      looking = undefined
    }))

  let quietUntil = 0
  let revalidatedAt = -Infinity

  const suspectNewDeployment = async () => {
    if (env.now() < quietUntil) return
    const outcome = await look(false)
    if (outcome !== 'new-version' && outcome !== 'kill-switch') {
      quietUntil = env.now() + SUSPICION_QUIET_MS
      log('suspicion dismissed', `the host still serves ${state.newest?.version ?? 'no manifest'}`)
    }
  }

  return {
    deployments,

    async learnCurrentDeployment() {
      await look(true).catch(() => undefined)
    },

    async answer(tabId, message) {
      await loaded
      const openIds = await env.openTabIds()
      const grace = await gracePeriod()
      await remember((current) => recordTab(current, tabId, message.tab, openIds, env.now(), grace))
      // A tab that runs a deployment this worker has not confirmed makes it ask the host rather than trust the
      // page; a look already under way is joined, so its answer is the one given.
      const stale = !isFresh(state.lastCheck, message.maxAgeMs, env.now())
      if (looking || stale || isNewer(message.tab, state.newest)) await look(true)
      return { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: state.newest, checkedAt: state.lastCheck?.at ?? null }
    },

    suspectNewDeployment,

    async revalidate(url, destination, tabId) {
      await loaded
      const tab = state.tabs[tabId]
      if (!tab || tab.version !== state.newest?.version || env.now() - revalidatedAt < REVALIDATION_INTERVAL_MS) return
      revalidatedAt = env.now()
      const response = await env.fetch(url, { method: 'HEAD', cache: 'no-cache', credentials: 'same-origin' }).catch(() => undefined)
      const facts = response && { status: response.status, contentType: response.headers.get('content-type') }
      if (facts && classifyResponse({ destination, versioned: true }, facts) === 'version-gone') await suspectNewDeployment()
    },

    async fallbackPage(languages, version) {
      const known = async () => (await deployments.known()).some((manifest) => manifest.version === version)
      if (version && looking && !(await known())) await looking.catch(() => undefined)
      return deployments.fallbackPage(languages, version)
    },

    async tidy() {
      await loaded
      if (removed) return
      const openIds = await env.openTabIds()
      const grace = await gracePeriod()
      await remember((current) => ({ ...current, tabs: countedTabs(current.tabs, openIds, env.now(), grace) }))
      for (const version of unusedVersions(await env.storage.keptVersions(), state.newest?.version, state.tabs)) {
        await deployments.drop(version)
        log('removed', `${version}: no tab has run it for the grace period (${grace} ms)`)
      }
    },

    note: log,

    languagesOf(request) {
      const languages = parseAcceptLanguage(request.headers.get('accept-language'))
      return languages.length > 0 ? languages : env.languages()
    },

    async report() {
      await loaded
      const kept = await Promise.all(
        (await deployments.known()).map(async (manifest) => ({ manifest, cache: await env.storage.summarize(manifest.version) })),
      )
      const openIds = await env.openTabIds()
      // The tabs as they count now: a closed tab gone longer than the grace period no longer does.
      const counted = { ...state, tabs: countedTabs(state.tabs, openIds, env.now(), await gracePeriod()) }
      return buildReport({ scope: env.scope, startedAt, state: counted, kept, openIds })
    },
  }
}

/**
 * The host's manifest with its ETag, or what the answer was instead: `unchanged` (304 to `etag`), `unreachable`
 * (network error, another non-2xx), `invalid` (not a manifest this worker reads), or the kill switch. Past every
 * cache of the browser (`no-store`): the worker makes its own conditional request, so a check is one small request
 * even where the browser keeps no HTTP cache (WebKit's automation profile, private windows).
 */
async function fetchManifest(
  env: WorkerEnvironment,
  etag: string | null,
): Promise<{ manifest: DeployManifest; etag: string | null } | CheckOutcome> {
  let response: Response
  try {
    const headers = etag ? { 'if-none-match': etag } : undefined
    response = await env.fetch(env.manifestUrl, { cache: 'no-store', credentials: 'same-origin', headers })
  } catch {
    return 'unreachable'
  }
  if (response.status === 304 && etag) return 'unchanged'
  if (!response.ok) return 'unreachable'
  const json: unknown = await response.json().catch(() => undefined)
  if (isKillSwitch(json)) return 'kill-switch'
  const manifest = readManifest(json)
  return manifest ? { manifest, etag: response.headers.get('etag') } : 'invalid'
}
