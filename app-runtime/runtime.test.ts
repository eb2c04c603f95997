import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { channelName, PROTOCOL_SCHEMA, type StateReply, type VersionChanged } from '../channel/protocol.js'
import type { VersionStamp } from '../manifest/manifest.js'
import { DEFAULT_CHECK_INTERVAL_MS, type RuntimeConfig } from './config.js'
import { FROZEN_MS, freezeView } from './freeze.js'
import { leaveRecordKey } from './loop-guard.js'
import { routeOf } from './navigation.js'
import { CHANNEL_SETTLE_MS, startRuntime } from './runtime.js'

/** What the page did, in order: the view frozen, the loads started, the app's own history calls. */
const { calls } = vi.hoisted(() => ({ calls: [] as string[] }))
vi.mock('./freeze.js', () => ({ FROZEN_MS: 10_000, freezeView: vi.fn(() => void calls.push('freeze')) }))

const v1: VersionStamp = { version: 'v1', builtAt: '2026-11-01T10:00:00.000Z' }
const v2: VersionStamp = { version: 'v2', builtAt: '2026-11-02T10:00:00.000Z' }
const CHECK_INTERVAL_MS = 5 * 60_000
const config: RuntimeConfig = {
  tab: v1,
  base: '/shop/',
  checkIntervalMs: CHECK_INTERVAL_MS,
  // Far beyond any clock a test advances: the entry watch never gives up here.
  entryTimeoutMs: 60 * 60_000,
  fallback: '/shop/fallback.v1.en.html',
}

/** The runtime's end of the worker's BroadcastChannel: the test delivers what the worker posts on it. */
class FakeChannel {
  static opened: FakeChannel[] = []
  onmessage: ((event: { data: unknown }) => void) | null = null
  closed = false
  constructor(readonly name: string) {
    FakeChannel.opened.push(this)
  }
  close() {
    this.closed = true
  }
}

/** An element in the path of a click, matching selectors by tag name as the DOM does: `a`, `area`, `span`… */
class FakeElement {
  constructor(readonly tagName: string) {}
  matches(selectors: string) {
    return selectors.split(',').includes(this.tagName)
  }
}

/** A link, as the click listener reads it: its resolved URL and the parts of it. */
class FakeAnchor extends FakeElement {
  readonly origin: string
  readonly pathname: string
  readonly search: string
  constructor(
    readonly href: string,
    readonly target = '',
  ) {
    super('a')
    ;({ origin: this.origin, pathname: this.pathname, search: this.search } = new URL(href))
  }
  hasAttribute() {
    return false
  }
}

/**
 * A tab of v1 at https://app.test/shop/cart, with the runtime started in it: its window and document (event
 * targets), its location and history (which log what they are asked to do in `calls`), a service worker container
 * that records what the runtime posts, and a sessionStorage (`left`: the loop guard's record at start).
 */
