/**
 * The headless story: two tabs on v1, a draft, three releases, and what each tab does at its next click. Every
 * line it prints is read from the browser (or, for `host` lines, from the app host's request log); every step
 * checks what it prints and the story stops at the first step that does not hold.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import type { HostMode, RequestRecord } from '../e2e/host/index.js'
import { CHECK_INTERVAL_MS } from './app/settings.js'
import type { BuiltRelease } from './build-releases.js'
import type { Deployment } from './deployments.js'

export const CHROMIUM = '/usr/lib/chromium/chromium'
const WAIT_MS = 15_000
const DRAFT = 'Call Ana about Sintra, Sunday morning'

/** A step that did not hold: what the story was doing and what it saw instead. */
export class StoryFailure extends Error {}

/** Debian's Chromium, headless; throws with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new StoryFailure(`Chromium is not installed at ${CHROMIUM}: install it with \`apt-get install -y chromium\``)
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-gpu', '--disable-quic', '--disable-background-networking'],
  })
}

export interface StoryOptions {
  appUrl: string
  mode: HostMode
  releases: readonly BuiltRelease[]
  /** Deploys the next release. */
  deployNext: () => Deployment | undefined
  /** The app host's request log. */
  requests: () => readonly RequestRecord[]
  log: (line: string) => void
}

/** What the demo app shows in one tab (see demo/app/src/main.ts). */
interface TabView {
  release: string | null
  loads: number
  path: string
  timeOrigin: number
  /** `performance.now()`: how long this document has been open. */
  age: number
  controlled: boolean
  /** The path the view rendered, or `error` when its chunk failed. */
  route: string | null
  /** The release of the route's own chunk. */
  routeRelease: string | null
  /** `Date.now()` in the page when the route was rendered. */
  renderedAt: number
  /** The version the banner announces, or null while it is hidden. */
  newer: string | null
  /** `Date.now()` in the page when the banner appeared. */
  newerSince: number
  draft: string
  /** `Date.now()` in Node when this was read. */
  seenAt: number
}

const READ_VIEW = `(() => {
  const root = document.documentElement
  const view = document.getElementById('view')
  const banner = document.getElementById('banner')
  return {
    release: root.dataset.release ?? null,
    loads: Number(root.dataset.loads ?? 0),
    path: location.pathname + location.search + location.hash,
    timeOrigin: performance.timeOrigin,
    age: performance.now(),
    controlled: !!navigator.serviceWorker?.controller,
    route: view?.dataset.route ?? null,
    routeRelease: view?.dataset.release ?? null,
    renderedAt: Number(view?.dataset.renderedAt ?? 0),
    newer: banner && !banner.hidden ? banner.dataset.version ?? null : null,
    newerSince: Number(banner?.dataset.since ?? 0),
    draft: document.getElementById('draft')?.value ?? '',
  }
})()`

