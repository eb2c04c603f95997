import { describe, expect, it } from 'vitest'
import { MANIFEST_SCHEMA, type DeployManifest, type PrecachePolicy, type VersionStamp } from '../manifest/manifest.js'
import { buildReport, REPORT_SCHEMA } from './report.js'
import { emptyState, STATE_SCHEMA, type GatekeeperState } from './state.js'
import type { CacheSummary } from './storage.js'

const SCOPE = 'https://app.test/shop/'
const v1: VersionStamp = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2: VersionStamp = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }
const v3: VersionStamp = { version: 'v3', builtAt: '2026-11-03T10:00:00.000Z' }
const at = (iso: string) => Date.parse(iso)
const STARTED_AT = at('2026-11-03T09:00:00.000Z')

function manifest(stamp: VersionStamp, precache: PrecachePolicy): DeployManifest {
  return {
    schema: MANIFEST_SCHEMA,
    ...stamp,
    assetsDir: 'assets/',
    assets: [`assets/index-${stamp.version}.js`],
    entry: [`assets/index-${stamp.version}.js`],
    fallback: { defaultLocale: 'en', pages: { en: `fallback.${stamp.version}.en.html` }, contentSecurityPolicy: "default-src 'none'" },
    csp: { scriptSrc: [], styleSrc: [] },
    precache,
    gracePeriodMs: 3_600_000,
  }
}

const cache = (version: string, entries: number, bytes: number): CacheSummary => ({ name: `version-gatekeeper/shop/:${version}`, entries, bytes })

/** A worker that knows v3, keeps v3 and v2, with two tabs on v2 (one of them closed) and one on v3. */
const state = (): GatekeeperState => ({
  schema: STATE_SCHEMA,
  newest: v3,
  tabs: {
    'tab-a': { ...v2, seenAt: at('2026-11-03T11:00:00.000Z') },
    'tab-b': { ...v2, seenAt: at('2026-11-03T10:30:00.000Z') },
    'tab-c': { ...v3, seenAt: at('2026-11-03T11:00:00.000Z') },
  },
  lastCheck: { at: at('2026-11-03T11:00:00.500Z'), outcome: 'unchanged' },
  manifestEtag: '"6745f3a1-1c4"',
  events: [
    { at: at('2026-11-02T10:05:00.000Z'), what: 'learned', detail: 'v2' },
    { at: at('2026-11-03T10:05:00.000Z'), what: 'new deployment', detail: 'v2 → v3' },
  ],
})
const kept = [
  { manifest: manifest(v3, 'all'), cache: cache('v3', 12, 345_678) },
  { manifest: manifest(v2, 'entry'), cache: cache('v2', 3, 4_567) },
]

describe('buildReport', () => {
  const report = () => buildReport({ scope: SCOPE, startedAt: STARTED_AT, state: state(), kept, openIds: new Set(['tab-a', 'tab-c']) })

  it('names its schema, the scope, and when this instance of the worker started', () => {
    expect(report()).toMatchObject({ schema: REPORT_SCHEMA, scope: SCOPE, workerStartedAt: '2026-11-03T09:00:00.000Z' })
    expect(REPORT_SCHEMA).toBe(1)
  })

  it('shows the newest deployment and the last check, its time as an ISO string', () => {
    expect(report().newest).toEqual(v3)
    expect(report().lastCheck).toEqual({ at: '2026-11-03T11:00:00.500Z', outcome: 'unchanged' })
  })

  it('lists the kept deployments in the order given (newest first), with their tabs, policy and cache', () => {
    expect(report().versions).toEqual([
      { version: 'v3', builtAt: v3.builtAt, newest: true, tabs: 1, precache: 'all', cache: cache('v3', 12, 345_678) },
      { version: 'v2', builtAt: v2.builtAt, newest: false, tabs: 2, precache: 'entry', cache: cache('v2', 3, 4_567) },
    ])
  })

  it('lists every tab with its version, when it was last seen, and whether it is open', () => {
    expect(report().tabs).toEqual([
      { id: 'tab-a', version: 'v2', seenAt: '2026-11-03T11:00:00.000Z', open: true },
      { id: 'tab-b', version: 'v2', seenAt: '2026-11-03T10:30:00.000Z', open: false },
      { id: 'tab-c', version: 'v3', seenAt: '2026-11-03T11:00:00.000Z', open: true },
    ])
  })

  it('lists the events oldest first, their times as ISO strings', () => {
    expect(report().events).toEqual([
      { at: '2026-11-02T10:05:00.000Z', what: 'learned', detail: 'v2' },
      { at: '2026-11-03T10:05:00.000Z', what: 'new deployment', detail: 'v2 → v3' },
    ])
  })

  it('marks no kept deployment as the newest when the newest is not kept (its cache was evicted)', () => {
    const onlyOld = buildReport({ scope: SCOPE, startedAt: STARTED_AT, state: state(), kept: kept.slice(1), openIds: new Set() })
    expect(onlyOld.newest).toEqual(v3)
    expect(onlyOld.versions.map((version) => version.newest)).toEqual([false])
  })

  it('counts tabs only for kept deployments: a tab of a deployment not kept is listed, but under no version', () => {
    const report = buildReport({ scope: SCOPE, startedAt: STARTED_AT, state: { ...state(), tabs: { old: { ...v1, seenAt: 0 } } }, kept, openIds: new Set() })
    expect(report.versions.map((version) => version.tabs)).toEqual([0, 0])
    expect(report.tabs).toEqual([{ id: 'old', version: 'v1', seenAt: '1970-01-01T00:00:00.000Z', open: false }])
  })

  it('of a worker that has seen nothing, shows nothing', () => {
    expect(buildReport({ scope: SCOPE, startedAt: STARTED_AT, state: emptyState(), kept: [], openIds: new Set(['tab-a']) })).toEqual({
      schema: REPORT_SCHEMA,
      scope: SCOPE,
      workerStartedAt: '2026-11-03T09:00:00.000Z',
      newest: null,
      lastCheck: null,
      versions: [],
      tabs: [],
      events: [],
    })
  })

  it('is plain JSON: it reads back as the same report', () => {
    expect(JSON.parse(JSON.stringify(report()))).toEqual(report())
  })
})
