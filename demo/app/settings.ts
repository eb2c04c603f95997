/**
 * How often a navigating tab of the demo asks the service worker to look for a new deployment. The gatekeeper's
 * default is 5 minutes; the demo asks after 3 s so that a host that keeps old files (`--mode keep-old`, where no
 * request ever fails) shows its check within a demo's attention span. Shared by the build and the headless story.
 */
export const CHECK_INTERVAL_MS = 3_000
