/**
 * Turns one run's measurements into the printed tables, bench/RESULTS.md and the README's headline table. Every
 * figure the targets judge is a count or a ratio of two columns of the same run; absolute times sit beside.
 */
import { TARGETS } from '../scripts/sizes.mjs'
import { ALTERNATIVES, ALTERNATIVE_LABELS, type Alternative } from './app.js'
import type { BuildTimes } from './measure-build.js'
import type { CheckCount, ChunkTimes, DeployTimes, HourlyCounts, RequestCounts } from './measure.js'
import { formatMs, formatRatio, markdownTable, median, percentile, ratio, verdict, type Target } from './stats.js'

/** The bytes one alternative adds to every page load, and its worker's. */
export interface AlternativeSizes {
  pageGzip: number
  pageBrotli: number
  /** sw.js and the scripts it loads beside it, gzip; undefined without a worker. */
  swGzip: number | undefined
}

export interface BenchResults {
  routes: number
  sizes: Record<Alternative, AlternativeSizes>
  /** Size-only comparisons, gzip: Angular's worker and workbox-window. */
  sizeOnly: { name: string; gzip: number; brotli: number }[]
  requests: Record<Alternative, RequestCounts>
  hourly: Record<Alternative, HourlyCounts>
  gatekeeperCheck: CheckCount & { checkIntervalMs: number }
  chunks: Partial<Record<Alternative, ChunkTimes>>
  deploys: DeployTimes
  builds: BuildTimes & { routes: number }
  manifests: Map<number, number[]>
}

export interface Environment {
  date: string
  cpu: string
  cores: number
  memoryGiB: number
  os: string
  node: string
  chromium: string
  packages: Record<string, string>
  runSeconds: number
}

