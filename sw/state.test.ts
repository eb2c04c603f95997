import { describe, expect, it } from 'vitest'
import {
  countedTabs,
  DEFAULT_GRACE_PERIOD_MS,
  emptyState,
  isFresh,
  logEvent,
  MAX_EVENTS,
  readState,
  recordTab,
  STATE_SCHEMA,
  unusedVersions,
  type GatekeeperState,
  type TabRecord,
} from './state.js'

const v1 = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2 = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }
const NOW = 50_000_000

const stored = (): GatekeeperState => ({
  schema: STATE_SCHEMA,
  newest: v2,
  tabs: { 'tab-a': { ...v1, seenAt: 1_000 }, 'tab-b': { ...v2, seenAt: 2_000 } },
  lastCheck: { at: 3_000, outcome: 'unchanged' },
  manifestEtag: '"m-3000"',
  events: [{ at: 2_500, what: 'new deployment', detail: 'v1 → v2' }],
})

/** What the previous release of the gatekeeper stored: schema 1, tabs without builtAt, no event log. */
const storedBySchema1 = () => ({
  schema: 1,
  newest: v2,
  tabs: { 'tab-a': { version: 'v1', seenAt: 1_000 }, 'tab-b': { version: 'v2', seenAt: 2_000 } },
  lastCheck: { at: 3_000, outcome: 'unchanged' },
})

const events = (count: number, from = 0) => Array.from({ length: count }, (_, index) => ({ at: from + index, what: 'learned', detail: `v${from + index}` }))

