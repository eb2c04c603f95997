import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cacheControlFor, contentTypeFor, hasFileExtension, IMMUTABLE, NO_CACHE } from './headers.js'
import { createStaticHost } from './index.js'
import type { HostMode, StaticHost } from './index.js'

let releasesDir: string
const hosts: StaticHost[] = []

async function writeRelease(name: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const filePath = join(releasesDir, name, path)
    await mkdir(dirname(filePath), { recursive: true })
    await writeFile(filePath, content)
  }
}

function releaseFiles(name: string): Record<string, string> {
  return {
    'index.html': `<!doctype html><title>${name}</title><script type="module" src="/assets/app-${name}.js"></script>`,
    'sw.js': `/* sw ${name} */`,
    'deploy-manifest.json': JSON.stringify({ version: name }),
    [`assets/app-${name}.js`]: `export const release = '${name}'`,
    [`assets/style-${name}.css`]: `body { --release: '${name}' }`,
  }
}

beforeAll(async () => {
  releasesDir = await mkdtemp(join(tmpdir(), 'static-host-test-'))
  await writeRelease('v1', {
    ...releaseFiles('v1'),
    'assets/shared-chunk.js': 'export const chunk = "from v1"',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'robots.txt': 'User-agent: *',
    'manifest.webmanifest': '{"name":"demo"}',
    'data.bin': 'binary',
  })
  await writeRelease('v2', { ...releaseFiles('v2'), 'assets/shared-chunk.js': 'export const chunk = "from v2"' })
  await writeRelease('v3', releaseFiles('v3'))
})

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

afterAll(async () => {
  await rm(releasesDir, { recursive: true, force: true })
})

async function startHost(mode: HostMode, initialRelease: string | null = 'v1'): Promise<StaticHost> {
  const host = await createStaticHost({ releasesDir, mode, initialRelease: initialRelease ?? undefined })
  hosts.push(host)
  return host
}

async function get(host: StaticHost, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, host.url), { headers })
  return { status: response.status, headers: response.headers, body: await response.text() }
}

/** Sends a request target exactly as written: fetch would normalise `..` away before sending. */
function rawStatus(host: StaticHost, path: string): Promise<number> {
  return new Promise((resolveStatus, rejectStatus) => {
    const url = new URL(host.url)
    const request = httpRequest({ host: url.hostname, port: url.port, path, agent: false }, (response) => {
      response.resume()
      resolveStatus(response.statusCode ?? 0)
    })
    request.on('error', rejectStatus)
    request.end()
  })
}

