/**
 * The control page, on its own port: which release the app host serves, a button that deploys the next one, and
 * the requests the app host answered lately (a removed chunk's 404, the gatekeeper's manifest checks).
 */
import { createServer, type ServerResponse } from 'node:http'
import type { HostMode, RequestRecord } from '../e2e/host/index.js'
import type { Deployment, Deployments } from './deployments.js'

/** How many of the app host's latest requests the page lists. */
const RECENT_REQUESTS = 40

export interface ControlServerOptions {
  port: number
  appUrl: string
  mode: HostMode
  deployments: Deployments
  requests: () => readonly RequestRecord[]
  /** Deploys the next release (and tells the terminal); undefined when the last release is already live. */
  deployNext: () => Deployment | undefined
}

export interface ControlServer {
  url: string
  close(): Promise<void>
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://control').pathname
    if (request.method === 'GET' && path === '/') return send(response, 200, 'text/html; charset=utf-8', PAGE)
    if (request.method === 'GET' && path === '/state') return sendJson(response, 200, state(options))
    if (request.method === 'POST' && path === '/deploy') {
      const deployment = options.deployNext()
      return deployment
        ? sendJson(response, 200, { deployed: deployment.release.name, version: deployment.release.version })
        : sendJson(response, 409, { error: `${options.deployments.current.name} is the last release` })
    }
    send(response, 404, 'text/plain; charset=utf-8', 'Not found')
  })
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port, '127.0.0.1', () => resolveListen())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => resolveClose())
        server.closeAllConnections()
      }),
  }
}

function state({ appUrl, mode, deployments, requests }: ControlServerOptions) {
  const release = ({ name, colorName, color, version }: Deployment['release']) => ({ name, colorName, color, version })
  return {
    appUrl,
    mode,
    current: release(deployments.current),
    next: deployments.next?.name ?? null,
    deployments: deployments.history.map((deployment) => ({ ...release(deployment.release), at: deployment.at })),
    requests: requests().slice(-RECENT_REQUESTS).reverse(),
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json', JSON.stringify(body))
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
  response.end(body)
}

const PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>version-gatekeeper demo · control</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1f2937; background: #f8fafc; --accent: #6b7280; }
  body { margin: 0 auto; padding: 1.5rem; max-width: 56rem; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  .live { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; padding: 1rem; border-radius: 0.75rem;
    background: white; border-left: 0.5rem solid var(--accent); box-shadow: 0 1px 3px #0002; }
  .release { font-size: 1.6rem; font-weight: 700; color: var(--accent); }
  .version, .muted { color: #6b7280; font-size: 0.9rem; }
  button { font: inherit; padding: 0.5rem 1rem; border: 0; border-radius: 0.5rem; background: #111827; color: white; cursor: pointer; }
  button:disabled { background: #9ca3af; cursor: default; }
  .spacer { flex: 1; }
  table { width: 100%; border-collapse: collapse; margin-top: 0.5rem; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #e5e7eb; }
  td.path { font-family: ui-monospace, monospace; word-break: break-all; }
  tr.gone td { background: #fee2e2; }
  tr.check td { background: #e0f2fe; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 0.25rem; }
</style>
</head>
<body>
<h1>version-gatekeeper demo · control</h1>
<div class="live">
  <div>
    <div class="muted">live on <a id="app" target="_blank"></a> (<span id="mode"></span> host)</div>
    <div class="release" id="release">…</div>
    <div class="version" id="version"></div>
  </div>
  <div class="spacer"></div>
  <button id="deploy" type="button">Deploy next version</button>
</div>
<p class="muted" id="message">Open the app in a few tabs, type in a draft, then deploy. Nothing happens in a tab until its next click.</p>
<h2>Deployments</h2>
<ol id="deployments"></ol>
<h2>Requests the app host answered (newest first)</h2>
<p class="muted">Red: a file that is gone (a tab still running the old release asked for it). Blue: the gatekeeper reading deploy-manifest.json.</p>
<table>
  <thead><tr><th>time</th><th>request</th><th>status</th><th>served from</th></tr></thead>
  <tbody id="requests"></tbody>
</table>
<script>
const $ = (id) => document.getElementById(id)
const time = (at) => new Date(at).toLocaleTimeString([], { hour12: false }) + '.' + String(at % 1000).padStart(3, '0')
function cell(row, text, className) {
  const td = row.insertCell()
  td.textContent = text
  if (className) td.className = className
}
async function refresh() {
  const state = await fetch('/state').then((response) => response.json())
  document.documentElement.style.setProperty('--accent', state.current.color)
  $('app').href = $('app').textContent = state.appUrl
  $('mode').textContent = state.mode
  $('release').textContent = state.current.name + ' · ' + state.current.colorName
  $('version').textContent = 'gatekeeper version ' + state.current.version
  $('deploy').disabled = !state.next
  $('deploy').textContent = state.next ? 'Deploy next version (' + state.next + ')' : 'Last release is live'
  $('deployments').replaceChildren(...state.deployments.map((deployment) => {
    const item = document.createElement('li')
    item.textContent = time(deployment.at) + '  ' + deployment.name + ' · ' + deployment.colorName + ' (version ' + deployment.version + ')'
    return item
  }))
  $('requests').replaceChildren()
  for (const request of state.requests) {
    const row = $('requests').insertRow()
    if (request.status === 404 || request.status === 410) row.className = 'gone'
    else if (request.path.startsWith('/deploy-manifest.json')) row.className = 'check'
    cell(row, time(request.at))
    cell(row, request.method + ' ' + request.path + (request.conditional ? '  (conditional)' : ''), 'path')
    cell(row, String(request.status || 'reset'))
    cell(row, request.release ?? '')
  }
}
$('deploy').addEventListener('click', async () => {
  const response = await fetch('/deploy', { method: 'POST' })
  const body = await response.json()
  $('message').textContent = response.ok ? 'Deployed ' + body.deployed + '. Now click a link in a tab of the app.' : body.error
  await refresh()
})
refresh()
setInterval(() => refresh().catch(() => undefined), 1000)
</script>
</body>
</html>
`