describe('readState', () => {
  it('reads back what was stored as JSON', () => {
    expect(readState(JSON.parse(JSON.stringify(stored())), NOW)).toEqual(stored())
  })

  it('is at schema 2', () => {
    expect(STATE_SCHEMA).toBe(2)
    expect(emptyState()).toEqual({ schema: 2, newest: null, tabs: {}, lastCheck: null, manifestEtag: null, events: [] })
  })

  it.each([null, undefined, 'state', 42, [stored()], { ...stored(), schema: 3 }, { ...stored(), schema: 0 }, { ...stored(), schema: '2' }])(
    'forgets everything when the record is %j (unreadable or a schema this release does not know)',
    (json) => {
      expect(readState(json, NOW)).toEqual(emptyState())
    },
  )

  it.each([
    ['a version with markup', { version: '<b>', builtAt: '2026-11-02T10:00:00.000Z' }],
    ['a builtAt that is not ISO', { version: 'v2', builtAt: 'yesterday' }],
    ['a string', 'v2'],
  ])('forgets only the newest version when it is %s', (_, newest) => {
    expect(readState({ ...stored(), newest }, NOW)).toEqual({ ...stored(), newest: null })
  })

  it('keeps the well-formed tabs and forgets the others', () => {
    const tabs = {
      good: { ...v1, seenAt: 5 },
      markup: { ...v1, version: '<b>', seenAt: 5 },
      numericVersion: { ...v1, version: 1, seenAt: 5 },
      noBuiltAt: { version: 'v1', seenAt: 5 },
      badBuiltAt: { ...v1, builtAt: 'yesterday', seenAt: 5 },
      textSeenAt: { ...v1, seenAt: '5' },
      none: null,
    }
    expect(readState({ ...stored(), tabs }, NOW).tabs).toEqual({ good: { ...v1, seenAt: 5 } })
  })

  it('forgets the tabs when they are not an object', () => {
    expect(readState({ ...stored(), tabs: 'tab-a' }, NOW)).toEqual({ ...stored(), tabs: {} })
  })

  it.each([
    ['a time given as text', { at: '3000', outcome: 'unchanged' }],
    ['an unknown outcome', { at: 3_000, outcome: 'exploded' }],
    ['a number', 3_000],
  ])('forgets the last check when it has %s', (_, lastCheck) => {
    expect(readState({ ...stored(), lastCheck }, NOW)).toEqual({ ...stored(), lastCheck: null })
  })

  it.each(['new-version', 'unchanged', 'unreachable', 'invalid', 'kill-switch'] as const)('reads back a last check that was %s', (outcome) => {
    expect(readState({ ...stored(), lastCheck: { at: 3_000, outcome } }, NOW).lastCheck).toEqual({ at: 3_000, outcome })
  })

  it.each([
    ['a strong ETag', '"abc"'],
    ['a weak ETag', 'W/"abc"'],
    ['an empty ETag', '""'],
    ['a weak empty ETag', 'W/""'],
    ['an ETag of every visible character but the quote', `"${Array.from({ length: 0x7e - 0x20 }, (_, index) => String.fromCharCode(0x21 + index)).filter((character) => character !== '"').join('')}"`],
    ['an ETag as nginx writes it', '"6745f3a1-1c4"'],
  ])('keeps %s', (_, manifestEtag) => {
    expect(readState({ ...stored(), manifestEtag }, NOW)).toEqual({ ...stored(), manifestEtag })
  })

  it.each([
    ['unquoted', 'abc'],
    ['without its closing quote', '"abc'],
    ['without its opening quote', 'abc"'],
    ['weak and unquoted', 'W/abc'],
    ['weak with a lower-case w', 'w/"abc"'],
    ['with a quote inside', '"a"bc"'],
    ['with a space inside', '"a bc"'],
    ['with a space before it', ' "abc"'],
    ['with a space after it', '"abc" '],
    ['with a line break (a header injection)', '"abc"\r\nx-injected: 1'],
    ['with a tab inside', '"a\tbc"'],
    ['with a character beyond ASCII', '"é"'],
    ['a list of ETags', '"a", "b"'],
    ['the wildcard', '*'],
    ['empty', ''],
    ['a number', 42],
    ['null', null],
    ['an object', { etag: '"abc"' }],
    ['a list', ['"abc"']],
  ])('forgets an ETag %s, and nothing else', (_, manifestEtag) => {
    expect(readState({ ...stored(), manifestEtag }, NOW)).toEqual({ ...stored(), manifestEtag: null })
  })

  it('reads a record of this schema stored before the ETag was kept as one without an ETag', () => {
    const { manifestEtag: _, ...withoutEtag } = stored()
    expect(readState(withoutEtag, NOW)).toEqual({ ...stored(), manifestEtag: null })
  })

  it('keeps the well-formed events, in order, and forgets the others', () => {
    const kept = [
      { at: 1, what: 'learned', detail: 'v1' },
      { at: 2, what: 'new deployment', detail: 'v1 → v2' },
    ]
    const json = { ...stored(), events: [kept[0], null, { at: '2', what: 'x', detail: 'y' }, { at: 2, what: 7, detail: 'y' }, { at: 2, what: 'x' }, kept[1]] }
    expect(readState(json, NOW).events).toEqual(kept)
  })

  it('forgets the events when they are not a list', () => {
    expect(readState({ ...stored(), events: { at: 1, what: 'learned', detail: 'v1' } }, NOW).events).toEqual([])
  })

  it(`keeps only the newest ${MAX_EVENTS} events of a longer stored log`, () => {
    expect(readState({ ...stored(), events: events(MAX_EVENTS + 7) }, NOW).events).toEqual(events(MAX_EVENTS, 7))
  })
})

describe('readState: the records of the release before (schema 1)', () => {
  it('migrates them to this schema, keeping the newest version and the last check', () => {
    const state = readState(storedBySchema1(), NOW)
    expect(state.schema).toBe(STATE_SCHEMA)
    expect(state.newest).toEqual(v2)
    expect(state.lastCheck).toEqual({ at: 3_000, outcome: 'unchanged' })
    expect(state.manifestEtag).toBeNull()
  })

  it('drops the tabs, which lack builtAt: each is recorded again when it next checks', () => {
    expect(readState(storedBySchema1(), NOW).tabs).toEqual({})
  })

  it('logs the migration, dated now, as the one event', () => {
    expect(readState(storedBySchema1(), NOW).events).toEqual([{ at: NOW, what: 'migrated', detail: 'state schema 1 to 2' }])
  })

  it('migrates an empty schema 1 record as well', () => {
    expect(readState({ schema: 1, newest: null, tabs: {}, lastCheck: null }, NOW)).toEqual({
      ...emptyState(),
      events: [{ at: NOW, what: 'migrated', detail: 'state schema 1 to 2' }],
    })
  })

  it('logs no migration for records of this schema', () => {
    expect(readState(stored(), NOW).events.map((event) => event.what)).not.toContain('migrated')
  })
})

