import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { IMMUTABLE, NO_CACHE } from './headers.js'
import { createNginxHost, NGINX_BINARY } from './index.js'
import type { NginxHost, NginxHostMode } from './index.js'

let releasesDir: string
const hosts: NginxHost[] = []

/**
 * Each release pads its files differently: nginx's ETag is only mtime and size, and fixtures are
 * written within the same second.
 */
async function writeRelease(name: string, padding: number, extraFiles: Record<string, string> = {}): Promise<void> {
  const pad = ' '.repeat(padding)
  const files: Record<string, string> = {
    'index.html': `<!doctype html><title>${name}</title><script type="module" src="/assets/app-${name}.js"></script>${pad}`,
    'sw.js': `/* sw ${name} */${pad}`,
    'deploy-manifest.json': `${JSON.stringify({ version: name })}${pad}`,
    [`assets/app-${name}.js`]: `export const release = '${name}'`,
    ...extraFiles,
  }
  for (const [path, content] of Object.entries(files)) {
    const filePath = join(releasesDir, name, path)
    await mkdir(dirname(filePath), { recursive: true })
    await writeFile(filePath, content)
  }
}

beforeAll(async () => {
  releasesDir = await mkdtemp(join(tmpdir(), 'nginx-host-test-'))
  await writeRelease('v1', 0, {
    'assets/worker.mjs': 'export {}',
    'assets/font.woff2': 'wOF2',
    'manifest.webmanifest': '{}',
    'robots.txt': 'User-agent: *',
    'data.bin': 'binary',
  })
  await writeRelease('v2', 1)
})

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

afterAll(async () => {
  await rm(releasesDir, { recursive: true, force: true })
})

async function startHost(mode: NginxHostMode, initialRelease: string | null = 'v1'): Promise<NginxHost> {
  const host = await createNginxHost({ releasesDir, mode, initialRelease: initialRelease ?? undefined })
  hosts.push(host)
  return host
}

async function get(host: NginxHost, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, host.url), { headers })
  return { status: response.status, headers: response.headers, body: await response.text() }
}

/** Masters of hosts started by this module: nginx retitles its master with the command line, prefix included. */
function runningHostMasters(): number {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return /nginx: master process .*-p \S*nginx-host-/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))
      } catch {
        return false
      }
    }).length
}

