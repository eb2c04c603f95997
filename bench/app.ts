/**
 * The app every column of the benchmark builds: a history router over N lazy routes, the same sources for every
 * alternative. Only one module differs, `bench:integration` (an alias the Vite config points at the alternative's
 * file), and only the Vite config's plugins: so the difference in bytes and time between two columns is the
 * alternative's own. Generated into a directory (the 300-route app of the build measurement comes from the same code).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const REPO_ROOT = resolve(import.meta.dirname, '..')

/** How the app is generated. */
export interface BenchAppOptions {
  routes: number
  /** Bytes of text each route's chunk carries, so a chunk weighs what a real route does. */
  routeBytes: number
}

/** The alternatives the benchmark compares, in column order. */
export const ALTERNATIVES = ['plain', 'gatekeeper', 'pwa-auto', 'pwa-prompt', 'poller'] as const
export type Alternative = (typeof ALTERNATIVES)[number]

/** Column headings. */
export const ALTERNATIVE_LABELS: Record<Alternative, string> = {
  plain: 'no service worker',
  gatekeeper: 'version-gatekeeper',
  'pwa-auto': 'vite-plugin-pwa autoUpdate',
  'pwa-prompt': 'vite-plugin-pwa prompt + hourly update()',
  poller: '5-min version poller',
}

/** The path of route `index` (route 0 is `/`). */
export function routePath(index: number): string {
  return index === 0 ? '/' : `/r${index}`
}

/**
 * Writes the app's sources into `dir` (emptied first), as a package of its own with the gatekeeper installed as a
 * link to this repository (so `version-gatekeeper/vite` is dist/, through package.json's exports). A package of its
 * own, because the repository's `"sideEffects": false` would let the bundler drop the app's `import 'bench:integration'`.
 */
export function writeBenchApp(dir: string, options: BenchAppOptions): void {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'src/routes'), { recursive: true })
  mkdirSync(join(dir, 'src/integration'), { recursive: true })
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(REPO_ROOT, join(dir, 'node_modules/version-gatekeeper'), 'dir')
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify({ name: 'bench-app', private: true, type: 'module' }, null, 2)}\n`,
    'index.html': indexHtml(options.routes),
    'vite.config.ts': VITE_CONFIG,
    'src/main.ts': mainModule(options.routes),
    'src/integration/none.ts': 'export {}\n',
    'src/integration/pwa-auto.ts': PWA_AUTO,
    'src/integration/pwa-prompt.ts': PWA_PROMPT,
    'src/integration/poller.ts': POLLER,
    'src/env.d.ts': ENV_TYPES,
  }
  for (let index = 0; index < options.routes; index++) files[`src/routes/r${index}.ts`] = routeModule(index, options.routeBytes)
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
}

function indexHtml(routes: number): string {
  const links = Array.from({ length: routes }, (_, index) => `      <a href="${routePath(index)}">r${index}</a>`).join('\n')
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>bench app</title>
  </head>
  <body>
    <nav>
${links}
    </nav>
    <main id="view"></main>
    <p id="error" hidden></p>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`
}

/**
 * The router, and what the benchmark reads: when the route rendered (`renderedAt`, wall-clock ms) and when the click
 * that led here started (kept in sessionStorage, so a document load in between keeps it).
 */
function mainModule(routes: number): string {
  const table = Array.from({ length: routes }, (_, index) => `  '${routePath(index)}': () => import('./routes/r${index}.ts'),`).join('\n')
  return `import 'bench:integration'

type Route = { render(view: HTMLElement): void }
const routes: Record<string, () => Promise<Route>> = {
${table}
}
const view = document.getElementById('view')!
const error = document.getElementById('error')!
const now = () => performance.timeOrigin + performance.now()
const bench = {
  release: import.meta.env.VITE_RELEASE as string,
  renderedAt: 0,
  clickAt: Number(sessionStorage.getItem('bench:clickAt') ?? 0),
  /** Loads a route's chunk as the router does and answers how long it took (ms). */
  async timeLoad(path: string): Promise<number> {
    const started = performance.now()
    await routes[path]!()
    return performance.now() - started
  },
}
Object.assign(window, { bench })

async function navigate(url: URL, commit: boolean): Promise<void> {
  let route: Route
  try {
    route = await (routes[url.pathname] ?? routes['/']!)()
  } catch (failure) {
    error.hidden = false
    error.textContent = String(failure)
    return
  }
  if (commit) history.pushState(null, '', url)
  error.hidden = true
  route.render(view)
  bench.renderedAt = now()
}

// The press that starts a click, not the click itself: the gatekeeper's runtime stops an armed tab's click before
// any other listener hears it (it leaves the page instead).
addEventListener('pointerdown', (event) => sessionStorage.setItem('bench:clickAt', String(performance.timeOrigin + event.timeStamp)), true)
document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest('a')
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const url = new URL(link.href)
  if (url.origin !== location.origin) return
  event.preventDefault()
  void navigate(url, true)
})
addEventListener('popstate', () => void navigate(new URL(location.href), false))
void navigate(new URL(location.href), false)
`
}

