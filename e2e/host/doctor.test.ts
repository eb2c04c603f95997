/**
 * `version-gatekeeper doctor` (cli/) against real hosts serving real builds of the e2e fixture app: the Node test host in its three modes,
 * nginx in two, and a host whose headers are wrong. `npm run build` must have run (the builds use dist/, the
 * command line runs bin/).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { versionGatekeeper } from 'version-gatekeeper/vite'
import { main } from '../../cli/main.js'
import { contentTypeFor } from './headers.js'
import { createNginxHost, createStaticHost, type HostMode, type ReleaseHost } from './index.js'

const FIXTURE = resolve(import.meta.dirname, '../fixtures/history-app')
const BIN = resolve(import.meta.dirname, '../../bin/version-gatekeeper.mjs')
let releasesDir: string
const previous = () => join(releasesDir, 'v1', 'deploy-manifest.json')

/** Runs `version-gatekeeper doctor <host> --previous <v1's manifest>` in-process: its exit code and its lines. */
async function doctor(url: string, ...extra: string[]): Promise<{ code: number; lines: string[] }> {
  let output = ''
  const code = await main(['doctor', url, '--previous', previous(), ...extra], (text) => void (output += text))
  return { code, lines: output.split('\n') }
}
const line = (lines: string[], subject: string) => lines.find((text) => text.includes(subject)) ?? `(no line about ${subject})`

beforeAll(async () => {
  releasesDir = await mkdtemp(join(tmpdir(), 'vg-doctor-'))
  for (const release of ['v1', 'v2']) {
    process.env.VITE_RELEASE = release
    await build({ root: FIXTURE, configFile: false, logLevel: 'silent', plugins: [versionGatekeeper()], build: { outDir: join(releasesDir, release), emptyOutDir: true } })
  }
  delete process.env.VITE_RELEASE
}, 60_000)

afterAll(async () => {
  await rm(releasesDir, { recursive: true, force: true })
})

async function withHost<T>(start: () => Promise<ReleaseHost>, run: (host: ReleaseHost) => Promise<T>): Promise<T> {
  const host = await start()
  try {
    host.deploy('v2')
    return await run(host)
  } finally {
    await host.close()
  }
}

const nodeHost = (mode: HostMode) => () => createStaticHost({ releasesDir, mode, initialRelease: 'v1' })

describe('version-gatekeeper doctor against the Node test host', () => {
  it('strict mode: every header as the gatekeeper needs it, a missing file is a 404, old files are removed; exit code 0', async () => {
    const { code, lines } = await withHost(nodeHost('strict'), (host) => doctor(host.url))
    expect(lines.filter((text) => /^[!✗]/.test(text))).toEqual([])
    expect(code).toBe(0)
    expect(line(lines, 'sw.js is revalidated')).toMatch(/^✓ .*no-cache/)
    expect(line(lines, 'deploy-manifest.json is revalidated')).toMatch(/^✓/)
    expect(line(lines, 'hashed files are cached long')).toMatch(/^✓ .*immutable/)
    expect(line(lines, 'a missing hashed file')).toMatch(/^✓ .*HTTP 404/)
    expect(line(lines, 'files of older deployments')).toMatch(/^✓ .*removed/)
  })

  it('SPA-rewrite mode: a missing file comes back as index.html, which the gatekeeper recognises', async () => {
    const { code, lines } = await withHost(nodeHost('spa'), (host) => doctor(host.url))
    expect(code).toBe(0)
    expect(line(lines, 'a missing hashed file')).toMatch(/^✓ .*SPA rewrite/)
    expect(line(lines, 'files of older deployments')).toMatch(/^✓ .*removed/)
  })

  it('keep-old-files mode: the files of v1 still load, and the doctor says how tabs then learn of deploys', async () => {
    const { code, lines } = await withHost(nodeHost('keep-old'), (host) => doctor(host.url))
    expect(code).toBe(0)
    expect(line(lines, 'files of older deployments')).toMatch(/^✓ .*kept: all \d+ files of \w+ still load.*checks/)
  })

  it('without --previous, says that it cannot know whether old files are kept; the command line exits 0', async () => {
    const { stdout } = await withHost(nodeHost('strict'), (host) => promisify(execFile)(process.execPath, [BIN, 'doctor', host.url]))
    expect(line(stdout.split('\n'), 'files of older deployments')).toMatch(/^! .*not known/)
  })
})

describe('version-gatekeeper doctor against nginx', () => {
  for (const mode of ['strict', 'spa'] as const) {
    it(`${mode} mode: passes, and tells how a missing file is answered`, async () => {
      const { code, lines } = await withHost(() => createNginxHost({ releasesDir, mode, initialRelease: 'v1' }), (host) => doctor(host.url))
      expect(code).toBe(0)
      expect(lines.filter((text) => text.startsWith('✗'))).toEqual([])
      expect(line(lines, 'a missing hashed file')).toMatch(mode === 'strict' ? /^✓ .*HTTP 404/ : /^✓ .*SPA rewrite/)
    })
  }
})

describe('version-gatekeeper doctor against a host with the wrong headers', () => {
  let server: Server
  let url: string
  beforeAll(async () => {
    // Every file a year in every cache, as a careless CDN rule does; a missing file is a 503.
    server = createServer(async (request, response) => {
      const path = new URL(request.url!, 'http://host').pathname
      const file = join(releasesDir, 'v2', path === '/' ? 'index.html' : path)
      const body = await readFile(file).catch(() => undefined)
      response.writeHead(body ? 200 : 503, { 'content-type': contentTypeFor(file), 'cache-control': 'public, max-age=31536000, immutable' })
      response.end(body)
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
  })
  afterAll(() => new Promise<void>((done) => server.close(() => done())))

  it('fails, names each problem with its fix, and exits non-zero', async () => {
    const { code, lines } = await doctor(url)
    expect(code).toBe(1)
    expect(line(lines, 'sw.js is revalidated')).toMatch(/^✗/)
    expect(line(lines, 'deploy-manifest.json is revalidated')).toMatch(/^✗/)
    expect(line(lines, 'index.html is revalidated')).toMatch(/^!/)
    expect(line(lines, 'a missing hashed file')).toMatch(/^✗ .*HTTP 503/)
    expect(lines.filter((text) => text.trim().startsWith('fix:')).length).toBeGreaterThanOrEqual(4)
  })
})
