import { describe, expect, it } from 'vitest'
import { formatMs, formatRatio, markdownTable, median, percentile, ratio, verdict } from './stats.js'

describe('percentile', () => {
  const samples = [15, 20, 35, 40, 50]

  it('is one of the samples, by nearest rank', () => {
    expect(percentile(samples, 30)).toBe(20)
    expect(percentile(samples, 40)).toBe(20)
    expect(percentile(samples, 41)).toBe(35)
    expect(percentile(samples, 100)).toBe(50)
  })

  it('the 0th is the smallest sample', () => {
    expect(percentile(samples, 0)).toBe(15)
  })

  it('does not depend on the order of the samples, nor change them', () => {
    const shuffled = [40, 15, 50, 20, 35]
    expect(percentile(shuffled, 95)).toBe(50)
    expect(shuffled).toEqual([40, 15, 50, 20, 35])
  })

  it('p95 of 30 samples is the 29th smallest: one outlier of 30 does not set it', () => {
    const thirty = Array.from({ length: 30 }, (_, index) => index + 1)
    thirty[29] = 1000
    expect(percentile(thirty, 95)).toBe(29)
  })

  it('refuses no samples and a p outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow('no samples')
    expect(() => percentile(samples, 101)).toThrow('0..100')
    expect(() => percentile(samples, Number.NaN)).toThrow('0..100')
  })
})

describe('median', () => {
  it('is the lower middle sample of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2)
    expect(median([3, 1, 2])).toBe(2)
  })
})

describe('ratio and formatRatio', () => {
  it('divides by the baseline', () => {
    expect(ratio(3, 2)).toBe(1.5)
    expect(formatRatio(ratio(3, 2))).toBe('1.50×')
    expect(formatRatio(1.054)).toBe('1.05×')
  })

  it('is missing, and prints n/a, against a zero or missing baseline', () => {
    expect(ratio(3, 0)).toBeUndefined()
    expect(ratio(undefined, 2)).toBeUndefined()
    expect(ratio(3, undefined)).toBeUndefined()
    expect(formatRatio(undefined)).toBe('n/a')
  })
})

describe('formatMs', () => {
  it('shows a decimal below 10 ms, whole ms above, seconds from 10 s', () => {
    expect(formatMs(2.94)).toBe('2.9 ms')
    expect(formatMs(9.96)).toBe('10.0 ms')
    expect(formatMs(61.4)).toBe('61 ms')
    expect(formatMs(1962)).toBe('1962 ms')
    expect(formatMs(12_345)).toBe('12.3 s')
  })
})

describe('verdict', () => {
  it('is met at and under the limit, not met above', () => {
    expect(verdict({ value: 1536, limit: 1536 })).toBe('met')
    expect(verdict({ value: 1537, limit: 1536 })).toBe('not met')
    expect(verdict({ value: 0, limit: 0 })).toBe('met')
    expect(verdict({ value: 0.02, limit: 0 })).toBe('not met')
  })

  it('is not measured when the figure is missing', () => {
    expect(verdict({ value: undefined, limit: 1 })).toBe('not measured')
    expect(verdict({ value: Number.NaN, limit: 1 })).toBe('not measured')
  })
})

describe('markdownTable', () => {
  it('writes a header, a separator and the rows, with pipes in cells escaped', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n| --- | --- |\n| 1 | x\\|y |')
  })
})
