import { describe, expect, it } from 'vitest'
import { parseAcceptLanguage } from '../manifest/locale.js'
import { MANIFEST_SCHEMA, type DeployManifest } from '../manifest/manifest.js'
import { fallbackHeaders, findFallbackPage, keepFallbackPages, pagesToKeep } from './fallback.js'
import { createInMemoryCaches } from './in-memory-caches.test-support.js'
import { cacheStorage, type Storage } from './storage.js'

const SCOPE = 'https://app.test/shop/'
const MANIFEST_URL = 'https://app.test/shop/deploy-manifest.json'

const policyOf = (version: string) => `default-src 'none'; script-src 'sha256-${version}'; style-src 'sha256-${version}'`

/** A manifest of `version` with fallback pages for `locales`. */
function manifest(version: string, builtAt: string, locales = ['de', 'en', 'he'], defaultLocale = 'en'): DeployManifest {
  return {
    schema: MANIFEST_SCHEMA,
    version,
    builtAt,
    assetsDir: 'assets/',
    assets: [`assets/index-${version}.js`],
    entry: [`assets/index-${version}.js`],
    fallback: {
      defaultLocale,
      pages: Object.fromEntries(locales.map((locale) => [locale, `fallback.${version}ab.${locale}.html`])),
      contentSecurityPolicy: policyOf(version),
    },
    csp: { scriptSrc: [], styleSrc: [] },
    precache: 'entry',
    gracePeriodMs: 3_600_000,
  }
}

const v1 = manifest('v1', '2026-11-01T10:00:00.000Z')
const v2 = manifest('v2', '2026-11-02T10:00:00.000Z')

const pageUrl = (m: DeployManifest, locale: string) => new URL(m.fallback.pages[locale]!, MANIFEST_URL).href
const pageHtml = (version: string, locale: string) =>
  `<!doctype html><html lang="${locale}" dir="ltr" data-gatekeeper-fallback data-version="${version}"><body>${locale} ${version}</body></html>`

/** The index.html an SPA host answers for any path it does not have. */
const plainIndexHtml =
  '<!doctype html><html lang="en"><head><script type="module" src="/shop/assets/index-v2.js"></script></head><body><div id="app"></div></body></html>'
/**
 * The index.html the plugin writes: it inlines the runtime, whose entry watch checks fetched pages for the
 * attribute `data-gatekeeper-fallback` (app-runtime/entry-watch.ts), so the attribute's name is in its text
 * (this fragment is copied from dist/app-runtime/inline.min.js).
 */
const gatekeeperIndexHtml =
  '<!doctype html><html lang="en"><head><script>(()=>{/* … */for(let e of a)try{let t=await(await fetch(e)).text();' +
  'if(!t.includes(`data-gatekeeper-fallback`))continue;document.documentElement.replaceWith(new DOMParser()' +
  '.parseFromString(t,`text/html`).documentElement);break}catch{}})()</script>' +
  '<script type="module" src="/shop/assets/index-v2.js"></script></head><body><div id="app"></div></body></html>'

/** A host that serves every fallback page of the given manifests, unless told otherwise per URL. */
function host(...manifests: DeployManifest[]) {
  const answers = new Map<string, () => Response>()
  for (const m of manifests) {
    for (const locale of Object.keys(m.fallback.pages)) {
      answers.set(pageUrl(m, locale), () => new Response(pageHtml(m.version, locale), { headers: { 'content-type': 'text/html' } }))
    }
  }
  const fetched: string[] = []
  return {
    fetched,
    answer(url: string, make: () => Response) {
      answers.set(url, make)
    },
    fetchPage: async (url: string) => {
      fetched.push(url)
      const make = answers.get(url)
      if (!make) return new Response('not found', { status: 404 })
      return make()
    },
  }
}

const newStorage = (): Storage => cacheStorage(createInMemoryCaches(), SCOPE, MANIFEST_URL)

async function keptText(storage: Storage, m: DeployManifest, locale: string): Promise<string | undefined> {
  return (await storage.matchFile(m.version, pageUrl(m, locale)))?.text()
}

describe('fallbackHeaders', () => {
  it('says HTML, carries the policy, and keeps the page out of the HTTP cache', () => {
    const headers = fallbackHeaders(policyOf('v1'))
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(headers.get('content-security-policy')).toBe(policyOf('v1'))
    expect(headers.get('cache-control')).toBe('no-store')
    expect(headers.get('x-content-type-options')).toBe('nosniff')
  })
})