function tab({
  onLine = true,
  languages = ['fr-CH', 'fr'],
  left = undefined as string | undefined,
  register = undefined as false | undefined,
  navigationApi = false,
  settings = {} as Partial<RuntimeConfig>,
} = {}) {
  calls.length = 0
  FakeChannel.opened = []
  vi.mocked(freezeView).mockClear()
  const win = new EventTarget()
  const doc = Object.assign(new EventTarget(), { hidden: false })
  let here = new URL('https://app.test/shop/cart')
  const location = {
    get href() {
      return here.href
    },
    get origin() {
      return here.origin
    },
    get pathname() {
      return here.pathname
    },
    get search() {
      return here.search
    },
    get hash() {
      return here.hash
    },
    assign: (url: string) => void calls.push(`assign ${url}`),
    replace: (url: string) => void calls.push(`replace ${url}`),
    reload: () => void calls.push('reload'),
  }
  // The Navigation API, where the browser has one: its events, in the order Chromium 156 and Firefox 153 fire them.
  const navigation = navigationApi ? new EventTarget() : undefined
  const navigate = (navigationType: string, to: URL) =>
    navigation?.dispatchEvent(Object.assign(new Event('navigate'), { navigationType, hashChange: routeOf(to) === routeOf(here) && to.hash !== here.hash }))
  // The app's own history: it moves the URL, as the browser's does (navigate first, where there is the Navigation
  // API), and refuses another origin as the browser does.
  const move = (url: string | URL | null | undefined, navigationType: string) => {
    const to = url == null ? here : new URL(url, here)
    if (to.origin !== here.origin) throw new DOMException('cannot be created in a document with another origin', 'SecurityError')
    navigate(navigationType, to)
    here = to
  }
  const history = {
    pushState(_: unknown, __: string, url?: string | URL | null) {
      calls.push(`pushState ${url}`)
      move(url, 'push')
    },
    replaceState(_: unknown, __: string, url?: string | URL | null) {
      calls.push(`replaceState ${url}`)
      move(url, 'replace')
    },
  }
  const posted: unknown[] = []
  const container = Object.assign(new EventTarget(), {
    ready: Promise.resolve({ active: { postMessage: (message: unknown) => posted.push(message) } }),
    register: async (script: string, options: RegistrationOptions) => void registered.push({ script, options }),
  })
  const registered: { script: string; options: RegistrationOptions }[] = []
  const items = new Map<string, string>(left === undefined ? [] : [[leaveRecordKey('v1'), left]])
  vi.stubGlobal('window', { navigation })
  vi.stubGlobal('document', doc)
  vi.stubGlobal('location', location)
  vi.stubGlobal('history', history)
  vi.stubGlobal('navigator', { serviceWorker: container, languages, onLine })
  vi.stubGlobal('sessionStorage', { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => items.set(key, value) })
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win))
  vi.stubGlobal('BroadcastChannel', FakeChannel)
  startRuntime({ ...config, ...settings, ...(register === false && { register }) })
  return {
    posted,
    registered,
    load: () => win.dispatchEvent(new Event('load')),
    /** What the app's router sees of the window's events (registered after the runtime, as the app's are). */
    app: { popstate: vi.fn() },
    /** The worker answers this tab's CHECK with `newest`, to this tab alone; it last looked at the host at `checkedAt`. */
    hear(newest: VersionStamp, checkedAt = Date.now()) {
      const reply: StateReply = { type: 'STATE', schema: PROTOCOL_SCHEMA, newest, checkedAt }
      container.dispatchEvent(new MessageEvent('message', { data: reply }))
    },
    /** The worker posts `to` on the channel of the scope; true when this tab had it open to hear. */
    announce(to: VersionStamp) {
      const news: VersionChanged = { type: 'VERSION_CHANGED', schema: PROTOCOL_SCHEMA, from: v1.version, to }
      const open = FakeChannel.opened.filter((opened) => opened.name === channelName(config.base) && !opened.closed)
      for (const channel of open) channel.onmessage?.({ data: news })
      return open.length > 0
    },
    /**
     * The user clicks a plain link to `href` (on the text inside it, in a shadow root when `path` says so: what
     * the click's composed path holds from its target up); nothing else handles the click here.
     */
    click(href: string, path: (link: FakeAnchor) => object[] = (link) => [link]) {
      const event = Object.assign(new Event('click'), { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false })
      event.composedPath = () => [...path(new FakeAnchor(href)), doc, win] as EventTarget[]
      win.dispatchEvent(event)
      return event
    },
    /**
     * Back or forward to `url` within the document: the URL changes, then popstate. With the Navigation API,
     * navigate comes first and navigatesuccess before popstate (measured in Chromium 156 and Firefox 153).
     */
    traverse(url: string) {
      const to = new URL(url, here)
      navigate('traverse', to)
      here = to
      navigation?.dispatchEvent(new Event('navigatesuccess'))
      win.dispatchEvent(new Event('popstate'))
    },
    /** A router on the Navigation API intercepts a navigation to `url`: the URL moves without pushState. */
    routerNavigates(url: string) {
      const to = new URL(url, here)
      navigate('push', to)
      here = to
      navigation?.dispatchEvent(new Event('navigatesuccess'))
    },
    /** Vite's preload helper reports a chunk that failed. */
    chunkFails: () => win.dispatchEvent(new Event('vite:preloadError')),
    pageshow: (persisted: boolean) => win.dispatchEvent(Object.assign(new Event('pageshow'), { persisted })),
    pagehide: (persisted: boolean) => win.dispatchEvent(Object.assign(new Event('pagehide'), { persisted })),
    becomeVisible: () => doc.dispatchEvent(new Event('visibilitychange')),
    listen: (type: string, listener: () => void) => win.addEventListener(type, listener),
  }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe("the runtime's CHECK", () => {
  it("carries the languages of the tab's reader (navigator.languages) to the worker", async () => {
    const { posted } = tab({ languages: ['fr-CH', 'fr', 'en'] })
    await vi.waitFor(() => expect(posted).toHaveLength(1))
    expect(posted[0]).toEqual({ type: 'CHECK', schema: PROTOCOL_SCHEMA, tab: v1, maxAgeMs: CHECK_INTERVAL_MS, languages: ['fr-CH', 'fr', 'en'] })
  })

  it('carries them in the CHECK of a tab that becomes visible as well', async () => {
    const browser = tab({ languages: ['ja'] })
    browser.becomeVisible()
    await vi.waitFor(() => expect(browser.posted).toHaveLength(2))
    expect(browser.posted[1]).toMatchObject({ type: 'CHECK', maxAgeMs: 5_000, languages: ['ja'] })
  })
})

