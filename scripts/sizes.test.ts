import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { budgetReport, TARGETS, compressedSizes, formatBytes, gatekeeperScript, pageScripts, startupScripts } from './sizes.mjs'

const RUNTIME = 'var config={"tab":{"version":"5c1e0b0f3a21"}};' + 'navigator.serviceWorker.register("/sw.js");'.repeat(20)
const page = `<!doctype html><html><head><script>${RUNTIME}</script>
<script type="module" crossorigin src="/assets/index-AbC.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-XyZ.js"></head>
<body><script>document.body.dataset.ready = "1"</script><script src="https://cdn.example/x.js"></script></body></html>`

describe('compressedSizes', () => {
  it('gives the raw length and the lengths of gzip -9 and brotli output that decompress to the input', () => {
    const sizes = compressedSizes(RUNTIME)
    expect(sizes.raw).toBe(Buffer.byteLength(RUNTIME))
    expect(sizes.gzip).toBeLessThan(sizes.raw)
    expect(sizes.brotli).toBeLessThan(sizes.raw)
    // The same input always gives the same sizes: the budgets rely on it.
    expect(compressedSizes(RUNTIME)).toEqual(sizes)
    expect(compressedSizes(Buffer.from(RUNTIME))).toEqual(sizes)
  })

  it('counts a string as UTF-8 bytes', () => {
    expect(compressedSizes('é').raw).toBe(2)
  })

  it('measures real compressed streams (round trip)', async () => {
    const { gzipSync, brotliCompressSync, constants } = await import('node:zlib')
    const gz = gzipSync(RUNTIME, { level: 9 })
    const br = brotliCompressSync(RUNTIME, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
    expect(gunzipSync(gz).toString()).toBe(RUNTIME)
    expect(brotliDecompressSync(br).toString()).toBe(RUNTIME)
    expect(compressedSizes(RUNTIME)).toMatchObject({ gzip: gz.length, brotli: br.length })
  })
})

describe('pageScripts and gatekeeperScript', () => {
  it('lists scripts in document order, inline ones with their code, whether each is in <head>', () => {
    expect(pageScripts(page)).toEqual([
      { src: undefined, code: RUNTIME, inHead: true },
      { src: '/assets/index-AbC.js', code: '', inHead: true },
      { src: undefined, code: 'document.body.dataset.ready = "1"', inHead: false },
      { src: 'https://cdn.example/x.js', code: '', inHead: false },
    ])
  })

  it('the gatekeeper script is the first script in <head>, inline', () => {
    expect(gatekeeperScript(page)).toBe(RUNTIME)
  })

  it('a page whose first head script is not inline has no gatekeeper script', () => {
    expect(() => gatekeeperScript('<html><head><script src="/a.js"></script></head></html>')).toThrow('versionGatekeeper()')
    expect(() => gatekeeperScript('<html><head></head><body><script>x()</script></body></html>')).toThrow('versionGatekeeper()')
  })
})

describe('startupScripts', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sizes-test-'))
  afterAll(() => rmSync(outDir, { recursive: true, force: true }))
  mkdirSync(join(outDir, 'assets'))
  const files = { 'assets/index-AbC.js': 'import "./vendor-XyZ.js";'.repeat(10), 'assets/vendor-XyZ.js': 'export const v = 1', 'assets/late-1.js': 'export {}' }
  for (const [name, content] of Object.entries(files)) writeFileSync(join(outDir, name), content)

  it('adds each inline script, each named same-origin file and each file seen loading, once, compressed on its own', () => {
    const startup = startupScripts(page, outDir, ['/assets/late-1.js', 'assets/index-AbC.js?v=1'])
    expect(startup.parts.map((part) => part.name)).toEqual([
      'inline script 1',
      'inline script 2',
      '/assets/index-AbC.js',
      '/assets/late-1.js',
      '/assets/vendor-XyZ.js',
    ])
    expect(startup.parts[2]).toEqual({ name: '/assets/index-AbC.js', ...compressedSizes(files['assets/index-AbC.js']) })
    expect(startup.gzip).toBe(startup.parts.reduce((total, part) => total + part.gzip, 0))
    expect(startup.brotli).toBe(startup.parts.reduce((total, part) => total + part.brotli, 0))
  })

  it('fails on a named file the output does not have', () => {
    expect(() => startupScripts(page, outDir, ['/assets/missing.js'])).toThrow(/ENOENT/)
  })
})

describe('budgetReport and formatBytes', () => {
  it('fails only a size over its ceiling, and reports every target as met or not by how much', () => {
    const report = budgetReport([
      { label: 'page', bytes: 1536, ceiling: 2048, target: TARGETS.pageGzip },
      { label: 'sw.js', bytes: 8001, ceiling: 8000, target: TARGETS.swGzip },
    ])
    expect(report.withinCeilings).toBe(false)
    expect(report.lines[0]).toMatch(/^page .*1536 B \(1\.50 KB\)  ok, ceiling 2048 B; target 1536 B met$/)
    expect(report.lines[1]).toMatch(/OVER its ceiling 8000 B by 1 B; target 5120 B not met \(2881 B over\)$/)
    expect(budgetReport([{ label: 'page', bytes: 1600, ceiling: 2048, target: 1536 }]).withinCeilings).toBe(true)
  })

  it('prints bytes exactly, with KB beside from 1 KB on', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1240)).toBe('1240 B (1.21 KB)')
  })
})
