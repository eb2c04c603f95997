/** The hosts that end-to-end tests and the demo deploy releases to, and the header rules they share. */
export { createStaticHost } from './static-host.js'
export type { Fault, HostMode, ReleaseHost, RequestRecord, StaticHost, StaticHostOptions } from './static-host.js'
export { createNginxHost, NGINX_BINARY } from './nginx-host.js'
export type { NginxHost, NginxHostMode, NginxHostOptions } from './nginx-host.js'
export * from './headers.js'
export { dateRelease } from './release-time.js'