describe("a navigating tab's checks", () => {
  const navigate = (path: string) => history.pushState(null, '', path)
  /** Lets the posts the runtime queued on `serviceWorker.ready` happen, without moving the clock. */
  const posts = async () => {
    for (let tick = 0; tick < 3; tick++) await Promise.resolve()
  }

  it('asks again once its last CHECK is checkIntervalMs old, at a navigation, and not before', async () => {
    const browser = tab({ settings: { checkIntervalMs: 60_000 } })
    await posts()
    expect(browser.posted).toHaveLength(1)
    vi.advanceTimersByTime(59_999)
    navigate('/shop/orders')
    await posts()
    expect(browser.posted).toHaveLength(1)
    vi.advanceTimersByTime(1)
    navigate('/shop/invoices')
    await posts()
    expect(browser.posted).toHaveLength(2)
    expect(browser.posted[1]).toMatchObject({ type: 'CHECK', maxAgeMs: 60_000 })
    navigate('/shop/cart')
    await posts()
    expect(browser.posted).toHaveLength(2)
  })

  it(`asks at most every ${DEFAULT_CHECK_INTERVAL_MS} ms when its configuration leaves checkIntervalMs out`, async () => {
    const browser = tab({ settings: { checkIntervalMs: undefined } })
    await posts()
    expect(browser.posted).toMatchObject([{ maxAgeMs: DEFAULT_CHECK_INTERVAL_MS }])
    vi.advanceTimersByTime(DEFAULT_CHECK_INTERVAL_MS - 1)
    navigate('/shop/orders')
    await posts()
    expect(browser.posted).toHaveLength(1)
    vi.advanceTimersByTime(1)
    navigate('/shop/invoices')
    await posts()
    expect(browser.posted).toHaveLength(2)
  })

  it("times its next check from the worker's last look at the host, which may be older than its own CHECK", async () => {
    const browser = tab({ settings: { checkIntervalMs: 60_000 } })
    vi.advanceTimersByTime(10_000)
    // The worker answered from a look another tab had it make 60 s ago.
    browser.hear(v1, Date.now() - 60_000)
    navigate('/shop/orders')
    await posts()
    expect(browser.posted).toHaveLength(2)
  })

  it('a hidden tab that becomes visible asks at once, for an answer at most 5 s old', async () => {
    const browser = tab()
    browser.becomeVisible()
    await posts()
    expect(browser.posted).toHaveLength(2)
    expect(browser.posted[1]).toMatchObject({ type: 'CHECK', maxAgeMs: 5_000 })
  })
})

