/**
 * How the page looks while the runtime's own document load is under way: as it was. A link click leaves the old
 * page on screen until the new one paints; a load the runtime starts must look the same, but the app keeps running
 * meanwhile, and Firefox rejects a leaving document's pending imports at once (Chromium keeps them pending), so a
 * router would show its error view, or the old version of its new route, for the whole load.
 */

/** Longest time the frozen view stays, should the load never replace the document (a download, a 204, a Stop). */
export const FROZEN_MS = 10_000

/**
 * Swaps the page's body for an inert copy, with the fields' current values, and puts the live body back after
 * `FROZEN_MS`, or at once when the document is shown again from the back/forward cache. The app goes on in the live
 * body, out of sight.
 */
export function freezeView(): void {
  const live = document.body
  const view = live.cloneNode(true) as HTMLElement
  const fields = 'input,textarea,select'
  const copies = view.querySelectorAll<HTMLInputElement>(fields)
  live.querySelectorAll<HTMLInputElement>(fields).forEach((field, index) => {
    // A file field's value can only be emptied from script: setting it to a file name throws.
    if (field.type !== 'file') copies[index]!.value = field.value
  })
  live.replaceWith(view)
  // A no-op once the view is no longer in the document.
  const thaw = () => view.replaceWith(live)
  setTimeout(thaw, FROZEN_MS)
  addEventListener('pageshow', (event) => event.persisted && thaw())
}
