import { describe, expect, it } from 'vitest'
import { describeValue, errors, GatekeeperBuildError, summaryLine } from './messages.js'

describe('summaryLine', () => {
  it('says the version, the number of hashed files and what the gatekeeper costs in gzip', () => {
    expect(summaryLine({ version: 'a1b2c3', assets: 12, pageBytesGzip: 1536, swBytesGzip: 4096, swFile: 'sw.js' })).toBe(
      'version-gatekeeper: version a1b2c3 · 12 hashed files · +1.50 KB gzip per page · sw.js 4.00 KB gzip',
    )
  })

  it("names the worker file it measured: with serviceWorker 'own', the script a project's worker imports", () => {
    expect(summaryLine({ version: 'a1b2c3', assets: 0, pageBytesGzip: 0, swBytesGzip: 512, swFile: 'version-gatekeeper-sw.js' })).toMatch(
      /· version-gatekeeper-sw\.js 0\.50 KB gzip$/,
    )
  })
})

describe('describeValue', () => {
  it.each([
    ['a string in quotes', 'v 1', '"v 1"'],
    ['a number with its type', 42, '42 (number)'],
    ['a boolean with its type', true, 'true (boolean)'],
    ['an object as written, with its type', { every: 5 }, '{"every":5} (object)'],
    ['null', null, 'null'],
    ['an array', ['v1'], 'an array'],
    ['a function', () => 'v1', 'a function'],
  ])('shows %s', (_, value, shown) => {
    expect(describeValue(value)).toBe(shown)
  })

  it.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('shows %s as itself, not as null', (value, shown) => {
    expect(describeValue(value)).toContain(shown)
  })

  it('does not throw on a value JSON cannot write', () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(() => describeValue(circular)).not.toThrow()
    expect(describeValue(10n)).toContain('10')
  })
})

describe('errors', () => {
  it('every build error carries the tool\'s prefix and a stable code', () => {
    const error = errors.relativeBase('./')
    expect(error).toBeInstanceOf(GatekeeperBuildError)
    expect(error.code).toBe('relative-base')
    expect(error.message.startsWith('[version-gatekeeper] ')).toBe(true)
  })
})
