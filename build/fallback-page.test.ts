import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isFallbackPage } from '../manifest/fallback-page.js'
import { BUILT_IN_MESSAGES, DEFAULT_FALLBACK_LOCALE, FALLBACK_MESSAGE_KEYS, type FallbackMessages } from './fallback-messages.js'
import {
  cspHash,
  defaultFallbackTemplate,
  escapeHtml,
  fallbackPageScript,
  fallbackPolicy,
  inlineSources,
  renderFallbackPage,
  renderFallbackPages,
  type FallbackTemplate,
  type FallbackTemplateData,
} from './fallback-page.js'
import { GatekeeperBuildError } from './messages.js'

const english = BUILT_IN_MESSAGES.en!
const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2) title=\''
const hostileMessages: FallbackMessages = { title: hostile, heading: hostile, body: hostile, retry: hostile, version: hostile }

/** The opening <html> tag of a page. */
const htmlTag = (page: string) => page.match(/<html[^>]*>/)?.[0] ?? ''
/** Every start tag of a page, by name. */
const startTags = (page: string) => [...page.matchAll(/<([a-z][a-z0-9-]*)\b/gi)].map((match) => match[1]!.toLowerCase())
/** What the inline scripts and styles of a page contain, in order. */
const inlineContents = (page: string, tag: 'script' | 'style') =>
  [...page.matchAll(new RegExp(`<${tag}(?![^>]*\\ssrc=)[^>]*>([\\s\\S]*?)</${tag}>`, 'gi'))].map((match) => match[1]!)
/**
 * The page as markup, script contents left out the way an HTML parser reads them: a script ends at the first
 * `</script`, unless a `<!--` inside it put the parser in an escaped state (then this page fails the check below).
 */
const markupOutsideScripts = (page: string) => {
  for (const content of inlineContents(page, 'script')) expect(content).not.toContain('<!--')
  return page.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script)/gi, '$1$2')
}

/** The error `run` throws, so a test can assert its code and what its message names. */
function thrown(run: () => unknown): GatekeeperBuildError {
  try {
    run()
  } catch (error) {
    if (error instanceof GatekeeperBuildError) return error
    throw error
  }
  throw new Error('expected a GatekeeperBuildError, nothing was thrown')
}

/** A minimal user template that puts every piece of data it receives into the page. */
const everything: FallbackTemplate = (page) =>
  `<!doctype html><html ${page.htmlAttributes}><head><title>${page.text.title}</title></head><body>` +
  `<p data-l="${page.lang}" data-d="${page.dir}" data-v="${page.version}">${page.version}</p>` +
  `<h1>${page.text.heading}</h1><p>${page.text.body}</p><a ${page.retryAttributes}>${page.text.retry}</a>` +
  `<small>${page.text.version}</small>${page.script}</body></html>`

/** The data renderFallbackPage gives a template for version v1 in English. */
function everythingData(): FallbackTemplateData {
  let data: FallbackTemplateData | undefined
  renderFallbackPage('v1', 'en', english, (page) => {
    data = page
    return everything(page)
  })
  return data!
}

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

describe('the built-in messages', () => {
  const locales = Object.keys(BUILT_IN_MESSAGES)

  it('cover at least 12 locales, the default among them, at least one written right to left', () => {
    expect(locales.length).toBeGreaterThanOrEqual(12)
    expect(locales).toContain(DEFAULT_FALLBACK_LOCALE)
    expect(locales).toEqual(expect.arrayContaining(['ar', 'he']))
  })

  it.each(locales)('%s has a non-empty text for every key and no other', (locale) => {
    const messages = BUILT_IN_MESSAGES[locale]!
    expect(Object.keys(messages).sort()).toEqual([...FALLBACK_MESSAGE_KEYS].sort())
    for (const key of FALLBACK_MESSAGE_KEYS) expect(messages[key].trim()).not.toBe('')
  })

  it('are translated: no two locales share a body text', () => {
    const bodies = locales.map((locale) => BUILT_IN_MESSAGES[locale]!.body)
    expect(new Set(bodies).size).toBe(bodies.length)
  })
})

