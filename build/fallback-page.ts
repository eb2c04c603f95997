/**
 * The fallback pages of a deployment: one self-contained HTML document per locale (inline CSS, one inline script,
 * no file of its own to load, no framework) that says the app could not load, shows the version and offers a
 * retry. It must work when nothing else of the app can load, so it depends on nothing else.
 */
import { createHash } from 'node:crypto'
import { startFallbackPage } from '../app-runtime/fallback-page.js'
import { FALLBACK_MARKER, htmlStartTag } from '../manifest/fallback-page.js'
import { chooseLocale, directionOf } from '../manifest/locale.js'
import type { FallbackMessages } from './fallback-messages.js'
import { errors } from './messages.js'

/** What a fallback template receives. Every string is already escaped for HTML text and attributes. */
export interface FallbackTemplateData {
  lang: string
  dir: 'ltr' | 'rtl'
  version: string
  text: Readonly<FallbackMessages>
  /** The attributes the `<html>` element must carry: `lang`, `dir`, `data-gatekeeper-fallback`, `data-version`. */
  htmlAttributes: string
  /** The attributes of the retry control, an `<a>`: it reloads the address the reader asked for. */
  retryAttributes: string
  /**
   * The page's inline script: it moves to the reader's language, puts back the address of the app page it stands
   * in for, and retries when the browser comes back online.
   */
  script: string
}

/** A function from the page's data to its complete HTML. */
export type FallbackTemplate = (page: FallbackTemplateData) => string

/** One rendered page. */
export interface FallbackFile {
  locale: string
  fileName: string
  html: string
}

/** All the pages of one deployment, and the Content-Security-Policy they are served with. */
export interface FallbackSet {
  defaultLocale: string
  files: FallbackFile[]
  contentSecurityPolicy: string
  /** The CSP sources of the pages' inline scripts and styles, for a page policy when the host serves them. */
  scriptSources: string[]
  styleSources: string[]
}

/** Escapes text for HTML content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/** The fallback pages' script for a set of `locales`, as an inline `<script>` element. */
export function fallbackPageScript(locales: readonly string[], defaultLocale: string): string {
  // `<` escaped in the data, so no value can close the script element; the functions' sources contain none.
  const data = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')
  return `<script>(${startFallbackPage.toString()})(${chooseLocale.toString()},${data(locales)},${data(defaultLocale)})</script>`
}

/** The built-in page: readable in light and dark mode, centred, nothing to download. */
export const defaultFallbackTemplate: FallbackTemplate = (page) => `<!doctype html>
<html ${page.htmlAttributes}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.text.title}</title>
<style>
body{margin:0;min-height:100vh;display:grid;place-items:center;font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:30rem;padding:2rem;text-align:center}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
a{display:inline-block;margin-top:.5rem;padding:.5rem 1.25rem;border-radius:.375rem;background:#0969da;color:#fff;text-decoration:none}
small{display:block;margin-top:2rem;color:#59636e}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}small{color:#9198a1}}
</style>
</head>
<body>
<main>
<h1>${page.text.heading}</h1>
<p>${page.text.body}</p>
<a ${page.retryAttributes}>${page.text.retry}</a>
<small>${page.text.version} <bdi>${page.version}</bdi></small>
</main>
${page.script}
</body>
</html>
`