describe('header rules', () => {
  it('revalidates html and entry files and keeps hashed assets for a year', () => {
    expect(cacheControlFor('/index.html')).toBe(NO_CACHE)
    expect(cacheControlFor('/sw.js')).toBe(NO_CACHE)
    expect(cacheControlFor('/deploy-manifest.json')).toBe(NO_CACHE)
    expect(cacheControlFor('/assets/app-1a2b.js')).toBe(IMMUTABLE)
    expect(cacheControlFor('/assets/page.html')).toBe(NO_CACHE)
    expect(cacheControlFor('/favicon.svg')).toBe(NO_CACHE)
  })

  it('maps extensions to content types and unknown ones to octet-stream', () => {
    expect(contentTypeFor('/a/b.MJS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('/x.webmanifest')).toBe('application/manifest+json')
    expect(contentTypeFor('/font.woff2')).toBe('font/woff2')
    expect(contentTypeFor('/x.map')).toBe('application/json')
    expect(contentTypeFor('/archive.tar.zst')).toBe('application/octet-stream')
    expect(contentTypeFor('/no-extension')).toBe('application/octet-stream')
  })

  it('sees a file extension only in the last path segment', () => {
    expect(hasFileExtension('/assets/app.js')).toBe(true)
    expect(hasFileExtension('/v1.2/notes')).toBe(false)
    expect(hasFileExtension('/notes/42')).toBe(false)
    expect(hasFileExtension('/.hidden')).toBe(false)
  })
})

describe('createStaticHost', () => {
  it('listens on 127.0.0.1 and serves the current index.html at /', async () => {
    const host = await startHost('strict')
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(host.current).toBe('v1')
    const root = await get(host, '/')
    expect(root.status).toBe(200)
    expect(root.body).toContain('<title>v1</title>')
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(root.headers.get('cache-control')).toBe(NO_CACHE)
    expect(root.headers.get('etag')).toMatch(/^"[\w-]+"$/)
  })

  it('answers 503 until a release is deployed', async () => {
    const host = await startHost('strict', null)
    expect(host.current).toBeUndefined()
    expect((await get(host, '/')).status).toBe(503)
    host.deploy('v1')
    expect((await get(host, '/')).status).toBe(200)
  })

  it('sends content types and cache headers by file', async () => {
    const host = await startHost('strict')
    const expectations: Array<[string, string, string]> = [
      ['/assets/app-v1.js', 'text/javascript; charset=utf-8', IMMUTABLE],
      ['/assets/style-v1.css', 'text/css; charset=utf-8', IMMUTABLE],
      ['/sw.js', 'text/javascript; charset=utf-8', NO_CACHE],
      ['/deploy-manifest.json', 'application/json', NO_CACHE],
      ['/index.html', 'text/html; charset=utf-8', NO_CACHE],
      ['/favicon.svg', 'image/svg+xml', NO_CACHE],
      ['/robots.txt', 'text/plain; charset=utf-8', NO_CACHE],
      ['/manifest.webmanifest', 'application/manifest+json', NO_CACHE],
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

  it('answers If-None-Match with 304 and no body while the file is unchanged', async () => {
    const host = await startHost('strict')
    const etag = (await get(host, '/sw.js')).headers.get('etag') ?? ''
    const revalidated = await get(host, '/sw.js', { 'If-None-Match': etag })
    expect(revalidated.status).toBe(304)
    expect(revalidated.body).toBe('')
    expect(revalidated.headers.get('etag')).toBe(etag)
    expect((await get(host, '/sw.js', { 'If-None-Match': `"other", W/${etag}` })).status).toBe(304)
    expect((await get(host, '/sw.js', { 'If-None-Match': '"other"' })).status).toBe(200)
    host.deploy('v2')
    expect((await get(host, '/sw.js', { 'If-None-Match': etag })).status).toBe(200)
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const host = await startHost('strict')
    const response = await fetch(new URL('/assets/app-v1.js', host.url), { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBe(String("export const release = 'v1'".length))
    expect(await response.text()).toBe('')
  })

  it('rejects methods other than GET and HEAD with 405', async () => {
    const host = await startHost('strict')
    const response = await fetch(host.url, { method: 'POST', body: 'x' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
  })

  it('rejects paths that climb out of the release with 400', async () => {
    const host = await startHost('spa')
    expect(await rawStatus(host, '/../v2/index.html')).toBe(400)
    expect(await rawStatus(host, '/assets/..%2f..%2fv2%2findex.html')).toBe(400)
    expect(await rawStatus(host, '/%E0%A4%A')).toBe(400)
  })

  describe('strict', () => {
    it('answers missing assets and missing files with an extension with 404 Not Found', async () => {
      const host = await startHost('strict')
      for (const path of ['/assets/app-v0.js', '/assets/missing', '/missing.png']) {
        const response = await get(host, path)
        expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 404, body: 'Not Found' })
        expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      }
    })

    it('answers client-side routes with the current index.html', async () => {
      const host = await startHost('strict')
      for (const path of ['/a', '/notes/42', '/notes/']) {
        const response = await get(host, path)
        expect({ path, status: response.status }).toEqual({ path, status: 200 })
        expect(response.body).toContain('<title>v1</title>')
      }
    })
  })

  describe('spa', () => {
    it('answers every missing path, assets included, with the current index.html', async () => {
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

  describe('keep-old', () => {
    it('serves files of earlier releases, newest first, and 404s files no release has', async () => {
      const host = await startHost('keep-old')
      host.deploy('v2')
      host.deploy('v3')
      const oldAsset = await get(host, '/assets/app-v1.js')
      expect(oldAsset.status).toBe(200)
      expect(oldAsset.body).toBe("export const release = 'v1'")
      expect(oldAsset.headers.get('cache-control')).toBe(IMMUTABLE)
      expect((await get(host, '/assets/shared-chunk.js')).body).toContain('from v2')
      expect((await get(host, '/')).body).toContain('<title>v3</title>')
      expect((await get(host, '/assets/app-v0.js')).status).toBe(404)
      expect((await get(host, '/notes/42')).body).toContain('<title>v3</title>')
      const records = host.requests.map(({ path, status, release }) => ({ path, status, release }))
      expect(records.slice(0, 2)).toEqual([
        { path: '/assets/app-v1.js', status: 200, release: 'v1' },
        { path: '/assets/shared-chunk.js', status: 200, release: 'v2' },
      ])
    })

    it('treats a redeployed release as the newest', async () => {
      const host = await startHost('keep-old')
      host.deploy('v2')
      host.deploy('v1')
      host.deploy('v3')
      expect((await get(host, '/assets/shared-chunk.js')).body).toContain('from v1')
    })
  })

  describe('deploy', () => {
    it('switches every later request to the new release at once', async () => {
      const host = await startHost('strict')
      for (const release of ['v2', 'v3', 'v1', 'v2']) {
        host.deploy(release)
        expect(host.current).toBe(release)
        const [manifest, index, asset] = await Promise.all([
          get(host, '/deploy-manifest.json'),
          get(host, '/'),
          get(host, `/assets/app-${release}.js`),
        ])
        expect(JSON.parse(manifest.body)).toEqual({ version: release })
        expect(index.body).toContain(`<title>${release}</title>`)
        expect(asset.status).toBe(200)
      }
      expect((await get(host, '/assets/app-v1.js')).status).toBe(404)
    })

    it('throws for a release directory that does not exist and keeps serving the current one', async () => {
      const host = await startHost('strict')
      expect(() => host.deploy('v9')).toThrow(/does not exist/)
      expect(() => host.deploy('../v1')).toThrow(/not a directory inside/)
      expect(host.current).toBe('v1')
      expect((await get(host, '/')).body).toContain('<title>v1</title>')
    })
  })

  describe('injectFault', () => {
    it('fails the next matching requests with a status, then serves again', async () => {
      const host = await startHost('strict')
      host.injectFault(/^\/deploy-manifest\.json/, { status: 503 }, 2)
      const first = await get(host, '/deploy-manifest.json?t=1')
      expect(first.status).toBe(503)
      expect(first.body).toBe('Service Unavailable')
      expect((await get(host, '/')).status).toBe(200)
      expect((await get(host, '/deploy-manifest.json')).status).toBe(503)
      expect((await get(host, '/deploy-manifest.json')).status).toBe(200)
    })

    it('answers with the text it is given instead of the file (a corrupt file)', async () => {
      const host = await startHost('strict')
      host.injectFault(/^\/deploy-manifest\.json/, { status: 200, body: '{"schema": 1, "vers' })
      const corrupt = await get(host, '/deploy-manifest.json')
      expect([corrupt.status, corrupt.body]).toEqual([200, '{"schema": 1, "vers'])
      expect(JSON.parse((await get(host, '/deploy-manifest.json')).body)).toEqual({ version: 'v1' })
    })

    it('resets the connection without a response, so fetch rejects', async () => {
      const host = await startHost('strict')
      host.injectFault((path) => path === '/sw.js', 'reset')
      await expect(fetch(new URL('/sw.js', host.url))).rejects.toThrow()
      expect((await get(host, '/sw.js')).status).toBe(200)
      expect(host.requests.map(({ path, status }) => ({ path, status }))).toEqual([
        { path: '/sw.js', status: 0 },
        { path: '/sw.js', status: 200 },
      ])
    })
  })

  describe('refuseConnections', () => {
    it('drops open keep-alive connections and new ones until switched off', async () => {
      const host = await startHost('strict')
      expect((await get(host, '/')).status).toBe(200)
      host.refuseConnections(true)
      await expect(fetch(host.url)).rejects.toThrow()
      await expect(fetch(new URL('/sw.js', host.url))).rejects.toThrow()
      host.refuseConnections(false)
      expect((await get(host, '/sw.js')).status).toBe(200)
      expect(host.requests.map(({ path }) => path)).toEqual(['/', '/sw.js'])
    })
  })

  describe('requests', () => {
    it('records method, path with search, status, conditional and release of every request', async () => {
      const host = await startHost('strict')
      const before = Date.now()
      const etag = (await get(host, '/index.html')).headers.get('etag') ?? ''
      await get(host, '/index.html?x=1', { 'If-None-Match': etag })
      await get(host, '/assets/gone.js')
      await fetch(host.url, { method: 'HEAD' })
      await fetch(host.url, { method: 'DELETE' })
      await get(host, '/sw.js', { 'If-Modified-Since': new Date().toUTCString() })
      expect(host.requests.map(({ at: _, ...record }) => record)).toEqual([
        { method: 'GET', path: '/index.html', status: 200, conditional: false, release: 'v1' },
        { method: 'GET', path: '/index.html?x=1', status: 304, conditional: true, release: 'v1' },
        { method: 'GET', path: '/assets/gone.js', status: 404, conditional: false, release: undefined },
        { method: 'HEAD', path: '/', status: 200, conditional: false, release: 'v1' },
        { method: 'DELETE', path: '/', status: 405, conditional: false, release: undefined },
        { method: 'GET', path: '/sw.js', status: 200, conditional: true, release: 'v1' },
      ])
      for (const record of host.requests) expect(record.at).toBeGreaterThanOrEqual(before)
      expect(await host.readRequests()).toEqual(host.requests)
      host.clearRequests()
      expect(host.requests).toEqual([])
    })
  })

  it('closes while keep-alive connections are open, and then refuses connections', async () => {
    const host = await startHost('strict')
    await get(host, '/')
    const started = Date.now()
    await host.close()
    expect(Date.now() - started).toBeLessThan(1000)
    await expect(fetch(host.url)).rejects.toThrow()
  })
})
