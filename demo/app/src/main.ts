/**
 * The notes app: a history router with lazy routes (like a data router, it loads the route's chunk before it
 * commits the URL), a draft that lives only in the page, and a banner when the gatekeeper learns of a newer
 * deployment. The app does nothing about deployments itself: the gatekeeper moves it at the next navigation.
 */
import { currentVersion, onNewerVersion } from 'version-gatekeeper/runtime'
import { COLOR, COLOR_NAME, RELEASE } from './release.ts'
import './style.css'

interface RouteModule {
  release: string
  /** Renders into `view` and returns the page title. */
  render(view: HTMLElement, params: readonly string[]): string
}

const routes: { pattern: RegExp; load: () => Promise<RouteModule> }[] = [
  { pattern: /^\/$/, load: () => import('./routes/list.ts') },
  { pattern: /^\/notes\/(\d+)$/, load: () => import('./routes/note.ts') },
  { pattern: /^\/about$/, load: () => import('./routes/about.ts') },
]

const root = document.documentElement
const view = document.getElementById('view')!
const banner = document.getElementById('banner')!

async function navigate(url: URL, commit: 'push' | 'none'): Promise<void> {
  const match = routes.map((route) => ({ route, found: route.pattern.exec(url.pathname) })).find(({ found }) => found)
  if (!match) {
    if (commit === 'push') history.pushState(null, '', url)
    view.innerHTML = `<h1>Not found</h1><p>Nothing lives at <code>${url.pathname}</code>.</p>`
    view.dataset.route = url.pathname
    view.dataset.renderedAt = String(Date.now())
    delete view.dataset.release
    return
  }
  let module: RouteModule
  try {
    module = await match.route.load()
  } catch (error) {
    // The error boundary: what a user of an app without the gatekeeper sees after a deployment.
    view.innerHTML = `<h1>This page failed to load</h1><p class="error">${String(error)}</p>`
    view.dataset.route = 'error'
    return
  }
  if (commit === 'push') history.pushState(null, '', url)
  document.title = `${module.render(view, match.found!.slice(1))} · Notes ${RELEASE}`
  view.dataset.route = url.pathname
  view.dataset.release = module.release
  view.dataset.renderedAt = String(Date.now())
}

document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest('a')
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const url = new URL(link.href)
  if (url.origin !== location.origin) return
  event.preventDefault()
  if (url.href !== location.href) void navigate(url, 'push')
})
addEventListener('popstate', () => void navigate(new URL(location.href), 'none'))

// Who we are, shown prominently and kept as data attributes for the headless story.
const loads = Number(sessionStorage.getItem('demo:loads') ?? '0') + 1
sessionStorage.setItem('demo:loads', String(loads))
const version = currentVersion()?.version ?? 'none (no gatekeeper runtime)'
root.style.setProperty('--accent', COLOR)
root.dataset.release = RELEASE
root.dataset.loads = String(loads)
document.getElementById('release')!.textContent = `${RELEASE} · ${COLOR_NAME}`
document.getElementById('footer')!.textContent =
  `Release ${RELEASE} · gatekeeper version ${version} · page loads in this tab: ${loads}`

onNewerVersion((newest) => {
  banner.dataset.version = newest.version
  banner.dataset.since = String(Date.now())
  document.getElementById('banner-version')!.textContent = `(version ${newest.version})`
  banner.hidden = false
})

void navigate(new URL(location.href), 'none')
