/**
 * A real nginx instance that serves one of several release directories through a `current` symlink,
 * so that end-to-end tests see exactly what a production nginx with an SPA config does on deploy.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { accessSync, chmodSync, constants, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve, sep } from 'node:path'
import { ASSETS_PREFIX, CONTENT_TYPES, DEFAULT_CONTENT_TYPE, IMMUTABLE, NO_CACHE, RELEASE_ENTRY_FILES } from './headers.js'
import type { HostMode, ReleaseHost, RequestRecord } from './static-host.js'

/** The modes nginx can play with plain `try_files`: keeping old files around needs a host of its own. */
export type NginxHostMode = Exclude<HostMode, 'keep-old'>

/** Options of {@link createNginxHost}. */
export interface NginxHostOptions {
  /** Directory holding one sub-directory per release (`v1`, `v2`, …). */
  releasesDir: string
  mode: NginxHostMode
  /** TCP port on 127.0.0.1; 0 (the default) picks a free port. */
  port?: number
  /** Release deployed before the host resolves. */
  initialRelease?: string
  /** The nginx binary; `/usr/sbin/nginx` by default. */
  nginxBinary?: string
}

/** A running nginx that serves `releasesDir/<current>`; its request log is read from nginx's access log. */
export interface NginxHost extends ReleaseHost {
  readonly mode: NginxHostMode
  /** Forgets every request nginx has logged so far, including those whose log line was still pending. */
  clearRequests(): Promise<void>
}

/** Default location of the nginx binary (Debian's `nginx` package). */
export const NGINX_BINARY = '/usr/sbin/nginx'

/**
 * Answers 204 without being logged. With a single worker, requests are handled in order on one event loop,
 * so once this answers, every earlier request that has been answered has also been logged.
 */
const LOG_BARRIER_PATH = '/.nginx-host/barrier'
const STARTUP_TIMEOUT_MS = 10_000
const SHUTDOWN_TIMEOUT_MS = 5_000
const PORT_ATTEMPTS = 5

interface Running {
  child: ChildProcess
  port: number
  stderr: () => string
}

/**
 * Starts an own nginx (never the system one) on 127.0.0.1 with a config generated for `mode`, and resolves
 * once it answers HTTP. Throws naming `apt-get install -y nginx` when the binary is missing.
 */
