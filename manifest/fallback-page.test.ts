import { describe, expect, it } from 'vitest'
import { FALLBACK_MARKER, htmlStartTag, isFallbackPage } from './fallback-page.js'

/** The start of a page as the build renders it (build/fallback-page.test.ts checks the rendered pages themselves). */
const FALLBACK_PAGE =
  '<!doctype html>\n<html lang="de" dir="ltr" data-gatekeeper-fallback data-version="a1b2c3">\n<head>\n<meta charset="utf-8">\n' +
  '<title>Offline</title>\n</head>\n<body>\n<main><a href="" data-gatekeeper-retry>Erneut versuchen</a></main>\n</body>\n</html>\n'

/** An app's index.html whose inlined runtime mentions the marker: what an SPA host serves for a missing page. */
const INDEX_HTML =
  '<!doctype html>\n<html lang="en">\n<head>\n' +
  "<script>if(document.documentElement.hasAttribute('data-gatekeeper-fallback'))stop()</script>\n" +
  "<script>const page='<html data-gatekeeper-fallback>'</script>\n" +
  '<script type="module" src="/assets/index-Dx8.js"></script>\n</head>\n<body data-gatekeeper-fallback><div id="app"></div></body>\n</html>\n'

describe('FALLBACK_MARKER', () => {
  it('is the attribute the pages carry', () => {
    expect(FALLBACK_MARKER).toBe('data-gatekeeper-fallback')
  })
})

describe('htmlStartTag', () => {
  it('is the <html> start tag of a document, with its attributes', () => {
    expect(htmlStartTag(FALLBACK_PAGE)).toBe('<html lang="de" dir="ltr" data-gatekeeper-fallback data-version="a1b2c3">')
    expect(htmlStartTag(INDEX_HTML)).toBe('<html lang="en">')
  })

  it('finds a tag without attributes, in any case, across lines', () => {
    expect(htmlStartTag('<!DOCTYPE html><HTML><p>x</p></HTML>')).toBe('<HTML>')
    expect(htmlStartTag('<!doctype html>\n<html\n  lang="en"\n>')).toBe('<html\n  lang="en"\n>')
  })

  it('is the first one: a later <html> in a script is not the start tag', () => {
    expect(htmlStartTag(INDEX_HTML)).not.toContain(FALLBACK_MARKER)
  })

  it.each([
    ['no <html> tag', '<!doctype html><p>plain</p>'],
    ['an element whose name only starts with html', '<htmlx data-gatekeeper-fallback><p>x</p>'],
    ['an end tag only', '<p>x</p></html>'],
    ['an empty document', ''],
  ])('is undefined for %s', (_, html) => {
    expect(htmlStartTag(html)).toBeUndefined()
  })
})

describe('isFallbackPage', () => {
  it('is true for a fallback page', () => {
    expect(isFallbackPage(FALLBACK_PAGE)).toBe(true)
  })

  it('is false for an index.html that mentions the marker in its scripts and on another element', () => {
    expect(INDEX_HTML).toContain(FALLBACK_MARKER)
    expect(isFallbackPage(INDEX_HTML)).toBe(false)
  })

  it.each([
    ['the marker last', '<html lang="en" data-gatekeeper-fallback>'],
    ['the marker first', '<html data-gatekeeper-fallback lang="en">'],
    ['the marker alone', '<html data-gatekeeper-fallback>'],
    ['the marker with an empty value', '<html lang="en" data-gatekeeper-fallback="">'],
    ['the marker with an unquoted value', '<html lang="en" data-gatekeeper-fallback=1>'],
    ['the marker before a slash', '<html lang="en" data-gatekeeper-fallback/>'],
    ['the marker after a newline', '<html lang="en"\ndata-gatekeeper-fallback>'],
    ['the marker after a tab', '<html lang="en"\tdata-gatekeeper-fallback\tdir="ltr">'],
    ['an upper-case tag and marker', '<HTML LANG="EN" DATA-GATEKEEPER-FALLBACK>'],
    ['a mixed-case tag', '<Html lang="en" Data-Gatekeeper-Fallback>'],
  ])('is true for an <html> tag with %s', (_, tag) => {
    expect(isFallbackPage(`<!doctype html>${tag}<body></body></html>`)).toBe(true)
  })

  it.each([
    ['a longer attribute name', '<html data-gatekeeper-fallbackx>'],
    ['a longer attribute name with a dash', '<html lang="en" data-gatekeeper-fallback-page>'],
    ['a prefixed attribute name', '<html xdata-gatekeeper-fallback>'],
    ['the marker inside an attribute value', '<html lang="en" title="data-gatekeeper-fallback">'],
    ['the marker at the end of an attribute value', '<html lang="en" title="see data-gatekeeper-fallback">'],
    ['no marker', '<html lang="en" data-version="v1">'],
    ['no attributes', '<html>'],
  ])('is false for an <html> tag with %s', (_, tag) => {
    expect(isFallbackPage(`<!doctype html>${tag}<body></body></html>`)).toBe(false)
  })

  it('is false for the marker on <body>, or on an element named like html', () => {
    expect(isFallbackPage('<!doctype html><html lang="en"><body data-gatekeeper-fallback></body></html>')).toBe(false)
    expect(isFallbackPage('<htmlx data-gatekeeper-fallback></htmlx>')).toBe(false)
  })

  it('is false for a document without <html>, and for no document at all', () => {
    expect(isFallbackPage('<p data-gatekeeper-fallback>Offline</p>')).toBe(false)
    expect(isFallbackPage('')).toBe(false)
  })
})
