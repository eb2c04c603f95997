import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_ENTRY_TIMEOUT_MS, type RuntimeConfig } from './config.js'
import { isEntryScript, watchEntry } from './entry-watch.js'
import { leaveRecordKey, openLoopGuard } from './loop-guard.js'

const ENTRY_TIMEOUT_MS = 20_000
const config: RuntimeConfig = {
  tab: { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' },
  base: '/shop/',
  checkIntervalMs: 5 * 60_000,
  entryTimeoutMs: ENTRY_TIMEOUT_MS,
  fallback: '/shop/fallback.v1.en.html',
}

/** What Vite writes into index.html for an entry, as the DOM reads it. */
const entry = { type: 'module', src: 'https://app.test/shop/assets/index-v1.js' }

describe('isEntryScript', () => {
  it('is a module script with a src, as Vite writes each entry into index.html', () => {
    expect(isEntryScript(entry)).toBe(true)
  })

  it.each([
    ['a classic script', { type: '', src: 'https://app.test/shop/legacy.js' }],
    ['an inline module script (a src that reads as the empty string)', { type: 'module', src: '' }],
    ['an image, a stylesheet or a module preload (no script type)', { src: 'https://app.test/shop/logo.png' }],
    ['a link of another type', { type: 'text/css' }],
  ])('is not %s', (_, element) => {
    expect(isEntryScript(element)).toBe(false)
  })
})

/** A first visit to https://app.test/shop/cart with the entry watch started: what the document does, in `calls`. */
function page({ onLine = true, left = undefined as string | undefined, settings = {} as Partial<RuntimeConfig> } = {}) {
  const calls: string[] = []
  const win = new EventTarget()
  const doc = new EventTarget()
  const items = new Map<string, string>(left === undefined ? [] : [[leaveRecordKey('v1'), left]])
  vi.stubGlobal('document', doc)
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win))
  vi.stubGlobal('navigator', { onLine })
  vi.stubGlobal('location', {
    href: 'https://app.test/shop/cart?id=1',
    reload: () => void calls.push('reload'),
    replace: (url: string) => void calls.push(`replace ${url}`),
  })
  const storage = { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) }
  watchEntry({ ...config, ...settings }, openLoopGuard('v1', storage))
  /** An element's load or error event, as it reaches the document in the capture phase. */
  const fire = (type: 'load' | 'error', element: object) => {
    const event = new Event(type)
    Object.defineProperty(event, 'target', { value: element })
    doc.dispatchEvent(event)
  }
  return {
    calls,
    loads: (element: object) => fire('load', element),
    fails: (element: object) => fire('error', element),
    leaves: () => win.dispatchEvent(new Event('beforeunload')),
  }
}

const fallbackOfThisPage = `replace /shop/fallback.v1.en.html?from=${encodeURIComponent('https://app.test/shop/cart?id=1')}`

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('watchEntry', () => {
  it('an entry that runs ends the watch: nothing happens, ever', () => {
    const browser = page()
    browser.loads(entry)
    browser.fails(entry)
    vi.advanceTimersByTime(ENTRY_TIMEOUT_MS)
    expect(browser.calls).toEqual([])
  })

  it('an entry that fails reloads the document once', () => {
    const browser = page()
    browser.fails(entry)
    browser.fails(entry)
    vi.advanceTimersByTime(ENTRY_TIMEOUT_MS)
    expect(browser.calls).toEqual(['reload'])
  })

  it('an entry that fails again right after that reload shows the fallback page, with the way back', () => {
    const browser = page({ left: String(Date.now() - 2_000) })
    browser.fails(entry)
    expect(browser.calls).toEqual([fallbackOfThisPage])
  })

  it(`an entry that has not run after ${ENTRY_TIMEOUT_MS} ms counts as failed`, () => {
    const browser = page()
    vi.advanceTimersByTime(ENTRY_TIMEOUT_MS - 1)
    expect(browser.calls).toEqual([])
    vi.advanceTimersByTime(1)
    expect(browser.calls).toEqual(['reload'])
  })

  it(`waits ${DEFAULT_ENTRY_TIMEOUT_MS} ms when its configuration leaves entryTimeoutMs out`, () => {
    const browser = page({ settings: { entryTimeoutMs: undefined } })
    vi.advanceTimersByTime(DEFAULT_ENTRY_TIMEOUT_MS - 1)
    expect(browser.calls).toEqual([])
    vi.advanceTimersByTime(1)
    expect(browser.calls).toEqual(['reload'])
  })

  it('offline, an entry that fails shows the fallback page at once: a reload would bring the browser error page', () => {
    const browser = page({ onLine: false })
    browser.fails(entry)
    expect(browser.calls).toEqual([fallbackOfThisPage])
  })

  it('loads and failures of anything but a module script with a src change nothing', () => {
    const browser = page()
    browser.fails({ src: 'https://ads.test/pixel.gif' })
    browser.fails({ type: '', src: 'https://ads.test/tag.js' })
    browser.loads({ type: 'module', src: '' })
    expect(browser.calls).toEqual([])
    browser.fails(entry)
    expect(browser.calls).toEqual(['reload'])
  })

  it('a document that is being left ignores the errors of the loads it aborts (Firefox reports them)', () => {
    const browser = page()
    browser.leaves()
    browser.fails(entry)
    vi.advanceTimersByTime(ENTRY_TIMEOUT_MS)
    expect(browser.calls).toEqual([])
  })
})
