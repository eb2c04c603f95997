/**
 * `npm run bench`: builds the bench app once per alternative (two releases each), measures every column in the same
 * run against the same host and browser, prints the tables and writes bench/RESULTS.md and the README's headline.
 * Exits 0 whether or not targets are met (they are printed, never asserted); 1 when a measurement could not run.
 * This file only wires; the modules beside it measure and report.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, release as osRelease, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Browser } from '@playwright/test'
import { dateRelease, type StaticHost } from '../e2e/host/index.js'
import { compressedSizes, startupScripts } from '../scripts/sizes.mjs'
import { ALTERNATIVES, writeBenchApp, type Alternative } from './app.js'
import { launchChromium } from './browser.js'
import { buildAlternative, REPO_ROOT, WORK_DIR } from './builds.js'
import { timeLargeBuilds, timeManifests } from './measure-build.js'
import { countGatekeeperCheck, countHourlyRequests, countNavigationRequests, startHost, timeChunkLoads, timeDeploys } from './measure.js'
import { comparisonTable, manifestTable, readmeSection, resultsMarkdown, sizeOnlyTable, targetTable, type AlternativeSizes, type BenchResults, type Environment } from './report.js'

const ROUTES = 20
/** Bytes of text per route chunk: a small real route, a few KB of code. */
const ROUTE_BYTES = 6_000
const RELEASES = ['v1', 'v2'] as const
/** The gatekeeper build whose tabs may ask for a check every second: the check's cost without waiting 5 minutes. */
const QUICK_CHECK = 'gatekeeper-quick-check'
const QUICK_CHECK_MS = 1_000
/** Lazy-chunk timing: the columns it compares, and the fresh profiles each gets, one column after the other. */
const CHUNK_ALTERNATIVES = ['plain', 'gatekeeper', 'pwa-auto'] as const satisfies readonly Alternative[]
const CHUNK_PROFILES = 3

const { values: options } = parseArgs({ options: { 'no-write': { type: 'boolean', default: false } } })
const log = (line: string) => console.log(line)
const readJson = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as { version: string }
const releasesDir = (name: string) => join(WORK_DIR, 'releases', name)

