import { describe, expect, it } from 'vitest'
import { chooseLocale, directionOf, parseAcceptLanguage } from './locale.js'

describe('parseAcceptLanguage', () => {
  it('orders the ranges by q-value, most preferred first', () => {
    expect(parseAcceptLanguage('fr;q=0.5, de, en;q=0.8')).toEqual(['de', 'en', 'fr'])
  })

  it('a range without q counts as q=1 and keeps its place before lower ones', () => {
    expect(parseAcceptLanguage('de-CH, de;q=0.9, en;q=0.8, fr;q=0.7')).toEqual(['de-CH', 'de', 'en', 'fr'])
  })

  it('ranges with the same q keep the order of the header', () => {
    expect(parseAcceptLanguage('nl;q=0.5, sv;q=0.5, pl;q=0.5')).toEqual(['nl', 'sv', 'pl'])
    expect(parseAcceptLanguage('pl;q=0.5, sv;q=0.5, nl;q=0.5')).toEqual(['pl', 'sv', 'nl'])
  })

  it('reads the q parameter among other parameters and with a capital Q', () => {
    expect(parseAcceptLanguage('en;level=1;q=0.2, de;Q=0.4')).toEqual(['de', 'en'])
  })

  it('drops ranges the reader refuses (q=0) and the wildcard', () => {
    expect(parseAcceptLanguage('fr;q=0, *, de;q=0.1, *;q=0.5, en;q=0.000')).toEqual(['de'])
  })

  it.each([
    ['markup', '"><script>alert(1)</script>'],
    ['an underscore instead of a hyphen', 'en_US'],
    ['a primary subtag longer than 8 letters', 'a'.repeat(200)],
    ['a subtag longer than 8 characters', 'en-abcdefghi'],
    ['a quote', 'en"'],
    ['a space inside the tag', 'en US'],
    ['an empty range', ''],
    ['a q-value that is not a number', 'en;q=high'],
    ['a q-value above 1', 'en;q=2'],
    ['a negative q-value', 'en;q=-0.5'],
  ])('drops a range with %s and keeps the rest', (_, range) => {
    expect(parseAcceptLanguage(`${range}, de;q=0.5`)).toEqual(['de'])
  })

  it('returns nothing but well-formed tags, whatever the header holds', () => {
    const hostile = 'en"><img src=x onerror=alert(1)>, de\'onmouseover=x, <b>fr</b>, ja;q=0.1'
    expect(parseAcceptLanguage(hostile)).toEqual(['ja'])
  })

  it('reads at most 20 ranges', () => {
    const header = Array.from({ length: 25 }, (_, index) => `x${String.fromCharCode(97 + index)}`).join(', ')
    const ranges = parseAcceptLanguage(header)
    expect(ranges).toHaveLength(20)
    expect(ranges).toEqual(header.split(', ').slice(0, 20))
  })

  it('a preferred range after the 20th is not read', () => {
    const header = [...Array.from({ length: 20 }, () => 'en;q=0.1'), 'de'].join(',')
    expect(parseAcceptLanguage(header)).not.toContain('de')
  })

  it.each([null, undefined, '', ' ', ','])('a header of %j gives no ranges', (header) => {
    expect(parseAcceptLanguage(header)).toEqual([])
  })

  it('reads a header as browsers send it', () => {
    expect(parseAcceptLanguage('pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7')).toEqual(['pt-BR', 'pt', 'en-US', 'en'])
  })
})

describe('chooseLocale', () => {
  const builtIn = ['ar', 'de', 'en', 'es', 'fr', 'he', 'ja', 'pt', 'zh', 'zh-TW']

  it('takes an exact match', () => {
    expect(chooseLocale(['fr'], builtIn, 'en')).toBe('fr')
  })

  it('matches without regard to case, and answers with the available spelling', () => {
    expect(chooseLocale(['ZH-tw'], builtIn, 'en')).toBe('zh-TW')
    expect(chooseLocale(['de'], ['DE', 'en'], 'en')).toBe('DE')
  })

  it('a regional variant gets its language (de-CH gets de)', () => {
    expect(chooseLocale(['de-CH'], builtIn, 'en')).toBe('de')
  })

  it('a language gets a regional page when that is all there is (pt gets pt-BR)', () => {
    expect(chooseLocale(['pt'], ['en', 'pt-BR'], 'en')).toBe('pt-BR')
  })

  it('a region gets another region of its language when neither it nor the bare language exists', () => {
    expect(chooseLocale(['en-AU'], ['de', 'en-GB'], 'de')).toBe('en-GB')
  })

  it('an exact regional match wins over the bare language (zh-TW gets zh-TW, not zh)', () => {
    expect(chooseLocale(['zh-TW'], builtIn, 'en')).toBe('zh-TW')
    expect(chooseLocale(['zh-TW'], ['zh', 'zh-TW'], 'en')).toBe('zh-TW')
  })

  it('the bare language wins over another region of it (zh-HK gets zh, not zh-TW)', () => {
    expect(chooseLocale(['zh-HK'], ['zh-TW', 'zh'], 'en')).toBe('zh')
  })

  it('the first requested locale that matches at all wins over a better match further down', () => {
    expect(chooseLocale(['ko', 'de-AT', 'fr'], builtIn, 'en')).toBe('de')
    expect(chooseLocale(['ko', 'fr', 'de'], builtIn, 'en')).toBe('fr')
  })

  it('does not take a language for another that merely starts with the same letters', () => {
    expect(chooseLocale(['e'], builtIn, 'ja')).toBe('ja')
    expect(chooseLocale(['zhx'], builtIn, 'ja')).toBe('ja')
  })

  it('gives the default when nothing requested is available', () => {
    expect(chooseLocale(['ko', 'sw'], builtIn, 'en')).toBe('en')
  })

  it('gives the default when nothing is requested', () => {
    expect(chooseLocale([], builtIn, 'fr')).toBe('fr')
  })

  it('with the parsed Accept-Language of a hostile header, gives an available locale or the default', () => {
    const requested = parseAcceptLanguage('"><script>alert(1)</script>, en_US, *')
    expect(chooseLocale(requested, builtIn, 'en')).toBe('en')
  })
})

describe('directionOf', () => {
  it.each([
    ['ar', 'rtl'],
    ['he', 'rtl'],
    ['fa-IR', 'rtl'],
    ['ur', 'rtl'],
    ['AR-eg', 'rtl'],
    ['en', 'ltr'],
    ['zh-TW', 'ltr'],
    ['ja', 'ltr'],
  ])('%s is written %s', (locale, direction) => {
    expect(directionOf(locale)).toBe(direction)
  })

  it('a language whose tag merely starts like a right-to-left one is left to right', () => {
    expect(directionOf('arn')).toBe('ltr') // Mapudungun
    expect(directionOf('hej')).toBe('ltr')
  })
})
