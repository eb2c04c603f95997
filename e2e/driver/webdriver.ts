/**
 * The WebDriver adapter: WebKitGTK's MiniBrowser, driven over WebDriver classic by its own WebKitWebDriver. Each
 * session starts its own WebKitWebDriver (on a free port) and so its own browser and profile, in the environment
 * that gives the reader's language. Tabs are WebDriver windows; one command runs at a time, in the tab it is for.
 * Run it under an X display (`xvfb-run -a`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Builder, By, Key, type WebDriver } from 'selenium-webdriver'
import { MINIBROWSER, MINIBROWSER_ARGS, WEBKIT_DRIVER } from './engines.js'
import type { BrowserSession, ModifierKey, SessionOptions, Tab } from './driver.js'

const GATEKEEPER_PREFIX = '[version-gatekeeper]'
const DEFAULT_TIMEOUT_MS = 15_000
/** Longer than any wait a scenario makes inside one expression (a held manifest, a 3 s settle). */
const SCRIPT_TIMEOUT_MS = 30_000
/** Starting WebKitWebDriver and MiniBrowser takes about 0.3 s here; this leaves room for a loaded machine. */
const DRIVER_START_TIMEOUT_MS = 10_000
/** Reading a tab's records when the session closes; a wedged tab must not hang the test's teardown. */
const GATHER_TIMEOUT_MS = 5_000
const LOCALES_DIR = join(import.meta.dirname, '../../.tmp/webkit-locales')

export const SET_ONLINE_UNSUPPORTED =
  "WebKit (WebKitGTK over WebDriver classic) cannot switch the browser's connectivity signal: WebDriver classic " +
  'has no network emulation, and WebKitGTK takes navigator.onLine from GLib\'s network monitor of the machine ' +
  '(GNetworkMonitor), which neither MiniBrowser nor WebKitWebDriver lets a client change.'

export const STOP_SERVICE_WORKERS_UNSUPPORTED =
  'WebKit (WebKitGTK) cannot be made to stop a service worker while a document of its origin is open: WebKit ' +
  'stops a worker only when no client of its origin is left (SWServerWorker::shouldBeTerminated, then ' +
  'defaultFunctionalEventDuration = 2 s), or on a failed heartbeat; its only other way, ' +
  '_terminateIdleServiceWorkersForTesting, is private Cocoa API. MiniBrowser flags, WebKit features ' +
  '(ShouldUseServiceWorkerShortTimeout is the heartbeat) and webkitgtk:browserOptions offer no idle timeout.'

/** A session in a new MiniBrowser of its own (own profile), started by a WebKitWebDriver of its own. */
export async function webkitSession(options: SessionOptions = {}): Promise<BrowserSession> {
  if (!process.env.DISPLAY) throw new Error('WebKit runs MiniBrowser, which needs an X display: run the tests under `xvfb-run -a`')
  const port = await freePort()
  const output: string[] = []
  const server = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
    env: { ...process.env, ...localeEnvironment(options.locale ?? 'en-US') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // The last lines the server and the browser printed, for the error if the session does not start.
  for (const stream of [server.stdout, server.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean))
      output.splice(0, output.length - 20)
    })
  }
  let driver: WebDriver
  try {
    await untilListening(port, server)
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: MINIBROWSER_ARGS } })
      .build()
    await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: SCRIPT_TIMEOUT_MS })
  } catch (error) {
    server.kill()
    throw new Error(`WebKitWebDriver did not start a MiniBrowser session: ${String(error)}\n${output.join('\n')}`)
  }
  const version = (await driver.getCapabilities()).get('browserVersion') as string | undefined
  return webdriverSession(driver, server, `WebKitGTK ${version ?? '(version not reported)'} (MiniBrowser)`)
}