describe('pagesToKeep', () => {
  it("names the page in the browser's language and the deployment's default page", () => {
    expect(pagesToKeep(v1, ['de-AT', 'en'])).toEqual(['fallback.v1ab.de.html', 'fallback.v1ab.en.html'])
    expect(pagesToKeep(v1, ['he'])).toEqual(['fallback.v1ab.he.html', 'fallback.v1ab.en.html'])
  })

  it('names the default page once when the browser speaks its language, or none that has a page', () => {
    expect(pagesToKeep(v1, ['en-GB'])).toEqual(['fallback.v1ab.en.html'])
    expect(pagesToKeep(v1, ['ko', 'ja'])).toEqual(['fallback.v1ab.en.html'])
    expect(pagesToKeep(v1, [])).toEqual(['fallback.v1ab.en.html'])
  })

  it("follows the deployment's own default locale", () => {
    expect(pagesToKeep(manifest('v3', '2026-11-03T10:00:00.000Z', ['de', 'fr'], 'de'), ['fr'])).toEqual(['fallback.v3ab.fr.html', 'fallback.v3ab.de.html'])
  })
})

describe('keepFallbackPages', () => {
  it("keeps the browser's page and the default one in that deployment's cache, fetched from URLs beside the manifest", async () => {
    const storage = newStorage()
    const h = host(v1)
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])
    expect(h.fetched.sort()).toEqual(['https://app.test/shop/fallback.v1ab.de.html', 'https://app.test/shop/fallback.v1ab.en.html'])
    for (const locale of ['de', 'en']) expect(await keptText(storage, v1, locale)).toBe(pageHtml('v1', locale))
    expect(await keptText(storage, v1, 'he')).toBeUndefined()
    expect(await storage.matchFile('v2', pageUrl(v1, 'en'))).toBeUndefined()
  })

  it("keeps each page with the gatekeeper's safe headers, not the host's", async () => {
    const storage = newStorage()
    const h = host(v1)
    h.answer(pageUrl(v1, 'de'), () =>
      new Response(pageHtml('v1', 'de'), {
        headers: { 'content-type': 'text/plain', 'cache-control': 'public, max-age=31536000', 'content-security-policy': 'script-src *' },
      }),
    )
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])
    for (const locale of ['de', 'en']) {
      const kept = await storage.matchFile('v1', pageUrl(v1, locale))
      expect(kept?.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(kept?.headers.get('content-security-policy')).toBe(policyOf('v1'))
      expect(kept?.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('skips a page whose request fails, and keeps the others', async () => {
    const storage = newStorage()
    const h = host(v1)
    h.answer(pageUrl(v1, 'de'), () => {
      throw new TypeError('Failed to fetch')
    })
    await expect(keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])).resolves.toBeUndefined()
    expect(await keptText(storage, v1, 'de')).toBeUndefined()
    expect(await keptText(storage, v1, 'en')).toBe(pageHtml('v1', 'en'))
  })

  it.each([404, 410, 500, 503])('skips a page the host answers with %i, even when its body looks like a fallback page', async (status) => {
    const storage = newStorage()
    const h = host(v1)
    h.answer(pageUrl(v1, 'de'), () => new Response(pageHtml('v1', 'de'), { status }))
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])
    expect(await keptText(storage, v1, 'de')).toBeUndefined()
    expect(await keptText(storage, v1, 'en')).toBe(pageHtml('v1', 'en'))
  })

  it("skips a page an SPA host answers with the app's index.html", async () => {
    const storage = newStorage()
    const h = host(v1)
    h.answer(pageUrl(v1, 'de'), () => new Response(plainIndexHtml, { headers: { 'content-type': 'text/html' } }))
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])
    expect(await keptText(storage, v1, 'de')).toBeUndefined()
  })

  it("skips a page an SPA host answers with the gatekeeper's own index.html, whose inline runtime names the attribute", async () => {
    const storage = newStorage()
    const h = host(v1)
    h.answer(pageUrl(v1, 'de'), () => new Response(gatekeeperIndexHtml, { headers: { 'content-type': 'text/html' } }))
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])
    // Kept, it would be served offline as the fallback: index.html under the fallback's strict policy, a blank page.
    expect(await keptText(storage, v1, 'de')).toBeUndefined()
  })

  it('does not fetch again the pages already kept', async () => {
    const storage = newStorage()
    const h = host(v1)
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])
    expect(h.fetched).toHaveLength(2)
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['de'])
    expect(h.fetched).toHaveLength(2)
  })

  it('fetches again, next time, only the pages that could not be kept', async () => {
    const storage = newStorage()
    const h = host(v1)
    h.answer(pageUrl(v1, 'he'), () => new Response('busy', { status: 503 }))
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['he'])
    h.answer(pageUrl(v1, 'he'), () => new Response(pageHtml('v1', 'he')))
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['he'])
    expect(h.fetched.slice(2)).toEqual([pageUrl(v1, 'he')])
    expect(await keptText(storage, v1, 'he')).toBe(pageHtml('v1', 'he'))
  })

  it('never rejects, even when the cache fails', async () => {
    const storage = newStorage()
    const broken: Storage = {
      ...storage,
      matchFile: async () => undefined,
      putFile: async () => {
        throw new DOMException('quota', 'QuotaExceededError')
      },
    }
    await expect(keepFallbackPages(v1, MANIFEST_URL, broken, host(v1).fetchPage, ['de'])).resolves.toBeUndefined()
  })
})

