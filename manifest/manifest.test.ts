import { describe, expect, it } from 'vitest'
import { isKillSwitch, isNewer, isValidBuiltAt, isValidVersion, MANIFEST_SCHEMA, PRECACHE_POLICIES, readManifest } from './manifest.js'

const valid = () => ({
  schema: MANIFEST_SCHEMA,
  version: 'a1b2c3d4e5f6',
  builtAt: '2026-11-02T10:00:00.000Z',
  assetsDir: 'assets/',
  assets: ['assets/index-3FKDyft7.js', 'assets/route-Bx9.css'],
  entry: ['assets/index-3FKDyft7.js'],
  fallback: {
    defaultLocale: 'en',
    pages: { en: 'fallback.1234abcd.en.html' },
    contentSecurityPolicy: "default-src 'none'; script-src 'sha256-AAAA'",
  },
  csp: { scriptSrc: ["'sha256-BBBB'"], styleSrc: ["'sha256-CCCC'"] },
  precache: 'entry' as const,
  gracePeriodMs: 3_600_000,
})

describe('readManifest', () => {
  it('reads a well-formed manifest as the same manifest', () => {
    expect(readManifest(valid())).toEqual(valid())
  })

  it('returns a new object that keeps only the fields of the schema', () => {
    const json = { ...valid(), extra: '<script>', fallback: { ...valid().fallback, extra: 1 }, csp: { ...valid().csp, extra: 2 } }
    const manifest = readManifest(json)
    expect(manifest).not.toBe(json)
    expect(manifest).toStrictEqual(valid())
  })

  it('copies every list and object, so a later change to the parsed JSON cannot change the manifest', () => {
    const json = valid()
    const manifest = readManifest(json)
    json.assets.push('assets/late.js')
    json.entry.push('assets/late.js')
    json.fallback.pages.en = 'changed.html'
    json.csp.scriptSrc.push("'unsafe-inline'")
    json.csp.styleSrc.push("'unsafe-inline'")
    expect(manifest).toEqual(valid())
  })

  it('accepts an empty assets directory (Vite build.assetsDir set to "")', () => {
    expect(readManifest({ ...valid(), assetsDir: '' })?.assetsDir).toBe('')
  })

  it.each(PRECACHE_POLICIES)('reads the precache policy %s', (precache) => {
    expect(readManifest({ ...valid(), precache })?.precache).toBe(precache)
  })

  it('reads a grace period of 0: caches go as soon as no tab runs the deployment', () => {
    expect(readManifest({ ...valid(), gracePeriodMs: 0 })?.gracePeriodMs).toBe(0)
  })

  it('reads the kill switch as no manifest: it names no deployment', () => {
    expect(readManifest({ schema: MANIFEST_SCHEMA, killSwitch: true })).toBeUndefined()
  })

  it.each([
    ['another schema', { schema: 2 }],
    ['a schema given as a string', { schema: '1' }],
    ['a version with markup', { version: '<script>' }],
    ['an empty version', { version: '' }],
    ['a version longer than 64 characters', { version: 'v'.repeat(65) }],
    ['a builtAt that is only a date', { builtAt: '2026-11-02' }],
    ['a builtAt given as a number', { builtAt: 1_700_000_000_000 }],
    ['an assetsDir that is not a string', { assetsDir: 7 }],
    ['assets that are not a list', { assets: 'assets/a.js' }],
    ['an asset that is not a string', { assets: ['assets/a.js', 3] }],
    ['an entry that is not a list', { entry: null }],
    ['no fallback', { fallback: undefined }],
    ['fallback pages that are not an object', { fallback: { ...valid().fallback, pages: ['x.html'] } }],
    ['a default locale that is not a string', { fallback: { ...valid().fallback, defaultLocale: 1 } }],
    ['a default locale without a page', { fallback: { ...valid().fallback, defaultLocale: 'fr' } }],
    ['fallback pages without a Content-Security-Policy', { fallback: { defaultLocale: 'en', pages: { en: 'x.html' } } }],
    ['a fallback Content-Security-Policy that is not a string', { fallback: { ...valid().fallback, contentSecurityPolicy: ["default-src 'none'"] } }],
    ['a fallback Content-Security-Policy with a line feed (header injection)', { fallback: { ...valid().fallback, contentSecurityPolicy: "default-src 'none'\nSet-Cookie: a=b" } }],
    ['a fallback Content-Security-Policy with a carriage return', { fallback: { ...valid().fallback, contentSecurityPolicy: "default-src 'none'\rX: y" } }],
    ['no csp', { csp: undefined }],
    ['a csp that is not an object', { csp: ["'sha256-BBBB'"] }],
    ['a csp without scriptSrc', { csp: { styleSrc: [] } }],
    ['a csp scriptSrc that is not a list', { csp: { scriptSrc: "'sha256-BBBB'", styleSrc: [] } }],
    ['a csp scriptSrc with a source that is not a string', { csp: { scriptSrc: ["'sha256-BBBB'", 7], styleSrc: [] } }],
    ['a csp without styleSrc', { csp: { scriptSrc: [] } }],
    ['a csp styleSrc with a source that is not a string', { csp: { scriptSrc: [], styleSrc: [null] } }],
    ['no precache policy (a manifest written before policies existed)', { precache: undefined }],
    ['an unknown precache policy', { precache: 'some' }],
    ['a precache policy in another case', { precache: 'ALL' }],
    ['a precache policy given as a boolean', { precache: true }],
    ['no grace period', { gracePeriodMs: undefined }],
    ['a negative grace period', { gracePeriodMs: -1 }],
    ['a grace period given as text', { gracePeriodMs: '3600000' }],
    ['a grace period that is not a number (NaN)', { gracePeriodMs: Number.NaN }],
    ['an endless grace period (Infinity, which JSON cannot even hold)', { gracePeriodMs: Number.POSITIVE_INFINITY }],
  ])('refuses a manifest with %s', (_, change) => {
    expect(readManifest({ ...valid(), ...change })).toBeUndefined()
  })

  it('refuses a default locale without a page even when Object.prototype has that name ("constructor")', () => {
    expect(readManifest({ ...valid(), fallback: { ...valid().fallback, defaultLocale: 'constructor' } })).toBeUndefined()
  })

  it.each([
    ['an absolute path', '/assets/a.js'],
    ['a protocol-relative URL', '//evil.test/a.js'],
    ['a URL with a scheme', 'https://evil.test/a.js'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a parent segment', 'assets/../../secret.js'],
    ['a leading parent segment', '../a.js'],
    ['a backslash', 'assets\\a.js'],
    ['a query', 'assets/a.js?x'],
    ['whitespace', 'assets/a b.js'],
  ])('refuses an asset path with %s', (_, path) => {
    expect(readManifest({ ...valid(), assets: [path] })).toBeUndefined()
    expect(readManifest({ ...valid(), entry: [path] })).toBeUndefined()
    expect(readManifest({ ...valid(), fallback: { ...valid().fallback, pages: { en: path } } })).toBeUndefined()
  })

  it('refuses a path that climbs out with percent-encoded dots, which URLs resolve as ".."', () => {
    // new URL('%2e%2e/api/me', 'https://app.test/shop/deploy-manifest.json') is https://app.test/api/me
    expect(readManifest({ ...valid(), assets: ['%2e%2e/api/me'] })).toBeUndefined()
  })

  it('refuses an assets directory outside the deployment', () => {
    expect(readManifest({ ...valid(), assetsDir: '../assets/' })).toBeUndefined()
    expect(readManifest({ ...valid(), assetsDir: '/assets/' })).toBeUndefined()
  })

  it.each([null, undefined, 'manifest', 42, [valid()]])('refuses %j, which is not an object', (json) => {
    expect(readManifest(json)).toBeUndefined()
  })
})

describe('isKillSwitch', () => {
  it('takes { schema: 1, killSwitch: true } for the kill switch', () => {
    expect(isKillSwitch({ schema: MANIFEST_SCHEMA, killSwitch: true })).toBe(true)
  })

  it('ignores every other field: a hand-edited manifest with the flag still removes the gatekeeper', () => {
    expect(isKillSwitch({ ...valid(), killSwitch: true })).toBe(true)
  })

  it.each([
    ['a deployment manifest', valid()],
    ['killSwitch false', { schema: MANIFEST_SCHEMA, killSwitch: false }],
    ['killSwitch given as text', { schema: MANIFEST_SCHEMA, killSwitch: 'true' }],
    ['killSwitch given as 1', { schema: MANIFEST_SCHEMA, killSwitch: 1 }],
    ['another schema', { schema: 2, killSwitch: true }],
    ['no schema', { killSwitch: true }],
    ['an array', [{ schema: MANIFEST_SCHEMA, killSwitch: true }]],
    ['null', null],
    ['text', 'killSwitch'],
  ])('does not take %s for the kill switch', (_, json) => {
    expect(isKillSwitch(json)).toBe(false)
  })
})

describe('isNewer', () => {
  const known = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }

  it('a later build of another version is newer', () => {
    expect(isNewer({ version: 'v3', builtAt: '2026-11-02T10:00:00.001Z' }, known)).toBe(true)
  })

  it('during a rolling deploy, an older build of another version is not newer', () => {
    expect(isNewer({ version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }, known)).toBe(false)
  })

  it('the same version is not newer, whatever its builtAt says', () => {
    expect(isNewer({ version: 'v2', builtAt: '2027-01-01T00:00:00.000Z' }, known)).toBe(false)
  })

  it('another version built at the same instant is not newer', () => {
    expect(isNewer({ version: 'v3', builtAt: known.builtAt }, known)).toBe(false)
  })

  it('anything is newer than nothing known', () => {
    expect(isNewer(known, null)).toBe(true)
    expect(isNewer(known, undefined)).toBe(true)
  })
})