describe("the runtime's service worker registration", () => {
  it("registers the gatekeeper's sw.js at base once the page has loaded, past the HTTP cache", () => {
    const browser = tab()
    expect(browser.registered).toEqual([])
    browser.load()
    // No scope given: a worker's default scope is the folder of its script (https://w3c.github.io/ServiceWorker/#start-register), base.
    expect(browser.registered).toEqual([{ script: '/shop/sw.js', options: { updateViaCache: 'none' } }])
    expect(new URL('./', new URL(browser.registered[0]!.script, 'https://app.test')).pathname).toBe(config.base)
  })

  it("registers nothing in a project that registers its own worker, and still asks that worker (CHECK)", async () => {
    const browser = tab({ register: false })
    browser.load()
    expect(browser.registered).toEqual([])
    await vi.waitFor(() => expect(browser.posted).toMatchObject([{ type: 'CHECK' }]))
  })
})

describe('a document load the runtime starts', () => {
  it('starts once the channel is closed and the view frozen, a moment later', () => {
    const browser = tab()
    browser.click('https://app.test/shop/orders')
    browser.chunkFails()
    expect(calls).toEqual(['freeze'])
    expect(browser.announce(v2), 'the channel is closed').toBe(false)
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS - 1)
    expect(calls).toEqual(['freeze'])
    vi.advanceTimersByTime(1)
    expect(calls).toEqual(['freeze', 'assign https://app.test/shop/orders'])
  })

  it('a chunk that fails during a navigation freezes the view, then loads the destination', () => {
    const browser = tab()
    browser.click('https://app.test/shop/orders')
    browser.chunkFails()
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['freeze', 'assign https://app.test/shop/orders'])
  })

  it('a chunk that fails after the router committed the URL freezes the view, then reloads', () => {
    const browser = tab()
    history.pushState(null, '', '/shop/orders')
    browser.chunkFails()
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'reload'])
  })

  it('a chunk that fails in a programmatic navigation loads the URL the router commits during the pause, not an earlier click', () => {
    const browser = tab()
    browser.hear(v2)
    history.pushState(null, '', '/shop/orders') // an earlier navigation, moments ago: it left at once
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    browser.pageshow(true) // back, and the user navigates programmatically (a button): no link to read
    browser.chunkFails()
    history.pushState(null, '', '/shop/invoices?via=button#total') // the data router commits, with its error
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'reload', 'freeze', 'pushState /shop/invoices?via=button#total', 'reload'])
    expect(location.href).toBe('https://app.test/shop/invoices?via=button#total')
  })

  it('a chunk that fails in a programmatic navigation of a tab not yet armed reloads the URL the router commits', () => {
    const browser = tab()
    browser.click('https://app.test/shop/orders')
    history.pushState(null, '', '/shop/orders')
    browser.chunkFails()
    history.pushState(null, '', '/shop/invoices?via=button#total')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'pushState /shop/invoices?via=button#total', 'reload'])
    expect(location.href).toBe('https://app.test/shop/invoices?via=button#total')
  })

  it('starts once: a second failing chunk while the tab leaves neither freezes nor loads again', () => {
    const browser = tab()
    browser.click('https://app.test/shop/orders')
    browser.chunkFails()
    browser.chunkFails()
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['freeze', 'assign https://app.test/shop/orders'])
    expect(freezeView).toHaveBeenCalledTimes(1)
  })

  it.each([
    ['a push to another route', 'pushState', '/shop/orders?page=2#total'],
    ['a replace to another path', 'replaceState', '/shop/orders'],
  ] as const)('once armed, %s moves the URL, freezes the view and reloads the destination', (_, method, url) => {
    const browser = tab()
    browser.hear(v2)
    history[method](null, '', url)
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual([`${method} ${url}`, 'freeze', 'reload'])
    expect(location.href).toBe(`https://app.test${url}`)
  })

  it.each([
    ['without', false],
    ['with', true],
  ])('%s the Navigation API, once armed, back or forward to another route freezes the view and reloads, and the router hears nothing', (_, navigationApi) => {
    const browser = tab({ navigationApi })
    const router = vi.fn()
    browser.hear(v2)
    browser.listen('popstate', router)
    browser.traverse('/shop/orders')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['freeze', 'reload'])
    expect(router).not.toHaveBeenCalled()
  })

  it('once armed, a push the browser refuses (another origin) moves nothing and loads nothing; the next navigation does', () => {
    const browser = tab()
    browser.hear(v2)
    expect(() => history.pushState(null, '', 'https://other.test/shop/orders')).toThrow(DOMException)
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState https://other.test/shop/orders'])
    history.pushState(null, '', '/shop/orders')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState https://other.test/shop/orders', 'pushState /shop/orders', 'freeze', 'reload'])
  })

  it('once armed, a push or a replace that keeps the route (state, a hash, a mirrored filter) loads nothing', () => {
    const browser = tab()
    browser.hear(v2)
    history.pushState({ scroll: 1 }, '')
    history.pushState(null, '', '#total')
    history.replaceState(null, '', '/shop/cart?sort=price')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState undefined', 'pushState #total', 'replaceState /shop/cart?sort=price'])
  })

  it('once armed, back or forward within the same route (a hash) is left to the router', () => {
    const browser = tab()
    const router = vi.fn()
    browser.hear(v2)
    browser.listen('popstate', router)
    browser.traverse('/shop/cart#total')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual([])
    expect(router).toHaveBeenCalledTimes(1)
  })

  it('with the Navigation API, once armed, back to where a router moved the URL without pushState reloads it', () => {
    const browser = tab({ navigationApi: true })
    browser.routerNavigates('/shop/orders')
    browser.hear(v2)
    browser.traverse('/shop/cart')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['freeze', 'reload'])
    expect(location.href).toBe('https://app.test/shop/cart')
  })

  it('with the Navigation API, once armed, a push to another route moves the URL, freezes the view and reloads the destination', () => {
    const browser = tab({ navigationApi: true })
    browser.hear(v2)
    history.pushState(null, '', '/shop/orders')
    history.pushState(null, '', '/shop/invoices')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'pushState /shop/invoices', 'reload'])
  })

  it('with the Navigation API, back or forward to another route when not armed is left to the router', () => {
    const browser = tab({ navigationApi: true })
    const router = vi.fn()
    browser.listen('popstate', router)
    browser.traverse('/shop/orders')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual([])
    expect(router).toHaveBeenCalledTimes(1)
  })

  it('once armed, a click on what a link holds, in a shadow root, is the link\'s: the router never hears it', () => {
    const browser = tab()
    browser.hear(v2)
    const shadowHost = new FakeElement('product-card')
    const event = browser.click('https://app.test/shop/orders', (link) => [new FakeElement('span'), link, { host: shadowHost }, shadowHost])
    expect(event.cancelBubble, 'propagation stopped').toBe(true)
    expect(browser.announce(v2), 'the tab left: the channel is closed').toBe(false)
  })

  it('a click in a link of another kind than a or area (an SVG <a> reads its target as an object) is left to the app', () => {
    const browser = tab()
    browser.hear(v2)
    const svgLink = Object.assign(new FakeElement('a'), { href: { baseVal: '/shop/orders' }, target: { baseVal: '' }, hasAttribute: () => false })
    const event = browser.click('https://app.test/shop/orders', () => [svgLink])
    expect(event.cancelBubble).toBe(false)
    expect(browser.announce(v2)).toBe(true)
  })

  it('a click outside any link is left to the app', () => {
    const browser = tab()
    browser.hear(v2)
    const event = browser.click('https://app.test/shop/orders', () => [new FakeElement('button')])
    expect(event.cancelBubble).toBe(false)
    expect(browser.announce(v2)).toBe(true)
  })

  it('once armed, a link click is left to the browser: no freeze, the browser keeps the old page until the new one paints', () => {
    const browser = tab()
    browser.hear(v2)
    browser.click('https://app.test/shop/orders')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual([])
  })

  it('after it started a load, it starts no other: a push meanwhile moves the URL it reloads', () => {
    const browser = tab()
    browser.hear(v2)
    history.pushState(null, '', '/shop/orders')
    history.pushState(null, '', '/shop/invoices')
    browser.chunkFails()
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'pushState /shop/invoices', 'reload'])
    expect(location.href).toBe('https://app.test/shop/invoices')
  })

  it('back from the back/forward cache after its load, the tab may leave again', () => {
    const browser = tab()
    browser.hear(v2)
    history.pushState(null, '', '/shop/orders')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    browser.pageshow(true)
    history.pushState(null, '', '/shop/invoices')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'reload', 'pushState /shop/invoices', 'freeze', 'reload'])
  })

  it("the pageshow of the document's first load does not let it leave twice", () => {
    const browser = tab()
    browser.hear(v2)
    history.pushState(null, '', '/shop/orders')
    browser.pageshow(false)
    history.pushState(null, '', '/shop/invoices')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'pushState /shop/invoices', 'reload'])
  })

  it('offline, a failing chunk freezes nothing and loads nothing', () => {
    const browser = tab({ onLine: false })
    browser.click('https://app.test/shop/orders')
    browser.chunkFails()
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual([])
  })

  it('a chunk that fails outside a navigation (a lazy part of the page) freezes nothing and loads nothing', () => {
    const browser = tab()
    browser.click('https://app.test/shop/orders')
    vi.advanceTimersByTime(10_000)
    browser.chunkFails()
    browser.chunkFails()
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual([])
  })

  it('once armed, a chunk that fails outside a navigation reloads the page: its deployment is gone', () => {
    const browser = tab()
    browser.hear(v2)
    browser.chunkFails() // Vue Router's router.push() from code: the lazy component fails before any URL moves
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['freeze', 'reload'])
    expect(location.href).toBe('https://app.test/shop/cart')
  })

  it('a document that bounced (it left this version moments ago) freezes nothing and loads nothing', () => {
    const browser = tab({ left: String(Date.now() - 1_000) })
    browser.hear(v2)
    browser.click('https://app.test/shop/orders')
    browser.chunkFails()
    history.pushState(null, '', '/shop/invoices')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/invoices'])
  })
})