describe('renderFallbackPage', () => {
  it.each(Object.keys(BUILT_IN_MESSAGES))('renders the built-in %s page with its language, direction, version and retry', (locale) => {
    const page = renderFallbackPage('a1b2c3', locale, BUILT_IN_MESSAGES[locale]!)
    const dir = locale === 'ar' || locale === 'he' ? 'rtl' : 'ltr'
    expect(htmlTag(page)).toBe(`<html lang="${locale}" dir="${dir}" data-gatekeeper-fallback data-version="a1b2c3">`)
    expect(page).toMatch(/<a [^>]*data-gatekeeper-retry[^>]*>/)
    expect(page).toContain(`<title>${escapeHtml(BUILT_IN_MESSAGES[locale]!.title)}</title>`)
    expect(page).toContain(escapeHtml(BUILT_IN_MESSAGES[locale]!.retry))
  })

  it('Arabic and Hebrew pages are right to left', () => {
    expect(htmlTag(renderFallbackPage('v1', 'ar', BUILT_IN_MESSAGES.ar!))).toContain('dir="rtl"')
    expect(htmlTag(renderFallbackPage('v1', 'he', BUILT_IN_MESSAGES.he!))).toContain('dir="rtl"')
    expect(htmlTag(renderFallbackPage('v1', 'fa-IR', english))).toContain('dir="rtl"')
  })

  it('the retry control is a link to the address the reader asked for, which reloads it', () => {
    const page = renderFallbackPage('a1b2c3', 'en', english)
    expect(page).toMatch(/<a href="" data-gatekeeper-retry>Try again<\/a>/)
  })

  it('shows the version', () => {
    expect(renderFallbackPage('a1b2c3', 'en', english)).toContain('Version <bdi>a1b2c3</bdi>')
  })

  it('carries exactly one inline script, the one the template was given', () => {
    const script = fallbackPageScript(['de', 'en'], 'de')
    const page = renderFallbackPage('a1b2c3', 'en', english, undefined, script)
    expect(page).toContain(script)
    expect(page.match(/<script/gi)).toHaveLength(1)
  })

  it('on its own, its script knows only its own locale', () => {
    expect(renderFallbackPage('a1b2c3', 'de', BUILT_IN_MESSAGES.de!)).toContain(fallbackPageScript(['de'], 'de'))
  })

  it('is a fallback page to the service worker', () => {
    expect(isFallbackPage(renderFallbackPage('a1b2c3', 'en', english))).toBe(true)
    expect(isFallbackPage(renderFallbackPage('a1b2c3', 'he', english, everything))).toBe(true)
  })

  it('hostile messages cannot inject markup', () => {
    const page = renderFallbackPage('a1b2c3', 'en', hostileMessages)
    expect(startTags(page)).toEqual(startTags(renderFallbackPage('a1b2c3', 'en', english)))
    expect(page).not.toMatch(/<img/i)
    expect(page.match(/<script/gi)).toHaveLength(1)
    expect(page.match(/<a[^>]*>/g)).toEqual(['<a href="" data-gatekeeper-retry>'])
    expect(page).toContain(escapeHtml(hostile))
  })

  it('a hostile locale cannot break out of the lang attribute, nor out of the script that lists it', () => {
    const page = renderFallbackPage('a1b2c3', hostile, english)
    const markup = markupOutsideScripts(page)
    expect(markup).not.toMatch(/<img/i)
    expect(markup.match(/<script/gi)).toHaveLength(1)
    expect(page.match(/<\/script/gi)).toHaveLength(1)
    expect(startTags(markup)).toEqual(startTags(markupOutsideScripts(renderFallbackPage('a1b2c3', 'en', english))))
    expect(htmlTag(page)).toMatch(/^<html lang="[^"<>]*" dir="ltr" data-gatekeeper-fallback data-version="a1b2c3">$/)
  })

  it('a hostile version cannot break out of data-version', () => {
    const page = renderFallbackPage(hostile, 'en', english)
    expect(page).not.toMatch(/<img/i)
    expect(page.match(/<script/gi)).toHaveLength(1)
    expect(htmlTag(page)).toMatch(/^<html lang="en" dir="ltr" data-gatekeeper-fallback data-version="[^"<>]*">$/)
  })

  it('a user template receives every piece of data escaped, so hostile data cannot inject markup through it', () => {
    let seen: FallbackTemplateData | undefined
    const page = renderFallbackPage(hostile, hostile, hostileMessages, (data) => {
      seen = data
      return everything(data)
    })
    expect(seen?.lang).toBe(escapeHtml(hostile))
    expect(seen?.version).toBe(escapeHtml(hostile))
    for (const key of FALLBACK_MESSAGE_KEYS) expect(seen?.text[key]).toBe(escapeHtml(hostile))
    const markup = markupOutsideScripts(page)
    expect(startTags(markup)).toEqual(startTags(markupOutsideScripts(renderFallbackPage('v1', 'en', english, everything))))
    expect(markup).not.toMatch(/<img/i)
    expect(page.match(/<\/script/gi)).toHaveLength(1)
  })

  it('a user template gets the attributes it must carry and its page is kept as written', () => {
    const page = renderFallbackPage('v7', 'he', english, everything)
    expect(htmlTag(page)).toBe('<html lang="he" dir="rtl" data-gatekeeper-fallback data-version="v7">')
    expect(page).toContain('<p data-l="he" data-d="rtl" data-v="v7">v7</p>')
    expect(page).toContain('<a href="" data-gatekeeper-retry>Try again</a>')
  })

  it.each([
    ['data-gatekeeper-fallback', (page: FallbackTemplateData) => everything({ ...page, htmlAttributes: `lang="${page.lang}" data-version="${page.version}"` })],
    ['data-version="v1"', (page: FallbackTemplateData) => everything({ ...page, htmlAttributes: `lang="${page.lang}" data-gatekeeper-fallback` })],
    ['lang="en"', (page: FallbackTemplateData) => everything({ ...page, htmlAttributes: `data-gatekeeper-fallback data-version="${page.version}"` })],
    ['data-gatekeeper-retry', (page: FallbackTemplateData) => everything({ ...page, retryAttributes: 'href=""' })],
  ])('a template whose page lacks %s fails the build, naming what is missing', (missing, template) => {
    const error = thrown(() => renderFallbackPage('v1', 'en', english, template))
    expect(error.code).toBe('invalid-fallback-template')
    expect(error.message).toContain(JSON.stringify(missing))
    expect(error.message).toContain('"en"')
  })

  it('a template that puts the html attributes on another element than <html> fails the build', () => {
    // The contract is that the document's <html> element carries them; the service worker and the page look there.
    const onBody: FallbackTemplate = (page) => everything(page).replace(`<html ${page.htmlAttributes}>`, '<html>').replace('<body>', `<body ${page.htmlAttributes}>`)
    expect(htmlTag(onBody(everythingData()))).toBe('<html>')
    expect(thrown(() => renderFallbackPage('v1', 'en', english, onBody)).code).toBe('invalid-fallback-template')
  })

  it('a template that ignores the page data fails the build and names every missing attribute', () => {
    const error = thrown(() => renderFallbackPage('v1', 'en', english, () => '<!doctype html><p>Offline</p>'))
    expect(error.code).toBe('invalid-fallback-template')
    for (const missing of ['data-gatekeeper-fallback', 'data-version="v1"', 'lang="en"', 'data-gatekeeper-retry']) {
      expect(error.message).toContain(JSON.stringify(missing))
    }
  })

  it('depends on no other file: no external script, stylesheet, icon, image or frame', () => {
    const page = renderFallbackPage('a1b2c3', 'en', english)
    expect(page).not.toMatch(/<(img|iframe|object|embed)\b/i)
    expect(page).not.toMatch(/<script[^>]*\ssrc=/i)
    expect(page).not.toMatch(/\surl\(/i)
    const links = [...page.matchAll(/<link\b[^>]*>/gi)].map((match) => match[0])
    for (const link of links) expect(link, link).toMatch(/\shref=["']?data:/i)
  })

  it("lets the browser's request for /favicon.ico through its own policy (Firefox asks even for a page the worker made)", () => {
    const { contentSecurityPolicy } = renderFallbackPages('a1b2c3', { en: english }, 'en')
    expect(contentSecurityPolicy).toMatch(/(^|; )img-src 'self' data:(;|$)/)
  })
})

describe('inlineSources', () => {
  it('hashes inline scripts and styles, not scripts loaded from a file', () => {
    const html =
      '<style>a{color:red}</style><script>one()</script><script src="/x.js"></script>' +
      '<script type="module" src="/y.js"></script><script type="module">two()</script><STYLE media="print">b{}</STYLE>'
    expect(inlineSources(html)).toEqual({
      scripts: [cspHash('one()'), cspHash('two()')],
      styles: [cspHash('a{color:red}'), cspHash('b{}')],
    })
  })

  it('lists a content once when it appears twice', () => {
    expect(inlineSources('<script>x()</script><script>x()</script>').scripts).toEqual([cspHash('x()')])
  })

  it('a page without inline scripts or styles has no sources', () => {
    expect(inlineSources('<p>plain</p><script src="a.js"></script>')).toEqual({ scripts: [], styles: [] })
  })
})

describe('cspHash', () => {
  it('is the quoted base64 sha256 source a browser computes for that exact content', () => {
    // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
    expect(cspHash('alert(1)')).toBe("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='")
  })

  it('hashes the UTF-8 bytes, as browsers do', () => {
    // printf 'é' | openssl dgst -sha256 -binary | base64 (UTF-8 c3 a9; Latin-1 e9 would give 3i4zHY…)
    expect(cspHash('é')).toBe("'sha256-SplVfkAzw1Od4utlRyAXytX5VX96BiWgnxw/biumnEw='")
  })
})

describe('fallbackPolicy', () => {
  it('allows nothing by default and exactly the inline scripts and styles of the pages', () => {
    const pages = ['<style>a{}</style><script>one()</script>', '<style>b{}</style><script>one()</script><script>two()</script>']
    const policy = fallbackPolicy(pages)
    const directives = Object.fromEntries(policy.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]))
    expect(directives['default-src']).toEqual(["'none'"])
    expect(directives['script-src']?.sort()).toEqual([cspHash('one()'), cspHash('two()')].sort())
    expect(directives['style-src']?.sort()).toEqual([cspHash('a{}'), cspHash('b{}')].sort())
  })

  it('pages without inline scripts allow no script at all', () => {
    expect(fallbackPolicy(['<p>plain</p>'])).toContain("script-src 'none'")
    expect(fallbackPolicy(['<p>plain</p>'])).toContain("style-src 'none'")
  })

  it('never allows inline code by a keyword, eval, or another origin', () => {
    const policy = fallbackPolicy([renderFallbackPage('v1', 'en', english)])
    expect(policy).not.toMatch(/unsafe-|\*|https?:|'self' 'unsafe|data:.*script/)
    expect(policy).not.toMatch(/[\r\n]/)
  })
})

describe('renderFallbackPages', () => {
  const messages = { de: BUILT_IN_MESSAGES.de!, en: english, he: BUILT_IN_MESSAGES.he! }

  it('renders one page per locale, named fallback.<set hash>.<locale>.html, every name with the same hash', () => {
    const set = renderFallbackPages('a1b2c3', messages, 'en')
    expect(set.defaultLocale).toBe('en')
    expect(set.files.map((file) => file.locale)).toEqual(['de', 'en', 'he'])
    const hashes = new Set<string>()
    for (const file of set.files) {
      const match = file.fileName.match(/^fallback\.([0-9a-f]{8})\.([A-Za-z-]+)\.html$/)
      expect(match?.[2]).toBe(file.locale)
      hashes.add(match![1]!)
      const script = fallbackPageScript(['de', 'en', 'he'], 'en')
      expect(file.html).toBe(renderFallbackPage('a1b2c3', file.locale, messages[file.locale as keyof typeof messages], undefined, script))
    }
    expect(hashes.size).toBe(1)
  })

  it('renders every built-in locale', () => {
    const set = renderFallbackPages('v1', BUILT_IN_MESSAGES, DEFAULT_FALLBACK_LOCALE)
    expect(set.files.map((file) => file.locale)).toEqual(Object.keys(BUILT_IN_MESSAGES).sort())
    for (const file of set.files) expect(htmlTag(file.html)).toContain(`lang="${file.locale}"`)
  })

  it('is deterministic: the same input gives the same names and pages', () => {
    expect(renderFallbackPages('v1', messages, 'en')).toEqual(renderFallbackPages('v1', { he: messages.he, en: messages.en, de: messages.de }, 'en'))
  })

  it('the names change when any one page changes: its text, the version, or the template', () => {
    const names = (set: ReturnType<typeof renderFallbackPages>) => set.files.map((file) => file.fileName)
    const base = names(renderFallbackPages('v1', messages, 'en'))
    const changedGerman = names(renderFallbackPages('v1', { ...messages, de: { ...messages.de, retry: 'Nochmal' } }, 'en'))
    const changedHebrew = names(renderFallbackPages('v1', { ...messages, he: { ...messages.he, version: 'v' } }, 'en'))
    const otherVersion = names(renderFallbackPages('v2', messages, 'en'))
    const otherTemplate = names(renderFallbackPages('v1', messages, 'en', (page) => everything(page)))
    for (const changed of [changedGerman, changedHebrew, otherVersion, otherTemplate]) {
      expect(changed).toHaveLength(base.length)
      changed.forEach((name, index) => expect(name).not.toBe(base[index]))
    }
  })

  it('the names change when a locale is added', () => {
    const one = renderFallbackPages('v1', { en: english }, 'en').files[0]!.fileName
    const two = renderFallbackPages('v1', { en: english, de: messages.de }, 'en').files.find((file) => file.locale === 'en')!.fileName
    expect(two).not.toBe(one)
  })

  it("its policy lists exactly the hashes of the pages' inline scripts and styles, and nothing else", () => {
    const template: FallbackTemplate = (page) =>
      everything(page).replace('</body>', `<style>p{color:${page.dir === 'rtl' ? 'red' : 'blue'}}</style><script src="/never.js"></script></body>`)
    const set = renderFallbackPages('v1', messages, 'en', template)
    const scripts = new Set(set.files.flatMap((file) => inlineContents(file.html, 'script')).map(cspHash))
    const styles = new Set(set.files.flatMap((file) => inlineContents(file.html, 'style')).map(cspHash))
    expect(styles.size).toBe(2)
    const directives = Object.fromEntries(
      set.contentSecurityPolicy.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]),
    )
    expect(directives['default-src']).toEqual(["'none'"])
    expect(new Set(directives['script-src'])).toEqual(scripts)
    expect(new Set(directives['style-src'])).toEqual(styles)
    expect(set.styleSources).toEqual([...styles].sort())
  })

  it("the built-in pages' policy allows their own style and script", () => {
    const set = renderFallbackPages('v1', BUILT_IN_MESSAGES, 'en')
    const page = set.files[0]!.html
    expect(set.contentSecurityPolicy).toContain(`script-src ${cspHash(inlineContents(page, 'script')[0]!)}`)
    expect(set.contentSecurityPolicy).toContain(`style-src ${cspHash(inlineContents(page, 'style')[0]!)}`)
    expect(set.contentSecurityPolicy.startsWith("default-src 'none'")).toBe(true)
  })

  it('a template that fails for one locale fails the whole set', () => {
    const template: FallbackTemplate = (page) => (page.dir === 'rtl' ? '<html></html>' : defaultFallbackTemplate(page))
    const error = thrown(() => renderFallbackPages('v1', messages, 'en', template))
    expect(error.code).toBe('invalid-fallback-template')
    expect(error.message).toContain('"he"')
  })
})