/** Plays the story in a fresh context of `browser`; resolves when every step held, throws a StoryFailure otherwise. */
export async function playStory(browser: Browser, options: StoryOptions): Promise<void> {
  const { appUrl, mode, releases, log } = options
  const start = Date.now()
  const seconds = (at: number) => `${((at - start) / 1000).toFixed(2)}s`.padStart(7)
  const history: Deployment[] = []

  // Steps that run side by side (one tab moves while the other learns of the deploy) report what they saw with the
  // time it happened; `flush` prints them in time order, with the app host's telling requests in between.
  let pending: { at: number; text: string }[] = []
  const printed = new Set(options.requests())
  const say = (actor: string, text: string, at = Date.now()) => pending.push({ at, text: `${actor.padEnd(5)}  ${text}` })
  const flush = () => {
    const until = Math.max(...pending.map((line) => line.at))
    for (const request of options.requests()) {
      if (printed.has(request) || request.at > until) continue
      printed.add(request)
      const what = describeRequest(request, releases, history)
      if (what) pending.push({ at: request.at, text: `host   ${what}` })
    }
    for (const line of pending.sort((x, y) => x.at - y.at)) log(`${seconds(line.at)}  ${line.text}`)
    pending = []
  }
  const sayTab = (tab: Tab, view: TabView, text: string) =>
    say(tab.name, `${(view.release ?? '?').padEnd(3)} ${view.path.padEnd(12)} ${text}`, view.seenAt)
  const releaseOf = (version: string) => releases.find((release) => release.version === version)?.name ?? `version ${version}`

  const context = await browser.newContext({ serviceWorkers: 'allow' })
  try {
    const open = async (name: string) => {
      const tab = new Tab(name, await context.newPage())
      await tab.page.goto(appUrl)
      const view = await tab.waitFor((v) => v.controlled && v.route !== null, 'a service worker controls the tab')
      sayTab(tab, view, 'opened (controlled by the service worker)')
      return tab
    }
    const deploy = () => {
      const deployment = options.deployNext()
      if (!deployment) throw new StoryFailure('deploy: there is no next release')
      history.push(deployment)
      say('deploy', `${deployment.release.name} (version ${deployment.release.version})`)
      return deployment.release
    }

    /** The tab learns of `release` without moving: banner shown, same document, draft as it was. */
    const armed = async (tab: Tab, release: BuiltRelease, before: TabView) => {
      const view = await tab.waitFor((v) => v.newer !== null, `the banner shows in ${tab.name} (a newer version is known)`)
      const same = view.timeOrigin === before.timeOrigin && view.loads === before.loads && view.release === before.release
      if (!same) {
        throw new StoryFailure(`${tab.name} was reloaded before its user navigated (${describe(before)} → ${describe(view)})`)
      }
      if (view.newer !== release.version) {
        throw new StoryFailure(`${tab.name} announces version ${view.newer}, expected ${release.name}'s ${release.version}`)
      }
      if (view.draft !== before.draft) {
        throw new StoryFailure(`${tab.name} lost its draft: ${JSON.stringify(before.draft)} → ${JSON.stringify(view.draft)}`)
      }
      const draft = view.draft ? `; draft kept (${JSON.stringify(view.draft)})` : ''
      const text = `armed: the next navigation goes to ${releaseOf(view.newer)}${draft}`
      sayTab(tab, { ...view, seenAt: view.newerSince || view.seenAt }, text)
    }

    /**
     * The tab's user clicks the link to `href` and the tab lands there in `release` as one document load. On a host
     * that keeps old files nothing fails: the click asks for a check, and either the check's answer arrives before
     * the router commits (then this click moves the tab), or the route renders from the old files and the user's
     * next click, on a nav link, moves it.
     */
    const moveOn = async (tab: Tab, href: string, release: BuiltRelease): Promise<void> => {
      let before = await tab.read()
      if (mode === 'keep-old' && before.newer === null) {
        // A navigating tab asks for a check once its last one is a check interval old, and the service worker
        // looks only when its own last look (for any tab) is that old too.
        const looks = () => options.requests().filter((request) => request.path === '/deploy-manifest.json')
        const lastLook = () => Math.max(0, ...looks().map((request) => request.at))
        const due = (v: TabView) => v.age > CHECK_INTERVAL_MS + 250 && Date.now() - lastLook() > CHECK_INTERVAL_MS + 250
        before = await tab.waitFor(due, 'a check interval passed', CHECK_INTERVAL_MS + WAIT_MS)
      }
      let after = await tab.clickAndWait(href)
      if (mode === 'keep-old' && after.timeOrigin === before.timeOrigin && after.release === before.release) {
        const text = `stayed in the page: the host still serves ${after.routeRelease}'s files; the click asked for a check`
        sayTab(tab, after, text)
        await armed(tab, release, after)
        before = await tab.read()
        href = navLinkAwayFrom(before.path)
        after = await tab.clickAndWait(href)
      }
      const problems = [
        after.timeOrigin === before.timeOrigin && 'it stayed in the same document',
        after.loads !== before.loads + 1 && `it loaded ${after.loads - before.loads} documents`,
        after.release !== release.name && `the document is ${after.release}`,
        after.routeRelease !== release.name && `the route came from ${after.routeRelease}`,
        after.path !== href && `it is at ${after.path}`,
      ].filter(Boolean)
      if (problems.length > 0) {
        const expected = `${tab.name} clicked ${href} expecting one document load into ${release.name}`
        throw new StoryFailure(`${expected}, but ${problems.join(', ')} (${describe(after)})`)
      }
      sayTab(tab, after, `one document load (was ${before.release} at ${before.path})`)
    }

    const a = await open('tab A')
    flush()
    const b = await open('tab B')
    flush()
    await b.page.locator('#draft').pressSequentially(DRAFT)
    const bTyped = await b.read()
    if (bTyped.draft !== DRAFT) throw new StoryFailure(`tab B's draft reads ${JSON.stringify(bTyped.draft)}`)
    sayTab(b, bTyped, `typed a draft (${JSON.stringify(bTyped.draft)})`)
    flush()

    const v2 = deploy()
    await Promise.all([moveOn(a, '/notes/2', v2), armed(b, v2, bTyped)])
    flush()
    await moveOn(b, '/about', v2)
    flush()

    const [aOnV2, bOnV2] = [await a.read(), await b.read()]
    const v3 = deploy()
    // From /notes/2, `/` is a route no tab has opened in v2: its v2 chunk is neither on the host nor in the service
    // worker's v2 cache (a chunk another tab already loaded would be served from there, and nothing would fail).
    await Promise.all([moveOn(a, navLinkAwayFrom(aOnV2.path), v3), armed(b, v3, bOnV2)])
    flush()
    await moveOn(b, navLinkAwayFrom(bOnV2.path), v3)
    flush()
  } catch (error) {
    if (pending.length > 0) flush()
    throw error
  } finally {
    await context.close()
  }
}

