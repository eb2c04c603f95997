/**
 * What a scenario needs from a browser, and nothing more: open tabs, click, type, read the page, wait, tell a
 * document load from a client-side navigation. Scenarios are written once against this; each engine has a small
 * adapter (Playwright for Chromium and Firefox, WebDriver for WebKit).
 */

/** One browser with its own profile: tabs opened in it share service workers, caches and storage. */
export interface BrowserSession {
  readonly engine: Engine
  /** The browser that runs, as it names itself: e.g. `Chromium 156.0.8078.79`. */
  readonly browser: string
  /** Opens a new tab on `url` and waits until the document has loaded. */
  openTab(url: string): Promise<Tab>
  /** Messages the gatekeeper logged at error level, from pages and from the service worker, in this session. */
  gatekeeperErrors(): readonly string[]
  /** Content-Security-Policy violations reported in this session's pages. */
  policyViolations(): readonly string[]
  /**
   * Switches the browser's own connectivity signal (`navigator.onLine` and the online/offline events). It does not
   * reach service workers' fetches in every engine: to make a host unreachable, the host refuses connections.
   */
  setOnline(online: boolean): Promise<void>
  /** Stops every service worker of the browser, as the browser itself does when they idle. */
  stopServiceWorkers(): Promise<void>
  /**
   * What this engine's browser cannot be made to do from a test, with the evidence: a scenario that needs it is
   * skipped there with that reason (and the support table says so), never forked.
   */
  readonly cannot: { readonly [Action in SessionAction]?: string }
  close(): Promise<void>
}

/** The session's actions some engine cannot perform. */
export type SessionAction = 'setOnline' | 'stopServiceWorkers'

export type Engine = 'chromium' | 'firefox' | 'webkit'

/** How a session's browser presents itself. */
export interface SessionOptions {
  /** The reader's language, e.g. `de-DE`: Accept-Language and `navigator.languages`. */
  locale?: string
  /**
   * Pages see no Navigation API (`window.navigation`), as in a browser without it: removed before any script of
   * the page runs. A browser that has none (WebKitGTK 2.50) needs nothing removed.
   */
  withoutNavigationApi?: boolean
}

/** A key held down during a click: `Control` + click opens a link in a new tab, `Shift` + click in a new window. */
export type ModifierKey = 'Alt' | 'Control' | 'Meta' | 'Shift'

/** One tab of a session. Selectors are CSS selectors; expressions are JavaScript expressions run in the page. */
export interface Tab {
  /** Clicks the first element matching `selector`, as a user would, holding down `modifiers`. */
  click(selector: string, modifiers?: readonly ModifierKey[]): Promise<void>
  /** Types `text` into the field matching `selector`, as a user would. */
  type(selector: string, text: string): Promise<void>
  /** The value of a JavaScript expression in the current document. Retries while a navigation replaces it. */
  evaluate<T>(expression: string): Promise<T>
  /** Waits until `expression` is truthy in the current document; fails with `description` after `timeoutMs`. */
  waitFor(expression: string, description: string, timeoutMs?: number): Promise<void>
  /** Goes back one entry in the tab's history, as the browser's back button does. */
  back(): Promise<void>
  /** Goes forward one entry in the tab's history, as the browser's forward button does. */
  forward(): Promise<void>
  /** Navigates the tab to `url` as if typed in the address bar. */
  goto(url: string): Promise<void>
  /** `performance.timeOrigin` of the current document: it changes if and only if a new document loaded. */
  timeOrigin(): Promise<number>
}
