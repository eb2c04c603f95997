import { describe, expect, it } from 'vitest'
import { isKillSwitch, readManifest } from '../manifest/manifest.js'
import { createManifest, hashedFiles, hashOutput, KILL_SWITCH_MANIFEST, serializeManifest, type EmittedFile } from './deploy-manifest.js'

const output: EmittedFile[] = [
  { fileName: 'index.html', content: '<!doctype html><script src="/assets/index-3FK.js"></script>' },
  { fileName: 'assets/index-3FK.js', content: 'console.log(1)' },
  { fileName: 'assets/logo-9x.png', content: new Uint8Array([137, 80, 78, 71]) },
]
const settings = '{"sw":"/sw.js","scope":"/"}'

describe('hashOutput', () => {
  it('names a deployment with 12 hex digits', () => {
    expect(hashOutput(output, settings)).toMatch(/^[0-9a-f]{12}$/)
  })

  it('gives the same files in any order the same version', () => {
    expect(hashOutput([...output].reverse(), settings)).toBe(hashOutput(output, settings))
  })

  it('a change of one byte gives another version', () => {
    const changed = output.map((file) => (file.fileName === 'assets/index-3FK.js' ? { ...file, content: 'console.log(2)' } : file))
    expect(hashOutput(changed, settings)).not.toBe(hashOutput(output, settings))
  })

  it('a renamed file gives another version', () => {
    const renamed = output.map((file) => (file.fileName === 'assets/logo-9x.png' ? { ...file, fileName: 'assets/logo-9y.png' } : file))
    expect(hashOutput(renamed, settings)).not.toBe(hashOutput(output, settings))
  })

  it('an added empty file gives another version', () => {
    expect(hashOutput([...output, { fileName: 'robots.txt', content: '' }], settings)).not.toBe(hashOutput(output, settings))
  })

  it('other gatekeeper settings give another version', () => {
    expect(hashOutput(output, '{"sw":"/app/sw.js","scope":"/app/"}')).not.toBe(hashOutput(output, settings))
  })

  it('file contents with NUL bytes cannot make two different outputs hash alike', () => {
    const one = [{ fileName: 'a.bin', content: '1\0b.bin\u00002' }]
    const two = [
      { fileName: 'a.bin', content: '1' },
      { fileName: 'b.bin', content: '2' },
    ]
    expect(hashOutput(one, settings)).not.toBe(hashOutput(two, settings))
  })
})

describe('hashedFiles', () => {
  it('keeps only the files under the assets directory, without HTML, sorted', () => {
    const names = ['index.html', 'assets/z-1.js', 'sw.js', 'assets/a-2.css', 'assets/page.html', 'favicon.ico', 'assetsx/b.js']
    expect(hashedFiles(names, 'assets/')).toEqual(['assets/a-2.css', 'assets/z-1.js'])
  })

  it('reads any iterable of names', () => {
    expect(hashedFiles(new Set(['static/b.js', 'static/a.js']), 'static/')).toEqual(['static/a.js', 'static/b.js'])
  })
})

