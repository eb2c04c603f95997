/**
 * `npm run demo`: builds the demo app in three releases and serves v1, with a control page that deploys the next
 * release. `npm run demo -- --headless` plays the story in headless Chromium instead and exits 0 when every step
 * held. This file only wires; the modules beside it decide.
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import type { Browser } from '@playwright/test'
import { createStaticHost, type HostMode, type StaticHost } from '../e2e/host/index.js'
import { buildReleases, RELEASES_DIR } from './build-releases.js'
import { startControlServer, type ControlServer } from './control-server.js'
import { createDeployments, type Deployment } from './deployments.js'
import { launchChromium, playStory, StoryFailure } from './story.js'

const HELP = `npm run demo [-- options]

Builds demo/app in releases v1, v2 and v3 (into .tmp/demo/releases/) and serves v1 on 127.0.0.1.
Open the app in a few tabs, type in a draft, deploy the next release from the control page or the
terminal, and watch each tab move to it at its next click, never earlier.

Options:
  --port N            port of the app host (default 5173; with --headless, any free port)
  --control-port N    port of the control page (default 5174)
  --mode MODE         how the host answers a file the live release does not have:
                        strict    404 (default)
                        spa       200 with index.html, like a catch-all rewrite
                        keep-old  the file of an earlier release: nothing fails, the gatekeeper's check finds the deploy
  --headless          play the story in headless Chromium, print its timeline, exit 0 if every step held
  --help              show this help

Keys (interactive): d deploys the next release, q quits (without a terminal: type d or q and Enter).`

const MODES: readonly HostMode[] = ['strict', 'spa', 'keep-old']

interface Settings {
  port: number | undefined
  controlPort: number
  mode: HostMode
  headless: boolean
}

function readSettings(): Settings {
  const parse = () =>
    parseArgs({
      options: {
        port: { type: 'string' },
        'control-port': { type: 'string' },
        mode: { type: 'string', default: 'strict' },
        headless: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    })
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse().values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) {
    console.log(HELP)
    process.exit(0)
  }
  const port = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined
    const number = Number(value)
    if (!Number.isInteger(number) || number < 0 || number > 65535) {
      throw new UsageError(`--${name} must be a port number, not "${value}"`)
    }
    return number
  }
  const mode = values.mode as HostMode
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}, not "${values.mode}"`)
  return {
    port: port('port', values.port),
    controlPort: port('control-port', values['control-port']) ?? 5174,
    mode,
    headless: values.headless,
  }
}

class UsageError extends Error {}

const clock = (at: number) => new Date(at).toLocaleTimeString('en-GB', { hour12: false })

async function main(): Promise<number> {
  const settings = readSettings()
  const closing: (() => Promise<void> | void)[] = []
  let closed: Promise<void> | undefined
  const close = () =>
    (closed ??= (async () => {
      for (const step of closing.reverse()) await Promise.resolve(step()).catch(() => undefined)
    })())
  let quitting = false
  const quit = (code: number) => {
    quitting = true
    void close().then(() => process.exit(code))
  }
  process.on('SIGINT', () => quit(130))
  process.on('SIGTERM', () => quit(143))

  // Fail before the builds when the story cannot run.
  let browser: Browser | undefined
  if (settings.headless) {
    browser = await launchChromium()
    closing.push(() => browser!.close())
  }

  console.log('building demo/app in v1, v2, v3 …')
  const started = Date.now()
  const releases = await buildReleases((line) => console.log(`  ${line}`))
  console.log(`  built in ${((Date.now() - started) / 1000).toFixed(1)}s into ${RELEASES_DIR}`)

  const host: StaticHost = await createStaticHost({
    releasesDir: RELEASES_DIR,
    mode: settings.mode,
    port: settings.port ?? (settings.headless ? 0 : 5173),
  })
  closing.push(() => host.close())
  const deployments = createDeployments(host, releases)

  if (browser) {
    console.log(`\nthe story, in headless Chromium, on ${host.url} (${settings.mode} host, v1 live)\n`)
    try {
      await playStory(browser, {
        appUrl: host.url,
        mode: settings.mode,
        releases,
        deployNext: () => deployments.deployNext(),
        requests: () => host.requests,
        log: (line) => console.log(line),
      })
    } catch (error) {
      if (quitting) return 130
      console.log(`\nFAILED: ${error instanceof StoryFailure ? error.message : String(error)}`)
      await close()
      return 1
    }
    console.log(`\nevery step held (${((Date.now() - started) / 1000).toFixed(1)}s in all)`)
    await close()
    return 0
  }

  const announce = (deployment: Deployment) => {
    const { release, at } = deployment
    console.log(`${clock(at)}  deployed ${release.name} · ${release.colorName} (version ${release.version})`)
  }
  const deployNext = () => {
    const deployment = deployments.deployNext()
    if (deployment) announce(deployment)
    else console.log(`${clock(Date.now())}  ${deployments.current.name} is the last release; press q to quit`)
    return deployment
  }
  const control: ControlServer = await startControlServer({
    port: settings.controlPort,
    appUrl: host.url,
    mode: settings.mode,
    deployments,
    requests: () => host.requests,
    deployNext,
  })
  closing.push(() => control.close())

  console.log(`
  app      ${host.url}   (${settings.mode} host; open it in a few tabs)
  control  ${control.url}   (deploy, and the requests the app host answered)

press d to deploy the next version, q to quit
`)
  announce(deployments.history[0]!)
  listenForKeys({ deploy: () => void deployNext(), quit: () => quit(0) })
  return new Promise<number>(() => {}) // runs until q, Ctrl-C or SIGTERM
}

/** `d` and `q` as single keys on a terminal (raw mode), or as lines when stdin is a pipe or a file. */
function listenForKeys(actions: { deploy: () => void; quit: () => void }): void {
  const act = (key: string) => {
    if (key === 'd' || key === 'D') actions.deploy()
    else if (key === 'q' || key === 'Q' || key === '\u0003' /* Ctrl-C */) actions.quit()
  }
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true)
    process.on('exit', () => process.stdin.setRawMode(false))
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (keys: string) => [...keys].forEach(act))
  } else {
    createInterface({ input: process.stdin }).on('line', (line) => act(line.trim()))
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`demo: ${error.message}\n\n${HELP}`)
    else if (error instanceof StoryFailure) console.error(`demo: ${error.message}`)
    else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`demo: ${(error as Error).message}: choose other ports with --port and --control-port`)
    } else console.error(error)
    process.exit(error instanceof UsageError ? 2 : 1)
  },
)
