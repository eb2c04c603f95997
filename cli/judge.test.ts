import { describe, expect, it } from 'vitest'
import {
  formatFindings,
  judgeHashedFile,
  judgeMissingFile,
  judgeOldFiles,
  judgePageRuntime,
  judgeRevalidated,
  judgeValidators,
  parseCacheControl,
  readPageRuntime,
} from './judge.js'

describe('parseCacheControl', () => {
  it('reads the directives that matter, in any case and spacing, and no header as none', () => {
    expect(parseCacheControl('Public, MAX-AGE=31536000 ,immutable')).toEqual({ noCache: false, noStore: false, immutable: true, maxAge: 31536000, sharedMaxAge: undefined })
    expect(parseCacheControl('no-cache, s-maxage=600')).toMatchObject({ noCache: true, sharedMaxAge: 600 })
    expect(parseCacheControl('max-age="60"').maxAge).toBe(60)
    expect(parseCacheControl('max-age=soon').maxAge).toBeUndefined()
    expect(parseCacheControl(null)).toEqual({ noCache: false, noStore: false, immutable: false, maxAge: undefined, sharedMaxAge: undefined })
  })
})

describe('judgeRevalidated: index.html, sw.js and deploy-manifest.json', () => {
  it('passes no-cache, no-store and max-age=0', () => {
    for (const header of ['no-cache', 'no-store', 'max-age=0', 'public, max-age=0, must-revalidate', 'no-cache, s-maxage=0']) {
      expect(judgeRevalidated('sw.js', header).verdict, header).toBe('pass')
    }
  })

  it('fails a long or immutable cache of sw.js and of the manifest, also in a CDN (s-maxage), and says why', () => {
    for (const file of ['sw.js', 'deploy-manifest.json'] as const) {
      for (const header of ['public, max-age=31536000, immutable', 'max-age=3600', 'no-cache, s-maxage=86400']) {
        const finding = judgeRevalidated(file, header)
        expect(finding.verdict, `${file}: ${header}`).toBe('fail')
        expect(finding.fix).toContain('"Cache-Control: no-cache"')
      }
    }
  })

  it('only warns for a long cache of index.html: the worker revalidates documents; first visits pay', () => {
    expect(judgeRevalidated('index.html', 'max-age=600').verdict).toBe('warn')
  })

  it('warns when there is no header (heuristic caching) or a short max-age', () => {
    expect(judgeRevalidated('deploy-manifest.json', null)).toMatchObject({ verdict: 'warn', seen: expect.stringContaining('heuristically') })
    expect(judgeRevalidated('sw.js', 'max-age=30').verdict).toBe('warn')
  })
})

describe('judgeHashedFile', () => {
  it('passes a cache of a day or more, and warns for a short one, no-cache or none', () => {
    expect(judgeHashedFile('assets/a.js', 200, 'public, max-age=31536000, immutable').verdict).toBe('pass')
    expect(judgeHashedFile('assets/a.js', 200, 'max-age=86400').verdict).toBe('pass')
    for (const header of ['no-cache', 'max-age=600', null, 'max-age=31536000, no-cache']) expect(judgeHashedFile('assets/a.js', 200, header).verdict).toBe('warn')
  })

  it('fails when a file the current manifest lists does not load: a half-finished deploy', () => {
    expect(judgeHashedFile('assets/a.js', 404, null)).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('deploy-manifest.json last') })
  })
})

describe('judgeMissingFile', () => {
  it('passes a 404 or 410 (strict host) and a 200 text/html (SPA rewrite)', () => {
    expect(judgeMissingFile(404, 'text/plain').verdict).toBe('pass')
    expect(judgeMissingFile(410, null).verdict).toBe('pass')
    expect(judgeMissingFile(200, 'text/html; charset=utf-8')).toMatchObject({ verdict: 'pass', seen: expect.stringContaining('SPA rewrite') })
  })

  it('fails a 5xx (taken for a transient error, never a deployment) and any other answer', () => {
    expect(judgeMissingFile(503, 'text/html')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('transient') })
    expect(judgeMissingFile(200, 'text/javascript').verdict).toBe('fail')
    expect(judgeMissingFile(418, 'application/xml').verdict).toBe('fail')
  })

  it('fails a 403, with the fix for S3 behind CloudFront, which answers a missing key so', () => {
    expect(judgeMissingFile(403, 'application/xml')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('s3:ListBucket') })
  })
})

