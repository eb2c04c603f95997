import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FROZEN_MS, freezeView } from './freeze.js'

/**
 * The little of the DOM that freezeView touches. Like a browser's copy of a `<select>` (whose options' selectedness
 * is not copied), a copy here carries the markup only: not what the user typed or chose, and no event listener.
 * What a frozen field shows is freezeView's doing. A file field throws when set to anything but '', as in browsers.
 */
class FakeElement {
  parent: FakeElement | null = null
  children: FakeElement[] = []
  readonly listeners: string[] = []
  private current: string | undefined

  constructor(
    readonly tagName: string,
    readonly attributes: Record<string, string> = {},
    children: FakeElement[] = [],
  ) {
    for (const child of children) this.append(child)
  }

  get type(): string {
    return this.attributes.type ?? 'text'
  }

  get value(): string {
    return this.current ?? this.attributes.value ?? ''
  }

  set value(value: string) {
    if (this.type === 'file' && value !== '') throw new DOMException('may only be set to the empty string', 'InvalidStateError')
    this.current = value
  }

  get isConnected(): boolean {
    return this.parent?.isConnected ?? this === root
  }

  append(child: FakeElement) {
    child.parent = this
    this.children.push(child)
  }

  addEventListener(type: string) {
    this.listeners.push(type)
  }

  cloneNode(deep: boolean): FakeElement {
    return new FakeElement(this.tagName, { ...this.attributes }, deep ? this.children.map((child) => child.cloneNode(true)) : [])
  }

  /** Descendants whose tag is one of the comma-separated `selector`, in document order. */
  querySelectorAll(selector: string): FakeElement[] {
    const tags = selector.split(',').map((tag) => tag.trim().toUpperCase())
    return this.children.flatMap((child) => [...(tags.includes(child.tagName) ? [child] : []), ...child.querySelectorAll(selector)])
  }

  /** As the DOM's: nothing happens to an element without a parent. */
  replaceWith(other: FakeElement) {
    if (!this.parent) return
    const siblings = this.parent.children
    siblings[siblings.indexOf(this)] = other
    other.parent = this.parent
    this.parent = null
  }

  text(): string {
    return [this.attributes.text ?? '', ...this.children.map((child) => child.text())].join('')
  }
}

const el = (tag: string, attributes: Record<string, string> = {}, ...children: FakeElement[]) => new FakeElement(tag.toUpperCase(), attributes, children)

let root: FakeElement
/** The window: where freezeView listens for the document to be shown again. */
let windowTarget: EventTarget

/** A document whose body holds `children`; returns its live body. */
function page(...children: FakeElement[]) {
  const body = el('body', {}, ...children)
  root = el('html', {}, el('head'), body)
  vi.stubGlobal('document', {
    get body() {
      return root.children.find((child) => child.tagName === 'BODY')
    },
  })
  return body
}
const shown = () => (document as unknown as { body: FakeElement }).body

/** The window's pageshow event, as a restore from the back/forward cache (`persisted`) or a first load fires it. */
const pageshow = (persisted: boolean) => windowTarget.dispatchEvent(Object.assign(new Event('pageshow'), { persisted }))

