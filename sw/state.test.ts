import { describe, expect, it } from 'vitest'
import { emptyState, isFresh, readState, recordTab, STATE_SCHEMA, TAB_GRACE_MS, type GatekeeperState } from './state.js'

const v1 = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2 = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }

const stored = (): GatekeeperState => ({
  schema: STATE_SCHEMA,
  newest: v2,
  tabs: { 'tab-a': { ...v1, seenAt: 1_000 }, 'tab-b': { ...v2, seenAt: 2_000 } },
  lastCheck: { at: 3_000, outcome: 'unchanged' },
})

describe('readState', () => {
  it('reads back what was stored as JSON', () => {
    expect(readState(JSON.parse(JSON.stringify(stored())))).toEqual(stored())
  })

  it.each([null, undefined, 'state', 42, { ...stored(), schema: 2 }, { ...stored(), schema: '1' }])(
    'forgets everything when the record is %j (unreadable or another schema)',
    (json) => {
      expect(readState(json)).toEqual(emptyState())
    },
  )

  it.each([
    ['a version with markup', { version: '<b>', builtAt: '2026-11-02T10:00:00.000Z' }],
    ['a builtAt that is not ISO', { version: 'v2', builtAt: 'yesterday' }],
    ['a string', 'v2'],
  ])('forgets only the newest version when it is %s', (_, newest) => {
    expect(readState({ ...stored(), newest })).toEqual({ ...stored(), newest: null })
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
    expect(readState({ ...stored(), tabs }).tabs).toEqual({ good: { ...v1, seenAt: 5 } })
  })

  it('forgets the tabs when they are not an object', () => {
    expect(readState({ ...stored(), tabs: 'tab-a' })).toEqual({ ...stored(), tabs: {} })
  })

  it.each([
    ['a time given as text', { at: '3000', outcome: 'unchanged' }],
    ['an unknown outcome', { at: 3_000, outcome: 'exploded' }],
    ['a number', 3_000],
  ])('forgets the last check when it has %s', (_, lastCheck) => {
    expect(readState({ ...stored(), lastCheck })).toEqual({ ...stored(), lastCheck: null })
  })
})

describe('recordTab', () => {
  const now = 10 * TAB_GRACE_MS
  const none = new Set<string>()

  it('records the deployment a tab runs', () => {
    expect(recordTab(emptyState(), 'tab-a', v1, new Set(['tab-a']), now).tabs).toEqual({ 'tab-a': { ...v1, seenAt: now } })
  })

  it('does not change the state it is given', () => {
    const before = stored()
    recordTab(before, 'tab-c', v2, none, now)
    expect(before).toEqual(stored())
  })

  it('refreshes when the open tabs were last seen, keeping their versions', () => {
    const state = { ...emptyState(), tabs: { open: { ...v1, seenAt: 0 } } }
    expect(recordTab(state, 'new', v2, new Set(['open']), now).tabs.open).toEqual({ ...v1, seenAt: now })
  })

  it('keeps a closed tab (maybe in the back/forward cache) for just under TAB_GRACE_MS', () => {
    const state = { ...emptyState(), tabs: { closed: { ...v1, seenAt: now - TAB_GRACE_MS + 1 } } }
    expect(recordTab(state, 'new', v2, none, now).tabs.closed).toEqual({ ...v1, seenAt: now - TAB_GRACE_MS + 1 })
  })

  it('forgets a closed tab after TAB_GRACE_MS', () => {
    const state = { ...emptyState(), tabs: { closed: { ...v1, seenAt: now - TAB_GRACE_MS } } }
    expect(Object.keys(recordTab(state, 'new', v2, none, now).tabs)).toEqual(['new'])
  })

  it('a tab that reloads onto another version is recorded with the new one', () => {
    const state = { ...emptyState(), tabs: { 'tab-a': { ...v1, seenAt: 0 } } }
    expect(recordTab(state, 'tab-a', v2, new Set(['tab-a']), now).tabs['tab-a']).toEqual({ ...v2, seenAt: now })
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
