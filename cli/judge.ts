/**
 * What the doctor concludes from one answer of the host. Plain functions over plain facts (status, headers), so
 * every rule is tested without a host; doctor.ts fetches the facts and prints the findings.
 */
import { classifyResponse } from '../sw/classify.js'

/** ✓ as the gatekeeper needs it, ! works but costs something or cannot be known, ✗ breaks the gatekeeper. */
export type Verdict = 'pass' | 'warn' | 'fail'

/** One line of the checklist: what was looked at, what was seen, and what to change when it is not a pass. */
export interface Finding {
  verdict: Verdict
  subject: string
  seen: string
  fix?: string
}

/** The directives of a Cache-Control header that matter here. */
export interface CacheDirectives {
  noCache: boolean
  noStore: boolean
  immutable: boolean
  /** `max-age`, in seconds; undefined when absent. */
  maxAge: number | undefined
  /** `s-maxage` (shared caches: CDNs), in seconds. */
  sharedMaxAge: number | undefined
}

/** Reads a Cache-Control header; null (no header) reads as no directive at all. */
export function parseCacheControl(header: string | null): CacheDirectives {
  const directives = new Map<string, string>()
  for (const part of (header ?? '').split(',')) {
    const [name, value = ''] = part.trim().split('=')
    if (name) directives.set(name.toLowerCase(), value.replace(/^"|"$/g, ''))
  }
  const seconds = (name: string) => (directives.has(name) && /^\d+$/.test(directives.get(name)!) ? Number(directives.get(name)) : undefined)
  return {
    noCache: directives.has('no-cache'),
    noStore: directives.has('no-store'),
    immutable: directives.has('immutable'),
    maxAge: seconds('max-age'),
    sharedMaxAge: seconds('s-maxage'),
  }
}

/** A year: what Vite's hashed files may be cached for. A day is long enough that nobody need revalidate them. */
const LONG_CACHE_S = 24 * 60 * 60

/** How each file the gatekeeper reads at a fixed address must be cached, and why (for the fix). */
const REVALIDATED = {
  'index.html': 'a stale index.html names files of a deployment that is gone (the worker revalidates documents, but first visits and browsers without it do not)',
  'sw.js': 'browsers must see a new worker; a CDN that keeps it serves the old one',
  'deploy-manifest.json': "the worker's checks are conditional requests for it: a cached copy hides new deployments",
} as const

/** A file at a fixed address (index.html, sw.js, deploy-manifest.json): it must be revalidated on every use. */
export function judgeRevalidated(file: keyof typeof REVALIDATED, cacheControl: string | null): Finding {
  const cache = parseCacheControl(cacheControl)
  const seen = cacheControl === null ? 'no Cache-Control' : `Cache-Control: ${cacheControl}`
  const fix = `serve ${file} with "Cache-Control: no-cache": ${REVALIDATED[file]}`
  const subject = `${file} is revalidated on every use`
  const revalidated = cache.noCache || cache.noStore || (cache.maxAge === 0 && cache.sharedMaxAge === undefined)
  if (revalidated && (cache.sharedMaxAge ?? 0) === 0) return { verdict: 'pass', subject, seen }
  if (cacheControl === null) {
    return { verdict: 'warn', subject, seen: `${seen}: browsers may cache it heuristically (a fraction of its age)`, fix }
  }
  // index.html is revalidated by the worker itself; a long cache there only harms first visits. The others must not be.
  const long = cache.immutable || (cache.maxAge ?? 0) >= 60 || (cache.sharedMaxAge ?? 0) >= 60
  return { verdict: long && file !== 'index.html' ? 'fail' : 'warn', subject, seen, fix }
}

/** A hashed file: its content never changes, so a long, immutable cache is right. */
export function judgeHashedFile(path: string, status: number, cacheControl: string | null): Finding {
  const subject = `hashed files are cached long (${path})`
  if (status !== 200) {
    return { verdict: 'fail', subject, seen: `HTTP ${status} for a file the current manifest lists`, fix: 'deploy every file of the build output, and deploy deploy-manifest.json last' }
  }
  const cache = parseCacheControl(cacheControl)
  const seen = cacheControl === null ? 'no Cache-Control' : `Cache-Control: ${cacheControl}`
  if ((cache.maxAge ?? 0) >= LONG_CACHE_S && !cache.noCache && !cache.noStore) return { verdict: 'pass', subject, seen }
  return {
    verdict: 'warn',
    subject,
    seen,
    fix: 'serve the assets directory with "Cache-Control: public, max-age=31536000, immutable": its names carry a content hash, and every revalidation is a request the page waits for',
  }
}

/** What the host answers for a hashed file that does not exist: how the gatekeeper will see a deployment. */
export function judgeMissingFile(status: number, contentType: string | null): Finding {
  const subject = 'a missing hashed file is recognisable'
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? 'no Content-Type'
  // The worker's own verdict on the answer to one of a deployment's scripts (sw/classify.ts), so the two agree.
  const seenByWorker = classifyResponse({ destination: 'script', versioned: true }, { status, contentType })
  if (seenByWorker === 'version-gone' && (status === 404 || status === 410)) {
    return { verdict: 'pass', subject, seen: `HTTP ${status}: a tab whose deployment's files are gone finds out at once` }
  }
  if (seenByWorker === 'version-gone') {
    return { verdict: 'pass', subject, seen: `HTTP ${status} ${type} (SPA rewrite): the worker reads HTML for code as a missing file` }
  }
  if (seenByWorker === 'transient') {
    return {
      verdict: 'fail',
      subject,
      seen: `HTTP ${status}`,
      fix: 'answer a missing file with 404 (or the SPA rewrite): the gatekeeper takes a 5xx for a transient error, never for a deployment',
    }
  }
  if (status === 403) {
    return {
      verdict: 'fail',
      subject,
      seen: 'HTTP 403: the gatekeeper cannot tell a removed file from a forbidden one',
      fix: 'answer a missing file with 404. S3 behind CloudFront answers 403 for a missing key unless CloudFront may list the bucket: grant it s3:ListBucket, or map 403 to 404 in a custom error response',
    }
  }
  return {
    verdict: 'fail',
    subject,
    seen: `HTTP ${status} ${type}`,
    fix: 'answer a missing file under the assets directory with 404, for example nginx "try_files $uri =404"',
  }
}

