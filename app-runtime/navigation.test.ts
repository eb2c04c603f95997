import { describe, expect, it } from 'vitest'
import { clickDestination, isRouteChange, routeOf, type Click, type Here, type Link, type Route } from './navigation.js'

const here = new URL('https://app.test/shop/cart?sort=price')
const leftClick: Click = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false }
/**
 * An anchor as the DOM shows it: `href` resolved ('' without the attribute), its parts '' when it does not parse,
 * `target` '' when absent.
 */
const link = (href: string, attributes: { target?: string; download?: string } = {}): Link => {
  let url: URL | undefined
  try {
    url = new URL(href)
  } catch {
    // The DOM's url is null: href reads as the attribute, every part as ''.
  }
  return {
    href,
    origin: url?.origin ?? '',
    pathname: url?.pathname ?? '',
    search: url?.search ?? '',
    target: attributes.target ?? '',
    hasAttribute: (name) => Object.hasOwn(attributes, name),
  }
}

describe('clickDestination', () => {
  it('a plain left click on a same-origin link goes to that URL', () => {
    expect(clickDestination(leftClick, link('https://app.test/shop/checkout'), here)?.href).toBe('https://app.test/shop/checkout')
  })

  it('a click that lands on no link goes nowhere', () => {
    expect(clickDestination(leftClick, undefined, here)).toBeUndefined()
  })

  it.each([1, 2])('a click with button %s is left to the browser', (button) => {
    expect(clickDestination({ ...leftClick, button }, link('https://app.test/shop/checkout'), here)).toBeUndefined()
  })

  it.each(['metaKey', 'ctrlKey', 'shiftKey', 'altKey'] as const)(
    'a click with %s held (new tab, new window, download) is left to the browser',
    (key) => {
      expect(clickDestination({ ...leftClick, [key]: true }, link('https://app.test/shop/checkout'), here)).toBeUndefined()
    },
  )

  it('reads a MouseEvent-like object as it is: facts it does not use change nothing', () => {
    const event = { ...leftClick, defaultPrevented: true, detail: 2, clientX: 10 }
    expect(clickDestination(event, link('https://app.test/shop/checkout'), here)?.href).toBe('https://app.test/shop/checkout')
  })

  it.each(['_blank', '_parent', '_top', 'preview', '_SELF', '_Self'])('a link with target="%s" is left to the browser', (target) => {
    expect(clickDestination(leftClick, link('https://app.test/shop/checkout', { target }), here)).toBeUndefined()
  })

  it.each(['_self', ''])('a link with target="%s" stays in this tab', (target) => {
    expect(clickDestination(leftClick, link('https://app.test/shop/checkout', { target }), here)?.pathname).toBe('/shop/checkout')
  })

  it.each(['', 'invoice.pdf'])('a download link (download="%s") is left to the browser', (download) => {
    expect(clickDestination(leftClick, link('https://app.test/shop/invoice.pdf', { download }), here)).toBeUndefined()
  })

  it('a link without href (its href reads as the empty string) goes nowhere', () => {
    expect(clickDestination(leftClick, link(''), here)).toBeUndefined()
  })

  it('takes `location` as it is: origin, path and query are all it reads of where the page is', () => {
    const location: Here = { origin: 'https://app.test', pathname: '/shop/cart', search: '?sort=price' }
    expect(clickDestination(leftClick, link('https://app.test/shop/cart?sort=price#total'), location)).toBeUndefined()
    expect(clickDestination(leftClick, link('https://app.test/shop/checkout'), location)?.href).toBe('https://app.test/shop/checkout')
    expect(clickDestination(leftClick, link('https://other.test/shop/checkout'), location)).toBeUndefined()
  })

  it.each([
    'https://other.test/shop/checkout',
    'http://app.test/shop/checkout',
    'https://app.test:8443/shop/checkout',
    'mailto:help@app.test',
    'tel:+123',
    'javascript:void(0)',
    'javascript:history.back()',
    'data:text/html,hi',
    'about:blank',
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

  it('a hash link on the same path with another query is a navigation', () => {
    expect(clickDestination(leftClick, link('https://app.test/shop/cart#total'), here)?.href).toBe('https://app.test/shop/cart#total')
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

describe('isRouteChange', () => {
  const to = (path: string) => new URL(path, here)

  it.each(['/shop/checkout', '/shop/cart?sort=name', '/shop/cart'])('a push or a move back or forward to %s is a navigation', (path) => {
    expect(isRouteChange(here, to(path), false)).toBe(true)
  })

  it('a move that only changes the hash is not a navigation', () => {
    expect(isRouteChange(here, to('/shop/cart?sort=price#reviews'), false)).toBe(false)
    expect(isRouteChange(to('/shop/cart?sort=price#reviews'), here, false)).toBe(false)
  })

  it('a push of the current URL again is not a navigation', () => {
    expect(isRouteChange(here, to('/shop/cart?sort=price'), false)).toBe(false)
  })

  it('a replace that keeps the path but changes the query (a filter mirrored in the URL) is not a navigation', () => {
    expect(isRouteChange(here, to('/shop/cart?sort=name'), true)).toBe(false)
  })

  it('a replace to another path (a redirect inside the router) is a navigation', () => {
    expect(isRouteChange(here, to('/shop/login'), true)).toBe(true)
  })

  it('takes `location` as it is: path and query are all it reads of where the page is', () => {
    const location: Route = { pathname: '/shop/cart', search: '?sort=price' }
    expect(isRouteChange(location, to('/shop/cart?sort=price#reviews'), false)).toBe(false)
    expect(isRouteChange(location, to('/shop/cart?sort=name'), false)).toBe(true)
    expect(isRouteChange(location, to('/shop/cart?sort=name'), true)).toBe(false)
    expect(isRouteChange(location, to('/shop/login'), true)).toBe(true)
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
