/**
 * The gatekeeper's memory and its conversations with the host: which deployment is the newest, which tab runs
 * which, and when to read the host's manifest. Everything it needs from the worker's global scope comes in through
 * `WorkerEnvironment`, so it runs in unit tests exactly as in the browser.
 */
import { PROTOCOL_SCHEMA, type StateReply, type TabMessage, type VersionChanged } from '../channel/protocol.js'
import { isNewer, readManifest, type DeployManifest, type VersionStamp } from '../manifest/manifest.js'
import { isFresh, recordTab, type CheckOutcome, type GatekeeperState } from './state.js'
import { chooseLocale } from '../manifest/locale.js'
import { findFallbackPage, keepFallbackPages } from './fallback.js'
import type { Storage } from './storage.js'

/**
 * After a suspicion that the manifest did not confirm, further suspicions wait this long. A page with a broken
 * image, or a host with a transient 404, then costs at most six manifest requests a minute, while a real deployment
 * noticed by a later request is still confirmed within 10 s.
 */
export const SUSPICION_QUIET_MS = 10_000

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
  now(): number
}

/** The service worker's view of deployments and tabs. */
export interface Gatekeeper {
  /** Reads the host's manifest (at install). Never rejects: a host that is down must not cost the install. */
  learnCurrentDeployment(): Promise<void>
  /** Records what a tab says, checks if it asks for it, and answers with the newest deployment. */
  answer(tabId: string, message: TabMessage): Promise<StateReply>
  /**
   * A response to tab `tabId` suggested that its deployment is gone: confirm with a fresh manifest (unless a newer
   * deployment than the tab's is known already). Only a newer deployment counts; it is then recorded, broadcast
   * once to every tab, and the registration is updated. Resolves to that deployment when one is newer than the
   * tab's, else undefined (a transient 404, or a tab that never asked).
   */
  suspectNewDeployment(tabId?: string): Promise<VersionStamp | undefined>
  /** Whether `tabId` is a tab whose runtime has asked: one that will act on a `FILE_GONE`. */
  isKnownTab(tabId: string): Promise<boolean>
  /** The deployments whose manifest lists `url`, newest first. */
  versionsListing(url: string): Promise<readonly string[]>
  /** Whether `url` is a deployment's hashed file: listed in a known manifest, or under a known assets directory. */
  isVersionedAsset(url: string): Promise<boolean>
  /**
   * The fallback page for a reader preferring `languages`: of deployment `version` when given and kept, else of
   * the newest deployment that has one kept.
   */
  fallbackPage(languages: readonly string[], version?: string | null): Promise<Response | undefined>
  /** Where the host serves the newest known deployment's fallback page for a reader preferring `languages`, or undefined. */
  fallbackPageUrl(languages: readonly string[]): Promise<string | undefined>
  /** The kept copy of the fallback page at `url` (any known deployment's, any locale; the query is ignored), or undefined. */
  keptFallbackPage(url: string): Promise<Response | undefined>
}

