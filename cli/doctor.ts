/**
 * `version-gatekeeper doctor <url>`: looks at a live deployment the way the gatekeeper will, and says what the host
 * must change. It asks the host for index.html, sw.js, deploy-manifest.json, one hashed file, one made-up hashed file
 * and, given an older manifest, that deployment's files; judge.ts decides what each answer means.
 */
import { readFile } from 'node:fs/promises'
import { SW_FILE } from '../app-runtime/config.js'
import { isKillSwitch, MANIFEST_FILE, readManifest, type DeployManifest } from '../manifest/manifest.js'
import {
  judgeHashedFile,
  judgeMissingFile,
  judgeOldFiles,
  judgePageRuntime,
  judgeRevalidated,
  judgeValidators,
  readPageRuntime,
  type Finding,
  type OldFileAnswer,
} from './judge.js'

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** An older deployment's deploy-manifest.json, as a URL or a file path: to learn whether the host keeps old files. */
  previous?: string
  /** The HTTP client; the global fetch by default. */
  fetch?: typeof fetch
  /** Per request. Default: 10 s. */
  timeoutMs?: number
}

/** At most this many files of an older deployment are requested: enough to tell kept from removed. */
const OLD_FILES_ASKED = 8

/** Checks the deployment served at `siteUrl` (the app's base, e.g. `https://example.com/app/`); never throws for the host's answers. */
export async function runDoctor(siteUrl: string, options: DoctorOptions = {}): Promise<Finding[]> {
  const { fetch: request = fetch, timeoutMs = 10_000 } = options
  const base = new URL(siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`)
  const get = (url: URL | string) => request(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) })
  const findings: Finding[] = []

  let page: Response
  try {
    page = await get(base)
  } catch (error) {
    return [{ verdict: 'fail', subject: 'the host answers', seen: `${base.href}: ${describeError(error)}`, fix: 'check the address, and that the host is up' }]
  }
  const html = await page.text()

  const manifestResponse = await get(new URL(MANIFEST_FILE, base)).catch(() => undefined)
  const manifestJson = manifestResponse?.ok ? await manifestResponse.json().catch(() => undefined) : await manifestResponse?.body?.cancel()
  const manifest = readManifest(manifestJson)
  const runtime = readPageRuntime(html)

  findings.push(judgeRevalidated('index.html', page.headers.get('cache-control')))
  if (!isKillSwitch(manifestJson)) findings.push(judgePageRuntime(runtime, manifest?.version))

  const sw = await get(new URL(SW_FILE, base)).catch(() => undefined)
  await sw?.body?.cancel()
  if (!sw?.ok || !/javascript/i.test(sw.headers.get('content-type') ?? '')) {
    const ownWorker = runtime && !runtime.register
    findings.push({
      verdict: ownWorker ? 'warn' : 'fail',
      subject: `${SW_FILE} is served`,
      seen: sw ? `HTTP ${sw.status} ${sw.headers.get('content-type') ?? ''}`.trim() : 'no answer',
      fix: ownWorker
        ? `your project registers its own worker: check its headers as for ${SW_FILE}`
        : `deploy ${SW_FILE} from the build output at the app's base, served as JavaScript`,
    })
  } else {
    findings.push(judgeRevalidated('sw.js', sw.headers.get('cache-control')))
  }

  if (!manifestResponse?.ok || (!manifest && !isKillSwitch(manifestJson))) {
    findings.push({
      verdict: 'fail',
      subject: `${MANIFEST_FILE} is served`,
      seen: manifestResponse ? `HTTP ${manifestResponse.status}${manifestResponse.ok ? ', not a deployment manifest' : ''}` : 'no answer',
      fix: `deploy ${MANIFEST_FILE} from the build output beside index.html, served as it was built`,
    })
    return findings
  }
  findings.push(judgeRevalidated('deploy-manifest.json', manifestResponse.headers.get('cache-control')))
  findings.push(judgeValidators(manifestResponse.headers.get('etag'), manifestResponse.headers.get('last-modified')))
  if (!manifest) {
    findings.push({ verdict: 'warn', subject: 'the gatekeeper', seen: 'the kill switch is deployed: every browser removes the gatekeeper at its next visit' })
    return findings
  }

  const hashed = manifest.entry[0] ?? manifest.assets[0]
  if (hashed) {
    const answer = await get(new URL(hashed, base)).catch(() => undefined)
    await answer?.body?.cancel()
    findings.push(judgeHashedFile(hashed, answer?.status ?? 0, answer?.headers.get('cache-control') ?? null))
  }

  // A name Vite could have emitted (name-hash.js) that no deployment has.
  const madeUp = `${manifest.assetsDir}version-gatekeeper-doctor-${Math.random().toString(36).slice(2, 10)}.js`
  const missing = await get(new URL(madeUp, base)).catch(() => undefined)
  await missing?.body?.cancel()
  findings.push(
    missing
      ? judgeMissingFile(missing.status, missing.headers.get('content-type'))
      : { verdict: 'fail', subject: 'a missing hashed file is recognisable', seen: `${madeUp}: no answer`, fix: 'answer a missing file with 404' },
  )

  findings.push(await judgePrevious(options.previous, manifest, base, get))
  return findings
}

async function judgePrevious(
  previous: string | undefined,
  current: DeployManifest,
  base: URL,
  get: (url: URL) => Promise<Response>,
): Promise<Finding> {
  if (previous === undefined) return judgeOldFiles(undefined, current.version, [])
  const older = readManifest(await readJson(previous, get).catch(() => undefined))
  if (!older) {
    return { verdict: 'warn', subject: 'files of older deployments', seen: `${previous} is no deployment manifest`, fix: 'pass the deploy-manifest.json of an earlier deployment' }
  }
  // Files both deployments have (unchanged since) say nothing about what the host does with old ones.
  const onlyOlder = older.assets.filter((file) => !current.assets.includes(file)).slice(0, OLD_FILES_ASKED)
  const answers: OldFileAnswer[] = []
  for (const path of onlyOlder) {
    const answer = await get(new URL(path, base)).catch(() => undefined)
    await answer?.body?.cancel()
    answers.push({ path, status: answer?.status ?? 0, contentType: answer?.headers.get('content-type') ?? null })
  }
  return judgeOldFiles(older.version, current.version, answers)
}

/** A manifest from a URL or a file. */
async function readJson(source: string, get: (url: URL) => Promise<Response>): Promise<unknown> {
  if (/^https?:\/\//i.test(source)) return (await get(new URL(source))).json()
  return JSON.parse(await readFile(source, 'utf8'))
}

function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error instanceof Error ? error.message : String(error)}${cause}`
}