describe('logEvent', () => {
  it('adds the event last, and leaves the state it is given as it was', () => {
    const before = stored()
    const after = logEvent(before, 9_000, 'removed', 'v1: unused')
    expect(after.events).toEqual([...stored().events, { at: 9_000, what: 'removed', detail: 'v1: unused' }])
    expect(before).toEqual(stored())
    expect({ ...after, events: before.events }).toEqual(before)
  })

  it(`keeps the newest ${MAX_EVENTS}, dropping the oldest`, () => {
    let state = emptyState()
    for (const event of events(MAX_EVENTS)) state = logEvent(state, event.at, event.what, event.detail)
    expect(state.events).toHaveLength(MAX_EVENTS)
    state = logEvent(state, 999, 'evicted', 'v0')
    expect(state.events).toHaveLength(MAX_EVENTS)
    expect(state.events[0]).toEqual(events(1, 1)[0])
    expect(state.events.at(-1)).toEqual({ at: 999, what: 'evicted', detail: 'v0' })
  })
})

describe('countedTabs', () => {
  const GRACE = 60_000
  const tabs = (seenAt: number): Record<string, TabRecord> => ({ closed: { ...v1, seenAt } })

  it('counts an open tab, seen now, however long ago it was last seen', () => {
    expect(countedTabs(tabs(0), new Set(['closed']), NOW, GRACE)).toEqual({ closed: { ...v1, seenAt: NOW } })
  })

  it('counts a tab that is not open (maybe in the back/forward cache) for just under the grace period, as last seen', () => {
    expect(countedTabs(tabs(NOW - GRACE + 1), new Set(), NOW, GRACE)).toEqual(tabs(NOW - GRACE + 1))
  })

  it('stops counting a tab that is not open once the grace period has passed', () => {
    expect(countedTabs(tabs(NOW - GRACE), new Set(), NOW, GRACE)).toEqual({})
  })

  it('with a grace period of 0, counts the open tabs only', () => {
    expect(countedTabs({ ...tabs(NOW), open: { ...v2, seenAt: 0 } }, new Set(['open']), NOW, 0)).toEqual({ open: { ...v2, seenAt: NOW } })
  })

  it('counts open tabs it has no record of as nothing: only recorded tabs have a version', () => {
    expect(countedTabs({}, new Set(['never-checked']), NOW, GRACE)).toEqual({})
  })

  it('leaves the records it is given as they were', () => {
    const given = tabs(0)
    countedTabs(given, new Set(['closed']), NOW, GRACE)
    expect(given).toEqual(tabs(0))
  })

  it(`by default, counts a tab gone for 59 minutes, not one gone for an hour (${DEFAULT_GRACE_PERIOD_MS} ms)`, () => {
    expect(DEFAULT_GRACE_PERIOD_MS).toBe(60 * 60 * 1000)
    expect(countedTabs(tabs(NOW - 59 * 60_000), new Set(), NOW, DEFAULT_GRACE_PERIOD_MS)).toHaveProperty('closed')
    expect(countedTabs(tabs(NOW - 60 * 60_000), new Set(), NOW, DEFAULT_GRACE_PERIOD_MS)).toEqual({})
  })
})