async function main(): Promise<void> {
  const started = performance.now()
  if (!existsSync(join(REPO_ROOT, 'dist/build/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm run bench` does)')
  const browser = await launchChromium()
  try {
    await buildColumns()
    const measured = await measureInBrowser(browser)
    log('measuring build overhead: vite build of 300 lazy routes, manifests of 1k and 10k assets …')
    const builds = { ...(await timeLargeBuilds(300)), routes: 300 }
    const manifests = timeManifests()

    const results: BenchResults = { routes: ROUTES, ...measured, sizes: measureSizes(measured.requests), sizeOnly: sizeOnly(), builds, manifests }
    const environment = describeEnvironment(browser.version(), (performance.now() - started) / 1000)
    log(`\n${targetTable(results)}\n\n${comparisonTable(results)}\n\n${sizeOnlyTable(results)}\n\n${manifestTable(results)}\n`)
    if (!options['no-write']) {
      writeFileSync(join(REPO_ROOT, 'bench/RESULTS.md'), resultsMarkdown(results, environment))
      const readmePath = join(REPO_ROOT, 'README.md')
      const readme = readFileSync(readmePath, 'utf8')
      const section = /<!-- bench:start -->[\s\S]*?<!-- bench:end -->/
      if (section.test(readme)) writeFileSync(readmePath, readme.replace(section, () => readmeSection(results, environment)))
      log("wrote bench/RESULTS.md and the README's benchmark table")
    }
    log(`bench: done in ${environment.runSeconds.toFixed(0)} s`)
  } finally {
    await browser.close()
  }
}

/** The bench app in every column and release, and the gatekeeper's quick-check build. */
async function buildColumns(): Promise<void> {
  const appDir = join(WORK_DIR, 'app')
  writeBenchApp(appDir, { routes: ROUTES, routeBytes: ROUTE_BYTES })
  log(`building the bench app (${ROUTES} lazy routes) per alternative, releases ${RELEASES.join(', ')} …`)
  for (const alternative of ALTERNATIVES) {
    for (const [index, release] of RELEASES.entries()) {
      const outDir = join(releasesDir(alternative), release)
      await buildAlternative({ appDir, alternative, release, outDir })
      dateRelease(outDir, index, RELEASES.length)
    }
  }
  const outDir = join(releasesDir(QUICK_CHECK), 'v1')
  await buildAlternative({ appDir, alternative: 'gatekeeper', release: 'v1', outDir, env: { BENCH_CHECK_INTERVAL: String(QUICK_CHECK_MS) } })
}

type BrowserResults = Pick<BenchResults, 'requests' | 'hourly' | 'gatekeeperCheck' | 'deploys' | 'chunks'>

/**
 * Everything measured in Chromium. Every host is up for the whole run, so that the timed measurements can take
 * turns between columns: a slow moment of this shared machine then falls on all of them, not on one.
 */
async function measureInBrowser(browser: Browser): Promise<BrowserResults> {
  const hosts = new Map<string, StaticHost>()
  try {
    for (const name of [...ALTERNATIVES, QUICK_CHECK]) hosts.set(name, await startHost(releasesDir(name)))
    const host = (name: string) => hosts.get(name)!
    const requests = {} as BenchResults['requests']
    const hourly = {} as BenchResults['hourly']
    for (const alternative of ALTERNATIVES) {
      log(`measuring ${alternative}: origin requests …`)
      requests[alternative] = await countNavigationRequests(browser, host(alternative), alternative, ROUTES)
      hourly[alternative] = await countHourlyRequests(browser, host(alternative), alternative)
    }
    log('measuring gatekeeper: one check asked for by 10 tabs …')
    const gatekeeperCheck = { ...(await countGatekeeperCheck(browser, host(QUICK_CHECK), QUICK_CHECK_MS)), checkIntervalMs: QUICK_CHECK_MS }
    log('measuring gatekeeper: deploy detection in 10 tabs, click to the new version …')
    const deploys = await timeDeploys(browser, host('gatekeeper'))

    log(`measuring lazy chunks: ${CHUNK_PROFILES} fresh profiles per column, taking turns …`)
    const chunks: BenchResults['chunks'] = {}
    for (let profile = 0; profile < CHUNK_PROFILES; profile++) {
      for (const alternative of CHUNK_ALTERNATIVES) {
        const times = await timeChunkLoads(browser, host(alternative), alternative, ROUTES)
        const total = (chunks[alternative] ??= { cold: [], warm: [], warmThroughWorker: 0 })
        total.cold.push(...times.cold)
        total.warm.push(...times.warm)
        total.warmThroughWorker += times.warmThroughWorker
      }
    }
    return { requests, hourly, gatekeeperCheck, deploys, chunks }
  } finally {
    for (const host of hosts.values()) await host.close()
  }
}

/** What each column adds to every page load (against no service worker), and its worker's bytes. */
function measureSizes(requests: BenchResults['requests']): BenchResults['sizes'] {
  const startup = (alternative: Alternative) => {
    const dir = join(releasesDir(alternative), 'v1')
    return startupScripts(readFileSync(join(dir, 'index.html'), 'utf8'), dir, requests[alternative].startupScripts)
  }
  const plain = startup('plain')
  const sizes = {} as Record<Alternative, AlternativeSizes>
  for (const alternative of ALTERNATIVES) {
    const own = startup(alternative)
    sizes[alternative] = {
      pageGzip: own.gzip - plain.gzip,
      pageBrotli: own.brotli - plain.brotli,
      swGzip: workerGzip(join(releasesDir(alternative), 'v1')),
    }
  }
  return sizes
}

function sizeOnly(): BenchResults['sizeOnly'] {
  return [
    { name: `Angular ngsw-worker.js (@angular/service-worker ${readJson('node_modules/@angular/service-worker/package.json').version})`, file: 'node_modules/@angular/service-worker/ngsw-worker.js' },
    { name: `workbox-window ${readJson('node_modules/workbox-window/package.json').version} (workbox-window.prod.mjs)`, file: 'node_modules/workbox-window/build/workbox-window.prod.mjs' },
  ].map(({ name, file }) => ({ name, ...compressedSizes(readFileSync(join(REPO_ROOT, file))) }))
}

/** gzip of sw.js and the scripts generateSW writes beside it for it to load (workbox-<hash>.js). */
function workerGzip(dir: string): number | undefined {
  const sw = join(dir, 'sw.js')
  if (!existsSync(sw)) return undefined
  const loaded = [...readFileSync(sw, 'utf8').matchAll(/["'](?:\.\/)?(workbox-[\w-]+)(?:\.js)?["']/g)].map((match) => `${match[1]}.js`)
  return [sw, ...new Set(loaded)].reduce((total, file) => total + compressedSizes(readFileSync(file === sw ? sw : join(dir, file))).gzip, 0)
}

function describeEnvironment(chromium: string, runSeconds: number): Environment {
  const packageVersion = (name: string) => readJson(`node_modules/${name}/package.json`).version
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${osRelease()}`,
    node: process.version,
    chromium,
    packages: {
      'version-gatekeeper': readJson('package.json').version,
      vite: packageVersion('vite'),
      'vite-plugin-pwa': packageVersion('vite-plugin-pwa'),
      'workbox-build': packageVersion('workbox-build'),
      'workbox-window': packageVersion('workbox-window'),
      '@angular/service-worker': packageVersion('@angular/service-worker'),
      '@playwright/test': packageVersion('@playwright/test'),
    },
    runSeconds,
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
