/**
 * The package as a user gets it: `npm pack`, then `npm install` of the tarball and Vite into an empty app outside
 * this repository (so nothing resolves from the repository's node_modules), then `vite build` and a type check.
 * A dependency missing from package.json, a file missing from `files`, or a broken `exports` entry fails here.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const REPO = resolve(import.meta.dirname, '..')
const VITE_VERSION: string = JSON.parse(await readFile(join(REPO, 'node_modules/vite/package.json'), 'utf8')).version
let app: string

const run = (command: string, args: string[], cwd = app) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'vg-fresh-app-'))
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', app], REPO)) as { filename: string }[]
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }))
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${packed!.filename}`, `vite@${VITE_VERSION}`])
  await mkdir(join(app, 'src'))
  await writeFile(
    join(app, 'index.html'),
    '<!doctype html><html><head><title>fresh</title></head><body><script type="module" src="/src/main.ts"></script></body></html>',
  )
  await writeFile(
    join(app, 'src/main.ts'),
    "import { currentVersion } from 'version-gatekeeper/runtime'\n" +
      "document.body.textContent = `running ${currentVersion()?.version ?? 'without the gatekeeper'}`\n" +
      "void import('./lazy.ts')\n",
  )
  await writeFile(join(app, 'src/lazy.ts'), 'export const lazy = true\n')
  await writeFile(
    join(app, 'vite.config.ts'),
    "import { defineConfig } from 'vite'\nimport { versionGatekeeper } from 'version-gatekeeper/vite'\n" +
      'export default defineConfig({ plugins: [versionGatekeeper({ checkInterval: 60_000 })] })\n',
  )
}, 180_000)

afterAll(async () => {
  if (app) await rm(app, { recursive: true, force: true })
})

describe('the packed package in a fresh Vite app', () => {
  it('builds the app with sw.js, deploy-manifest.json, the fallback page and the runtime in index.html', async () => {
    const output = run(process.execPath, ['node_modules/vite/bin/vite.js', 'build'])
    expect(output).toMatch(/version-gatekeeper: version [0-9a-f]{12} · 2 hashed files/)
    const manifest = JSON.parse(await readFile(join(app, 'dist/deploy-manifest.json'), 'utf8'))
    expect(manifest.assets).toHaveLength(2)
    const html = await readFile(join(app, 'dist/index.html'), 'utf8')
    expect(html).toContain(`"version":"${manifest.version}"`)
    expect(await readFile(join(app, 'dist/sw.js'), 'utf8')).toContain('deploy-manifest.json')
    const fallback = Object.values(manifest.fallback.pages)[0] as string
    expect(await readFile(join(app, 'dist', fallback), 'utf8')).toContain('data-gatekeeper-fallback')
  }, 120_000)

  it("type-checks against the package's declared exports", async () => {
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'ESNext', moduleResolution: 'bundler', target: 'ES2022', strict: true, noEmit: true, allowImportingTsExtensions: true, lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true },
        include: ['src', 'vite.config.ts', 'check.ts'],
      }),
    )
    await writeFile(
      join(app, 'check.ts'),
      "import type { VersionGatekeeperOptions, DeployManifest } from 'version-gatekeeper/vite'\n" +
        "import { onNewerVersion, type VersionStamp } from 'version-gatekeeper/runtime'\n" +
        "import type { Gatekeeper } from 'version-gatekeeper/sw'\n" +
        'const options: VersionGatekeeperOptions = { checkInterval: 1000 }\n' +
        'const stop: () => void = onNewerVersion((newest: VersionStamp) => console.log(newest.version))\n' +
        'export type Checked = [typeof options, typeof stop, DeployManifest, Gatekeeper]\n',
    )
    const check = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: app, encoding: 'utf8' })
    expect(check.stdout + check.stderr).toBe('')
    expect(check.status).toBe(0)
  }, 60_000)
})
