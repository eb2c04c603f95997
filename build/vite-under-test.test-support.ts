/**
 * The Vite the plugin's tests run against. `GATEKEEPER_VITE` names one of the packages installed for that: `vite`
 * (the default, Vite 8), `vite6` or `vite7` (npm aliases of Vite 6 and 7). `npm run test:vite-matrix` runs the
 * tests once with each (scripts/vite-matrix.mjs).
 *
 * Another major is not just another `import`: the fixture app's vite.config.ts imports `vite`,
 * `version-gatekeeper/vite` and vite-plugin-pwa (for the variants with a worker of the project's own, which
 * vite-plugin-pwa builds with the `vite` it resolves itself) by name. So for an alias the tests run in a workspace
 * (.tmp/vite-matrix/<name>-<key>/) where `vite` is that alias: a copy of the package (package.json and dist/) and
 * of vite-plugin-pwa in its node_modules, beside a link `vite` to the alias, and copies of the fixture apps.
 * Everything else resolves from the repository's node_modules above it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { versionGatekeeper as VersionGatekeeper } from './index.js'

const REPO = resolve(import.meta.dirname, '..')
const PACKAGES = ['vite', 'vite6', 'vite7'] as const

/** One Vite, with the plugin as that Vite's users would load it. */
export interface ViteUnderTest {
  /** The package the Vite came from: `vite`, `vite6` or `vite7`. */
  name: (typeof PACKAGES)[number]
  /** Its version, e.g. `6.4.6`. */
  version: string
  /** Its Node API. Typed as the Vite of devDependencies; the tests use what every supported major has. */
  vite: typeof import('vite')
  versionGatekeeper: typeof VersionGatekeeper
  /** The root of fixture app `app` (e2e/fixtures/<app>), whose vite.config.ts resolves to this Vite and plugin. */
  fixtureRoot(app: string): string
}

/** The Vite that `GATEKEEPER_VITE` names (default `vite`). Throws, naming the choices, for any other value. */
export async function viteUnderTest(name = process.env.GATEKEEPER_VITE || 'vite'): Promise<ViteUnderTest> {
  if (!(PACKAGES as readonly string[]).includes(name)) {
    throw new Error(`GATEKEEPER_VITE is "${name}"; it must be one of ${PACKAGES.join(', ')} (the packages in devDependencies)`)
  }
  const packageName = name as ViteUnderTest['name']
  const version = (JSON.parse(readFileSync(join(REPO, 'node_modules', packageName, 'package.json'), 'utf8')) as { version: string }).version
  if (packageName === 'vite') {
    return {
      name: packageName,
      version,
      vite: await import('vite'),
      versionGatekeeper: (await import('version-gatekeeper/vite')).versionGatekeeper,
      fixtureRoot: (app) => join(REPO, 'e2e/fixtures', app),
    }
  }
  const workspace = prepareWorkspace(packageName)
  const plugin = join(workspace, 'node_modules/version-gatekeeper/dist/build/index.js')
  return {
    name: packageName,
    version,
    // The alias itself: the same module the workspace's `vite` link leads to.
    vite: (await import(packageName)) as typeof import('vite'),
    versionGatekeeper: ((await import(pathToFileURL(plugin).href)) as typeof import('./index.js')).versionGatekeeper,
    fixtureRoot: (app) => join(workspace, 'e2e/fixtures', app),
  }
}

/**
 * The workspace for `packageName`, made once per build of dist/ and fixture sources (its name carries a key of
 * both), atomically: test files running in parallel either make it or find it complete.
 */
function prepareWorkspace(packageName: string): string {
  const parent = join(REPO, '.tmp/vite-matrix')
  const workspace = join(parent, `${packageName}-${contentKey()}`)
  if (existsSync(workspace)) return workspace
  mkdirSync(parent, { recursive: true })
  const draft = mkdtempSync(join(parent, `${packageName}-draft-`))
  // A package of its own: Node resolves a package's own name (version-gatekeeper) to the nearest package.json that
  // has it before it looks in node_modules, and without this one that is the repository's, on Vite 8.
  writeFileSync(join(draft, 'package.json'), JSON.stringify({ name: `vite-matrix-${packageName}`, private: true, type: 'module' }))
  const modules = join(draft, 'node_modules')
  mkdirSync(modules)
  symlinkSync(join(REPO, 'node_modules', packageName), join(modules, 'vite'), 'dir')
  cpSync(join(REPO, 'node_modules/vite-plugin-pwa'), join(modules, 'vite-plugin-pwa'), { recursive: true })
  const copy = join(modules, 'version-gatekeeper')
  mkdirSync(copy)
  cpSync(join(REPO, 'package.json'), join(copy, 'package.json'))
  cpSync(join(REPO, 'dist'), join(copy, 'dist'), { recursive: true, filter: (source) => !/\.test\.|\.tsbuildinfo/.test(source) })
  cpSync(join(REPO, 'e2e/fixtures'), join(draft, 'e2e/fixtures'), {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|dist)$/.test(source),
  })
  try {
    renameSync(draft, workspace)
  } catch (error) {
    // Another test file made it meanwhile.
    rmSync(draft, { recursive: true, force: true })
    if (!existsSync(workspace)) throw error
  }
  return workspace
}

/** A short key of dist/ and the fixture sources (paths, sizes, modification times). */
function contentKey(): string {
  const hash = createHash('sha256')
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist' && entry.name !== '.tsbuildinfo') visit(path)
      } else {
        const { size, mtimeMs } = statSync(path)
        hash.update(`${path}\0${size}\0${mtimeMs}\n`)
      }
    }
  }
  visit(join(REPO, 'dist'))
  visit(join(REPO, 'e2e/fixtures'))
  return hash.digest('hex').slice(0, 12)
}