/** Creates the gatekeeper. Its state loads from storage at once and is written through on every change. */
export function createGatekeeper(env: WorkerEnvironment): Gatekeeper {
  let state: GatekeeperState
  const loaded = env.storage.loadState().then((stored) => {
    state = stored
  })
  // Every change is a function of the state as it is when the change lands, never of a copy read before an
  // await: events interleave at every await, and a change computed from an old copy would undo the others.
  let saving = Promise.resolve()
  const remember = (change: (current: GatekeeperState) => GatekeeperState) => {
    const next = (state = change(state))
    saving = saving.then(() => env.storage.saveState(next))
    return saving
  }

  // Known manifests, newest first, and the index of their files, built once from storage.
  let manifests: Promise<DeployManifest[]> | undefined
  const knownManifests = () => (manifests ??= env.storage.loadManifests().catch(() => []))
  const assetIndex = async () => {
    const index = new Map<string, string[]>()
    for (const manifest of await knownManifests()) {
      for (const path of manifest.assets) {
        const href = new URL(path, env.manifestUrl).href
        index.set(href, [...(index.get(href) ?? []), manifest.version])
      }
    }
    return index
  }
  let index: Promise<Map<string, string[]>> | undefined
  const keepManifest = async (manifest: DeployManifest) => {
    // Its fallback pages before the manifest, so that a kept deployment has them whenever the host could serve them.
    await keepFallbackPages(manifest, env.manifestUrl, env.storage, (url) => env.fetch(url, { credentials: 'same-origin' }))
    if ((await knownManifests()).some((kept) => kept.version === manifest.version)) return
    await env.storage.saveManifest(manifest)
    // The list as it is now, after the awaits: another deployment may have been kept meanwhile.
    const known = await knownManifests()
    manifests = Promise.resolve([manifest, ...known.filter((kept) => kept.version !== manifest.version)].sort((a, b) => (a.builtAt < b.builtAt ? 1 : -1)))
    index = undefined
  }

  const learn = async (manifest: DeployManifest): Promise<CheckOutcome> => {
    await loaded
    const previous = state.newest
    if (!isNewer(manifest, previous)) {
      if (previous?.version === manifest.version) await keepManifest(manifest)
      return 'unchanged'
    }
    const newest: VersionStamp = { version: manifest.version, builtAt: manifest.builtAt }
    await remember((current) => ({ ...current, newest }))
    // The first manifest a new service worker reads is not a change: tabs compare it with their own when they ask.
    if (previous) {
      env.broadcast({ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: previous.version, to: newest })
      env.updateRegistration()
    }
    // Tabs first; then the manifest and the fallback pages (the fallback route waits for a look in progress).
    await keepManifest(manifest)
    return 'new-version'
  }

  // One look at the host's manifest at a time, whoever asks: tabs share the answer.
  let looking: Promise<CheckOutcome> | undefined
  const look = (cache: RequestCache) =>
    (looking ??= (async () => {
      const outcome = await fetchManifest(env, cache).then((read) => (typeof read === 'string' ? read : learn(read)))
      await remember((current) => ({ ...current, lastCheck: { at: env.now(), outcome } }))
      return outcome
    })().finally(() => {
      looking = undefined
    }))

  let quietUntil = 0

  return {
    async learnCurrentDeployment() {
      await look('no-cache').catch(() => undefined)
    },

    async answer(tabId, message) {
      await loaded
      const openIds = await env.openTabIds()
      await remember((current) => recordTab(current, tabId, message.tab, openIds, env.now()))
      // A tab that runs a deployment this worker has not confirmed makes it ask the host rather than trust the
      // page; a look already under way is joined, so its answer is the one given.
      const stale = !isFresh(state.lastCheck, message.maxAgeMs, env.now())
      if (looking || stale || isNewer(message.tab, state.newest)) await look('no-cache')
      return { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: state.newest, checkedAt: state.lastCheck?.at ?? null }
    },

    async suspectNewDeployment(tabId) {
      await loaded
      const tab = tabId === undefined ? undefined : state.tabs[tabId]
      const newerThanTab = () => (tab && state.newest && isNewer(state.newest, tab) ? state.newest : undefined)
      if (newerThanTab() || env.now() < quietUntil) return newerThanTab()
      // `reload` goes past the HTTP cache and refreshes it, so later conditional checks start from the new ETag.
      const outcome = await look('reload')
      if (outcome !== 'new-version') quietUntil = env.now() + SUSPICION_QUIET_MS
      return newerThanTab()
    },

    async isKnownTab(tabId) {
      await loaded
      return Object.hasOwn(state.tabs, tabId)
    },

    async versionsListing(url) {
      return (await (index ??= assetIndex())).get(stripHash(url)) ?? []
    },

    async fallbackPage(languages, version) {
      // A page of a deployment this worker is learning right now (its tab asked) waits for that to finish.
      if (version && looking && !(await knownManifests()).some((manifest) => manifest.version === version)) await looking
      const manifests = await knownManifests()
      const preferred = manifests.filter((manifest) => manifest.version === version)
      return findFallbackPage([...preferred, ...manifests], languages, env.manifestUrl, env.storage)
    },

    async keptFallbackPage(url) {
      const page = new URL(url)
      page.search = page.hash = ''
      for (const manifest of await knownManifests()) {
        const listed = Object.values(manifest.fallback.pages).some((path) => new URL(path, env.manifestUrl).href === page.href)
        if (listed) return env.storage.matchFile(manifest.version, page.href)
      }
      return undefined
    },

    async fallbackPageUrl(languages) {
      const [newest] = await knownManifests()
      if (!newest) return undefined
      const { pages, defaultLocale } = newest.fallback
      return new URL(pages[chooseLocale(languages, Object.keys(pages), defaultLocale)]!, env.manifestUrl).href
    },

    async isVersionedAsset(url) {
      const href = stripHash(url)
      if ((await (index ??= assetIndex())).has(href)) return true
      return (await knownManifests()).some(
        (manifest) => manifest.assetsDir !== '' && href.startsWith(new URL(manifest.assetsDir, env.manifestUrl).href),
      )
    },
  }
}

/** The host's manifest, or why there is none: `unreachable` (network error, non-2xx) or `invalid` (not a manifest). */
async function fetchManifest(env: WorkerEnvironment, cache: RequestCache): Promise<DeployManifest | CheckOutcome> {
  let response: Response
  try {
    response = await env.fetch(env.manifestUrl, { cache, credentials: 'same-origin' })
  } catch {
    return 'unreachable'
  }
  if (!response.ok) return 'unreachable'
  return readManifest(await response.json().catch(() => undefined)) ?? 'invalid'
}

function stripHash(url: string): string {
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}