describe('fallbackPageScript', () => {
  it('is one inline <script> element that passes the locales and the default to the page function', () => {
    const script = fallbackPageScript(['de', 'en', 'pt-BR'], 'en')
    expect(script.startsWith('<script>')).toBe(true)
    expect(script.endsWith('</script>')).toBe(true)
    expect(script.match(/<\/script/gi)).toHaveLength(1)
    expect(script).toContain('["de","en","pt-BR"],"en")')
  })

  it('changes with the locales and with the default', () => {
    const base = fallbackPageScript(['de', 'en'], 'en')
    expect(fallbackPageScript(['de', 'en', 'fr'], 'en')).not.toBe(base)
    expect(fallbackPageScript(['de', 'en'], 'de')).not.toBe(base)
  })

  it('a locale cannot end the script early', () => {
    const script = fallbackPageScript(['</script><img src=x onerror=alert(1)>', 'en'], 'en')
    expect(script.match(/<\/script/gi)).toHaveLength(1)
    expect(markupOutsideScripts(script)).toBe('<script></script>')
  })
})

/**
 * The fallback page's own script, run as the browser runs it: the script of a rendered page, evaluated in a context
 * that holds only the globals a page has and that the script uses, each a recording fake.
 */
describe('the script of a fallback page', () => {
  const messages = { de: BUILT_IN_MESSAGES.de!, en: english, he: BUILT_IN_MESSAGES.he! }
  const set = renderFallbackPages('a1b2c3', messages, 'en')
  const fileOf = (locale: string) => set.files.find((file) => file.locale === locale)!
  /** `/fallback.<hash>.<locale>.html`, as the host serves it at the root. */
  const pathOf = (locale: string) => `/${fileOf(locale).fileName}`

  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Runs the script of `page` as if served at `url` to a reader whose browser prefers `languages`. */
  function run(page: string, url: string, languages: readonly string[], options: { replaceStateThrows?: boolean } = {}) {
    const address = new URL(url, 'https://app.test')
    const seen = { replace: [] as string[], replaceState: [] as unknown[][], reload: 0 }
    const listeners: Record<string, (() => void)[]> = {}
    const context = {
      location: {
        href: address.href,
        pathname: address.pathname,
        search: address.search,
        replace: (to: string) => seen.replace.push(to),
        reload: () => seen.reload++,
      },
      history: {
        replaceState: (...args: unknown[]) => {
          // A browser refuses an address of another origin (or one it cannot parse) with a SecurityError.
          if (options.replaceStateThrows) throw new DOMException('The operation is insecure.', 'SecurityError')
          seen.replaceState.push(args)
        },
      },
      navigator: { languages },
      document: { documentElement: { lang: /\slang="([^"]*)"/.exec(htmlTag(page))![1] } },
      addEventListener: (type: string, listener: () => void) => (listeners[type] ??= []).push(listener),
      URLSearchParams,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
    }
    const [script] = inlineContents(page, 'script')
    runInNewContext(script!, context)
    return { seen, fire: (type: string) => listeners[type]?.forEach((listener) => listener()), listens: (type: string) => (listeners[type] ?? []).length }
  }

  it("lists the set's locales and its default", () => {
    const [script] = inlineContents(fileOf('en').html, 'script')
    expect(script).toContain(JSON.stringify(['de', 'en', 'he']))
    expect(script).toContain(`${JSON.stringify(['de', 'en', 'he'])},"en")`)
    for (const file of set.files) expect(inlineContents(file.html, 'script')).toEqual([script])
    expect(set.scriptSources).toEqual([cspHash(script!)])
  })

  it("served as a file to a reader of another language it has, moves once to that language's page, keeping the query", () => {
    const { seen, listens } = run(fileOf('en').html, `${pathOf('en')}?from=%2Fa`, ['de-DE', 'en'])
    expect(seen.replace).toEqual([`${pathOf('de')}?from=%2Fa&lang`])
    expect(seen.replaceState).toEqual([])
    expect(listens('online')).toBe(0)
  })

  it('moves even without a query, and the page it moves to stays', () => {
    const first = run(fileOf('en').html, pathOf('en'), ['he'])
    expect(first.seen.replace).toHaveLength(1)
    const moved = new URL(first.seen.replace[0]!, 'https://app.test')
    expect(moved.pathname).toBe(pathOf('he'))
    expect(moved.searchParams.has('lang')).toBe(true)
    const second = run(fileOf('he').html, moved.pathname + moved.search, ['he'])
    expect(second.seen.replace).toEqual([])
  })

  it('with &lang present, stays in its language and puts back the address it stands in for', () => {
    const { seen } = run(fileOf('en').html, `${pathOf('en')}?from=%2Fa&lang`, ['de-DE'])
    expect(seen.replace).toEqual([])
    expect(seen.replaceState).toEqual([[null, '', '/a']])
  })

  it("once in the reader's language, puts back the address of the app page it stands in for", () => {
    const { seen } = run(fileOf('de').html, `${pathOf('de')}?from=${encodeURIComponent('https://app.test/shop/orders/42?tab=2#top')}`, ['de-DE'])
    expect(seen.replace).toEqual([])
    expect(seen.replaceState).toEqual([[null, '', 'https://app.test/shop/orders/42?tab=2#top']])
  })

  it('a reader whose languages it has none of gets the default locale', () => {
    expect(run(fileOf('he').html, pathOf('he'), ['fr-FR', 'ja']).seen.replace).toEqual([`${pathOf('en')}?&lang`])
    expect(run(fileOf('en').html, pathOf('en'), ['fr-FR', 'ja']).seen.replace).toEqual([])
    const germanByDefault = renderFallbackPages('a1b2c3', messages, 'de')
    const englishPage = germanByDefault.files.find((file) => file.locale === 'en')!
    const germanPage = germanByDefault.files.find((file) => file.locale === 'de')!
    expect(run(englishPage.html, `/${englishPage.fileName}`, ['fr']).seen.replace).toEqual([`/${germanPage.fileName}?&lang`])
  })

  it('reached through the stable address with ?lang=de (redirected to the host copy of the German page, query kept), stays German', () => {
    // README, "A stable address": /__version-gatekeeper/fallback takes ?lang=. When the worker keeps no page it
    // redirects to the host's page in that language with the same query (sw/routes.ts, handleFallbackRoute); the
    // page then must not move to the browser's own language.
    const { seen } = run(fileOf('de').html, `${pathOf('de')}?lang=de`, ['en-US'])
    expect(seen.replace).toEqual([])
  })

  it('served by the service worker in place of an app page (not at its own file), moves nowhere', () => {
    const { seen, listens } = run(fileOf('en').html, '/shop/orders/42', ['de-DE'])
    expect(seen.replace).toEqual([])
    expect(seen.replaceState).toEqual([])
    expect(listens('online')).toBe(1)
  })

  it('a `from` that the browser refuses lets no exception escape, and the page still retries when online', () => {
    let result: ReturnType<typeof run> | undefined
    expect(() => {
      result = run(fileOf('en').html, `${pathOf('en')}?from=${encodeURIComponent('https://evil.test/')}`, ['en'], { replaceStateThrows: true })
    }).not.toThrow()
    expect(result!.seen.replaceState).toEqual([])
    expect(result!.listens('online')).toBe(1)
  })

  it('a second after the browser comes back online, reloads, and not before', () => {
    const { seen, fire } = run(fileOf('en').html, `${pathOf('en')}?from=%2Fa&lang`, ['en'])
    expect(seen.reload).toBe(0)
    fire('online')
    vi.advanceTimersByTime(999)
    expect(seen.reload).toBe(0)
    vi.advanceTimersByTime(1)
    expect(seen.reload).toBe(1)
  })

  it('the script of a user template runs the same', () => {
    const custom = renderFallbackPages('a1b2c3', messages, 'en', everything)
    const en = custom.files.find((file) => file.locale === 'en')!
    const de = custom.files.find((file) => file.locale === 'de')!
    expect(run(en.html, `/${en.fileName}?from=%2Fa`, ['de']).seen.replace).toEqual([`/${de.fileName}?from=%2Fa&lang`])
  })
})
