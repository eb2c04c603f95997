import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dateRelease } from './release-time.js'

const made: string[] = []
afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A release directory with an index.html and a hashed file below assets/. */
function release(): string {
  const dir = mkdtempSync(join(tmpdir(), 'release-time-'))
  made.push(dir)
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html>')
  writeFileSync(join(dir, 'assets/index-1a2b3c4d.js'), 'export {}')
  return dir
}

describe('dateRelease', () => {
  it('gives every file of a release one time, and each release a minute after the one before', () => {
    const [v1, v2] = [release(), release()]
    dateRelease(v1, 0, 2)
    dateRelease(v2, 1, 2)
    const time = (path: string) => statSync(path).mtimeMs
    expect(time(join(v1, 'assets/index-1a2b3c4d.js'))).toBe(time(join(v1, 'index.html')))
    expect(time(join(v2, 'assets'))).toBe(time(join(v2, 'index.html')))
    expect(Math.round((time(join(v2, 'index.html')) - time(join(v1, 'index.html'))) / 1000)).toBe(60)
    expect(time(join(v2, 'index.html'))).toBeLessThan(Date.now())
  })
})
