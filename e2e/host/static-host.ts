/**
 * A Node `http` host that serves one of several release directories and swaps between them
 * atomically, the way the end-to-end tests and the demo "deploy" a new build under open tabs.
 */
import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, STATUS_CODES } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { join, resolve, sep } from 'node:path'
import { cacheControlFor, contentTypeFor, hasFileExtension, isAssetPath, NO_CACHE } from './headers.js'

/**
 * How a host answers a path that is not a file of the current release:
 * - `strict`: missing assets and missing files with an extension are 404, client-side routes get `index.html`;
 * - `spa`: every missing path gets `index.html` with status 200 (a catch-all rewrite);
 * - `keep-old`: missing files are looked up in previously deployed releases first, then as `strict`.
 */
export type HostMode = 'strict' | 'spa' | 'keep-old'

/** Options of {@link createStaticHost}. */
export interface StaticHostOptions {
  /** Directory holding one sub-directory per release (`v1`, `v2`, …). */
  releasesDir: string
  mode: HostMode
  /** TCP port on 127.0.0.1; 0 (the default) picks any free port. */
  port?: number
  /** Release deployed before the host starts answering. */
  initialRelease?: string
  /**
   * Extra headers for HTML pages, by the release the page comes from: a Content-Security-Policy, say, whose
   * hashes differ from one release to the next.
   */
  pageHeaders?: (release: string) => Record<string, string>
}

/** One request as the host saw it. */
export interface RequestRecord {
  /** `Date.now()` when the request arrived (the Node host) or was logged (nginx). */
  at: number
  method: string
  /** Raw `pathname + search` as sent by the client. */
  path: string
  /** HTTP status; 0 when the host reset the connection instead of answering. */
  status: number
  /** The request carried `If-None-Match` or `If-Modified-Since`. */
  conditional: boolean
  /** Release directory the served file came from; undefined when no file was served. */
  release: string | undefined
}

/**
 * A fault {@link StaticHost.injectFault} plays: an answer with this status (and this text instead of the status's
 * name: a corrupt file, say), a connection reset without any response, or a slow answer (served normally, from the
 * release current when the request arrived, after `delayMs`).
 */
export type Fault = { status: number; body?: string } | 'reset' | { delayMs: number }

/** What both hosts offer, so that one test can run against either. */
export interface ReleaseHost {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string
  readonly mode: HostMode
  /** The release being served, or undefined before the first deploy. */
  readonly current: string | undefined
  /** Serves `release` to every request that starts after this call returns; throws if the directory does not exist. */
  deploy(release: string): void
  /** Every request since the start or the last {@link clearRequests}, in order. */
  readRequests(): Promise<RequestRecord[]>
  /** Forgets all requests recorded so far. */
  clearRequests(): void | Promise<void>
  /** Stops the host and closes every open connection. */
  close(): Promise<void>
}

/** The Node host: a {@link ReleaseHost} that can also fail requests and refuse connections on demand. */
export interface StaticHost extends ReleaseHost {
  /** Every request since the start or the last {@link clearRequests}, in order, including faults, 304s and 404s. */
  readonly requests: readonly RequestRecord[]
  clearRequests(): void
  /**
   * The next `times` (default 1) requests whose path (`pathname + search`, as in {@link RequestRecord.path})
   * matches meet `fault` (fail, or answer late). Faults are consumed in the order they were injected.
   */
  injectFault(match: RegExp | ((path: string) => boolean), fault: Fault, times?: number): void
  /** While on, every new TCP connection is destroyed at once; switching on also destroys open keep-alive connections. */
  refuseConnections(on: boolean): void
}

interface PendingFault {
  matches: (path: string) => boolean
  fault: Fault
  remaining: number
}

/** The releases a request sees: fixed when it arrives, so a deploy mid-request cannot mix two releases. */
interface ReleaseSnapshot {
  current: string | undefined
  /** Earlier releases, newest first. */
  older: readonly string[]
}

interface FoundFile {
  release: string
  urlPath: string
  body: Buffer
}

/**
 * Starts a host on 127.0.0.1 that serves `releasesDir/<current>` with the missing-file rule of `mode`,
 * strong content-hash ETags and 304s, and resolves once it is listening.
 */
