import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BOUNCE_WINDOW_MS, isBounce, leaveRecordKey, openLoopGuard } from './loop-guard.js'

/** A sessionStorage of one tab, held in a Map. */
function fakeStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial))
  return {
    items,
    writes: 0,
    getItem(key: string) {
      return items.get(key) ?? null
    },
    setItem(key: string, value: string) {
      this.writes++
      items.set(key, String(value))
    },
  }
}

/** A storage that throws, like sessionStorage in a sandboxed iframe or with storage disabled. */
const throwingStorage = {
  getItem(): string | null {
    throw new DOMException('The operation is insecure.', 'SecurityError')
  },
  setItem(): void {
    throw new DOMException('The operation is insecure.', 'SecurityError')
  },
}

describe('isBounce', () => {
  const at = 1_000_000
  const left = String(at)

  it('a document of a version the tab just left has bounced', () => {
    expect(isBounce(left, at)).toBe(true)
    expect(isBounce(left, at + BOUNCE_WINDOW_MS - 1)).toBe(true)
  })

  it('the same version after BOUNCE_WINDOW_MS gets a new attempt', () => {
    expect(isBounce(left, at + BOUNCE_WINDOW_MS)).toBe(false)
  })

  it('a tab that never left its version has not bounced', () => {
    expect(isBounce(null, at)).toBe(false)
  })

  it('a record from the future (clock turned back) is not a bounce', () => {
    expect(isBounce(left, at - 1)).toBe(false)
  })

  it.each([
    ['an empty string', ''],
    ['a time that is not a number', 'soon'],
    ['a time with text after it', `${at}ms`],
    ['the record of the former single key', `v1 ${at}`],
    ['the former JSON record', JSON.stringify({ version: 'v1', at })],
  ])('reads %s as no bounce', (_, record) => {
    expect(isBounce(record, at + 1)).toBe(false)
  })
})

describe('leaveRecordKey', () => {
  it('is one key per version, the whole version in it', () => {
    expect(leaveRecordKey('v1')).toBe('version-gatekeeper:left:v1')
    expect(new Set(['v1', 'v10', 'v1.0'].map(leaveRecordKey)).size).toBe(3)
  })
})

describe('openLoopGuard', () => {
  const start = Date.parse('2026-11-02T10:00:00.000Z')
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(start)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a tab that never left has not bounced, and may leave', () => {
    const storage = fakeStorage()
    const guard = openLoopGuard('v1', storage)
    expect(guard.bounced).toBe(false)
    expect(guard.recordLeave()).toBe(true)
  })

  it("leaving records the time in the version's key", () => {
    const storage = fakeStorage()
    openLoopGuard('v1', storage).recordLeave()
    expect(Object.fromEntries(storage.items)).toEqual({ [leaveRecordKey('v1')]: String(start) })
  })

  it('a document of the same version right after the tab left it has bounced, and may not leave again', () => {
    const storage = fakeStorage()
    openLoopGuard('v1', storage).recordLeave()
    vi.setSystemTime(start + 2_000)
    const guard = openLoopGuard('v1', storage)
    expect(guard.bounced).toBe(true)
    expect(guard.recordLeave()).toBe(false)
  })

  it('a document of the version the tab went to has arrived, not bounced', () => {
    const storage = fakeStorage()
    openLoopGuard('v1', storage).recordLeave()
    vi.setSystemTime(start + 2_000)
    const guard = openLoopGuard('v2', storage)
    expect(guard.bounced).toBe(false)
    expect(guard.recordLeave()).toBe(true)
  })

  it('the same version BOUNCE_WINDOW_MS after leaving gets one new attempt', () => {
    const storage = fakeStorage()
    openLoopGuard('v1', storage).recordLeave()
    vi.setSystemTime(start + BOUNCE_WINDOW_MS - 1)
    expect(openLoopGuard('v1', storage).bounced).toBe(true)
    vi.setSystemTime(start + BOUNCE_WINDOW_MS)
    const later = openLoopGuard('v1', storage)
    expect(later.bounced).toBe(false)
    expect(later.recordLeave()).toBe(true)
    vi.setSystemTime(start + BOUNCE_WINDOW_MS + 1_000)
    expect(openLoopGuard('v1', storage).bounced).toBe(true)
  })

  it('a bounced document writes nothing: the record keeps the time of the first leave, so the window does not grow', () => {
    const storage = fakeStorage()
    openLoopGuard('v1', storage).recordLeave()
    vi.setSystemTime(start + 2_000)
    openLoopGuard('v1', storage).recordLeave()
    expect(storage.writes).toBe(1)
    expect(storage.getItem(leaveRecordKey('v1'))).toBe(String(start))
  })

  it('where storage cannot be read, the document writes nothing either', () => {
    const storage = {
      writes: 0,
      getItem(): string | null {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      },
      setItem() {
        this.writes++
      },
    }
    expect(openLoopGuard('v1', storage).recordLeave()).toBe(false)
    expect(storage.writes).toBe(0)
  })

  it('reads the storage once, when the document starts: a later record does not change its decision', () => {
    const storage = fakeStorage()
    const guard = openLoopGuard('v1', storage)
    openLoopGuard('v1', storage).recordLeave()
    expect(guard.bounced).toBe(false)
    expect(guard.recordLeave()).toBe(true)
  })

  it('a corrupt record counts as no record', () => {
    const guard = openLoopGuard('v1', fakeStorage({ [leaveRecordKey('v1')]: '{"version":' }))
    expect(guard.bounced).toBe(false)
    expect(guard.recordLeave()).toBe(true)
  })

  it('where storage throws, the document counts as bounced and never leaves', () => {
    const guard = openLoopGuard('v1', throwingStorage)
    expect(guard.bounced).toBe(true)
    expect(guard.recordLeave()).toBe(false)
  })

  it('where storage reads but cannot write (quota), the document may not leave', () => {
    const storage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError')
      },
    }
    const guard = openLoopGuard('v1', storage)
    expect(guard.bounced).toBe(false)
    expect(guard.recordLeave()).toBe(false)
  })

  it('a tab thrown back and forth between two versions (a CDN that lags) stops on the first it comes back to', () => {
    const storage = fakeStorage()
    expect(openLoopGuard('v1', storage).recordLeave(), 'v1 leaves for v2').toBe(true)
    vi.setSystemTime(start + 1_000)
    expect(openLoopGuard('v2', storage).recordLeave(), 'v2 fails and leaves').toBe(true)
    vi.setSystemTime(start + 2_000)
    expect(openLoopGuard('v1', storage).bounced, 'back on v1 moments after leaving it').toBe(true)
  })

  it('a chain of failing loads stops after one: leave, bounce, stay', () => {
    const storage = fakeStorage()
    const loads: string[] = []
    // Each document of v1 tries to leave as soon as it starts, as a tab whose entry script keeps failing would.
    for (let load = 0; load < 5; load++) {
      vi.setSystemTime(start + load * 1_000)
      if (openLoopGuard('v1', storage).recordLeave()) loads.push(`load ${load}`)
    }
    expect(loads).toEqual(['load 0'])
  })
})
