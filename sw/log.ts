/** All the service worker's console output, one prefix, so a user can filter it and a test can collect it. */

const PREFIX = '[version-gatekeeper]'

/** Reports an error inside the gatekeeper's own handling (the request itself was passed on to the network). */
export function logError(doing: string, error: unknown): void {
  console.error(`${PREFIX} error while ${doing}:`, error)
}