/** A route: its name, the release it was built in, and some text (deterministic, so builds are reproducible). */
function routeModule(index: number, bytes: number): string {
  const words = ['deploy', 'version', 'chunk', 'route', 'tab', 'worker', 'cache', 'manifest', 'host', 'navigation', 'hash', 'asset']
  let seed = index + 1
  const text: string[] = []
  let length = 0
  while (length < bytes) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    const word = words[seed % words.length]!
    text.push(word)
    length += word.length + 1
  }
  return `const TEXT = ${JSON.stringify(text.join(' '))}

export function render(view: HTMLElement): void {
  const release = import.meta.env.VITE_RELEASE as string
  view.innerHTML = \`<h1 data-route="r${index}" data-release="\${release}">route ${index}</h1><p>\${TEXT}</p>\`
}
`
}

/**
 * One config for every alternative, chosen by BENCH_ALTERNATIVE: the plugins it adds and which integration module
 * the app imports. vite-plugin-pwa is configured as its guide shows for an app without a web app manifest.
 */
const VITE_CONFIG = `import { defineConfig, type Plugin } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { versionGatekeeper } from 'version-gatekeeper/vite'

const alternative = process.env.BENCH_ALTERNATIVE ?? 'plain'
const checkInterval = process.env.BENCH_CHECK_INTERVAL ? Number(process.env.BENCH_CHECK_INTERVAL) : undefined
const pwa = (registerType: 'autoUpdate' | 'prompt') =>
  VitePWA({ registerType, injectRegister: false, manifest: false, workbox: { globPatterns: ['**/*.{js,css,html}'] } })

/** The file the 5-minute poller reads: the release this build is. */
const versionFile: Plugin = {
  name: 'bench:version-file',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'version.json', source: JSON.stringify({ version: process.env.VITE_RELEASE }) })
  },
}

const pluginsByAlternative: Record<string, () => Plugin[]> = {
  plain: () => [],
  gatekeeper: () => versionGatekeeper({ checkInterval }),
  'pwa-auto': () => pwa('autoUpdate'),
  'pwa-prompt': () => pwa('prompt'),
  poller: () => [versionFile],
}
const plugins = pluginsByAlternative[alternative]
if (!plugins) throw new Error(\`BENCH_ALTERNATIVE "\${alternative}" is not one of \${Object.keys(pluginsByAlternative).join(', ')}\`)

const integration = alternative === 'plain' || alternative === 'gatekeeper' ? 'none' : alternative

export default defineConfig({
  plugins: plugins(),
  resolve: { alias: { 'bench:integration': new URL(\`./src/integration/\${integration}.ts\`, import.meta.url).pathname } },
  build: { outDir: process.env.BENCH_OUT_DIR ?? 'dist', emptyOutDir: true },
})
`

/** vite-plugin-pwa's registration with \`registerType: 'autoUpdate'\`: every tab reloads when a new worker activates. */
const PWA_AUTO = `import { registerSW } from 'virtual:pwa-register'

registerSW({ immediate: true })
`

/**
 * vite-plugin-pwa's registration with \`registerType: 'prompt'\` and the hourly \`r.update()\` of its guide
 * (https://vite-pwa-org.netlify.app/guide/periodic-sw-updates). The prompt is a flag the benchmark reads.
 */
const PWA_PROMPT = `import { registerSW } from 'virtual:pwa-register'

const intervalMS = 60 * 60 * 1000
registerSW({
  onNeedRefresh() {
    Object.assign(window, { benchNeedRefresh: true })
  },
  onRegistered(r) {
    r && setInterval(() => {
      r.update()
    }, intervalMS)
  },
})
`

/**
 * What version-polling, plugin-web-update-notification and SPA Guard do, written for the benchmark only: every tab
 * fetches a version file every 5 minutes and when it becomes visible, and flags a new version when the file changes.
 * The request is conditional (\`cache: 'no-cache'\`), the cheapest form such a poll can take.
 */
const POLLER = `const POLL_INTERVAL_MS = 5 * 60 * 1000
let known: string | undefined

async function poll(): Promise<void> {
  try {
    const response = await fetch('/version.json', { cache: 'no-cache' })
    const { version } = (await response.json()) as { version: string }
    if (known !== undefined && version !== known) Object.assign(window, { benchNewVersion: version })
    known ??= version
  } catch {
    // Offline or a bad answer: try again at the next tick.
  }
}
void poll()
setInterval(poll, POLL_INTERVAL_MS)
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void poll()
})
`

const ENV_TYPES = `/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />
`
