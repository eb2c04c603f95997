/**
 * What makes a document a fallback page: its `<html>` start tag carries `data-gatekeeper-fallback`. Checked on the
 * tag itself, since every built index.html mentions the attribute too (in the inlined runtime).
 */
export const FALLBACK_MARKER = 'data-gatekeeper-fallback'

/** The `<html>` start tag of a document, or undefined. */
export function htmlStartTag(html: string): string | undefined {
  return /<html(?:\s[^>]*)?>/i.exec(html)?.[0]
}

/** Whether `html` is a fallback page (and not, say, the index.html an SPA host serves for a missing file). */
export function isFallbackPage(html: string): boolean {
  return new RegExp(`\\s${FALLBACK_MARKER}(?:[\\s=>/]|$)`, 'i').test(htmlStartTag(html) ?? '')
}
