/**
 * The `version-gatekeeper` command. One subcommand: `doctor <url> [--previous <manifest>]`. Exit code 0 when nothing
 * breaks the gatekeeper (warnings allowed), 1 when something does, 2 for a usage error.
 */
import { runDoctor } from './doctor.js'
import { formatFindings } from './judge.js'

const USAGE = `Usage: version-gatekeeper doctor <url> [--previous <deploy-manifest.json of an earlier deployment: URL or file>]

Checks a live deployment for what the gatekeeper needs: the cache headers of index.html, sw.js,
deploy-manifest.json and the hashed files, what a missing hashed file answers (404 or an SPA rewrite),
and, with --previous, whether the host keeps the files of older deployments.
`

/** Runs the command line `args` (without node and the script); returns the exit code. */
export async function main(args: readonly string[], write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const [command, ...rest] = args
  if (command === '--help' || command === '-h' || command === 'help') {
    write(USAGE)
    return 0
  }
  let url: string | undefined
  let previous: string | undefined
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index]!
    if (arg === '--previous') previous = rest[++index]
    else if (arg.startsWith('--previous=')) previous = arg.slice('--previous='.length)
    else if (url === undefined && !arg.startsWith('-')) url = arg
    else return usageError(`unexpected argument ${JSON.stringify(arg)}`, write)
  }
  if (command !== 'doctor') return usageError(command === undefined ? 'no command' : `unknown command ${JSON.stringify(command)}`, write)
  if (url === undefined || !/^https?:\/\//i.test(url)) return usageError('doctor needs the address of the app, such as https://example.com/', write)
  if (rest.includes('--previous') && previous === undefined) return usageError('--previous needs a manifest URL or file', write)

  write(`version-gatekeeper doctor ${url}\n\n`)
  const findings = await runDoctor(url, previous === undefined ? {} : { previous })
  write(formatFindings(findings))
  return findings.some((finding) => finding.verdict === 'fail') ? 1 : 0
}

function usageError(problem: string, write: (text: string) => void): number {
  write(`version-gatekeeper: ${problem}.\n\n${USAGE}`)
  return 2
}
