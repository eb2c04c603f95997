import { describe, expect, it } from 'vitest'
import { clickDestination, isHistoryNavigation, routeOf } from './navigation.js'

const here = new URL('https://app.test/shop/cart?sort=price')
const leftClick = { button: 0, modified: false }
const link = (href: string, extra: { target?: string | null; download?: boolean } = {}) => ({
  href,
  target: extra.target ?? null,
  download: extra.download ?? false,
})

describe('clickDestination', () => {
  it('a plain left click on a same-origin link goes to that URL', () => {
    expect(clickDestination(leftClick, link('https://app.test/shop/checkout'), here)?.href).toBe('https://app.test/shop/checkout')
  })

  it('a click that lands on no link goes nowhere', () => {
    expect(clickDestination(leftClick, undefined, here)).toBeUndefined()
  })

  it.each([1, 2])('a click with button %s is left to the browser', (button) => {
    expect(clickDestination({ button, modified: false }, link('https://app.test/shop/checkout'), here)).toBeUndefined()
  })

  it('a click with a modifier key (new tab, new window, download) is left to the browser', () => {
    expect(clickDestination({ button: 0, modified: true }, link('https://app.test/shop/checkout'), here)).toBeUndefined()
  })

  it.each(['_blank', '_parent', '_top', 'preview'])('a link with target="%s" is left to the browser', (target) => {
    expect(clickDestination(leftClick, link('https://app.test/shop/checkout', { target }), here)).toBeUndefined()
  })

  it.each(['_self', '_SELF', ''])('a link with target="%s" stays in this tab', (target) => {
    expect(clickDestination(leftClick, link('https://app.test/shop/checkout', { target }), here)?.pathname).toBe('/shop/checkout')
  })

  it('a download link is left to the browser', () => {
    expect(clickDestination(leftClick, link('https://app.test/shop/invoice.pdf', { download: true }), here)).toBeUndefined()
  })

  it.each([
    'https://other.test/shop/checkout',
    'http://app.test/shop/checkout',
    'https://app.test:8443/shop/checkout',
    'mailto:help@app.test',
    'tel:+123',
    'javascript:void(0)',
    'data:text/html,hi',
  ])('a link to %s is left to the browser', (href) => {
    expect(clickDestination(leftClick, link(href), here)).toBeUndefined()
  })

  it('an in-page link (hash only, same route) is left to the browser', () => {
    expect(clickDestination(leftClick, link('https://app.test/shop/cart?sort=price#total'), here)).toBeUndefined()
  })

  it('an href="#" link (an empty hash on the same route) is left to the browser', () => {
    // The browser resolves <a href="#"> to ".../cart?sort=price#": a fragment navigation, never a document load.
    expect(clickDestination(leftClick, link('https://app.test/shop/cart?sort=price#'), here)).toBeUndefined()
  })

  it('a link with a hash to another route is a navigation', () => {
    expect(clickDestination(leftClick, link('https://app.test/shop/cart?sort=name#total'), here)?.search).toBe('?sort=name')
  })

  it('a link to the same route without a hash is a navigation (the browser loads it again)', () => {
    const onSection = new URL('https://app.test/shop/cart?sort=price#total')
    expect(clickDestination(leftClick, link('https://app.test/shop/cart?sort=price'), onSection)?.href).toBe(
      'https://app.test/shop/cart?sort=price',
    )
  })

  it('an href the browser could not resolve goes nowhere', () => {
    expect(clickDestination(leftClick, link('https://exa mple.test/'), here)).toBeUndefined()
  })
})

describe('isHistoryNavigation', () => {
  const to = (path: string) => new URL(path, here)

  it.each(['/shop/checkout', '/shop/cart?sort=name', '/shop/cart'])('a push to %s is a navigation', (path) => {
    expect(isHistoryNavigation('pushState', here, to(path))).toBe(true)
  })

  it('a push that only changes the hash is not a navigation', () => {
    expect(isHistoryNavigation('pushState', here, to('/shop/cart?sort=price#reviews'))).toBe(false)
  })

  it('a push of the current URL again is not a navigation', () => {
    expect(isHistoryNavigation('pushState', here, to('/shop/cart?sort=price'))).toBe(false)
  })

  it('a replace that keeps the path but changes the query (a filter mirrored in the URL) is not a navigation', () => {
    expect(isHistoryNavigation('replaceState', here, to('/shop/cart?sort=name'))).toBe(false)
  })

  it('a replace to another path (a redirect inside the router) is a navigation', () => {
    expect(isHistoryNavigation('replaceState', here, to('/shop/login'))).toBe(true)
  })

  it.each(['pushState', 'replaceState'] as const)('a %s to another origin is not a navigation', (method) => {
    expect(isHistoryNavigation(method, here, new URL('https://other.test/shop/login'))).toBe(false)
  })
})

describe('routeOf', () => {
  it('is the path and the query, without the hash', () => {
    expect(routeOf(new URL('https://app.test/shop/cart?sort=price#total'))).toBe('/shop/cart?sort=price')
  })

  it('is the path alone when there is no query', () => {
    expect(routeOf({ pathname: '/shop/', search: '' })).toBe('/shop/')
  })
})
