/**
 * Builds the bench app once per alternative and release with Vite's CLI, each into its own directory (the layout a
 * static host's `releasesDir` wants), and times builds for the build-overhead measurement.
 */
import { execFile } from 'node:child_process'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import type { Alternative } from './app.js'

export const REPO_ROOT = resolve(import.meta.dirname, '..')
/** Everything the benchmark generates; never committed. */
export const WORK_DIR = join(REPO_ROOT, '.tmp/bench')
const VITE_BIN = join(REPO_ROOT, 'node_modules/vite/bin/vite.js')
const run = promisify(execFile)

/** One build: which alternative of which app, as which release, where to. */
export interface BuildRequest {
  appDir: string
  alternative: Alternative
  release: string
  outDir: string
  /** Extra environment for the app's vite.config.ts (BENCH_CHECK_INTERVAL). */
  env?: Record<string, string>
}

/** Runs `vite build` for one alternative and answers its wall-clock time in ms (Vite's start-up included). */
export async function buildAlternative(request: BuildRequest): Promise<number> {
  const started = performance.now()
  await run(process.execPath, [VITE_BIN, 'build', '--logLevel', 'warn'], {
    cwd: request.appDir,
    env: { ...process.env, ...request.env, BENCH_ALTERNATIVE: request.alternative, VITE_RELEASE: request.release, BENCH_OUT_DIR: request.outDir },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stderr?: string }) => {
    throw new Error(`vite build of ${request.alternative} ${request.release} failed:\n${error.stderr ?? String(error)}`)
  })
  return performance.now() - started
}