/** One tab of the story: reads what the demo app shows, surviving document loads in between. */
class Tab {
  constructor(
    readonly name: string,
    readonly page: Page,
  ) {}

  async read(): Promise<TabView> {
    for (let attempt = 0; ; attempt++) {
      try {
        return { ...((await this.page.evaluate(READ_VIEW)) as TabView), seenAt: Date.now() }
      } catch (error) {
        // A document being replaced destroys the execution context: ask the next one.
        if (attempt >= 50 || !/context was destroyed|navigat/i.test(String(error))) throw error
        await this.page.waitForTimeout(50)
      }
    }
  }

  async waitFor(holds: (view: TabView) => boolean, what: string, timeoutMs = WAIT_MS): Promise<TabView> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const view = await this.read()
      if (holds(view)) return view
      if (Date.now() > deadline) {
        throw new StoryFailure(`${this.name}: timed out after ${timeoutMs} ms waiting until ${what} (${describe(view)})`)
      }
      await this.page.waitForTimeout(50)
    }
  }

  /**
   * Clicks the first link to `href` and waits until the tab has rendered that route since, then a little longer to
   * make sure no second document load follows.
   */
  async clickAndWait(href: string): Promise<TabView> {
    const clickedAt = Date.now()
    // `force` skips Playwright's wait for the link to be "stable" (two animation frames), which in a headless tab
    // that is not in front can take a second or two; the click itself is the same real mouse click.
    await this.page
      .locator(`a[href="${href}"]`)
      .first()
      .click({ timeout: WAIT_MS, force: true })
      .catch((error: unknown) => {
        throw new StoryFailure(`${this.name} could not click a link to ${href}: ${String(error).split('\n')[0]}`)
      })
    const shown = await this.waitFor((v) => v.route === href && v.renderedAt >= clickedAt, `${this.name} shows ${href}`)
    await this.page.waitForTimeout(300)
    const settled = await this.read()
    if (settled.timeOrigin !== shown.timeOrigin || settled.loads !== shown.loads) {
      throw new StoryFailure(`${this.name} loaded another document after showing ${href} (${describe(settled)})`)
    }
    return { ...shown, seenAt: shown.renderedAt }
  }
}

/** A link of the app's nav bar (on every page) that leads away from `path`. */
function navLinkAwayFrom(path: string): string {
  return path === '/' ? '/about' : '/'
}

function describe(view: TabView): string {
  const route = view.route === 'error' ? 'the route failed' : `route ${view.route} from ${view.routeRelease}`
  return `${view.release} at ${view.path}, ${route}, ${view.loads} loads, timeOrigin ${view.timeOrigin}`
}

/** A line for the requests that tell the story (documents, gone files, manifest checks); undefined for the rest. */
function describeRequest(
  request: RequestRecord,
  releases: readonly BuiltRelease[],
  history: readonly Deployment[],
): string | undefined {
  const path = request.path.split('?', 1)[0]!
  const line = `${request.method} ${request.path} → ${request.status || 'reset'}`
  const live = [...history].reverse().find((deployment) => deployment.at <= request.at)?.release ?? releases[0]!
  const holds = (release: string | undefined) => releases.some((r) => r.name === release && existsSync(join(r.dir, path)))
  const owner = releases.find((release) => holds(release.name))?.name ?? 'an unknown'
  if (path === '/deploy-manifest.json') {
    const answer = request.status === 304 ? 'unchanged' : `names ${request.release}`
    return `${line}${request.conditional ? ' (conditional)' : ''}, ${answer}: the service worker reads the manifest`
  }
  if (path.startsWith('/assets/')) {
    if (request.status === 404) return `${line}: ${owner}'s file is gone`
    if (request.status === 200 && !holds(request.release)) {
      return `${line} with ${request.release}'s index.html: ${owner}'s file is gone, the host rewrote it`
    }
    if (request.status === 200 && request.release !== live.name) {
      return `${line} from ${request.release}: the host keeps old files`
    }
    return undefined
  }
  if (path === '/sw.js' || path.includes('.')) return undefined
  return `${line} ${request.release ?? ''}: a document load`
}
