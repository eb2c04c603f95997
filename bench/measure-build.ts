/**
 * Build overhead: `vite build` of a generated app with 300 lazy routes with and without the plugin, alternating so
 * that a slow moment of the machine hits both; and the manifest functions of build/deploy-manifest.ts on synthetic
 * build outputs of 1k and 10k assets, to see how they scale.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { createManifest, hashedFiles, hashOutput, serializeManifest, type EmittedFile } from '../build/deploy-manifest.js'
import { writeBenchApp } from './app.js'
import { buildAlternative, WORK_DIR } from './builds.js'

export interface BuildTimes {
  plain: number[]
  gatekeeper: number[]
}

/** Times `runs` builds of each, alternating, after one untimed build of each (file system and module caches warm). */
export async function timeLargeBuilds(routes = 300, runs = 5): Promise<BuildTimes> {
  const appDir = join(WORK_DIR, `app-${routes}`)
  writeBenchApp(appDir, { routes, routeBytes: 1_000 })
  const times: BuildTimes = { plain: [], gatekeeper: [] }
  const build = (alternative: 'plain' | 'gatekeeper') =>
    buildAlternative({ appDir, alternative, release: 'v1', outDir: join(WORK_DIR, `build-${routes}`, alternative) })
  await build('plain')
  await build('gatekeeper')
  for (let run = 0; run < runs; run++) {
    times.plain.push(await build('plain'))
    times.gatekeeper.push(await build('gatekeeper'))
  }
  return times
}

/** A build output of `assets` hashed files (about 1 KB each) and an index.html, the same bytes on every run. */
export function syntheticOutput(assets: number): EmittedFile[] {
  const files: EmittedFile[] = [{ fileName: 'index.html', content: '<!doctype html><title>app</title>' }]
  for (let index = 0; index < assets; index++) {
    const content = `export const route${index} = ${JSON.stringify('x'.repeat(960) + index)}\n`
    const hash = createHash('sha256').update(content).digest('base64url').slice(0, 8)
    files.push({ fileName: `assets/route-${index}-${hash}.js`, content })
  }
  return files
}

/** ms to derive the version, list the hashed files, assemble and serialise the manifest of `files`. */
export function timeManifest(files: readonly EmittedFile[]): number {
  const started = performance.now()
  const version = hashOutput(files, '{}')
  const assets = hashedFiles(files.map((file) => file.fileName), 'assets/')
  serializeManifest(
    createManifest({
      version,
      builtAt: '2026-01-01T00:00:00.000Z',
      assetsDir: 'assets/',
      assets,
      entry: assets.slice(0, 1),
      fallback: { defaultLocale: 'en', pages: { en: 'fallback.00000000.en.html' }, contentSecurityPolicy: "default-src 'none'" },
      csp: { scriptSrc: [], styleSrc: [] },
      precache: 'entry',
      gracePeriodMs: 3_600_000,
    }),
  )
  return performance.now() - started
}

/** Median-ready samples of {@link timeManifest} for each size, after one untimed run of each. */
export function timeManifests(sizes: readonly number[] = [1_000, 10_000], runs = 15): Map<number, number[]> {
  const samples = new Map<number, number[]>()
  for (const size of sizes) {
    const files = syntheticOutput(size)
    timeManifest(files)
    samples.set(size, Array.from({ length: runs }, () => timeManifest(files)))
  }
  return samples
}