describe('createNginxHost', () => {
  it(`finds nginx at ${NGINX_BINARY} (apt-get install -y nginx)`, async () => {
    const host = await startHost('strict')
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  })

  it('names the install command when the nginx binary is missing', async () => {
    await expect(
      createNginxHost({ releasesDir, mode: 'strict', nginxBinary: '/nonexistent/sbin/nginx' }),
    ).rejects.toThrow('apt-get install -y nginx')
  })

  it('reports nginx startup errors, such as a taken port', async () => {
    const blocker = createServer()
    await new Promise<void>((resolveListen) => blocker.listen(0, '127.0.0.1', resolveListen))
    const { port } = blocker.address() as AddressInfo
    try {
      await expect(createNginxHost({ releasesDir, mode: 'strict', port })).rejects.toThrow(/Address already in use/)
    } finally {
      blocker.close()
    }
  })

  it('answers 503 until a release is deployed', async () => {
    const host = await startHost('strict', null)
    expect(host.current).toBeUndefined()
    expect((await get(host, '/')).status).toBe(503)
    host.deploy('v1')
    expect((await get(host, '/')).status).toBe(200)
  })

  it('sends the shared content types and cache headers', async () => {
    const host = await startHost('strict')
    const expectations: Array<[string, string, string]> = [
      ['/', 'text/html; charset=utf-8', NO_CACHE],
      ['/index.html', 'text/html; charset=utf-8', NO_CACHE],
      ['/sw.js', 'text/javascript; charset=utf-8', NO_CACHE],
      ['/deploy-manifest.json', 'application/json', NO_CACHE],
      ['/assets/app-v1.js', 'text/javascript; charset=utf-8', IMMUTABLE],
      ['/assets/worker.mjs', 'text/javascript; charset=utf-8', IMMUTABLE],
      ['/assets/font.woff2', 'font/woff2', IMMUTABLE],
      ['/manifest.webmanifest', 'application/manifest+json', NO_CACHE],
      ['/robots.txt', 'text/plain; charset=utf-8', NO_CACHE],
      ['/data.bin', 'application/octet-stream', NO_CACHE],
    ]
    for (const [path, contentType, cacheControl] of expectations) {
      const response = await get(host, path)
      expect({ path, status: response.status, contentType: response.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        contentType,
      })
      expect(response.headers.get('cache-control'), path).toBe(cacheControl)
    }
  })

  it('answers If-None-Match with 304 and no body', async () => {
    const host = await startHost('strict')
    const etag = (await get(host, '/sw.js')).headers.get('etag') ?? ''
    expect(etag).not.toBe('')
    const revalidated = await get(host, '/sw.js', { 'If-None-Match': etag })
    expect(revalidated.status).toBe(304)
    expect(revalidated.body).toBe('')
    expect(revalidated.headers.get('cache-control')).toBe(NO_CACHE)
    host.deploy('v2')
    expect((await get(host, '/sw.js', { 'If-None-Match': etag })).status).toBe(200)
  })

  describe('strict', () => {
    it('answers missing assets and missing files with an extension with an uncached 404', async () => {
      const host = await startHost('strict')
      for (const path of ['/assets/app-v0.js', '/missing.png']) {
        const response = await get(host, path)
        expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 404, body: 'Not Found' })
        expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
        expect(response.headers.get('cache-control')).toBe(NO_CACHE)
      }
    })

    it('answers client-side routes with the current index.html', async () => {
      const host = await startHost('strict')
      for (const path of ['/a', '/notes/42', '/notes/']) {
        const response = await get(host, path)
        expect({ path, status: response.status }).toEqual({ path, status: 200 })
        expect(response.body).toContain('<title>v1</title>')
        expect(response.headers.get('cache-control')).toBe(NO_CACHE)
      }
    })
  })

  describe('spa', () => {
    it('answers a missing asset with the current index.html, 200 text/html, not cached', async () => {
      const host = await startHost('spa')
      for (const path of ['/assets/app-v0.js', '/missing.png', '/notes/42']) {
        const response = await get(host, path)
        expect({ path, status: response.status }).toEqual({ path, status: 200 })
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
        expect(response.headers.get('cache-control')).toBe(NO_CACHE)
        expect(response.body).toContain('<title>v1</title>')
      }
    })
  })

  describe('deploy', () => {
    it('switches later requests to the new release, and old assets are gone', async () => {
      const host = await startHost('strict')
      host.deploy('v2')
      expect(host.current).toBe('v2')
      expect((await get(host, '/')).body).toContain('<title>v2</title>')
      expect(JSON.parse((await get(host, '/deploy-manifest.json')).body)).toEqual({ version: 'v2' })
      expect((await get(host, '/assets/app-v2.js')).status).toBe(200)
      expect((await get(host, '/assets/app-v1.js')).status).toBe(404)
    })

    it('never shows a gap or a mix while releases are swapped under load', async () => {
      const host = await startHost('strict')
      let swapping = true
      const swaps = (async () => {
        for (let swap = 0; swap < 200; swap += 1) {
          host.deploy(swap % 2 === 0 ? 'v2' : 'v1')
          await new Promise((resolveSwap) => setImmediate(resolveSwap))
        }
        swapping = false
      })()
      const bodies: string[] = []
      while (swapping) {
        const responses = await Promise.all([get(host, '/'), get(host, '/'), get(host, '/')])
        for (const response of responses) {
          expect(response.status).toBe(200)
          bodies.push(response.body)
        }
      }
      await swaps
      for (const body of bodies) expect(body).toMatch(/^<!doctype html><title>(v1|v2)<\/title>.*app-\1\.js/)
    })

    it('throws for a release directory that does not exist', async () => {
      const host = await startHost('strict')
      expect(() => host.deploy('v9')).toThrow(/does not exist/)
      expect(host.current).toBe('v1')
    })
  })

  describe('requests', () => {
    it('reads every request from the access log with its release, and forgets them on clear', async () => {
      const host = await startHost('strict')
      const before = Date.now()
      const etag = (await get(host, '/index.html')).headers.get('etag') ?? ''
      await get(host, '/index.html?x=1', { 'If-None-Match': etag })
      await get(host, '/assets/gone.js')
      host.deploy('v2')
      await fetch(host.url, { method: 'HEAD' })
      const records = await host.readRequests()
      expect(records.map(({ at: _, ...record }) => record)).toEqual([
        { method: 'GET', path: '/index.html', status: 200, conditional: false, release: 'v1' },
        { method: 'GET', path: '/index.html?x=1', status: 304, conditional: true, release: 'v1' },
        { method: 'GET', path: '/assets/gone.js', status: 404, conditional: false, release: undefined },
        { method: 'HEAD', path: '/', status: 200, conditional: false, release: 'v2' },
      ])
      for (const record of records) expect(record.at).toBeGreaterThanOrEqual(before - 1000)
      await host.clearRequests()
      expect(await host.readRequests()).toEqual([])
      await get(host, '/sw.js')
      expect((await host.readRequests()).map(({ path }) => path)).toEqual(['/sw.js'])
    })
  })

  it('stops nginx and frees the port on close', async () => {
    const mastersBefore = runningHostMasters()
    const host = await createNginxHost({ releasesDir, mode: 'spa', initialRelease: 'v1' })
    expect(runningHostMasters()).toBe(mastersBefore + 1)
    await get(host, '/')
    await host.close()
    expect(runningHostMasters()).toBe(mastersBefore)
    await expect(fetch(host.url)).rejects.toThrow()
  })

  it('revalidates equal-size files written in the same second with 304 across a deploy (nginx ETag is mtime-size)', async () => {
    const sameSecond = new Date('2026-01-01T00:00:00Z')
    for (const name of ['same-a', 'same-b']) {
      const filePath = join(releasesDir, name, 'index.html')
      await mkdir(dirname(filePath), { recursive: true })
      await writeFile(filePath, `<title>${name}</title>`)
      await utimes(filePath, sameSecond, sameSecond)
    }
    const host = await startHost('strict', 'same-a')
    const etag = (await get(host, '/')).headers.get('etag') ?? ''
    host.deploy('same-b')
    expect((await get(host, '/', { 'If-None-Match': etag })).status).toBe(304)
  })
})