describe('createManifest', () => {
  const input = {
    version: 'a1b2c3d4e5f6',
    builtAt: '2026-11-02T10:00:00.000Z',
    assetsDir: 'assets/',
    assets: ['assets/b.js', 'assets/a.css', 'assets/b.js'],
    entry: new Set(['assets/b.js', 'assets/a.css']),
    fallback: { defaultLocale: 'en', pages: { en: 'fallback.1234abcd.en.html' }, contentSecurityPolicy: "default-src 'none'" },
    csp: { scriptSrc: ["'sha256-AAAA'"], styleSrc: ["'sha256-BBBB'"] },
    precache: 'all' as const,
    gracePeriodMs: 120_000,
  }

  it('lists every file once, sorted', () => {
    const manifest = createManifest(input)
    expect(manifest.assets).toEqual(['assets/a.css', 'assets/b.js'])
    expect(manifest.entry).toEqual(['assets/a.css', 'assets/b.js'])
  })

  it('writes a manifest that the service worker reads', () => {
    expect(readManifest(createManifest(input))).toEqual(createManifest(input))
  })

  it('keeps the fallback pages, their policy and the CSP sources', () => {
    const manifest = createManifest(input)
    expect(manifest.fallback).toEqual(input.fallback)
    expect(manifest.csp).toEqual(input.csp)
  })

  it('keeps the precache policy and the grace period as given', () => {
    expect(createManifest(input)).toMatchObject({ precache: 'all', gracePeriodMs: 120_000 })
    expect(createManifest({ ...input, precache: 'none', gracePeriodMs: 0 })).toMatchObject({ precache: 'none', gracePeriodMs: 0 })
  })

  it('sorts the CSP source lists too, like every other list', () => {
    const manifest = createManifest({ ...input, csp: { scriptSrc: ["'sha256-b'", "'sha256-a'"], styleSrc: ["'sha256-d'", "'sha256-c'"] } })
    expect(manifest.csp).toEqual({ scriptSrc: ["'sha256-a'", "'sha256-b'"], styleSrc: ["'sha256-c'", "'sha256-d'"] })
  })
})

describe('serializeManifest', () => {
  const manifest = () =>
    createManifest({
      version: 'a1b2c3d4e5f6',
      builtAt: '2026-11-02T10:00:00.000Z',
      assetsDir: 'assets/',
      assets: ['assets/b.js', 'assets/a.css'],
      entry: ['assets/b.js'],
      fallback: { pages: { fr: 'fallback.2.fr.html', en: 'fallback.2.en.html' }, defaultLocale: 'en', contentSecurityPolicy: "default-src 'none'" },
      csp: { styleSrc: [], scriptSrc: ["'sha256-AAAA'"] },
      precache: 'entry',
      gracePeriodMs: 3_600_000,
    })

  it('sorts the keys at every depth', () => {
    const json = JSON.parse(serializeManifest(manifest()))
    expect(Object.keys(json)).toEqual(['assets', 'assetsDir', 'builtAt', 'csp', 'entry', 'fallback', 'gracePeriodMs', 'precache', 'schema', 'version'])
    expect(Object.keys(json.fallback)).toEqual(['contentSecurityPolicy', 'defaultLocale', 'pages'])
    expect(Object.keys(json.csp)).toEqual(['scriptSrc', 'styleSrc'])
    expect(Object.keys(json.fallback.pages)).toEqual(['en', 'fr'])
  })

  it('ends with a newline', () => {
    expect(serializeManifest(manifest()).endsWith('}\n')).toBe(true)
  })

  it('gives identical manifests identical bytes, whatever order their keys were built in', () => {
    const { fallback, ...rest } = manifest()
    const reordered = {
      fallback: { defaultLocale: 'en', contentSecurityPolicy: fallback.contentSecurityPolicy, pages: { en: 'fallback.2.en.html', fr: 'fallback.2.fr.html' } },
      ...rest,
    }
    expect(serializeManifest(reordered)).toBe(serializeManifest({ ...rest, fallback }))
  })

  it('reads back as the same manifest', () => {
    expect(readManifest(JSON.parse(serializeManifest(manifest())))).toEqual(manifest())
  })
})

describe('the kill-switch manifest', () => {
  it('is { "killSwitch": true, "schema": 1 }, keys sorted, with a final newline', () => {
    expect(serializeManifest(KILL_SWITCH_MANIFEST)).toBe('{\n  "killSwitch": true,\n  "schema": 1\n}\n')
  })

  it('is what a running gatekeeper takes for the kill switch, and never for a deployment', () => {
    const json: unknown = JSON.parse(serializeManifest(KILL_SWITCH_MANIFEST))
    expect(isKillSwitch(json)).toBe(true)
    expect(readManifest(json)).toBeUndefined()
  })
})
