import { describe, expect, it } from 'vitest'
import { GatekeeperBuildError } from './messages.js'
import { DEFAULT_CHECK_INTERVAL_MS, resolveBuiltAt, resolveOptions, VERSION_ENV } from './options.js'

/** The error `run` throws, so a test can assert its code and what its message names. */
function thrown(run: () => unknown): GatekeeperBuildError {
  try {
    run()
  } catch (error) {
    if (error instanceof GatekeeperBuildError) return error
    throw error
  }
  throw new Error('expected a GatekeeperBuildError, nothing was thrown')
}

describe('resolveOptions', () => {
  it('with no options, hashes the output and checks every 5 minutes', () => {
    expect(resolveOptions(undefined, {})).toEqual({ version: undefined, checkIntervalMs: DEFAULT_CHECK_INTERVAL_MS })
    expect(resolveOptions({}, {})).toEqual({ version: undefined, checkIntervalMs: 5 * 60 * 1000 })
  })

  it('takes a valid version and checkInterval as given', () => {
    expect(resolveOptions({ version: 'v1.2.3', checkInterval: 1_000 }, {})).toEqual({ version: 'v1.2.3', checkIntervalMs: 1_000 })
  })

  it('a typo in an option name fails the build and suggests the option meant', () => {
    const error = thrown(() => resolveOptions({ chekInterval: 60_000 }, {}))
    expect(error.code).toBe('unknown-option')
    expect(error.message).toContain('"chekInterval"')
    expect(error.message).toContain('Did you mean "checkInterval"?')
  })

  it('an option name in the wrong case suggests the right one', () => {
    expect(thrown(() => resolveOptions({ Version: 'v1' }, {})).message).toContain('Did you mean "version"?')
  })

  it('an unrelated unknown option suggests nothing but lists the known ones', () => {
    const error = thrown(() => resolveOptions({ registerType: 'autoUpdate' }, {}))
    expect(error.code).toBe('unknown-option')
    expect(error.message).not.toContain('Did you mean')
    expect(error.message).toContain('version, checkInterval')
  })

  it.each([
    ['""', ''],
    ['"has space"', 'has space'],
    ['"<script>"', '<script>'],
    ['42', 42],
    ['null', null],
  ])('a version of %s fails the build, naming the option and the value', (shown, version) => {
    const error = thrown(() => resolveOptions({ version }, {}))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain('"version"')
    expect(error.message).toContain(shown)
  })

  it.each([
    ['999', 999],
    ['-1', -1],
    ['"60000"', '60000'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('a checkInterval of %s fails the build, naming the option and the value', (shown, checkInterval) => {
    const error = thrown(() => resolveOptions({ checkInterval }, {}))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain('"checkInterval"')
    expect(error.message).toContain(shown)
  })

  it(`uses ${VERSION_ENV} when no version is given`, () => {
    expect(resolveOptions({}, { [VERSION_ENV]: 'abc123' }).version).toBe('abc123')
  })

  it(`a version option wins over ${VERSION_ENV}`, () => {
    expect(resolveOptions({ version: 'mine' }, { [VERSION_ENV]: 'not valid!' }).version).toBe('mine')
  })

  it(`an empty ${VERSION_ENV} counts as unset`, () => {
    expect(resolveOptions({}, { [VERSION_ENV]: '' }).version).toBeUndefined()
  })

  it(`an invalid ${VERSION_ENV} fails the build, naming the variable and the value`, () => {
    const error = thrown(() => resolveOptions({}, { [VERSION_ENV]: 'feature/login' }))
    expect(error.code).toBe('invalid-version-env')
    expect(error.message).toContain(VERSION_ENV)
    expect(error.message).toContain('"feature/login"')
  })

  it.each([null, 'v1', 42, [], () => ({})])('options given as %j fail the build', (options) => {
    expect(thrown(() => resolveOptions(options, {})).code).toBe('options-not-object')
  })
})

describe('resolveBuiltAt', () => {
  const now = new Date('2026-11-02T10:00:00.000Z')

  it('with SOURCE_DATE_EPOCH, the build counts as built at that second', () => {
    expect(resolveBuiltAt({ SOURCE_DATE_EPOCH: '1700000000' }, now)).toBe('2023-11-14T22:13:20.000Z')
  })

  it.each(['', undefined])('with SOURCE_DATE_EPOCH %j, the build counts as built now', (epoch) => {
    expect(resolveBuiltAt({ SOURCE_DATE_EPOCH: epoch }, now)).toBe('2026-11-02T10:00:00.000Z')
  })

  it.each(['yesterday', '-1', '1.5', '1e9', ' 1700000000'])('a SOURCE_DATE_EPOCH of %j fails the build', (epoch) => {
    const error = thrown(() => resolveBuiltAt({ SOURCE_DATE_EPOCH: epoch }, now))
    expect(error.code).toBe('invalid-source-date-epoch')
    expect(error.message).toContain(JSON.stringify(epoch))
  })

  it.each([
    ['past the last date JavaScript can hold', '99999999999999'],
    ['after the year 9999, which no manifest reader accepts', '253402300800'],
  ])('a SOURCE_DATE_EPOCH %s fails the build as invalid-source-date-epoch', (_, epoch) => {
    expect(thrown(() => resolveBuiltAt({ SOURCE_DATE_EPOCH: epoch }, now)).code).toBe('invalid-source-date-epoch')
  })
})
