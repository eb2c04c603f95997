import { buildFixtureReleases } from './releases.js'

/** Builds the fixture releases once per run; workers find them through the environment. */
export default function globalSetup(): void {
  process.env.GATEKEEPER_E2E_RELEASES = buildFixtureReleases()
}