/** Renders the page of `version` in `locale` with `template`, and checks it carries what the gatekeeper relies on. */
export function renderFallbackPage(
  version: string,
  locale: string,
  messages: FallbackMessages,
  template: FallbackTemplate = defaultFallbackTemplate,
  script: string = fallbackPageScript([locale], locale),
): string {
  const lang = escapeHtml(locale)
  const dir = directionOf(locale)
  const text: FallbackMessages = {
    title: escapeHtml(messages.title),
    heading: escapeHtml(messages.heading),
    body: escapeHtml(messages.body),
    retry: escapeHtml(messages.retry),
    version: escapeHtml(messages.version),
  }
  const html = template({
    lang,
    dir,
    version: escapeHtml(version),
    text,
    htmlAttributes: `lang="${lang}" dir="${dir}" ${FALLBACK_MARKER} data-version="${escapeHtml(version)}"`,
    retryAttributes: 'href="" data-gatekeeper-retry',
    script,
  })
  // The contract's attributes on <html> itself, and a retry control somewhere in the page.
  const htmlTag = htmlStartTag(html) ?? ''
  const missingOnHtml = [FALLBACK_MARKER, `data-version="${escapeHtml(version)}"`, `lang="${lang}"`].filter((needle) => !htmlTag.includes(needle))
  const missingRetry = !html.includes('data-gatekeeper-retry')
  if (missingOnHtml.length > 0 || missingRetry) throw errors.invalidFallbackTemplate(locale, missingOnHtml, missingRetry)
  return html
}

/** The sha256 sources (`'sha256-…'`) of a document's inline scripts and styles, for a Content-Security-Policy. */
export function inlineSources(html: string): { scripts: string[]; styles: string[] } {
  const hashes = (pattern: RegExp) =>
    [...html.matchAll(pattern)].map((match) => cspHash(match[1]!)).filter((hash, index, all) => all.indexOf(hash) === index)
  return {
    scripts: hashes(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi),
    styles: hashes(/<style[^>]*>([\s\S]*?)<\/style>/gi),
  }
}

/** The CSP source for an inline script or style with this exact content. */
export function cspHash(content: string): string {
  return `'sha256-${createHash('sha256').update(content).digest('base64')}'`
}

/**
 * Renders every locale's page. File names carry one hash of all the pages, so the page can build any locale's
 * URL from that hash and the list of locales alone.
 */
export function renderFallbackPages(
  version: string,
  messagesByLocale: Readonly<Record<string, FallbackMessages>>,
  defaultLocale: string,
  template?: FallbackTemplate,
): FallbackSet {
  const locales = Object.keys(messagesByLocale).sort()
  const script = fallbackPageScript(locales, defaultLocale)
  const pages = locales.map((locale) => ({ locale, html: renderFallbackPage(version, locale, messagesByLocale[locale]!, template, script) }))
  const hash = createHash('sha256')
  for (const page of pages) hash.update(page.locale).update('\0').update(page.html).update('\0')
  const setHash = hash.digest('hex').slice(0, 8)
  const sources = pages.map((page) => inlineSources(page.html))
  return {
    defaultLocale,
    files: pages.map((page) => ({ ...page, fileName: fallbackFileName(setHash, page.locale) })),
    contentSecurityPolicy: fallbackPolicy(pages.map((page) => page.html)),
    scriptSources: [...new Set(sources.flatMap((page) => page.scripts))].sort(),
    styleSources: [...new Set(sources.flatMap((page) => page.styles))].sort(),
  }
}

/** `fallback.<hash>.<locale>.html`: the name every page of a set has. */
export function fallbackFileName(setHash: string, locale: string): string {
  return `fallback.${setHash}.${locale}.html`
}

/**
 * The policy fallback pages are served with: nothing but their own inline scripts and styles, and images from the
 * site or inlined as data: URLs (a browser asks for /favicon.ico; Firefox does even for a page the worker made).
 * They may not be framed by other sites, and they submit nowhere. `extra` adds sources by directive (the dev server's
 * preview runs Vite's client).
 */
export function fallbackPolicy(pages: readonly string[], extra: Partial<Record<string, string[]>> = {}): string {
  const sources = pages.map(inlineSources)
  const list = (kind: 'scripts' | 'styles', more: string[] = []) =>
    [...more, ...new Set(sources.flatMap((page) => page[kind]))].join(' ') || "'none'"
  const { 'script-src': scriptSrc, 'style-src': styleSrc, ...others } = extra
  return [
    "default-src 'none'",
    `script-src ${list('scripts', scriptSrc)}`,
    `style-src ${list('styles', styleSrc)}`,
    ...Object.entries(others).map(([directive, values]) => `${directive} ${values!.join(' ')}`),
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ')
}
