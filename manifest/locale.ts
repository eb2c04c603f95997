/**
 * Which fallback page a reader gets: the service worker negotiates from the request's Accept-Language, the page
 * from `navigator.languages`; both use `chooseLocale`. Shared, environment-neutral code.
 */

/** Accept-Language headers longer than this are read no further: 20 ranges are plenty, and input stays bounded. */
const MAX_LANGUAGE_RANGES = 20
const LANGUAGE_RANGE = /^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$/i

/**
 * The language ranges of an Accept-Language header, most preferred first (by q-value, then by position). Ranges
 * with q=0, the wildcard and anything malformed are dropped, so no header can inject anything into a page.
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return []
  const ranges: { tag: string; q: number; position: number }[] = []
  for (const [position, part] of header.split(',').slice(0, MAX_LANGUAGE_RANGES).entries()) {
    const [tag = '', ...parameters] = part.trim().split(';')
    const qParameter = parameters.map((parameter) => parameter.trim()).find((parameter) => /^q=/i.test(parameter))
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2))
    if (LANGUAGE_RANGE.test(tag) && Number.isFinite(q) && q > 0 && q <= 1) ranges.push({ tag, q, position })
  }
  return ranges.sort((a, b) => b.q - a.q || a.position - b.position).map((range) => range.tag)
}

/**
 * The best of the `available` locales for a reader who prefers `requested` (most preferred first): an exact match
 * (case-insensitive), else the requested language without its region (`de-CH` → `de`), else another region of
 * the same language (`pt` → `pt-BR`); trying each requested locale in turn before `defaultLocale`.
 */
export function chooseLocale(requested: readonly string[], available: readonly string[], defaultLocale: string): string {
  const byLower = new Map(available.map((locale) => [locale.toLowerCase(), locale]))
  for (const wanted of requested) {
    const lower = wanted.toLowerCase()
    const language = lower.split('-')[0]!
    const match =
      byLower.get(lower) ?? byLower.get(language) ?? available.find((locale) => locale.toLowerCase().startsWith(`${language}-`))
    if (match) return match
  }
  return defaultLocale
}

/** Languages written right to left, by primary subtag. */
const RIGHT_TO_LEFT = new Set(['ar', 'dv', 'fa', 'he', 'ks', 'ku', 'ps', 'sd', 'ug', 'ur', 'yi'])

/** The writing direction of `locale`. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(locale.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr'
}
