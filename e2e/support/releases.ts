/**
 * Builds the fixture apps in successive releases from the packed package, the way a user's app would get it: `npm
 * pack`, then the tarball unpacked into a workspace's node_modules. Nothing is imported from the source tree, so a
 * broken `exports` or `files` in package.json fails the build here. The build's own dependencies (vite,
 * vite-plugin-pwa, workbox) resolve from the repository's node_modules above the workspace.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { dateRelease } from '../host/index.js'

export const REPO_ROOT = resolve(import.meta.dirname, '../..')
const WORK_DIR = join(REPO_ROOT, '.tmp/e2e')
const FIXTURES_DIR = join(REPO_ROOT, 'e2e/fixtures')
const VITE_BIN = join(REPO_ROOT, 'node_modules/vite/bin/vite.js')

/** The releases a fixture app is built in, in deployment order. */
export const RELEASES = ['v1', 'v2', 'v3'] as const
export type Release = (typeof RELEASES)[number]

/** Build variants of a fixture app: the same sources with other gatekeeper options, in some or all releases. */
export const VARIANTS = {
  /** The plugin's defaults. */
  default: { env: {}, releases: RELEASES },
  /** Tabs ask for a check at every navigation a second apart: lets a test see checks without waiting 5 minutes. */
  'quick-check': { env: { FIXTURE_CHECK_INTERVAL: '1000' }, releases: RELEASES },
  /** Every hashed file precached, and a deployment's caches go 2 s after its last tab. */
  lifecycle: { env: { FIXTURE_PRECACHE: 'all', FIXTURE_GRACE_PERIOD: '2000' }, releases: RELEASES },
  /** A project's own worker, vite-plugin-pwa injectManifest (fixture pwa/sw.ts), with the gatekeeper added. */
  'pwa-inject-manifest': { env: { FIXTURE_PWA: 'injectManifest' }, releases: ['v1', 'v2'] },
  /** A project's own worker, vite-plugin-pwa generateSW, importing the gatekeeper's script. */
  'pwa-generate-sw': { env: { FIXTURE_PWA: 'generateSW' }, releases: ['v1', 'v2'] },
  /** The kill switch, deployed after a release of another variant. */
  'kill-switch': { env: { FIXTURE_KILL_SWITCH: 'true' }, releases: ['v2'] },
} as const satisfies Record<string, { env: Record<string, string>; releases: readonly Release[] }>
export type Variant = keyof typeof VARIANTS

/**
 * The fixture apps, each with the variants its scenarios use: every build adds to the global setup's time. They
 * share `fixtures/shared/` (what the tests read off the page, and the views of the two React apps), copied beside
 * them.
 */
export const FIXTURE_APPS = {
  /** A hand-written history router, the app of most scenarios. */
  'history-app': ['default', 'quick-check', 'lifecycle', 'kill-switch', 'pwa-inject-manifest', 'pwa-generate-sw'],
  /** React Router 7, data router with lazy routes. */
  'react-router-app': ['default'],
  /** Vue Router 4, lazy route components, render functions (no SFC plugin). */
  'vue-router-app': ['default'],
  /** TanStack Router, code-based routes with lazy route components. */
  'tanstack-router-app': ['default'],
} as const satisfies Record<string, readonly Variant[]>
export type FixtureApp = keyof typeof FIXTURE_APPS
const SHARED_FIXTURE_DIRS = ['shared']

/** The directory holding `<release>/` subdirectories of one app variant, ready for a host's `releasesDir`. */
export function releasesDir(app: FixtureApp, variant: Variant): string {
  const dir = process.env.GATEKEEPER_E2E_RELEASES
  if (!dir) throw new Error('GATEKEEPER_E2E_RELEASES is not set: the e2e global setup did not run')
  return join(dir, app, variant)
}

/**
 * Packs the package and builds every fixture app, variant and release; returns the directory of the builds.
 * Reuses an earlier build when the packed files and the fixture sources are unchanged.
 */
export function buildFixtureReleases(log: (line: string) => void = console.log): string {
  if (!existsSync(join(REPO_ROOT, 'dist/app-runtime/inline.min.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests')
  }
  mkdirSync(WORK_DIR, { recursive: true })
  const packDir = join(WORK_DIR, 'pack')
  rmSync(packDir, { recursive: true, force: true })
  mkdirSync(packDir)
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as { filename: string }[]
  const tarball = join(packDir, packed!.filename)

  const workspace = join(packDir, 'workspace')
  const installed = join(workspace, 'node_modules/version-gatekeeper')
  mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'])
  // Its own package.json makes the workspace a package scope of its own: `version-gatekeeper/vite` then resolves
  // through node_modules, not through the repository's self-reference.
  writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'gatekeeper-e2e-workspace', private: true, type: 'module' }))

  const key = hashTree([installed, FIXTURES_DIR]).slice(0, 16)
  const outDir = join(WORK_DIR, `releases-${key}`)
  if (existsSync(join(outDir, '.complete'))) {
    log(`e2e: reusing fixture releases ${relative(REPO_ROOT, outDir)}`)
    return outDir
  }
  rmSync(outDir, { recursive: true, force: true })
  for (const shared of SHARED_FIXTURE_DIRS) cpSync(join(FIXTURES_DIR, shared), join(workspace, shared), { recursive: true })
  for (const [app, variants] of Object.entries(FIXTURE_APPS)) {
    const appDir = join(workspace, app)
    cpSync(join(FIXTURES_DIR, app), appDir, { recursive: true })
    for (const variant of variants) {
      const { env, releases } = VARIANTS[variant]
      releases.forEach((release) => {
        const index = RELEASES.indexOf(release)
        const target = join(outDir, app, variant, release)
        execFileSync(process.execPath, [VITE_BIN, 'build', '--logLevel', 'warn'], {
          cwd: appDir,
          env: { ...process.env, ...env, VITE_RELEASE: release, FIXTURE_OUT_DIR: target },
          stdio: ['ignore', 'ignore', 'inherit'],
        })
        dateRelease(target, index, RELEASES.length)
        log(`e2e: built ${app} ${variant} ${release}`)
      })
    }
  }
  writeFileSync(join(outDir, '.complete'), '')
  return outDir
}

function hashTree(roots: string[]): string {
  const hash = createHash('sha256')
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') visit(join(path, entry))
    } else {
      hash.update(path).update(readFileSync(path))
    }
  }
  roots.forEach(visit)
  return hash.digest('hex')
}

