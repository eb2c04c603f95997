/**
 * The file times of a built release, as a host sees them. nginx derives ETags from mtime and size only: two releases
 * built within one second, with an index.html of the same size, would share an ETag, and a revalidating browser
 * would keep the old page. Real deployments are minutes apart; builds in a test or a demo are not.
 */
import { readdirSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'

/** Dates every file of release `index` (of `count`, in deployment order) a minute after the release before it. */
export function dateRelease(dir: string, index: number, count: number): void {
  const time = new Date(Date.now() - (count - index) * 60_000)
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry))
    utimesSync(path, time, time)
  }
  visit(dir)
}