describe('findFallbackPage', () => {
  /** Storage holding the pages of `manifests`, all of them unless `locales` says which. */
  async function keeping(entries: [DeployManifest, string[]?][]) {
    const storage = newStorage()
    for (const [m, locales = Object.keys(m.fallback.pages)] of entries) {
      for (const locale of locales) await storage.putFile(m.version, pageUrl(m, locale), new Response(pageHtml(m.version, locale), { headers: fallbackHeaders(policyOf(m.version)) }))
    }
    return storage
  }

  it("gives the page in the reader's language", async () => {
    const storage = await keeping([[v1]])
    expect(await (await findFallbackPage([v1], ['de'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'de'))
    expect(await (await findFallbackPage([v1], ['he-IL', 'en'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'he'))
  })

  it('takes the first of the reader\'s languages that has a page', async () => {
    const storage = await keeping([[v1]])
    expect(await (await findFallbackPage([v1], ['ko', 'de-AT', 'en'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'de'))
  })

  it('gives the default locale when none of the reader\'s languages has a page', async () => {
    const storage = await keeping([[v1]])
    expect(await (await findFallbackPage([v1], ['ko', 'ja'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'en'))
    expect(await (await findFallbackPage([v1], [], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'en'))
  })

  it("gives the default locale when the reader's page could not be kept", async () => {
    const storage = await keeping([[v1, ['en', 'he']]])
    expect(await (await findFallbackPage([v1], ['de'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'en'))
  })

  it("a hostile Accept-Language gets the default locale's page", async () => {
    const storage = await keeping([[v1]])
    const languages = parseAcceptLanguage('"><script>alert(1)</script>, en_US;q=0.9, *')
    expect(await (await findFallbackPage([v1], languages, MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'en'))
  })

  it('prefers the first manifest it is given', async () => {
    const storage = await keeping([[v1], [v2]])
    expect(await (await findFallbackPage([v2, v1], ['de'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v2', 'de'))
    expect(await (await findFallbackPage([v1, v2], ['de'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'de'))
  })

  it('goes on to the next (older) deployment when the first keeps no page at all', async () => {
    const storage = await keeping([[v1]])
    expect(await (await findFallbackPage([v2, v1], ['de'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v1', 'de'))
  })

  it("stays with the first deployment's default page rather than an older deployment's page in the reader's language", async () => {
    const storage = await keeping([[v1], [v2, ['en']]])
    expect(await (await findFallbackPage([v2, v1], ['de'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v2', 'en'))
  })

  it('uses each deployment\'s own default locale', async () => {
    const german = manifest('v3', '2026-11-03T10:00:00.000Z', ['de', 'fr'], 'de')
    const storage = await keeping([[german]])
    expect(await (await findFallbackPage([german], ['ja'], MANIFEST_URL, storage))?.text()).toBe(pageHtml('v3', 'de'))
  })

  it('gives nothing when no page is kept', async () => {
    expect(await findFallbackPage([v2, v1], ['de'], MANIFEST_URL, newStorage())).toBeUndefined()
    expect(await findFallbackPage([], ['de'], MANIFEST_URL, await keeping([[v1]]))).toBeUndefined()
  })

  it('the page found carries text/html, the policy of its own deployment and no-store', async () => {
    const storage = newStorage()
    const h = host(v1, v2)
    await keepFallbackPages(v1, MANIFEST_URL, storage, h.fetchPage, ['he'])
    const page = await findFallbackPage([v2, v1], ['he'], MANIFEST_URL, storage)
    expect(await page?.text()).toBe(pageHtml('v1', 'he'))
    expect(page?.headers.get('content-type')).toMatch(/^text\/html\b/)
    expect(page?.headers.get('content-security-policy')).toBe(policyOf('v1'))
    expect(page?.headers.get('cache-control')).toBe('no-store')
  })
})
