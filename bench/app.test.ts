import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashedFiles } from '../build/deploy-manifest.js'
import { routePath, writeBenchApp } from './app.js'
import { syntheticOutput } from './measure-build.js'

describe('writeBenchApp', () => {
  const root = mkdtempSync(join(tmpdir(), 'bench-app-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

  it('writes one lazy route per route, each linked from the page and listed in the router', () => {
    const dir = join(root, 'three')
    writeBenchApp(dir, { routes: 3, routeBytes: 100 })
    expect(readdirSync(join(dir, 'src/routes')).sort()).toEqual(['r0.ts', 'r1.ts', 'r2.ts'])
    expect([...read(dir, 'index.html').matchAll(/<a href="([^"]+)"/g)].map((match) => match[1])).toEqual(['/', '/r1', '/r2'])
    expect(read(dir, 'src/main.ts')).toContain("'/r2': () => import('./routes/r2.ts')")
  })

  it('writes the same bytes every time, and each route carries about the text asked for', () => {
    const [one, two] = [join(root, 'a'), join(root, 'b')]
    writeBenchApp(one, { routes: 2, routeBytes: 2_000 })
    writeBenchApp(two, { routes: 2, routeBytes: 2_000 })
    expect(read(one, 'src/routes/r1.ts')).toBe(read(two, 'src/routes/r1.ts'))
    expect(read(one, 'src/routes/r1.ts')).not.toBe(read(one, 'src/routes/r0.ts'))
    const text = JSON.parse(/const TEXT = (".*")/.exec(read(one, 'src/routes/r1.ts'))![1]!) as string
    expect(text.length).toBeGreaterThanOrEqual(1_999)
    expect(text.length).toBeLessThan(2_020)
  })

  it('is a package of its own with the gatekeeper linked to this repository', () => {
    const dir = join(root, 'linked')
    writeBenchApp(dir, { routes: 1, routeBytes: 10 })
    expect(JSON.parse(read(dir, 'package.json'))).toMatchObject({ name: 'bench-app', type: 'module' })
    expect(realpathSync(join(dir, 'node_modules/version-gatekeeper'))).toBe(realpathSync(resolve(import.meta.dirname, '..')))
  })

  it('route 0 is the root', () => {
    expect(routePath(0)).toBe('/')
    expect(routePath(12)).toBe('/r12')
  })
})

describe('syntheticOutput', () => {
  it('is an index.html and the number of hashed assets asked for, the same on every call', () => {
    const files = syntheticOutput(1_000)
    expect(files).toHaveLength(1_001)
    expect(hashedFiles(files.map((file) => file.fileName), 'assets/')).toHaveLength(1_000)
    expect(syntheticOutput(1_000)).toEqual(files)
  })
})
