/**
 * The fallback page of a deployment: a self-contained HTML document (inline CSS, no script file, no framework) that
 * says the app could not load, shows the version and offers a retry. It must work when nothing else of the app can
 * load, so it depends on nothing else.
 */
import { createHash } from 'node:crypto'

/** The texts of the fallback page in one language. */
export interface FallbackMessages {
  title: string
  heading: string
  body: string
  retry: string
  /** Shown before the version, e.g. "Version". */
  version: string
}

/** One rendered page. */
export interface FallbackFile {
  locale: string
  fileName: string
  html: string
}

const ENGLISH: FallbackMessages = {
  title: 'This app could not load',
  heading: 'This app could not load',
  body: 'The connection to the server was lost, or part of the app could not be downloaded. Your data is safe.',
  retry: 'Try again',
  version: 'Version',
}

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/** Renders the fallback page of `version` in `locale`. */
export function renderFallbackPage(version: string, locale: string, messages: FallbackMessages, dir: 'ltr' | 'rtl'): string {
  const text = (key: keyof FallbackMessages) => escapeHtml(messages[key])
  return `<!doctype html>
<html lang="${escapeHtml(locale)}" dir="${dir}" data-gatekeeper-fallback data-version="${escapeHtml(version)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text('title')}</title>
<style>
body{margin:0;min-height:100vh;display:grid;place-items:center;font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:28rem;padding:2rem;text-align:center}
h1{font-size:1.5rem;margin:0 0 .5rem}
button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:#0969da;color:#fff;cursor:pointer}
small{display:block;margin-top:1.5rem;color:#59636e}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}small{color:#9198a1}}
</style>
</head>
<body>
<main>
<h1>${text('heading')}</h1>
<p>${text('body')}</p>
<button type="button" data-gatekeeper-retry onclick="location.reload()">${text('retry')}</button>
<small>${text('version')} ${escapeHtml(version)}</small>
</main>
</body>
</html>
`
}

/** The fallback pages of `version`: one per locale, named with a hash of their content. */
export function renderFallbackPages(version: string): { defaultLocale: string; files: FallbackFile[] } {
  const html = renderFallbackPage(version, 'en', ENGLISH, 'ltr')
  const hash = createHash('sha256').update(html).digest('hex').slice(0, 8)
  return { defaultLocale: 'en', files: [{ locale: 'en', fileName: `fallback.en.${hash}.html`, html }] }
}