describe('judgeOldFiles', () => {
  const answer = (path: string, status: number, contentType = 'text/javascript') => ({ path, status, contentType })

  it('without an older manifest, says it cannot know and how to find out', () => {
    expect(judgeOldFiles(undefined, 'v2', [])).toMatchObject({ verdict: 'warn', fix: expect.stringContaining('--previous') })
  })

  it('reports a host that keeps old files, and one that removes them (404 or SPA rewrite): both work', () => {
    expect(judgeOldFiles('v1', 'v2', [answer('assets/a.js', 200), answer('assets/b.js', 200)])).toMatchObject({ verdict: 'pass', seen: expect.stringMatching(/^kept/) })
    expect(judgeOldFiles('v1', 'v2', [answer('assets/a.js', 404), answer('assets/b.js', 200, 'text/html')])).toMatchObject({ verdict: 'pass', seen: expect.stringMatching(/^removed/) })
  })

  it('warns when some old files load and others do not, naming one that does not', () => {
    expect(judgeOldFiles('v1', 'v2', [answer('assets/a.js', 200), answer('assets/b.js', 404)])).toMatchObject({ verdict: 'warn', seen: expect.stringContaining('assets/b.js') })
  })

  it('warns when the older manifest is the current one', () => {
    expect(judgeOldFiles('v2', 'v2', [])).toMatchObject({ verdict: 'warn' })
  })
})

describe('readPageRuntime and judgePageRuntime', () => {
  const page = (config: string) => `<!doctype html><html><head><script>(()=>{${config}})()</script></head></html>`

  it("reads the deployment of the page's runtime, and whether it registers the gatekeeper's worker", () => {
    const config = '{"tab":{"version":"5c1e0b0f3a21","builtAt":"2026-11-22T10:00:00.000Z"},"base":"/","entry":["/assets/index-a.js"],"fallback":"/fallback.1.en.html"'
    expect(readPageRuntime(page(`${config}}`))).toEqual({ version: '5c1e0b0f3a21', register: true })
    expect(readPageRuntime(page(`${config},"register":false}`))).toEqual({ version: '5c1e0b0f3a21', register: false })
    expect(readPageRuntime(page('{"tab":1}'))).toBeUndefined()
  })

  it('fails a page without the runtime, or of another version than the manifest (a stale cache between)', () => {
    expect(judgePageRuntime(undefined, 'v1')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('versionGatekeeper()') })
    expect(judgePageRuntime({ version: 'v1', register: true }, 'v2')).toMatchObject({ verdict: 'fail', seen: expect.stringContaining('v2') })
    expect(judgePageRuntime({ version: 'v2', register: true }, 'v2').verdict).toBe('pass')
  })
})

describe('judgeValidators', () => {
  it('passes an ETag or a Last-Modified, and warns without either', () => {
    expect(judgeValidators('"abc"', null).verdict).toBe('pass')
    expect(judgeValidators(null, 'Sun, 22 Nov 2026 10:00:00 GMT').verdict).toBe('pass')
    expect(judgeValidators(null, null).verdict).toBe('warn')
  })
})

describe('formatFindings', () => {
  it('prints one line per finding with its mark, the fix below a problem, and the counts', () => {
    const text = formatFindings([
      { verdict: 'pass', subject: 'sw.js is revalidated on every use', seen: 'Cache-Control: no-cache', fix: 'unused' },
      { verdict: 'fail', subject: 'deploy-manifest.json is revalidated on every use', seen: 'Cache-Control: max-age=3600', fix: 'serve it no-cache' },
      { verdict: 'warn', subject: 'files of older deployments', seen: 'not known' },
    ])
    expect(text).toBe(
      [
        '✓ sw.js is revalidated on every use: Cache-Control: no-cache',
        '✗ deploy-manifest.json is revalidated on every use: Cache-Control: max-age=3600',
        '    fix: serve it no-cache',
        '! files of older deployments: not known',
        '',
        '1 ✓, 1 !, 1 ✗',
        '',
      ].join('\n'),
    )
  })
})