export async function createStaticHost(options: StaticHostOptions): Promise<StaticHost> {
  const releasesDir = resolve(options.releasesDir)
  const deployed: string[] = []
  const requests: RequestRecord[] = []
  const faults: PendingFault[] = []
  const sockets = new Set<Socket>()
  let refusing = false

  const snapshot = (): ReleaseSnapshot => ({
    current: deployed.at(-1),
    older: deployed.slice(0, -1).reverse(),
  })

  const server = createServer((request, response) => {
    void handleRequest(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)))
    })
  })

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const releases = snapshot()
    const record: RequestRecord = {
      at: Date.now(),
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      status: 0,
      conditional: request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined,
      release: undefined,
    }
    const fault = takeFault(faults, record.path)
    if (fault !== undefined && typeof fault === 'object' && 'delayMs' in fault) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
    } else if (fault !== undefined) {
      return playFault(fault, record, requests, response)
    }
    if (record.method !== 'GET' && record.method !== 'HEAD') {
      requests.push({ ...record, status: 405 })
      return sendText(response, 405, { Allow: 'GET, HEAD' })
    }
    const urlPath = decodeUrlPath(record.path)
    if (urlPath === undefined) {
      requests.push({ ...record, status: 400 })
      return sendText(response, 400)
    }
    if (releases.current === undefined) {
      requests.push({ ...record, status: 503 })
      return sendText(response, 503)
    }
    const file = await findFile(releasesDir, options.mode, releases.current, releases.older, urlPath)
    if (file === undefined) {
      requests.push({ ...record, status: 404 })
      return sendText(response, 404)
    }
    const status = sendFile(request, response, file, options.pageHeaders)
    requests.push({ ...record, status, release: file.release })
  }

  server.on('connection', (socket: Socket) => {
    // Destroying the socket before any byte is read is what a host that is down looks like to a browser,
    // and unlike the browsers' offline switches it also reaches service workers.
    if (refusing) return socket.destroy()
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  await listen(server, options.port ?? 0)
  const url = `http://127.0.0.1:${boundPort(server)}/`

  const deploy = (release: string): void => {
    assertReleaseExists(releasesDir, release)
    const previousIndex = deployed.indexOf(release)
    if (previousIndex !== -1) deployed.splice(previousIndex, 1)
    deployed.push(release)
  }
  if (options.initialRelease !== undefined) deploy(options.initialRelease)

  return {
    url,
    mode: options.mode,
    get current() {
      return deployed.at(-1)
    },
    deploy,
    get requests() {
      return requests
    },
    readRequests: async () => [...requests],
    clearRequests: () => {
      requests.length = 0
    },
    injectFault: (match, fault, times = 1) => {
      const matches = typeof match === 'function' ? match : (path: string) => match.test(path)
      faults.push({ matches, fault, remaining: times })
    },
    refuseConnections: (on) => {
      refusing = on
      if (on) destroyAll(sockets)
    },
    close: () => closeServer(server, sockets),
  }
}

function takeFault(faults: PendingFault[], path: string): Fault | undefined {
  const pending = faults.find((candidate) => candidate.matches(path))
  if (pending === undefined) return undefined
  pending.remaining -= 1
  if (pending.remaining <= 0) faults.splice(faults.indexOf(pending), 1)
  return pending.fault
}

function playFault(fault: Exclude<Fault, { delayMs: number }>, record: RequestRecord, requests: RequestRecord[], response: ServerResponse): void {
  if (fault === 'reset') {
    requests.push({ ...record, status: 0 })
    response.socket?.destroy()
    return
  }
  requests.push({ ...record, status: fault.status })
  sendText(response, fault.status, {}, fault.body)
}

/** Decoded pathname of a raw request target, or undefined when it is malformed or climbs out with `..`. */
function decodeUrlPath(rawPath: string): string | undefined {
  const rawPathname = rawPath.split('?', 1)[0] ?? ''
  let pathname: string
  try {
    pathname = decodeURIComponent(rawPathname)
  } catch {
    return undefined
  }
  if (!pathname.startsWith('/') || pathname.includes('\0')) return undefined
  const segments = pathname.split(/[/\\]/)
  return segments.includes('..') ? undefined : pathname
}

async function findFile(
  releasesDir: string,
  mode: HostMode,
  current: string,
  older: readonly string[],
  urlPath: string,
): Promise<FoundFile | undefined> {
  const requestedPath = urlPath === '/' ? '/index.html' : urlPath
  const lookedUp = mode === 'keep-old' ? [current, ...older] : [current]
  for (const release of lookedUp) {
    const found = await readReleaseFile(releasesDir, release, requestedPath)
    if (found !== undefined) return found
  }
  if (mode !== 'spa' && (isAssetPath(urlPath) || hasFileExtension(urlPath))) return undefined
  return readReleaseFile(releasesDir, current, '/index.html')
}

async function readReleaseFile(releasesDir: string, release: string, urlPath: string): Promise<FoundFile | undefined> {
  const filePath = join(releasesDir, release, urlPath)
  try {
    if (!(await stat(filePath)).isFile()) return undefined
    return { release, urlPath, body: await readFile(filePath) }
  } catch (error) {
    if (isMissingFileError(error)) return undefined
    throw error
  }
}

function isMissingFileError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/** Sends `file` (or a 304 when the client's ETag matches) and returns the status sent. */
function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: FoundFile,
  pageHeaders: StaticHostOptions['pageHeaders'],
): number {
  const etag = strongEtag(file.body)
  if (pageHeaders && contentTypeFor(file.urlPath).startsWith('text/html')) {
    for (const [name, value] of Object.entries(pageHeaders(file.release))) response.setHeader(name, value)
  }
  response.setHeader('ETag', etag)
  response.setHeader('Cache-Control', cacheControlFor(file.urlPath))
  if (etagMatches(request.headers['if-none-match'], etag)) {
    response.writeHead(304).end()
    return 304
  }
  response.writeHead(200, {
    'Content-Type': contentTypeFor(file.urlPath),
    'Content-Length': file.body.length,
  })
  response.end(request.method === 'HEAD' ? undefined : file.body)
  return 200
}

function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored, `*` matches anything. */
function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === etag)
}

function sendText(response: ServerResponse, status: number, headers: Record<string, string> = {}, body = STATUS_CODES[status] ?? 'Error'): void {
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': NO_CACHE,
  })
  response.end(response.req.method === 'HEAD' ? undefined : body)
}

function assertReleaseExists(releasesDir: string, release: string): void {
  const releaseDir = resolve(releasesDir, release)
  if (!releaseDir.startsWith(releasesDir + sep)) {
    throw new Error(`Release "${release}" is not a directory inside ${releasesDir}`)
  }
  if (!statSync(releaseDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`Release directory ${releaseDir} does not exist`)
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
}

function boundPort(server: Server): number {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('Server is not listening on a TCP port')
  return address.port
}

function destroyAll(sockets: Set<Socket>): void {
  for (const socket of sockets) socket.destroy()
  sockets.clear()
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolveClose) => {
    if (!server.listening) return resolveClose()
    server.close(() => resolveClose())
    // Idle keep-alive sockets would otherwise hold close() open for the keep-alive timeout.
    destroyAll(sockets)
  })
}
