import { describe, expect, it } from 'vitest'
import { comparisonTable, readmeSection, targets, targetTable, type BenchResults, type Environment } from './report.js'
import { verdict } from './stats.js'

const hourly = (tenTabPaths: Record<string, number>) => ({ oneTab: 0, tenTabs: Object.values(tenTabPaths).reduce((a, b) => a + b, 0), tenTabPaths })
const requests = (navigations50: number) => ({ firstLoad: 4, firstRouteVisits: 19, navigations50, startupScripts: [] })
const sizes = (pageGzip: number, swGzip?: number) => ({ pageGzip, pageBrotli: pageGzip - 100, swGzip })

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    routes: 20,
    sizes: { plain: sizes(0), gatekeeper: sizes(1400, 4900), 'pwa-auto': sizes(2650, 6069), 'pwa-prompt': sizes(2694, 6070), poller: sizes(135) },
    sizeOnly: [{ name: 'ngsw-worker.js', gzip: 19010, brotli: 16232 }],
    requests: { plain: requests(0), gatekeeper: requests(0), 'pwa-auto': requests(0), 'pwa-prompt': requests(0), poller: requests(0) },
    hourly: {
      plain: hourly({}),
      gatekeeper: hourly({}),
      'pwa-auto': hourly({}),
      'pwa-prompt': hourly({ '/sw.js': 1, '/workbox-2fbc6a65.js': 1 }),
      poller: hourly({ '/version.json': 120 }),
    },
    gatekeeperCheck: { requests: 1, conditional: 1, paths: { '/deploy-manifest.json': 1 }, checkIntervalMs: 1000 },
    chunks: {
      plain: { cold: [3, 3, 4], warm: [2, 2, 2], warmThroughWorker: 0 },
      gatekeeper: { cold: [4, 5, 6], warm: [2, 2.1, 2.2], warmThroughWorker: 3 },
    },
    deploys: { detection: [10, 20, 30, 40, 60], missed: 0, confirm: [8], clickToNew: [60, 62], freshTab: [40, 41] },
    builds: { plain: [1000, 1100, 900], gatekeeper: [1100, 1200, 1000], routes: 300 },
    manifests: new Map([
      [1000, [1, 1, 1]],
      [10000, [10, 10, 10]],
    ]),
    ...overrides,
  }
}

describe('targets', () => {
  it('judges the gatekeeper column: bytes, requests, p95, and ratios against the other columns', () => {
    const judged = Object.fromEntries(targets(results()).map((target) => [target.name, [target.value, verdict(target)]]))
    expect(judged).toEqual({
      'Page bytes, gzip': [1400, 'met'],
      'sw.js, gzip': [4900, 'met'],
      'Origin requests per client-side navigation (50, no deploy)': [0, 'met'],
      'Requests per browser per check (10 tabs)': [1, 'met'],
      'Detection p95, 10 tabs': [60, 'not met'],
      'Warm lazy chunk through the worker, × no SW': [2.1 / 2, 'met'],
      'vite build, × without the plugin (300 lazy routes)': [1.1, 'met'],
    })
  })

  it('one origin request in 50 navigations misses the target of none', () => {
    const [, , navigations] = targets(results({ requests: { ...results().requests, gatekeeper: requests(1) } }))
    expect(navigations!.value).toBe(0.02)
    expect(verdict(navigations!)).toBe('not met')
  })

  it('a figure the run could not take is "not measured", not met', () => {
    const table = targetTable(results({ chunks: {}, deploys: { detection: [], missed: 10, confirm: [], clickToNew: [], freshTab: [] } }))
    expect(table).toMatch(/Detection p95, 10 tabs \| ≤ 50 ms \| — \| not measured/)
    expect(table).toMatch(/Warm lazy chunk through the worker, × no SW \| ≤ 1.05× \| — \| not measured/)
  })
})

describe('comparisonTable', () => {
  const table = comparisonTable(results())
  const row = (label: string) => table.split('\n').find((line) => line.startsWith(`| ${label}`))

  it('prints page bytes as what each alternative adds to no service worker', () => {
    expect(row('Page bytes, gzip')).toBe('| Page bytes, gzip (JS every page load runs, beyond no SW) | 0 B | +1400 B | +2650 B | +2694 B | +135 B |')
  })

  it('derives a poll\'s cost from an hour of ten tabs (12 polls), a prompt check\'s from its one hourly update()', () => {
    expect(row('Origin requests per check')).toBe('| Origin requests per check, 10 tabs | no check | 1 (1 conditional)¹ | no check | 2 | 10 |')
  })

  it('prints times with their ratio to no service worker, and how many warm loads the worker answered', () => {
    expect(row('Lazy chunk, warm')).toBe('| Lazy chunk, warm (median; × no SW) | 2.0 ms | 2.1 ms (1.05×; 3/3 via the worker) | — | — | — |')
    expect(row('Click after a deploy')).toMatch(/\| 60 ms \(1\.50×; fresh tab 40 ms\) \|/)
    expect(row('vite build')).toMatch(/\| 1000 ms \| 1100 ms \(1\.10×\) \|/)
  })
})

describe('readmeSection', () => {
  it('sits between the markers the run replaces', () => {
    const environment: Environment = {
      date: '2026-11-22T05:00:00.000Z',
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 24,
      os: 'Linux',
      node: 'v20.20.2',
      chromium: '156.0',
      packages: {},
      runSeconds: 150,
    }
    const section = readmeSection(results(), environment)
    expect(section.startsWith('<!-- bench:start -->')).toBe(true)
    expect(section.endsWith('<!-- bench:end -->')).toBe(true)
    expect(section).toContain('2026-11-22, Test CPU (2 cores)')
  })
})