export async function createNginxHost(options: NginxHostOptions): Promise<NginxHost> {
  const binary = options.nginxBinary ?? NGINX_BINARY
  assertNginxInstalled(binary)
  const releasesDir = resolve(options.releasesDir)
  const prefix = await mkdtemp(join(tmpdir(), 'nginx-host-'))
  // mkdtemp creates 0700; nginx workers run as `nobody` when the master runs as root.
  chmodSync(prefix, 0o755)
  const releaseByRealPath = new Map<string, string>()
  let current: string | undefined
  let logOffset = 0

  const deploy = (release: string): void => {
    const releaseDir = resolveReleaseDir(releasesDir, release)
    grantWorkersAccess(releaseDir)
    releaseByRealPath.set(realpathSync(releaseDir), release)
    swapSymlink(join(prefix, 'current'), releaseDir)
    current = release
  }

  let running: Running
  try {
    if (options.initialRelease !== undefined) deploy(options.initialRelease)
    running = await startOnFreePort(binary, prefix, options)
  } catch (error) {
    rmSync(prefix, { recursive: true, force: true })
    throw error
  }
  const url = `http://127.0.0.1:${running.port}/`
  const logPath = join(prefix, 'access.log')
  const stopOnExit = (): void => killGroup(running.child, 'SIGKILL')
  // An nginx left behind by a crashed test run would keep its port and its workers.
  process.once('exit', stopOnExit)

  return {
    url,
    mode: options.mode,
    get current() {
      return current
    },
    deploy,
    readRequests: async () => {
      await awaitLogBarrier(url)
      const log = await readFile(logPath)
      return parseAccessLog(log.subarray(logOffset).toString('utf8'), releaseByRealPath)
    },
    clearRequests: async () => {
      await awaitLogBarrier(url)
      logOffset = (await stat(logPath)).size
    },
    close: async () => {
      process.off('exit', stopOnExit)
      await stopNginx(running.child)
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}

function assertNginxInstalled(binary: string): void {
  try {
    accessSync(binary, constants.X_OK)
  } catch {
    throw new Error(`nginx is not installed at ${binary}: install it with \`apt-get install -y nginx\``)
  }
}

function resolveReleaseDir(releasesDir: string, release: string): string {
  const releaseDir = resolve(releasesDir, release)
  if (!releaseDir.startsWith(releasesDir + sep)) {
    throw new Error(`Release "${release}" is not a directory inside ${releasesDir}`)
  }
  if (!statSync(releaseDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`Release directory ${releaseDir} does not exist`)
  }
  return releaseDir
}

/** Points `linkPath` at `target` in one step: a rename over the old link is atomic, deleting and re-creating is not. */
function swapSymlink(linkPath: string, target: string): void {
  const temporaryLink = `${linkPath}.${process.pid}.${Date.now()}`
  symlinkSync(target, temporaryLink)
  renameSync(temporaryLink, linkPath)
}

/**
 * Makes a release readable for nginx's workers. As root they run as `nobody`, so the tree needs
 * world read access and every directory above it world search (not list) access.
 */
function grantWorkersAccess(releaseDir: string): void {
  if (process.getuid?.() !== 0) return
  addModeBits(releaseDir, 0o005, 0o004)
  for (let ancestor = dirname(releaseDir); ancestor !== dirname(ancestor); ancestor = dirname(ancestor)) {
    addModeBitsTo(ancestor, 0o001)
  }
}

function addModeBits(path: string, directoryBits: number, fileBits: number): void {
  const stats = statSync(path)
  if (!stats.isDirectory()) return addModeBitsTo(path, fileBits)
  addModeBitsTo(path, directoryBits)
  for (const entry of readdirSync(path)) addModeBits(join(path, entry), directoryBits, fileBits)
}

function addModeBitsTo(path: string, bits: number): void {
  const mode = statSync(path).mode & 0o7777
  if ((mode & bits) !== bits) chmodSync(path, mode | bits)
}

async function startOnFreePort(binary: string, prefix: string, options: NginxHostOptions): Promise<Running> {
  const requestedPort = options.port ?? 0
  for (let attempt = 1; ; attempt += 1) {
    const port = requestedPort !== 0 ? requestedPort : await findFreePort()
    writeNginxConfig(prefix, port, options.mode)
    try {
      return await startNginx(binary, prefix, port)
    } catch (error) {
      // Another process may take the port between probing and nginx binding it.
      const portTaken = error instanceof Error && error.message.includes('Address already in use')
      if (requestedPort !== 0 || !portTaken || attempt === PORT_ATTEMPTS) throw error
    }
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, rejectPort) => {
    const probe = createServer()
    probe.once('error', rejectPort)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolvePort(port))
    })
  })
}

function writeNginxConfig(prefix: string, port: number, mode: NginxHostMode): void {
  const temporaryDir = join(prefix, 'temp')
  for (const name of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(temporaryDir, name), { recursive: true })
  }
  writeFileSync(join(prefix, 'nginx.conf'), renderNginxConfig(prefix, port, mode))
}

