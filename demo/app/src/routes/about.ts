import { CHECK_INTERVAL_MS } from '../../settings.ts'
import { RELEASE } from '../release.ts'

export const release = RELEASE

export function render(view: HTMLElement): string {
  view.innerHTML = `
    <h1>About this demo</h1>
    <p>This page is release <strong>${RELEASE}</strong>. Each route is a lazily loaded chunk with a hashed file name,
      and a deployment deletes the previous release's chunks.</p>
    <p>After a deployment nothing happens to this tab until you navigate: the banner appears, your draft stays.
      Your next click loads the page you asked for in the new version, as one full page load.
      A click that needs a chunk that is gone lands there too.</p>
    <p>On a host that keeps old files nothing fails, so a navigating tab asks for a check at most every
      ${CHECK_INTERVAL_MS / 1000} s (the default is 5 minutes), and a tab that becomes visible asks at once.</p>`
  return 'About'
}
