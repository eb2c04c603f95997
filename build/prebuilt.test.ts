import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { GatekeeperBuildError } from './messages.js'
import { readPrebuilt } from './prebuilt.js'

describe('readPrebuilt', () => {
  it('reads a script the package build wrote', () => {
    // Unit tests run from the sources, beside which there is no dist/: a file of the sources stands in.
    expect(readPrebuilt(new URL('./prebuilt.ts', import.meta.url))).toContain('export function readPrebuilt')
  })

  it('fails a build whose package lacks one with the path and the fix', () => {
    const missing = new URL('../app-runtime/not-built.min.js', import.meta.url)
    expect(existsSync(missing)).toBe(false)
    expect(() => readPrebuilt(missing)).toThrow(GatekeeperBuildError)
    expect(() => readPrebuilt(missing)).toThrow(expect.objectContaining({ code: 'missing-runtime', message: expect.stringContaining(fileURLToPath(missing)) }))
    expect(() => readPrebuilt(missing)).toThrow(/Reinstall it/)
  })
})
