import { describe, expect, it } from 'vitest'
import { escapeHtml, renderFallbackPage, renderFallbackPages, type FallbackMessages } from './fallback-page.js'

const english: FallbackMessages = {
  title: 'This app could not load',
  heading: 'This app could not load',
  body: 'Your data is safe.',
  retry: 'Try again',
  version: 'Version',
}
const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2) title=\''

/** The opening <html> tag of a page. */
const htmlTag = (page: string) => page.match(/<html[^>]*>/)?.[0] ?? ''

describe('escapeHtml', () => {
  it('escapes every character that could open markup or leave an attribute', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&#38;&#60;&#62;&#34;&#39;')
  })

  it('escapes an already escaped entity again, so it shows as written', () => {
    expect(escapeHtml('&amp;')).toBe('&#38;amp;')
  })

  it('leaves plain text, including non-Latin text, as it is', () => {
    expect(escapeHtml('Réessayer · 再試行')).toBe('Réessayer · 再試行')
  })
})

describe('renderFallbackPage', () => {
  it('marks the document as the fallback of its version, in its language and direction', () => {
    expect(htmlTag(renderFallbackPage('a1b2c3', 'ar', english, 'rtl'))).toBe(
      '<html lang="ar" dir="rtl" data-gatekeeper-fallback data-version="a1b2c3">',
    )
  })

  it('offers a retry control and shows the version', () => {
    const page = renderFallbackPage('a1b2c3', 'en', english, 'ltr')
    expect(page).toMatch(/<button [^>]*data-gatekeeper-retry[^>]*>Try again<\/button>/)
    expect(page).toContain('Version a1b2c3')
  })

  it('hostile messages cannot inject markup', () => {
    const messages = { title: hostile, heading: hostile, body: hostile, retry: hostile, version: hostile }
    const page = renderFallbackPage('a1b2c3', 'en', messages, 'ltr')
    expect(page).not.toMatch(/<script/i)
    expect(page).not.toMatch(/<img/i)
    expect(page.match(/<button[^>]*>/g)).toEqual(['<button type="button" data-gatekeeper-retry onclick="location.reload()">'])
  })

  it('a hostile locale cannot break out of the lang attribute', () => {
    const page = renderFallbackPage('a1b2c3', hostile, english, 'ltr')
    expect(page).not.toMatch(/<script/i)
    expect(htmlTag(page)).toMatch(/^<html lang="[^"<>]*" dir="ltr" data-gatekeeper-fallback data-version="a1b2c3">$/)
  })

  it('a hostile version cannot break out of data-version', () => {
    const page = renderFallbackPage(hostile, 'en', english, 'ltr')
    expect(page).not.toMatch(/<script/i)
    expect(htmlTag(page)).toMatch(/^<html lang="en" dir="ltr" data-gatekeeper-fallback data-version="[^"<>]*">$/)
  })

  it('depends on no other file: no external script, stylesheet or image', () => {
    const page = renderFallbackPage('a1b2c3', 'en', english, 'ltr')
    expect(page).not.toMatch(/<(script|link|img)\b/i)
  })
})

describe('renderFallbackPages', () => {
  it('renders the default locale\'s page under a name that carries a hash of its content', () => {
    const { defaultLocale, files } = renderFallbackPages('a1b2c3')
    expect(files.map((file) => file.locale)).toContain(defaultLocale)
    for (const file of files) {
      expect(file.fileName).toMatch(new RegExp(`^fallback\\.${file.locale}\\.[0-9a-f]{8}\\.html$`))
      expect(htmlTag(file.html)).toContain(`lang="${file.locale}"`)
    }
  })

  it('gives each version pages with other names', () => {
    expect(renderFallbackPages('v1').files[0]?.fileName).not.toBe(renderFallbackPages('v2').files[0]?.fileName)
  })
})