describe('recordTab', () => {
  const GRACE = 60_000
  const none = new Set<string>()

  it('records the deployment a tab runs', () => {
    expect(recordTab(emptyState(), 'tab-a', v1, new Set(['tab-a']), NOW, GRACE).tabs).toEqual({ 'tab-a': { ...v1, seenAt: NOW } })
  })

  it('records only the version and builtAt of what it is given', () => {
    const stamp = { ...v1, extra: '<script>' }
    expect(recordTab(emptyState(), 'tab-a', stamp, none, NOW, GRACE).tabs['tab-a']).toStrictEqual({ ...v1, seenAt: NOW })
  })

  it('does not change the state it is given', () => {
    const before = stored()
    recordTab(before, 'tab-c', v2, none, NOW, GRACE)
    expect(before).toEqual(stored())
  })

  it('keeps the rest of the state', () => {
    const after = recordTab(stored(), 'tab-c', v2, new Set(['tab-a', 'tab-b']), NOW, GRACE)
    expect({ ...after, tabs: {} }).toEqual({ ...stored(), tabs: {} })
  })

  it('refreshes when the open tabs were last seen, keeping their versions', () => {
    const state = { ...emptyState(), tabs: { open: { ...v1, seenAt: 0 } } }
    expect(recordTab(state, 'new', v2, new Set(['open']), NOW, GRACE).tabs.open).toEqual({ ...v1, seenAt: NOW })
  })

  it('keeps a closed tab for just under the grace period it is given', () => {
    const state = { ...emptyState(), tabs: { closed: { ...v1, seenAt: NOW - GRACE + 1 } } }
    expect(recordTab(state, 'new', v2, none, NOW, GRACE).tabs.closed).toEqual({ ...v1, seenAt: NOW - GRACE + 1 })
  })

  it('forgets a closed tab once the grace period it is given has passed', () => {
    const state = { ...emptyState(), tabs: { closed: { ...v1, seenAt: NOW - GRACE } } }
    expect(Object.keys(recordTab(state, 'new', v2, none, NOW, GRACE).tabs)).toEqual(['new'])
  })

  it('records the tab that asks even when it is not among the open ones (a worker that cannot list it yet)', () => {
    expect(Object.keys(recordTab(emptyState(), 'tab-a', v1, none, NOW, 0).tabs)).toEqual(['tab-a'])
  })

  it('a tab that reloads onto another version is recorded with the new one', () => {
    const state = { ...emptyState(), tabs: { 'tab-a': { ...v1, seenAt: 0 } } }
    expect(recordTab(state, 'tab-a', v2, new Set(['tab-a']), NOW, GRACE).tabs['tab-a']).toEqual({ ...v2, seenAt: NOW })
  })
})

describe('unusedVersions', () => {
  const tab = (stamp: typeof v1): TabRecord => ({ ...stamp, seenAt: NOW })

  it('gives the kept versions no tab runs, except the newest, in the order given', () => {
    expect(unusedVersions(['v0', 'v1', 'v2', 'v3'], 'v3', { a: tab(v1) })).toEqual(['v0', 'v2'])
    expect(unusedVersions(['v2', 'v0'], 'v3', {})).toEqual(['v2', 'v0'])
  })

  it('never gives the newest, even when no tab runs it', () => {
    expect(unusedVersions(['v2'], 'v2', {})).toEqual([])
  })

  it('never gives a version that a tab still counted runs', () => {
    expect(unusedVersions(['v1', 'v2'], 'v2', { a: tab(v1), b: tab(v1) })).toEqual([])
  })

  it('before any deployment is known, gives every kept version no tab runs', () => {
    expect(unusedVersions(['v1', 'v2'], undefined, { a: tab(v2) })).toEqual(['v1'])
  })

  it('gives nothing when nothing is kept', () => {
    expect(unusedVersions([], 'v2', {})).toEqual([])
  })
})

describe('isFresh', () => {
  const lastCheck = { at: 1_000, outcome: 'unchanged' as const }

  it('a check made just now is fresh', () => {
    expect(isFresh(lastCheck, 500, 1_000)).toBe(true)
  })

  it('a check is fresh until maxAgeMs have passed, then stale', () => {
    expect(isFresh(lastCheck, 500, 1_499)).toBe(true)
    expect(isFresh(lastCheck, 500, 1_500)).toBe(false)
  })

  it('no check is never fresh', () => {
    expect(isFresh(null, Number.MAX_SAFE_INTEGER, 1_000)).toBe(false)
  })

  it('after the clock went backwards, the last check is not fresh', () => {
    expect(isFresh(lastCheck, 60_000, 999)).toBe(false)
  })
})