/** What one file of an older deployment answered. */
export interface OldFileAnswer {
  path: string
  status: number
  contentType: string | null
}

/**
 * Whether the host keeps the files of an older deployment. Either way works: removed files are found at once,
 * kept ones through the tabs' checks (a conditional request per browser, at most every checkInterval).
 */
export function judgeOldFiles(previousVersion: string | undefined, currentVersion: string, answers: readonly OldFileAnswer[]): Finding {
  const subject = 'files of older deployments'
  if (previousVersion === undefined) {
    return {
      verdict: 'warn',
      subject,
      seen: 'not known: nothing lists what an older deployment had',
      fix: 'run the doctor with --previous <the deploy-manifest.json of an earlier deployment> (a URL or a file) to find out',
    }
  }
  if (previousVersion === currentVersion) {
    return { verdict: 'warn', subject, seen: `--previous names the current deployment (${currentVersion})`, fix: 'pass the manifest of an earlier deployment' }
  }
  if (answers.length === 0) return { verdict: 'warn', subject, seen: `the manifest of ${previousVersion} lists no files` }
  // A file still served as itself: not HTML standing in for it (read as the worker reads the answer to a script).
  const kept = answers.filter(
    (answer) => answer.status === 200 && classifyResponse({ destination: 'script', versioned: true }, answer) === 'ok',
  )
  if (kept.length === answers.length) {
    return {
      verdict: 'pass',
      subject,
      seen: `kept: all ${answers.length} files of ${previousVersion} still load. Tabs on it keep working and learn of the new deployment through their checks (at most every checkInterval)`,
    }
  }
  if (kept.length === 0) {
    return { verdict: 'pass', subject, seen: `removed: none of the ${answers.length} files of ${previousVersion} loads; tabs on it move at their next navigation` }
  }
  return {
    verdict: 'warn',
    subject,
    seen: `partly kept: ${kept.length} of ${answers.length} files of ${previousVersion} load (${answers.find((answer) => !kept.includes(answer))!.path} does not)`,
    fix: 'keep or remove a deployment as a whole; a CDN that caches some old files and not others gives tabs a mix',
  }
}

const MARK: Record<Verdict, string> = { pass: '✓', warn: '!', fail: '✗' }

/** The checklist as text: one line per finding, its fix indented below it. */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.flatMap((finding) => [
    `${MARK[finding.verdict]} ${finding.subject}: ${finding.seen}`,
    ...(finding.fix && finding.verdict !== 'pass' ? [`    fix: ${finding.fix}`] : []),
  ])
  const count = (verdict: Verdict) => findings.filter((finding) => finding.verdict === verdict).length
  lines.push('', `${count('pass')} ✓, ${count('warn')} !, ${count('fail')} ✗`)
  return `${lines.join('\n')}\n`
}

/** Whether index.html carries the gatekeeper's runtime, and of which deployment, as read from its inline config. */
export interface PageRuntime {
  version: string
  /** `false`: the project registers a worker of its own (`serviceWorker: 'own'`). */
  register: boolean
}

/** Reads the runtime's configuration out of an HTML page; undefined when the page has none. */
export function readPageRuntime(html: string): PageRuntime | undefined {
  const match = /"tab":\{"version":"([\w.-]{1,64})"[^<]*?"fallback":"[^"]*"(,"register":false)?/.exec(html)
  return match ? { version: match[1]!, register: match[2] === undefined } : undefined
}

/** index.html against the manifest: it must run the runtime of the deployment the manifest names. */
export function judgePageRuntime(runtime: PageRuntime | undefined, manifestVersion: string | undefined): Finding {
  const subject = 'index.html runs the gatekeeper'
  if (!runtime) {
    return { verdict: 'fail', subject, seen: 'no gatekeeper runtime in the page', fix: 'add versionGatekeeper() to the plugins in vite.config.ts, build, and deploy the whole output' }
  }
  if (manifestVersion !== undefined && runtime.version !== manifestVersion) {
    return {
      verdict: 'fail',
      subject,
      seen: `the page is of version ${runtime.version}, deploy-manifest.json names ${manifestVersion}`,
      fix: 'a cache between the browser and the host (a CDN) serves one of them stale: purge it on deploy, and serve both with "Cache-Control: no-cache"',
    }
  }
  return { verdict: 'pass', subject, seen: `version ${runtime.version}${runtime.register ? '' : ", in the project's own service worker"}` }
}

/** deploy-manifest.json must carry a validator, or every check downloads it whole. */
export function judgeValidators(etag: string | null, lastModified: string | null): Finding {
  const subject = 'deploy-manifest.json can be checked with a conditional request'
  if (etag) return { verdict: 'pass', subject, seen: `ETag ${etag}` }
  if (lastModified) return { verdict: 'pass', subject, seen: `Last-Modified ${lastModified}` }
  return { verdict: 'warn', subject, seen: 'no ETag or Last-Modified', fix: 'let the host send an ETag (most do for static files): a check then costs a 304' }
}