/** Quotes a constant (no `$` variables) for nginx's config syntax. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

function renderTypes(): string {
  const lines = Object.entries(CONTENT_TYPES).map(([extension, type]) => `    ${quoted(type)} ${extension};`)
  return `  types {\n${lines.join('\n')}\n  }\n  default_type ${quoted(DEFAULT_CONTENT_TYPE)};`
}

function renderNginxConfig(prefix: string, port: number, mode: NginxHostMode): string {
  const noCache = `add_header Cache-Control ${quoted(NO_CACHE)} always;`
  // Without `always`, so that no error answer for an asset is ever marked cacheable for a year.
  const immutable = `add_header Cache-Control ${quoted(IMMUTABLE)};`
  const missingAsset = mode === 'spa' ? '/index.html' : '=404'
  const entryLocations = RELEASE_ENTRY_FILES.map((path) => `    location = ${path} { ${noCache} }`)
  // A missing file with an extension is a 404 in strict mode, as on the Node host; routes stay SPA routes.
  const strictFileLocation = `    location ~ "[^/]\\.[^/]*$" { ${noCache} try_files $uri =404; }`
  return `worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log stderr;
events { worker_connections 256; }
http {
  client_body_temp_path ${join(prefix, 'temp/client_body')};
  proxy_temp_path ${join(prefix, 'temp/proxy')};
  fastcgi_temp_path ${join(prefix, 'temp/fastcgi')};
  uwsgi_temp_path ${join(prefix, 'temp/uwsgi')};
  scgi_temp_path ${join(prefix, 'temp/scgi')};
${renderTypes()}
  server_tokens off;
  keepalive_timeout 5s;
  map $request_uri $loggable { ${quoted(LOG_BARRIER_PATH)} 0; default 1; }
  log_format requests escape=json '{"at":$msec,"method":"$request_method","path":"$request_uri","status":$status,'
    '"ifNoneMatch":"$http_if_none_match","ifModifiedSince":"$http_if_modified_since","root":"$release_root"}';
  access_log ${join(prefix, 'access.log')} requests if=$loggable;
  server {
    listen 127.0.0.1:${port};
    root ${join(prefix, 'current')};
    # Resolved once per request (again after an internal redirect), so the log names the release actually read.
    set $release_root $realpath_root;
    if ($release_root = "") { return 503; }
    error_page 404 @not_found;
    location @not_found { types { } default_type "text/plain; charset=utf-8"; ${noCache} return 404 "Not Found"; }
    location = ${LOG_BARRIER_PATH} { return 204; }
${entryLocations.join('\n')}
    location ^~ ${ASSETS_PREFIX} {
      ${immutable}
      try_files $uri ${missingAsset};
      location ~ "\\.html$" { ${noCache} try_files $uri ${missingAsset}; }
    }
${mode === 'strict' ? `${strictFileLocation}\n` : ''}    location / { ${noCache} try_files $uri /index.html; }
  }
}
`
}

function startNginx(binary: string, prefix: string, port: number): Promise<Running> {
  const child = spawn(binary, ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group, so that the workers can be killed along with the master.
    detached: true,
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-16_384)
  })
  const running: Running = { child, port, stderr: () => stderr }
  return waitUntilAnswering(running).then(
    () => running,
    async (error: unknown) => {
      await stopNginx(child)
      throw error
    },
  )
}

async function waitUntilAnswering(running: Running): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  const exited = new Promise<never>((_, rejectExit) => {
    running.child.once('exit', (code, signal) => {
      rejectExit(new Error(`nginx exited during startup (${signal ?? `code ${code}`}):\n${running.stderr()}`))
    })
  })
  // Only the race below observes an exit; once nginx answers, a later exit is close()'s business.
  exited.catch(() => undefined)
  while (Date.now() < deadline) {
    const answered = await Promise.race([answersAsNginx(running.port), exited])
    if (answered) return
    await Promise.race([delay(25), exited])
  }
  throw new Error(`nginx did not answer on port ${running.port} within ${STARTUP_TIMEOUT_MS} ms:\n${running.stderr()}`)
}

/** True when an nginx answers the barrier path on `port`; false while nothing (or something else) listens there. */
function answersAsNginx(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const probe = httpRequest({ host: '127.0.0.1', port, path: LOG_BARRIER_PATH, agent: false }, (response) => {
      response.resume()
      resolveAnswer(response.headers.server === 'nginx')
    })
    probe.on('error', () => resolveAnswer(false))
    probe.end()
  })
}

async function awaitLogBarrier(url: string): Promise<void> {
  const response = await fetch(new URL(LOG_BARRIER_PATH, url))
  await response.arrayBuffer()
}

interface AccessLogLine {
  at: number
  method: string
  path: string
  status: number
  ifNoneMatch: string
  ifModifiedSince: string
  root: string
}

/** Served-file statuses; any other answer did not come from a release file. */
const FILE_STATUSES = new Set([200, 206, 304])

function parseAccessLog(text: string, releaseByRealPath: ReadonlyMap<string, string>): RequestRecord[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const entry = JSON.parse(line) as AccessLogLine
      return {
        at: Math.round(entry.at * 1000),
        method: entry.method,
        path: entry.path,
        status: entry.status,
        conditional: entry.ifNoneMatch !== '' || entry.ifModifiedSince !== '',
        release: FILE_STATUSES.has(entry.status) ? releaseByRealPath.get(entry.root) : undefined,
      }
    })
}

/** Asks nginx to finish its open requests and exit (SIGQUIT); kills the whole process group after a timeout. */
async function stopNginx(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()))
  killGroup(child, 'SIGQUIT')
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), SHUTDOWN_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // The group is already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms))
}
