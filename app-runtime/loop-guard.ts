/**
 * The loop guard: before the gatekeeper sends a tab to a full document load it records when the tab left its
 * version; a document that starts on that same version moments later has bounced (the host still serves the old
 * version, a CDN lags, a file keeps failing) and must not start another load. Kept in sessionStorage: per tab, and
 * it survives the load it guards.
 */

/**
 * sessionStorage key of the record of leaving `version`: when the tab last left it, in ms since the epoch. One key
 * per version a tab left, so a tab thrown back and forth between two versions is caught on both.
 */
export function leaveRecordKey(version: string): string {
  return `version-gatekeeper:left:${version}`
}

/**
 * How long after leaving a version a document of that version counts as a bounce. A load over a slow mobile
 * connection takes seconds; 30 s covers it with room, while a failure much later gets its own single attempt.
 */
export const BOUNCE_WINDOW_MS = 30_000

/**
 * Whether a document starting at `now` arrived right after a gatekeeper load away from its version, according to
 * the `record` of leaving that version (which only the runtime writes). No record (null reads as the epoch), a
 * record that is not a time, or one from the future is no bounce.
 */
export function isBounce(record: string | null, now: number): boolean {
  const elapsed = now - Number(record)
  return elapsed >= 0 && elapsed < BOUNCE_WINDOW_MS
}

/** The guard of one document: whether it bounced, and the one way to record that it leaves. */
export interface LoopGuard {
  /** The document started right after an automatic load away from its own version: it starts no other. */
  readonly bounced: boolean
  /** Records that the tab leaves its version now; false (and the tab must not leave) when it bounced or cannot record. */
  recordLeave(): boolean
}

/**
 * The guard for a document of `version`. When storage fails the document counts as bounced: unable to guard
 * against loops, the gatekeeper starts no load at all and the app runs as if it were not there.
 */
export function openLoopGuard(version: string, storage: Pick<Storage, 'getItem' | 'setItem'> = sessionStorage): LoopGuard {
  const key = leaveRecordKey(version)
  let bounced = true
  try {
    bounced = isBounce(storage.getItem(key), Date.now())
  } catch {
    // bounced stays true
  }
  return {
    bounced,
    recordLeave() {
      try {
        return !bounced && (storage.setItem(key, String(Date.now())), true)
      } catch {
        return false
      }
    },
  }
}