const bytes = (value: number) => `${value} B`
const signedBytes = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value)} B`
const POLLS_PER_HOUR = 12

/** Requests one check costs with ten tabs open, for the alternatives that check on a timer, from their hour of ten tabs. */
function requestsPerCheck(results: BenchResults, alternative: Alternative): string {
  const paths = results.hourly[alternative].tenTabPaths
  switch (alternative) {
    case 'gatekeeper':
      return `${results.gatekeeperCheck.requests} (${results.gatekeeperCheck.conditional} conditional)¹`
    case 'poller':
      return `${(paths['/version.json'] ?? 0) / POLLS_PER_HOUR}`
    case 'pwa-prompt':
      return `${results.hourly[alternative].tenTabs}`
    default:
      return 'no check'
  }
}

function chunkCell(results: BenchResults, alternative: Alternative, kind: 'cold' | 'warm'): string {
  const samples = results.chunks[alternative]?.[kind]
  const baseline = results.chunks.plain?.[kind]
  if (!samples?.length || !baseline?.length) return '—'
  const value = median(samples)
  if (alternative === 'plain') return formatMs(value)
  const throughWorker = kind === 'warm' ? `; ${results.chunks[alternative]!.warmThroughWorker}/${samples.length} via the worker` : ''
  return `${formatMs(value)} (${formatRatio(ratio(value, median(baseline)))}${throughWorker})`
}

/** The comparison table: one column per alternative. */
export function comparisonTable(results: BenchResults): string {
  const cells = (cell: (alternative: Alternative) => string) => ALTERNATIVES.map(cell)
  const { requests, hourly, sizes, deploys, builds } = results
  const plainBuild = median(builds.plain)
  const byDesign: Record<Alternative, string> = {
    plain: 'never (a route breaks)',
    gatekeeper: '',
    'pwa-auto': 'at the next update check²',
    'pwa-prompt': 'at the next hourly update()²',
    poller: 'at the next poll (≤ 5 min)²',
  }
  const detection = deploys.detection.length
    ? `p50 ${formatMs(percentile(deploys.detection, 50))}, p95 ${formatMs(percentile(deploys.detection, 95))} (${deploys.detection.length} tab·rounds${deploys.missed ? `, ${deploys.missed} missed` : ''}${deploys.confirm.length ? `; the worker's manifest request at +${formatMs(median(deploys.confirm))}` : ''})`
    : `none heard (${deploys.missed} missed)`
  const clickMedian = deploys.clickToNew.length ? median(deploys.clickToNew) : undefined
  const freshMedian = deploys.freshTab.length ? median(deploys.freshTab) : undefined
  const rows: string[][] = [
    ['Page bytes, gzip (JS every page load runs, beyond no SW)', ...cells((a) => (a === 'plain' ? '0 B' : signedBytes(sizes[a].pageGzip)))],
    ['Page bytes, brotli', ...cells((a) => (a === 'plain' ? '0 B' : signedBytes(sizes[a].pageBrotli)))],
    ['Worker, gzip (sw.js and what it loads)', ...cells((a) => (sizes[a].swGzip === undefined ? '—' : bytes(sizes[a].swGzip!)))],
    ['Origin requests: first page load (worker install included)', ...cells((a) => `${requests[a].firstLoad}`)],
    [`Origin requests: first visit to the ${results.routes - 1} other routes`, ...cells((a) => `${requests[a].firstRouteVisits}`)],
    ['Origin requests: 50 client-side navigations, no deploy', ...cells((a) => `${requests[a].navigations50}`)],
    ['Origin requests per hour, 1 open visible tab (simulated clock)', ...cells((a) => `${hourly[a].oneTab}`)],
    ['Origin requests per hour, 10 open visible tabs (simulated clock)', ...cells((a) => `${hourly[a].tenTabs}`)],
    ['Origin requests per check, 10 tabs', ...cells((a) => requestsPerCheck(results, a))],
    ['Lazy chunk, cold (median; × no SW)', ...cells((a) => chunkCell(results, a, 'cold'))],
    ['Lazy chunk, warm (median; × no SW)', ...cells((a) => chunkCell(results, a, 'warm'))],
    ['Deploy detection: response revealing it → message in each of 10 tabs', ...cells((a) => (a === 'gatekeeper' ? detection : byDesign[a]))],
    [
      'Click after a deploy → new version on screen (median; × same URL in a fresh tab)',
      ...cells((a) =>
        a === 'gatekeeper' && clickMedian !== undefined
          ? `${formatMs(clickMedian)} (${formatRatio(ratio(clickMedian, freshMedian))}; fresh tab ${formatMs(freshMedian!)})`
          : '—',
      ),
    ],
    [
      `vite build, ${builds.routes} lazy routes (median; × no plugin)`,
      ...cells((a) =>
        a === 'plain' ? formatMs(plainBuild) : a === 'gatekeeper' ? `${formatMs(median(builds.gatekeeper))} (${formatRatio(ratio(median(builds.gatekeeper), plainBuild))})` : '—',
      ),
    ],
  ]
  return markdownTable(['Measure', ...ALTERNATIVES.map((a) => ALTERNATIVE_LABELS[a])], rows)
}

export function targets(results: BenchResults): Target[] {
  const { sizes, requests, gatekeeperCheck, deploys, chunks, builds } = results
  const times = (value: number) => formatRatio(value)
  const warm = chunks.gatekeeper && chunks.plain ? ratio(median(chunks.gatekeeper.warm), median(chunks.plain.warm)) : undefined
  return [
    { name: 'Page bytes, gzip', value: sizes.gatekeeper.pageGzip, limit: TARGETS.pageGzip, format: bytes },
    { name: 'sw.js, gzip', value: sizes.gatekeeper.swGzip, limit: TARGETS.swGzip, format: bytes },
    { name: 'Origin requests per client-side navigation (50, no deploy)', value: requests.gatekeeper.navigations50 / 50, limit: 0, format: String },
    { name: 'Requests per browser per check (10 tabs)', value: gatekeeperCheck.requests, limit: 1, format: String },
    { name: 'Detection p95, 10 tabs', value: deploys.detection.length ? percentile(deploys.detection, 95) : undefined, limit: 50, format: formatMs },
    { name: 'Warm lazy chunk through the worker, × no SW', value: warm, limit: 1.05, format: times },
    { name: `vite build, × without the plugin (${builds.routes} lazy routes)`, value: ratio(median(builds.gatekeeper), median(builds.plain)), limit: 1.15, format: times },
  ]
}

export function targetTable(results: BenchResults): string {
  return markdownTable(
    ['Target (version-gatekeeper)', 'Limit', 'Measured', ''],
    targets(results).map((target) => [
      target.name,
      `≤ ${target.format(target.limit)}`,
      target.value === undefined ? '—' : target.format(target.value),
      verdict(target),
    ]),
  )
}

export function sizeOnlyTable(results: BenchResults): string {
  return markdownTable(
    ['For size only', 'gzip', 'brotli'],
    [
      ['version-gatekeeper sw.js', bytes(results.sizes.gatekeeper.swGzip ?? 0), '—'],
      ...results.sizeOnly.map((entry) => [entry.name, bytes(entry.gzip), bytes(entry.brotli)]),
    ],
  )
}

export function manifestTable(results: BenchResults): string {
  const sizes = [...results.manifests.keys()].sort((a, b) => a - b)
  const first = sizes[0]!
  const rows = sizes.map((size) => {
    const value = median(results.manifests.get(size)!)
    const scale = ratio(value, median(results.manifests.get(first)!))
    return [`${size.toLocaleString('en-US')} assets`, formatMs(value), `${formatMs((value / size) * 1000)} per 1k assets`, size === first ? '1×' : `${formatRatio(scale)} for ${size / first}× the assets`]
  })
  return markdownTable(['Manifest generation (build/deploy-manifest.ts)', 'median', 'per asset', 'scaling'], rows)
}

const NOTES = `How each figure is taken (bench/, \`npm run bench\`): the same generated app (a history router over lazy routes,
bench/app.ts) built once per column, served by the e2e static host (e2e/host/static-host.ts, strict: a removed
file is a 404) on 127.0.0.1, driven in headless Chromium; a fresh browser profile for each measurement.

- **Page bytes**: the JavaScript a page load runs (inline scripts, the scripts its HTML names and those the browser
  was seen to load at start-up), each file compressed on its own (gzip -9, brotli 11), minus the same for no
  service worker. For vite-plugin-pwa that is its \`registerSW\` and the workbox-window chunk it imports; for the
  poller, its code in the entry chunk; for the gatekeeper, its inline script.
- **Origin requests** are counted at the host: what a worker answers from its caches is not counted. "Per hour"
  uses Playwright's clock (simulated time in the pages: every page timer of an hour runs); the workers run in real
  time. ¹ The gatekeeper's tabs ask for a check when they become visible and, while navigating, at most every
  \`checkInterval\` (5 min): the figure is from a build with a 1 s interval, all ten tabs navigating at once.
- **Lazy chunk**: \`import()\` of a route's chunk as the router does it, timed in the page; cold = first load in a
  fresh profile (a generateSW worker has precached every chunk at install), warm = the same chunks in a later tab
  of that profile: from the HTTP cache without a worker, else from the worker's cache (Resource Timing's
  \`workerStart\` shows how many the worker answered). Not a reload: a reload's renderer answers a module it
  loaded before from its memory cache, asking neither. The columns take turns, one profile each at a time.
- **Detection**: ten tabs listen on the gatekeeper's BroadcastChannel; an eleventh navigates to a route whose
  chunk the new deployment removed. From the host's receipt of that request to the message in each tab; beside,
  when the worker's request for the manifest (its confirmation) reached the host.
  ² The others learn of a deployment only when they check: not measured, their interval is the latency.
- **Click → new version**: a click in an armed tab (one document load of the link's address) to the route of
  the new release rendered, against the same address opened in a fresh tab (from its navigation start).
- **Build**: wall time of \`vite build\` (Vite's start-up included), alternating with and without the plugin.`

function describePaths(paths: Record<string, number>): string {
  const entries = Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return entries.length ? entries.map(([path, count]) => `\`${path}\` ×${count}`).join(', ') : 'nothing'
}

/** bench/RESULTS.md. */
export function resultsMarkdown(results: BenchResults, environment: Environment): string {
  const packages = Object.entries(environment.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
  return `# Benchmark results

Generated by \`npm run bench\` (bench/run.ts); do not edit by hand.

- Date: ${environment.date}
- Machine: ${environment.cpu}, ${environment.cores} cores, ${environment.memoryGiB} GiB, ${environment.os}
- Node ${environment.node}, Chromium ${environment.chromium} (headless)
- Packages: ${packages}
- Run time: ${environment.runSeconds.toFixed(0)} s

## Targets

Printed as met or not met; never asserted by a test. Sizes are deterministic: CI fails when one grows past its
ceiling (\`npm run sizes\`, scripts/sizes.mjs), set at today's size with a little room.

${targetTable(results)}

## Same app, same host, same browser

${comparisonTable(results)}

What the checks asked the origin for: the gatekeeper's, ten tabs at once: ${describePaths(results.gatekeeperCheck.paths)};
an hour of ten tabs with vite-plugin-pwa prompt: ${describePaths(results.hourly['pwa-prompt'].tenTabPaths)}; with the poller:
${describePaths(results.hourly.poller.tenTabPaths)}.

${sizeOnlyTable(results)}

${manifestTable(results)}

${NOTES}
`
}

/** The README's headline: the targets and the comparison, between markers the run rewrites. */
export function readmeSection(results: BenchResults, environment: Environment): string {
  return `<!-- bench:start -->
<!-- generated by \`npm run bench\` (bench/report.ts) from its last run; do not edit by hand -->

${environment.date.slice(0, 10)}, ${environment.cpu} (${environment.cores} cores), Node ${environment.node}, headless Chromium ${environment.chromium}.

${targetTable(results)}

${comparisonTable(results)}
<!-- bench:end -->`
}
