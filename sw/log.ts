/**
 * All the service worker's console output, one prefix, so a user can filter it; every error is also an event on
 * the state page, where a test in any engine can find it (WebDriver cannot read a worker's console).
 */

const PREFIX = '[version-gatekeeper]'

let record: ((what: string, detail: string) => void) | undefined

/** Also records every error reported from now on with `recorder` (the worker passes its event log). */
export function recordErrorsWith(recorder: (what: string, detail: string) => void): void {
  record = recorder
}

/** Reports an error inside the gatekeeper's own handling (the request itself was passed on to the network). */
export function logError(doing: string, error: unknown): void {
  console.error(`${PREFIX} error while ${doing}:`, error)
  record?.('error', `${doing}: ${String(error)}`)
}