describe("the tab's end of the channel", () => {
  it('hears a new deployment, and the next navigation becomes a document load', () => {
    const browser = tab()
    expect(browser.announce(v2)).toBe(true)
    history.pushState(null, '', '/shop/orders')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders', 'freeze', 'reload'])
  })

  it('ignores news of a deployment older than its own', () => {
    const browser = tab()
    browser.announce({ version: 'v0', builtAt: '2026-10-01T10:00:00.000Z' })
    history.pushState(null, '', '/shop/orders')
    vi.advanceTimersByTime(CHANNEL_SETTLE_MS)
    expect(calls).toEqual(['pushState /shop/orders'])
  })

  it('closes as the page enters the back/forward cache, and opens again with a CHECK when it is restored', async () => {
    const browser = tab()
    await vi.waitFor(() => expect(browser.posted).toHaveLength(1))
    browser.pagehide(true)
    expect(browser.announce(v2)).toBe(false)
    browser.pageshow(true)
    expect(browser.announce(v2)).toBe(true)
    await vi.waitFor(() => expect(browser.posted).toHaveLength(2))
  })

  it('stays open through a pagehide that discards the page (nothing to evict)', () => {
    const browser = tab()
    browser.pagehide(false)
    expect(browser.announce(v2)).toBe(true)
  })

  it('closes the moment the runtime sends the tab away, and opens again if the document stays after all', () => {
    const browser = tab()
    browser.hear(v2)
    browser.click('https://app.test/shop/orders')
    expect(browser.announce(v2)).toBe(false)
    vi.advanceTimersByTime(FROZEN_MS)
    expect(browser.announce(v2)).toBe(true)
  })
})