function webdriverSession(driver: WebDriver, server: ChildProcess, browser: string): BrowserSession {
  const handles: string[] = []
  // What each tab's documents recorded (the fixture app keeps it in sessionStorage), read along with every
  // expression: WebDriver classic cannot read the console.
  const diagnostics = new Map<string, readonly string[]>()
  const workerErrors: string[] = []
  let current: string | undefined
  let queue: Promise<unknown> = Promise.resolve()

  /** Runs `command` once every earlier command of the session has finished. */
  const exclusive = <T>(command: () => Promise<T>): Promise<T> => {
    const run = queue.then(command)
    queue = run.catch(() => undefined)
    return run
  }
  /** Runs `command` in turn, with `handle`'s tab as WebDriver's current window. */
  const inTab = <T>(handle: string, command: () => Promise<T>): Promise<T> =>
    exclusive(async () => {
      if (handle !== current) await driver.switchTo().window(handle)
      current = handle
      return command()
    })

  const evaluateIn = async <T>(handle: string, expression: string): Promise<T> => {
    const result = await untilDocumentSettles(() =>
      inTab(handle, () => driver.executeAsyncScript<EvaluationResult>(evaluationScript(expression))),
    )
    if (result.diagnostics) diagnostics.set(handle, result.diagnostics)
    if ('error' in result) throw new Error(`${result.error}\n    evaluating: ${expression}`)
    return result.value as T
  }

  const tab = (handle: string): Tab => {
    const evaluate = <T>(expression: string) => evaluateIn<T>(handle, expression)
    const element = (selector: string) => driver.findElement(By.css(selector))
    return {
      click: (selector, modifiers = []) =>
        untilDocumentSettles(() =>
          inTab(handle, async () => {
            if (modifiers.length === 0) return (await element(selector)).click()
            const keys = modifiers.map((modifier) => MODIFIER_KEYS[modifier])
            let actions = driver.actions()
            for (const key of keys) actions = actions.keyDown(key)
            actions = actions.move({ origin: await element(selector) }).click()
            for (const key of keys) actions = actions.keyUp(key)
            await actions.perform()
          }),
        ),
      type: (selector, text) => untilDocumentSettles(() => inTab(handle, async () => (await element(selector)).sendKeys(text))),
      evaluate,
      async waitFor(expression, description, timeoutMs = DEFAULT_TIMEOUT_MS) {
        const deadline = Date.now() + timeoutMs
        while (!(await evaluate<unknown>(expression).catch(() => false))) {
          if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`)
          await sleep(50)
        }
      },
      back: () => inTab(handle, () => driver.navigate().back()),
      forward: () => inTab(handle, () => driver.navigate().forward()),
      goto: (url) => inTab(handle, () => driver.get(url)),
      timeOrigin: () => evaluate<number>('performance.timeOrigin'),
    }
  }

  /** Reads what the worker of each origin recorded as errors on its state page, from the tabs still open. */
  const gatherWorkerErrors = async () => {
    const origins = new Set<string>()
    for (const handle of handles) {
      const report = await withTimeout(evaluateIn<WorkerReport | null>(handle, READ_WORKER_REPORT), GATHER_TIMEOUT_MS).catch(() => null)
      if (!report || origins.has(report.origin)) continue
      origins.add(report.origin)
      for (const event of report.events) {
        if (event.what === 'error') workerErrors.push(`${GATEKEEPER_PREFIX} error while ${event.detail} (service worker, ${report.origin})`)
      }
    }
  }

  const lines = () => [...diagnostics.values()].flat()
  return {
    engine: 'webkit',
    browser,
    openTab: (url) =>
      exclusive(async () => {
        // The session starts with one window; every later tab is a window of its own. MiniBrowser shows one tab of
        // a window, and switching tabs over WebDriver does not change which: the others would stay hidden
        // (document.visibilityState), where every page of headless Chromium is visible.
        if (handles.length > 0) await driver.switchTo().newWindow('window')
        current = await driver.getWindowHandle()
        handles.push(current)
        await driver.get(url)
        return tab(current)
      }),
    gatekeeperErrors: () => [...lines().filter((line) => line.includes(GATEKEEPER_PREFIX)), ...workerErrors],
    policyViolations: () => lines().filter((line) => /Content.Security.Policy/i.test(line)),
    setOnline: async () => {
      throw new Error(SET_ONLINE_UNSUPPORTED)
    },
    stopServiceWorkers: async () => {
      throw new Error(STOP_SERVICE_WORKERS_UNSUPPORTED)
    },
    cannot: { setOnline: SET_ONLINE_UNSUPPORTED, stopServiceWorkers: STOP_SERVICE_WORKERS_UNSUPPORTED },
    async close() {
      try {
        await gatherWorkerErrors()
        await withTimeout(driver.quit(), GATHER_TIMEOUT_MS)
      } finally {
        server.kill()
      }
    },
  }
}

const MODIFIER_KEYS: Record<ModifierKey, string> = { Alt: Key.ALT, Control: Key.CONTROL, Meta: Key.META, Shift: Key.SHIFT }

type EvaluationResult = { diagnostics: string[] | null } & ({ value: unknown } | { error: string })
interface WorkerReport {
  origin: string
  events: { what: string; detail: string }[]
}

/**
 * The script WebDriver runs for `expression`: its value once settled, or what it threw, and the tab's records.
 * The expression is part of the script, not passed to eval(), which a page's Content-Security-Policy may forbid.
 */
function evaluationScript(expression: string): string {
  return `const done = arguments[arguments.length - 1]
const diagnostics = () => window.fixture?.diagnostics ?? JSON.parse(sessionStorage.getItem('fixture:diagnostics') ?? 'null')
Promise.resolve()
  .then(() => (${expression}\n))
  .then(
    (value) => done({ value, diagnostics: diagnostics() }),
    (error) => done({ error: String(error?.stack ?? error), diagnostics: diagnostics() }),
  )`
}

const READ_WORKER_REPORT = `window.fixture
  ? window.fixture.getState().then((state) => ({ origin: location.origin, events: state?.events ?? [] }), () => null)
  : null`

/**
 * Runs `command` again while a document load replaces the one it ran in, or until the element it needs is there
 * (as Playwright waits for it): WebKit fails a command whose document went away, and the next document answers.
 */
async function untilDocumentSettles<T>(command: () => Promise<T>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await command()
    } catch (error) {
      if (Date.now() > deadline || !RETRIED_ERRORS.test((error as Error | undefined)?.name ?? '')) throw error
      await sleep(100)
    }
  }
}

/**
 * WebDriver errors (selenium's names) that a document load or a late element causes. A script whose document
 * unloads fails with NoSuchFrameError ("Callback was not called before the unload event").
 */
const RETRIED_ERRORS = /^(NoSuchFrame|StaleElementReference|NoSuchElement|ElementNotInteractable|ElementClickIntercepted)Error$/

/**
 * Environment of a WebKitGTK browser that speaks `locale`. WebKitGTK takes its languages (navigator.languages,
 * Accept-Language) from the process's LC_CTYPE locale, which glibc only sets if that locale is compiled: they are
 * compiled once with localedef into .tmp/, which LOCPATH points to, so the machine needs no generated locales.
 */
function localeEnvironment(locale: string): Record<string, string> {
  const [language, region] = locale.split('-')
  const name = region ? `${language}_${region}` : defaultTerritory(language!)
  const dir = join(LOCALES_DIR, `${name}.UTF-8`)
  if (!existsSync(dir)) {
    // Two workers may compile the same locale at once: each in its own directory, the first rename wins.
    const partial = `${dir}.${process.pid}`
    mkdirSync(LOCALES_DIR, { recursive: true })
    execFileSync('localedef', ['-i', name, '-f', 'UTF-8', partial])
    try {
      renameSync(partial, dir)
    } catch {
      rmSync(partial, { recursive: true, force: true })
    }
  }
  return { LOCPATH: LOCALES_DIR, LC_ALL: `${name}.UTF-8`, LANG: `${name}.UTF-8`, LANGUAGE: name }
}

/** glibc has no locale for a bare language (`he`): the first territory Debian lists for it (`he_IL`). */
function defaultTerritory(language: string): string {
  const supported = readFileSync('/usr/share/i18n/SUPPORTED', 'utf8')
  const match = new RegExp(`^(${language}_[A-Z]+)\\.UTF-8 UTF-8$`, 'm').exec(supported)
  if (!match) throw new Error(`no glibc locale for the language ${language} in /usr/share/i18n/SUPPORTED`)
  return match[1]!
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })
}

async function untilListening(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + DRIVER_START_TIMEOUT_MS
  for (;;) {
    if (server.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${server.exitCode}`)
    const ready = await fetch(`http://127.0.0.1:${port}/status`).then((response) => response.ok, () => false)
    if (ready) return
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not listen on port ${port} within ${DRIVER_START_TIMEOUT_MS} ms`)
    await sleep(50)
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`no answer within ${ms} ms`)))])
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