beforeEach(() => {
  vi.useFakeTimers()
  windowTarget = new EventTarget()
  vi.stubGlobal('addEventListener', windowTarget.addEventListener.bind(windowTarget))
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** A form as a user left it: a name typed, a note written, a country chosen, a box ticked. */
function filledForm() {
  const name = el('input', { name: 'name' })
  const note = el('textarea', { name: 'note' })
  const country = el('select', { name: 'country' }, el('option', { value: 'fr' }), el('option', { value: 'de' }))
  const empty = el('input', { name: 'empty', value: 'default' })
  const live = page(el('main', {}, el('h1', { text: 'Orders' }), el('form', {}, el('div', {}, name), note, country, empty)))
  name.value = 'Ada'
  note.value = 'Leave at the door'
  country.value = 'de'
  return { live, name, note, country, empty }
}

describe('freezeView', () => {
  it('shows a copy of the body in its place, and keeps the live body aside', () => {
    const live = page(el('main', {}, el('h1', { text: 'Orders' })))
    freezeView()
    expect(shown()).not.toBe(live)
    expect(shown().text()).toBe('Orders')
    expect(shown().isConnected).toBe(true)
    expect(live.isConnected).toBe(false)
  })

  it("shows every field with the value the user left in it, not the page's default", () => {
    filledForm()
    freezeView()
    expect(shown().querySelectorAll('input,textarea,select').map((field) => field.value)).toEqual(['Ada', 'Leave at the door', 'de', 'default'])
  })

  it('leaves the live fields as they were', () => {
    const { name, note, country } = filledForm()
    freezeView()
    expect([name.value, note.value, country.value]).toEqual(['Ada', 'Leave at the door', 'de'])
  })

  it('keeps showing the view as it was while the app goes on in the live body, out of sight', () => {
    const { live, name } = filledForm()
    freezeView()
    const frozen = shown()
    // The router's error view, and the field the app clears: in the live body only.
    live.append(el('p', { text: 'route failed' }))
    name.value = ''
    expect(shown()).toBe(frozen)
    expect(frozen.text()).toBe('Orders')
    expect(frozen.querySelectorAll('input')[0]?.value).toBe('Ada')
  })

  it("the copy carries none of the app's listeners", () => {
    const button = el('button', { text: 'Save' })
    button.addEventListener('click')
    page(button)
    freezeView()
    expect(shown().children[0]?.listeners).toEqual([])
  })

  it(`puts the live body back after ${FROZEN_MS} ms, should the load never replace the document`, () => {
    const { live } = filledForm()
    freezeView()
    const frozen = shown()
    vi.advanceTimersByTime(FROZEN_MS - 1)
    expect(shown()).toBe(frozen)
    vi.advanceTimersByTime(1)
    expect(shown()).toBe(live)
    expect(live.isConnected).toBe(true)
    expect(frozen.isConnected).toBe(false)
  })

  it('puts back the very body the app runs in, with what it did meanwhile', () => {
    const { live, name } = filledForm()
    freezeView()
    live.append(el('p', { text: ' · saved' }))
    name.value = 'Grace'
    vi.advanceTimersByTime(FROZEN_MS)
    expect(shown()).toBe(live)
    expect(shown().text()).toBe('Orders · saved')
    expect(shown().querySelectorAll('input')[0]?.value).toBe('Grace')
  })

  it('does not throw on a file field with a chosen file (whose value a script cannot set), and still freezes the rest', () => {
    const file = el('input', { type: 'file', name: 'upload' })
    // What a browser gives for a field with a file chosen; a script could not set it.
    Object.defineProperty(file, 'value', { get: () => 'C:\\fakepath\\invoice.pdf' })
    const name = el('input', { name: 'name' })
    page(el('form', {}, file, name))
    name.value = 'Ada'
    expect(() => freezeView()).not.toThrow()
    expect(shown().querySelectorAll('input').map((field) => field.value)).toEqual(['', 'Ada'])
  })

  it('puts the live body back at once when the document is shown again from the back/forward cache', () => {
    const { live } = filledForm()
    freezeView()
    pageshow(true)
    expect(shown()).toBe(live)
  })

  it('keeps the view frozen at the pageshow of a first load (a freeze before the page had finished loading)', () => {
    filledForm()
    freezeView()
    const frozen = shown()
    pageshow(false)
    expect(shown()).toBe(frozen)
  })

  it('once the live body is back, neither the timer nor a later restore swaps anything', () => {
    const { live } = filledForm()
    freezeView()
    pageshow(true)
    vi.advanceTimersByTime(FROZEN_MS)
    pageshow(true)
    expect(shown()).toBe(live)
    expect(root.children.map((child) => child.tagName)).toEqual(['HEAD', 'BODY'])
  })

  it('a second freeze after a restore from the back/forward cache is not undone by the first one\'s timer', () => {
    const { live } = filledForm()
    freezeView()
    vi.advanceTimersByTime(1_000)
    pageshow(true)
    freezeView()
    const second = shown()
    expect(second).not.toBe(live)
    vi.advanceTimersByTime(FROZEN_MS - 1_000)
    expect(shown()).toBe(second)
    vi.advanceTimersByTime(1_000)
    expect(shown()).toBe(live)
  })
})
