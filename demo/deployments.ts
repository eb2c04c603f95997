/** Which release the app host serves, and the next one in line: the one place where the demo deploys. */
import type { StaticHost } from '../e2e/host/index.js'
import type { BuiltRelease } from './build-releases.js'

export interface Deployment {
  release: BuiltRelease
  /** `Date.now()` of the deploy. */
  at: number
}

export interface Deployments {
  readonly current: BuiltRelease
  /** The release a deploy would ship, or undefined once the last one is live. */
  readonly next: BuiltRelease | undefined
  readonly history: readonly Deployment[]
  /** Deploys the next release and returns its deployment, or undefined when there is none left. */
  deployNext(): Deployment | undefined
}

/** Deploys `releases[0]` to `host` at once; later releases follow one per {@link Deployments.deployNext}. */
export function createDeployments(host: StaticHost, releases: readonly BuiltRelease[]): Deployments {
  const history: Deployment[] = []
  const deploy = (release: BuiltRelease): Deployment => {
    host.deploy(release.name)
    const deployment = { release, at: Date.now() }
    history.push(deployment)
    return deployment
  }
  if (!releases[0]) throw new Error('no release to deploy')
  deploy(releases[0])
  return {
    get current() {
      return history.at(-1)!.release
    },
    get next() {
      return releases[history.length]
    },
    history,
    deployNext() {
      const next = releases[history.length]
      return next && deploy(next)
    },
  }
}