describe('isValidVersion', () => {
  it.each(['a', 'a1b2c3d4e5f6', 'v1.2.3-rc_1', 'x'.repeat(64)])('accepts %s', (version) => {
    expect(isValidVersion(version)).toBe(true)
  })

  it.each(['', 'x'.repeat(65), '<script>', 'a b', 'a:b', 'a#b', 'a/b', 'é', 42, null, undefined])(
    'refuses %j',
    (version) => {
      expect(isValidVersion(version)).toBe(false)
    },
  )
})

describe('isValidBuiltAt', () => {
  it('accepts what Date.prototype.toISOString writes', () => {
    expect(isValidBuiltAt(new Date(1_700_000_000_123).toISOString())).toBe(true)
  })

  it.each([
    '2026-11-02',
    '2026-11-02T10:00:00Z',
    '2026-11-02T10:00:00.000+01:00',
    '2026-13-01T00:00:00.000Z',
    ' 2026-11-02T10:00:00.000Z',
    1_700_000_000_000,
    null,
  ])('refuses %j', (builtAt) => {
    expect(isValidBuiltAt(builtAt)).toBe(false)
  })

  it('refuses a day that does not exist, whose string order is not its time order', () => {
    // Date.parse reads 2026-02-30 as 2 March, so it would sort before 1 March yet be later.
    expect(isValidBuiltAt('2026-02-30T00:00:00.000Z')).toBe(false)
  })
})
