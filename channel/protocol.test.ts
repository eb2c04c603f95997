import { describe, expect, it } from 'vitest'
import {
  announcedVersion,
  channelName,
  MIN_CHECK_MAX_AGE_MS,
  PROTOCOL_SCHEMA,
  readTabMessage,
  type Check,
  type StateReply,
  type VersionChanged,
} from './protocol.js'

const tab = { version: 'a1b2c3', builtAt: '2026-11-02T10:00:00.000Z' }
const check: Check = { type: 'CHECK', schema: PROTOCOL_SCHEMA, tab, maxAgeMs: 60_000, languages: ['fr-CH', 'fr', 'en'] }
/** What a tab of the former protocol sent at start-up; this worker no longer reads it. */
const formerHello = { type: 'HELLO', schema: PROTOCOL_SCHEMA, tab }

describe('readTabMessage', () => {
  it('reads a CHECK', () => {
    expect(readTabMessage(check)).toEqual(check)
  })

  it('ignores a HELLO, even one shaped like a CHECK: a tab says what it runs in its CHECK', () => {
    expect(readTabMessage(formerHello)).toBeUndefined()
    expect(readTabMessage({ ...check, type: 'HELLO' })).toBeUndefined()
  })

  it('drops every field it does not know, at every level', () => {
    const message = { ...check, extra: 1, tab: { ...tab, extra: '<script>' } }
    expect(readTabMessage(message)).toStrictEqual(check)
  })

  it("keeps the tab's well-formed language tags, in their order", () => {
    const languages = ['en-US', 'en', 'zh-Hant-TW', 'de-CH-1996', 'sr-Latn', 'EN-gb', 'x-private']
    expect(readTabMessage({ ...check, languages })?.languages).toEqual(languages)
  })

  it('gives a CHECK without languages (a tab of an earlier runtime) no languages', () => {
    const { languages: _, ...withoutLanguages } = check
    expect(readTabMessage(withoutLanguages)).toStrictEqual({ ...check, languages: [] })
  })

  it.each([
    ['a string', 'fr-CH, fr;q=0.9'],
    ['null', null],
    ['a number', 1],
    ['an object', { 0: 'fr' }],
  ])('reads languages given as %s as no languages, and still reads the CHECK', (_, languages) => {
    expect(readTabMessage({ ...check, languages })).toStrictEqual({ ...check, languages: [] })
  })

  it('drops every language that is not a string, and keeps the rest', () => {
    const languages = [1, 'fr', null, undefined, { tag: 'en' }, ['de'], true, 'en']
    expect(readTabMessage({ ...check, languages })?.languages).toEqual(['fr', 'en'])
  })

  it.each([
    '',
    'en_US',
    'en-',
    '-en',
    'en--US',
    'en US',
    ' en',
    'en;q=0.9',
    '*',
    'fr,en',
    '<script>',
    'abcdefghi',
    'en-abcdefghi',
    'é',
    'en-US\n',
    '12',
  ])('drops the malformed language tag %j', (language) => {
    expect(readTabMessage({ ...check, languages: ['fr', language, 'en'] })?.languages).toEqual(['fr', 'en'])
  })

  it('keeps the longest subtags a tag may have (8 characters)', () => {
    expect(readTabMessage({ ...check, languages: ['abcdefgh-12345678'] })?.languages).toEqual(['abcdefgh-12345678'])
  })

  it('keeps no more than 20 languages, the first ones', () => {
    const languages = Array.from({ length: 25 }, (_, index) => `x-l${index}`)
    expect(readTabMessage({ ...check, languages })?.languages).toEqual(languages.slice(0, 20))
  })

  it('counts the 20 among the well-formed tags only', () => {
    const languages = [...Array.from({ length: 10 }, () => 'not a tag'), ...Array.from({ length: 22 }, (_, index) => `x-l${index}`)]
    expect(readTabMessage({ ...check, languages })?.languages).toEqual(languages.slice(10, 30))
  })

  it('gives a copy of the languages, not the array the message carries', () => {
    const languages = ['fr', 'en']
    const read = readTabMessage({ ...check, languages })
    languages.push('de')
    expect(read?.languages).toEqual(['fr', 'en'])
  })

  it.each([0, -5, 999])('raises a maxAgeMs of %s to MIN_CHECK_MAX_AGE_MS, so no tab can make the worker ask the host more often', (maxAgeMs) => {
    expect(readTabMessage({ ...check, maxAgeMs })).toMatchObject({ maxAgeMs: MIN_CHECK_MAX_AGE_MS })
  })

  it('keeps a maxAgeMs at or above MIN_CHECK_MAX_AGE_MS as it is', () => {
    expect(readTabMessage({ ...check, maxAgeMs: MIN_CHECK_MAX_AGE_MS })).toMatchObject({ maxAgeMs: MIN_CHECK_MAX_AGE_MS })
    expect(readTabMessage({ ...check, maxAgeMs: 5_000 })).toMatchObject({ maxAgeMs: 5_000 })
  })

  it.each([
    ['another schema', { ...check, schema: 2 }],
    ['a schema given as a string', { ...check, schema: '1' }],
    ['an unknown type', { ...check, type: 'PING' }],
    ['a lower-case type', { ...check, type: 'check' }],
    ['no tab', { type: 'CHECK', schema: PROTOCOL_SCHEMA, maxAgeMs: 60_000 }],
    ['a null tab', { ...check, tab: null }],
    ['a version with markup', { ...check, tab: { ...tab, version: '<script>' } }],
    ['a version that is not a string', { ...check, tab: { ...tab, version: 1 } }],
    ['a builtAt that is not ISO', { ...check, tab: { ...tab, builtAt: 'Mon, 02 Nov 2026 10:00:00 GMT' } }],
    ['no maxAgeMs', { type: 'CHECK', schema: PROTOCOL_SCHEMA, tab }],
    ['a NaN maxAgeMs', { ...check, maxAgeMs: Number.NaN }],
    ['an infinite maxAgeMs', { ...check, maxAgeMs: Number.POSITIVE_INFINITY }],
    ['a negative infinite maxAgeMs', { ...check, maxAgeMs: Number.NEGATIVE_INFINITY }],
    ['a maxAgeMs given as a string', { ...check, maxAgeMs: '60000' }],
  ])('ignores a message with %s', (_, message) => {
    expect(readTabMessage(message)).toBeUndefined()
  })

  it.each([null, undefined, 'CHECK', 42, [check]])('ignores %j', (data) => {
    expect(readTabMessage(data)).toBeUndefined()
  })
})

