/**
 * Builds the demo app once per release with Vite's CLI, each into its own directory, ready for a host's
 * `releasesDir`. The app imports the gatekeeper as `version-gatekeeper/vite`, which resolves through the
 * repository's own package.json to dist/ (so `npm run build` must have run).
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { dateRelease } from '../e2e/host/index.js'

export const REPO_ROOT = resolve(import.meta.dirname, '..')
export const RELEASES_DIR = join(REPO_ROOT, '.tmp/demo/releases')
const APP_DIR = join(import.meta.dirname, 'app')
const VITE_BIN = join(REPO_ROOT, 'node_modules/vite/bin/vite.js')
const run = promisify(execFile)

/** One release of the demo app: its label and the accent colour that makes it recognisable at a glance. */
export interface Release {
  name: string
  colorName: string
  color: string
}

/** The releases, in deployment order. */
export const RELEASES: readonly Release[] = [
  { name: 'v1', colorName: 'blue', color: '#1d4ed8' },
  { name: 'v2', colorName: 'green', color: '#15803d' },
  { name: 'v3', colorName: 'purple', color: '#7e22ce' },
]

/** A release as built: where its files are and the version its deploy-manifest.json names. */
export interface BuiltRelease extends Release {
  dir: string
  version: string
}

/** Builds every release, one after the other (each build's `builtAt` must be later than the previous one's). */
export async function buildReleases(log: (line: string) => void): Promise<BuiltRelease[]> {
  if (!existsSync(join(REPO_ROOT, 'dist/build/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm run demo` does)')
  }
  const built: BuiltRelease[] = []
  for (const [index, release] of RELEASES.entries()) {
    const dir = join(RELEASES_DIR, release.name)
    await run(process.execPath, [VITE_BIN, 'build', '--logLevel', 'warn'], {
      cwd: APP_DIR,
      env: {
        ...process.env,
        VITE_RELEASE: release.name,
        VITE_RELEASE_COLOR_NAME: release.colorName,
        VITE_RELEASE_COLOR: release.color,
        DEMO_OUT_DIR: dir,
      },
    }).catch((error: { stderr?: string }) => {
      throw new Error(`vite build of ${release.name} failed:\n${error.stderr ?? String(error)}`)
    })
    dateRelease(dir, index, RELEASES.length)
    const version = readVersion(dir)
    built.push({ ...release, dir, version })
    log(`built ${release.name} (${release.colorName}) · version ${version}`)
  }
  return built
}

/** The `version` of a built release's deploy-manifest.json. */
export function readVersion(releaseDir: string): string {
  const manifest = JSON.parse(readFileSync(join(releaseDir, 'deploy-manifest.json'), 'utf8')) as { version?: unknown }
  if (typeof manifest.version !== 'string') throw new Error(`${releaseDir}/deploy-manifest.json has no string "version"`)
  return manifest.version
}
