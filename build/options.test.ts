import { describe, expect, it } from 'vitest'
import { BUILT_IN_MESSAGES, FALLBACK_MESSAGE_KEYS } from './fallback-messages.js'
import { defaultFallbackTemplate } from './fallback-page.js'
import { GatekeeperBuildError } from './messages.js'
import {
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_ENTRY_TIMEOUT_MS,
  DEFAULT_GRACE_PERIOD_MS,
  DEFAULT_PRECACHE,
  resolveBuiltAt,
  resolveOptions,
  VERSION_ENV,
} from './options.js'

/** The fallback settings when the user gives none: every built-in locale, English by default, the built-in page. */
const defaultFallback = {
  defaultLocale: 'en',
  messages: BUILT_IN_MESSAGES,
  template: undefined,
  entryTimeoutMs: DEFAULT_ENTRY_TIMEOUT_MS,
}
/** The lifecycle settings when the user gives none: entry files precached, caches kept 1 hour, no kill switch, the gatekeeper's own sw.js. */
const defaultLifecycle = { precache: 'entry', gracePeriodMs: 60 * 60 * 1000, killSwitch: undefined, serviceWorker: 'gatekeeper' }
const portuguese = { title: 'Falhou', heading: 'Falhou', body: 'Tente de novo.', retry: 'Tentar', version: 'Versão' }

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
  it('with no options, hashes the output, checks every 5 minutes, precaches the entry files and keeps caches 1 hour', () => {
    const defaults = { version: undefined, checkIntervalMs: DEFAULT_CHECK_INTERVAL_MS, fallback: defaultFallback, ...defaultLifecycle }
    expect(resolveOptions(undefined, {})).toEqual(defaults)
    expect(resolveOptions({}, {})).toEqual({ ...defaults, checkIntervalMs: 5 * 60 * 1000 })
    expect([DEFAULT_PRECACHE, DEFAULT_GRACE_PERIOD_MS]).toEqual(['entry', 3_600_000])
  })

  it('takes a valid version and checkInterval as given', () => {
    expect(resolveOptions({ version: 'v1.2.3', checkInterval: 1_000 }, {})).toEqual({
      version: 'v1.2.3',
      checkIntervalMs: 1_000,
      fallback: defaultFallback,
      ...defaultLifecycle,
    })
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

describe('resolveOptions: serviceWorker', () => {
  it("takes 'own' for a project whose worker carries the gatekeeper, and 'gatekeeper' as given", () => {
    expect(resolveOptions({ serviceWorker: 'own' }, {}).serviceWorker).toBe('own')
    expect(resolveOptions({ serviceWorker: 'gatekeeper' }, {}).serviceWorker).toBe('gatekeeper')
  })

  it('any other value fails the build, naming both choices', () => {
    for (const value of ['injectManifest', true, { own: true }]) {
      const error = thrown(() => resolveOptions({ serviceWorker: value }, {}))
      expect(error.code).toBe('invalid-option')
      expect(error.message).toContain('option "serviceWorker"')
      expect(error.message).toContain("'own'")
    }
  })
})

describe('resolveOptions: precache, gracePeriod, killSwitch', () => {
  it.each(['all', 'entry', 'none'] as const)('takes the precache policy %s as given', (precache) => {
    expect(resolveOptions({ precache }, {}).precache).toBe(precache)
  })

  it.each([
    ['"some"', 'some'],
    ['"ALL"', 'ALL'],
    ['true', true],
    ['null', null],
    ['an array', ['all']],
  ])('a precache of %s fails the build, naming the option, the value and the policies', (shown, precache) => {
    const error = thrown(() => resolveOptions({ precache }, {}))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain('"precache"')
    expect(error.message).toContain(shown)
    expect(error.message).toContain("'all', 'entry', 'none'")
  })

  it('takes a grace period in milliseconds as given, 0 included', () => {
    expect(resolveOptions({ gracePeriod: 2_000 }, {}).gracePeriodMs).toBe(2_000)
    expect(resolveOptions({ gracePeriod: 0 }, {}).gracePeriodMs).toBe(0)
  })

  it.each([
    ['-1', -1],
    ['"1h"', '1h'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['null', null],
  ])('a gracePeriod of %s fails the build, naming the option and the value', (shown, gracePeriod) => {
    const error = thrown(() => resolveOptions({ gracePeriod }, {}))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain('"gracePeriod"')
    expect(error.message).toContain(shown)
  })

  it('without killSwitch, or with false, builds the gatekeeper', () => {
    expect(resolveOptions({}, {}).killSwitch).toBeUndefined()
    expect(resolveOptions({ killSwitch: false }, {}).killSwitch).toBeUndefined()
  })

  it('killSwitch: true writes the kill switch at sw.js', () => {
    expect(resolveOptions({ killSwitch: true }, {}).killSwitch).toEqual(['sw.js'])
  })

  it('killSwitch: { paths } writes it at sw.js and at every older service worker file named, once each', () => {
    expect(resolveOptions({ killSwitch: { paths: ['service-worker.js', 'app/old-sw.js'] } }, {}).killSwitch).toEqual([
      'sw.js',
      'service-worker.js',
      'app/old-sw.js',
    ])
    expect(resolveOptions({ killSwitch: { paths: ['sw.js', 'old.js', 'old.js'] } }, {}).killSwitch).toEqual(['sw.js', 'old.js'])
    expect(resolveOptions({ killSwitch: { paths: [] } }, {}).killSwitch).toEqual(['sw.js'])
    expect(resolveOptions({ killSwitch: {} }, {}).killSwitch).toEqual(['sw.js'])
  })

  it.each([
    ['a string', 'yes'],
    ['a number', 1],
    ['null', null],
    ['a list of paths not wrapped in { paths }', ['old-sw.js']],
    ['an empty list', []],
    ['an unknown key', { path: ['old-sw.js'] }],
    ['paths given as a string', { paths: 'old-sw.js' }],
    ['a path that is not a string', { paths: [7] }],
    ['an absolute path', { paths: ['/old-sw.js'] }],
    ['a path with a parent segment', { paths: ['../old-sw.js'] }],
    ['a path that climbs out in the middle', { paths: ['app/../../old-sw.js'] }],
    ['a URL', { paths: ['https://cdn.test/old-sw.js'] }],
    ['a file that is not a script', { paths: ['old-sw.txt'] }],
    ['a path with a space', { paths: ['old sw.js'] }],
    ['a path with a query', { paths: ['old-sw.js?v=1'] }],
  ])('a killSwitch of %s fails the build as invalid-option, naming the option', (_, killSwitch) => {
    const error = thrown(() => resolveOptions({ killSwitch }, {}))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain('"killSwitch"')
    expect(error.message).toContain("killSwitch: { paths: ['service-worker.js'] }")
  })

  it('a path written "./old-sw.js" is taken as old-sw.js, or refused as invalid-option: never passed on as it is', () => {
    // Passed on, it fails the build inside the bundler, far from the option: Rolldown refuses an emitted file name
    // that is "a relative path" (The "fileName" or "name" properties of emitted chunks and assets must be strings
    // that are neither absolute nor relative paths, received "./old-sw.js").
    let resolved: string[] | undefined
    try {
      resolved = resolveOptions({ killSwitch: { paths: ['./old-sw.js'] } }, {}).killSwitch
    } catch (error) {
      expect(error).toBeInstanceOf(GatekeeperBuildError)
      expect((error as GatekeeperBuildError).code).toBe('invalid-option')
      expect((error as GatekeeperBuildError).message).toContain('"killSwitch"')
      return
    }
    expect(resolved).toEqual(['sw.js', 'old-sw.js'])
  })

  it('a typo in a new option name suggests the option meant', () => {
    expect(thrown(() => resolveOptions({ precahce: 'all' }, {})).message).toContain('Did you mean "precache"?')
    expect(thrown(() => resolveOptions({ gracePeriodMs: 0 }, {})).message).toContain('Did you mean "gracePeriod"?')
    expect(thrown(() => resolveOptions({ killswitch: true }, {})).message).toContain('Did you mean "killSwitch"?')
  })
})

describe('resolveOptions: fallback', () => {
  const fallback = (options: unknown) => resolveOptions({ fallback: options }, {}).fallback

  it('with no fallback options, builds every built-in locale with English as the default and waits 30 s for the app', () => {
    expect(fallback(undefined)).toEqual(defaultFallback)
    expect(fallback({})).toEqual(defaultFallback)
    expect(DEFAULT_ENTRY_TIMEOUT_MS).toBe(30_000)
  })

  it('takes every valid fallback option as given', () => {
    const template = defaultFallbackTemplate
    expect(fallback({ defaultLocale: 'de', locales: ['de', 'fr'], template, entryTimeout: 1_000 })).toEqual({
      defaultLocale: 'de',
      messages: { de: BUILT_IN_MESSAGES.de, fr: BUILT_IN_MESSAGES.fr },
      template,
      entryTimeoutMs: 1_000,
    })
  })

  it('overriding one text of a built-in locale keeps its other texts, and the other locales', () => {
    const { messages } = fallback({ messages: { de: { retry: 'Nochmal' } } })
    expect(messages.de).toEqual({ ...BUILT_IN_MESSAGES.de, retry: 'Nochmal' })
    expect(Object.keys(messages).sort()).toEqual(Object.keys(BUILT_IN_MESSAGES).sort())
    expect(messages.en).toEqual(BUILT_IN_MESSAGES.en)
  })

  it('an override does not change the built-in messages for later builds', () => {
    fallback({ messages: { en: { retry: 'Reload' } } })
    expect(fallback({}).messages.en?.retry).toBe('Try again')
  })

  it('adds a new locale that gives every text', () => {
    const { messages } = fallback({ messages: { 'pt-BR': portuguese } })
    expect(messages['pt-BR']).toEqual(portuguese)
    expect(messages.pt).toEqual(BUILT_IN_MESSAGES.pt)
  })

  it('a new locale can be the default', () => {
    expect(fallback({ defaultLocale: 'pt-BR', messages: { 'pt-BR': portuguese } }).defaultLocale).toBe('pt-BR')
  })

  it.each(FALLBACK_MESSAGE_KEYS)('a new locale without %s fails the build as incomplete-fallback-messages, naming it', (key) => {
    const { [key]: _, ...partial } = portuguese
    const error = thrown(() => fallback({ messages: { 'pt-BR': partial } }))
    expect(error.code).toBe('incomplete-fallback-messages')
    expect(error.message).toContain('"pt-BR"')
    expect(error.message).toContain(key)
  })

  it('a new locale with a single text names every missing one', () => {
    const error = thrown(() => fallback({ messages: { eo: { retry: 'Reprovi' } } }))
    expect(error.code).toBe('incomplete-fallback-messages')
    expect(error.message).toMatch(/lacks title, heading, body, version/)
  })

  it('locales limits the built-in set to those named', () => {
    expect(Object.keys(fallback({ locales: ['en', 'ar'] }).messages).sort()).toEqual(['ar', 'en'])
  })

  it('locales may name a new locale that messages gives', () => {
    expect(Object.keys(fallback({ locales: ['en', 'eo'], messages: { eo: portuguese } }).messages).sort()).toEqual(['en', 'eo'])
  })

  it('a locale that is neither built in nor in messages fails the build as unknown-fallback-locale, naming it', () => {
    const error = thrown(() => fallback({ locales: ['en', 'tlh'] }))
    expect(error.code).toBe('unknown-fallback-locale')
    expect(error.message).toContain('"tlh"')
    expect(error.message).toContain('de, en')
  })

  it('a locale named like a property of every object is not taken for a built-in one', () => {
    // BUILT_IN_MESSAGES.constructor is Object itself: taken for messages, the build later dies in renderFallbackPage
    // with "TypeError: Cannot read properties of undefined (reading 'replace')" instead of a clear error.
    expect(thrown(() => fallback({ locales: ['en', 'constructor'] })).code).toBe('unknown-fallback-locale')
  })

  it('the default locale must be one of the resulting locales', () => {
    const error = thrown(() => fallback({ locales: ['de', 'fr'] }))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain('"fallback.defaultLocale"')
    expect(error.message).toContain('"en"')
    expect(error.message).toContain('de, fr')
    expect(thrown(() => fallback({ defaultLocale: 'tlh' })).code).toBe('invalid-option')
    expect(thrown(() => fallback({ defaultLocale: 'EN' })).code).toBe('invalid-option')
  })

  it('a default locale named like a property of every object fails the build', () => {
    // 'toString' in resolved is true through Object.prototype: the build would write a manifest whose default locale
    // has no page, which readManifest refuses, so every service worker would ignore every deployment.
    const error = thrown(() => fallback({ defaultLocale: 'toString' }))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain('"fallback.defaultLocale"')
  })

  it('a typo in a fallback option name fails the build as unknown-option and suggests the option meant', () => {
    const error = thrown(() => fallback({ defaultLocal: 'de' }))
    expect(error.code).toBe('unknown-option')
    expect(error.message).toContain('"fallback.defaultLocal"')
    expect(error.message).toContain('Did you mean "fallback.defaultLocale"?')
  })

  it('an unknown text key fails the build as unknown-option, naming the locale and the key', () => {
    const error = thrown(() => fallback({ messages: { de: { button: 'Nochmal' } } }))
    expect(error.code).toBe('unknown-option')
    expect(error.message).toContain('"fallback.messages.de.button"')
    expect(error.message).toContain('title, heading, body, retry, version')
  })

  it.each([
    ['fallback', 'fallback', 'offline.html'],
    ['fallback', 'fallback', null],
    ['fallback', 'fallback', ['en']],
    ['fallback.defaultLocale', 'defaultLocale', 7],
    ['fallback.locales', 'locales', 'en'],
    ['fallback.locales', 'locales', ['en', 7]],
    ['fallback.messages', 'messages', ['en']],
    ['fallback.messages', 'messages', null],
    ['fallback.messages.de', 'messages', { de: 'Nochmal' }],
    ['fallback.messages.de.retry', 'messages', { de: { retry: 42 } }],
    ['fallback.messages.de.retry', 'messages', { de: { retry: undefined } }],
    ['fallback.messages["en_US"]', 'messages', { en_US: portuguese }],
    ['fallback.messages["<b>"]', 'messages', { '<b>': portuguese }],
    ['fallback.template', 'template', '<html></html>'],
    ['fallback.entryTimeout', 'entryTimeout', 999],
    ['fallback.entryTimeout', 'entryTimeout', '30000'],
    ['fallback.entryTimeout', 'entryTimeout', Number.POSITIVE_INFINITY],
    ['fallback.entryTimeout', 'entryTimeout', Number.NaN],
  ])('an invalid %s fails the build as invalid-option, naming the key (%s: %j)', (shown, key, value) => {
    const options = shown === 'fallback' ? value : { [key]: value }
    const error = thrown(() => fallback(options))
    expect(error.code).toBe('invalid-option')
    expect(error.message).toContain(`"${shown}"`)
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