describe('announcedVersion', () => {
  it('a VERSION_CHANGED announces its new version', () => {
    const message: VersionChanged = { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'old', to: tab }
    expect(announcedVersion(message)).toEqual(tab)
  })

  it('a STATE announces the newest version', () => {
    const message: StateReply = { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: tab, checkedAt: 1_000 }
    expect(announcedVersion(message)).toEqual(tab)
  })

  it('a STATE of a worker that never looked yet (checkedAt null) still announces what it knows', () => {
    expect(announcedVersion({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: tab, checkedAt: null })).toEqual(tab)
  })

  it('gives the stamp of the message itself, without copying it', () => {
    const stamp = { ...tab }
    expect(announcedVersion({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: stamp, checkedAt: null })).toBe(stamp)
    expect(announcedVersion({ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: null, to: stamp })).toBe(stamp)
  })

  it('reads the stamp of a STATE from `newest` only, never from `to`', () => {
    expect(announcedVersion({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: null, to: tab })).toBeUndefined()
  })

  it.each([
    ['a STATE of a worker that knows no version', { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: null, checkedAt: null }],
    ['a tab message', check],
    ['a former HELLO', formerHello],
    ['another schema', { type: 'STATE', schema: 2, newest: tab }],
    ['a VERSION_CHANGED of another schema', { type: 'VERSION_CHANGED', schema: 2, to: tab }],
    ['a stamp without builtAt', { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: { version: 'v' } }],
    ['a stamp with a numeric version', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, version: 2 } }],
    ['a stamp with a numeric builtAt', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, builtAt: 1 } }],
    // Each of these would compare as later than any real builtAt, and arm every tab.
    ['a builtAt that is a word', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, builtAt: 'tomorrow' } }],
    ['a builtAt that is a date without a time', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, builtAt: '2099-01-01' } }],
    ['a builtAt of an instant the date does not exist at', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, builtAt: '2026-02-30T10:00:00.000Z' } }],
    ['a builtAt without its milliseconds', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, builtAt: '2099-01-01T00:00:00Z' } }],
    ['a builtAt with text after the instant', { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: { ...tab, builtAt: '2026-11-01T10:00:00.000Zz' } }],
    ['a builtAt that will not turn into a string', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, builtAt: { toString: null } } }],
    ['a `to` that is a string', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: 'a1b2c3' }],
    ['a null `to`', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: null }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'VERSION_CHANGED'],
    ['a number', 1],
  ])('announces nothing for %s', (_, data) => {
    expect(announcedVersion(data)).toBeUndefined()
  })
})

describe('channelName', () => {
  it('is named after the path of the scope', () => {
    expect(channelName('/')).toBe('version-gatekeeper:/')
    expect(channelName('/admin/')).toBe('version-gatekeeper:/admin/')
  })

  it('gives two apps under different scopes of one origin different channels', () => {
    expect(channelName('/shop/')).not.toBe(channelName('/admin/'))
    expect(channelName('/')).not.toBe(channelName('/shop/'))
  })

  it("gives an app nested under another app's scope a channel of its own", () => {
    expect(channelName('/shop/')).not.toBe(channelName('/shop/admin/'))
  })
})
