import { describe, expect, it } from 'vitest'
import { classifyResponse, isCacheable } from './classify.js'

const hashedScript = { destination: 'script', versioned: true }
const ok200 = (contentType: string | null, type = 'basic') => ({ status: 200, contentType, type })

describe('classifyResponse', () => {
  it.each([404, 410])('a hashed chunk that answers %s is a sign the tab\'s deployment is gone', (status) => {
    expect(classifyResponse(hashedScript, { status, contentType: 'text/plain' })).toBe('version-gone')
  })

  it.each(['font', 'image'])('a hashed %s that answers 404 is a sign the deployment is gone', (destination) => {
    expect(classifyResponse({ destination, versioned: true }, { status: 404, contentType: null })).toBe('version-gone')
  })

  it.each(['script', 'style', 'worker'])('code (%s) that answers 404 is a sign even when no manifest lists it', (destination) => {
    expect(classifyResponse({ destination, versioned: false }, { status: 404, contentType: null })).toBe('version-gone')
  })

  it('an unversioned image that answers 404 is just a missing image', () => {
    expect(classifyResponse({ destination: 'image', versioned: false }, { status: 404, contentType: null })).toBe('ok')
  })

  it.each(['script', 'style', 'worker'])('an SPA host answering a %s with index.html is a sign the deployment is gone', (destination) => {
    expect(classifyResponse({ destination, versioned: false }, ok200('text/html'))).toBe('version-gone')
  })

  it.each(['text/html; charset=utf-8', 'TEXT/HTML', 'application/xhtml+xml', ' text/html ;charset=UTF-8'])(
    'a script that comes back as "%s" is HTML posing as code',
    (contentType) => {
      expect(classifyResponse(hashedScript, ok200(contentType))).toBe('version-gone')
    },
  )

  it.each(['text/javascript', 'application/javascript; charset=utf-8', 'text/html-fragment', null])(
    'a script that comes back as %j is code',
    (contentType) => {
      expect(classifyResponse(hashedScript, ok200(contentType))).toBe('ok')
    },
  )

  it('an image that comes back as HTML is not taken for a deployment', () => {
    expect(classifyResponse({ destination: 'image', versioned: true }, ok200('text/html'))).toBe('ok')
  })

  it.each([500, 502, 503, 429])('a host answering %s is in trouble, not deployed', (status) => {
    expect(classifyResponse(hashedScript, { status, contentType: 'text/html' })).toBe('transient')
  })

  it('an error page (non-2xx) in HTML is not HTML posing as code', () => {
    expect(classifyResponse(hashedScript, { status: 403, contentType: 'text/html' })).toBe('ok')
  })
})

describe('isCacheable', () => {
  it('keeps a same-origin 200 of a hashed script', () => {
    expect(isCacheable(hashedScript, ok200('text/javascript'))).toBe(true)
  })

  it.each([
    ['an opaque response', ok200('text/javascript', 'opaque')],
    ['a CORS response', ok200('text/javascript', 'cors')],
    ['a response of unknown type', { status: 200, contentType: 'text/javascript' }],
    ['a partial response', { status: 206, contentType: 'text/javascript', type: 'basic' }],
    ['a 404', { status: 404, contentType: 'text/javascript', type: 'basic' }],
    ['a 503', { status: 503, contentType: 'text/javascript', type: 'basic' }],
    ['HTML posing as a script', ok200('text/html')],
  ])('never keeps %s', (_, response) => {
    expect(isCacheable(hashedScript, response)).toBe(false)
  })
})
