import { describe, expect, it } from 'vitest'
import { announcedVersion, channelName, MIN_CHECK_MAX_AGE_MS, PROTOCOL_SCHEMA, readTabMessage } from './protocol.js'

const tab = { version: 'a1b2c3', builtAt: '2026-11-02T10:00:00.000Z' }
const hello = { type: 'HELLO', schema: PROTOCOL_SCHEMA, tab }
const check = { type: 'CHECK', schema: PROTOCOL_SCHEMA, tab, maxAgeMs: 60_000 }

describe('readTabMessage', () => {
  it('reads a HELLO', () => {
    expect(readTabMessage(hello)).toEqual(hello)
  })

  it('reads a CHECK', () => {
    expect(readTabMessage(check)).toEqual(check)
  })

  it('drops every field it does not know, at every level', () => {
    const message = { ...check, extra: 1, tab: { ...tab, extra: '<script>' } }
    expect(readTabMessage(message)).toStrictEqual(check)
  })

  it.each([0, -5, 999])('raises a maxAgeMs of %s to MIN_CHECK_MAX_AGE_MS, so no tab can make the worker ask the host more often', (maxAgeMs) => {
    expect(readTabMessage({ ...check, maxAgeMs })).toMatchObject({ maxAgeMs: MIN_CHECK_MAX_AGE_MS })
  })

  it.each([
    ['another schema', { ...hello, schema: 2 }],
    ['a schema given as a string', { ...hello, schema: '1' }],
    ['an unknown type', { ...hello, type: 'PING' }],
    ['no tab', { type: 'HELLO', schema: PROTOCOL_SCHEMA }],
    ['a null tab', { ...hello, tab: null }],
    ['a version with markup', { ...hello, tab: { ...tab, version: '<script>' } }],
    ['a version that is not a string', { ...hello, tab: { ...tab, version: 1 } }],
    ['a builtAt that is not ISO', { ...hello, tab: { ...tab, builtAt: 'Mon, 02 Nov 2026 10:00:00 GMT' } }],
    ['a CHECK without maxAgeMs', { ...hello, type: 'CHECK' }],
    ['a NaN maxAgeMs', { ...check, maxAgeMs: Number.NaN }],
    ['an infinite maxAgeMs', { ...check, maxAgeMs: Number.POSITIVE_INFINITY }],
    ['a negative infinite maxAgeMs', { ...check, maxAgeMs: Number.NEGATIVE_INFINITY }],
    ['a maxAgeMs given as a string', { ...check, maxAgeMs: '60000' }],
  ])('ignores a message with %s', (_, message) => {
    expect(readTabMessage(message)).toBeUndefined()
  })

  it.each([null, undefined, 'HELLO', 42, [hello]])('ignores %j', (data) => {
    expect(readTabMessage(data)).toBeUndefined()
  })
})

describe('announcedVersion', () => {
  it('a VERSION_CHANGED announces its new version', () => {
    expect(announcedVersion({ type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: 'old', to: tab })).toEqual(tab)
  })

  it('a STATE announces the newest version', () => {
    expect(announcedVersion({ type: 'STATE', schema: PROTOCOL_SCHEMA, newest: tab })).toEqual(tab)
  })

  it('keeps only version and builtAt of the stamp', () => {
    const message = { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: { ...tab, extra: 1 } }
    expect(announcedVersion(message)).toStrictEqual(tab)
  })

  it.each([
    ['a STATE of a worker that knows no version', { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: null }],
    ['a tab message', hello],
    ['another schema', { type: 'STATE', schema: 2, newest: tab }],
    ['a stamp without builtAt', { type: 'STATE', schema: PROTOCOL_SCHEMA, newest: { version: 'v' } }],
    ['a stamp with a numeric version', { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, to: { ...tab, version: 2 } }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'VERSION_CHANGED'],
    ['a number', 1],
  ])('announces nothing for %s', (_, data) => {
    expect(announcedVersion(data)).toBeUndefined()
  })
})

describe('channelName', () => {
  it('gives two apps under different scopes of one origin different channels', () => {
    expect(channelName('https://app.test/shop/')).not.toBe(channelName('https://app.test/admin/'))
  })

  it('gives an app nested under another app\'s scope a channel of its own', () => {
    expect(channelName('https://app.test/shop/')).not.toBe(channelName('https://app.test/shop/admin/'))
  })
})
