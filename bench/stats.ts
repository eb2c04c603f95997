/**
 * The arithmetic of the benchmark, kept apart so it can be tested: percentiles, ratios, and how a figure is printed
 * and judged against its target. Every judged figure is a count or a ratio of two columns of one run.
 */

/** The `p`-th percentile (0..100) by the nearest-rank method: always one of the samples. Throws on no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples')
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be within 0..100, not ${p}`)
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

/** The median as the 50th nearest-rank percentile (one of the samples, like every other percentile here). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50)
}

/** `value / baseline`; undefined when the baseline is 0 or either side is missing (a ratio of nothing says nothing). */
export function ratio(value: number | undefined, baseline: number | undefined): number | undefined {
  if (value === undefined || baseline === undefined || baseline === 0) return undefined
  return value / baseline
}

/** `1.234` → `1.23×`; a missing ratio prints as `n/a`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}×`
}

/** Milliseconds: one decimal below 10 ms, none above; seconds from 10 s on. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}

/** A target: a figure that must stay at or under `limit`. */
export interface Target {
  name: string
  /** The measured figure, or undefined when it could not be measured in this run. */
  value: number | undefined
  limit: number
  /** How the figure and the limit print (`B`, `×`, …). */
  format: (value: number) => string
}

/** `met`, `not met`, or `not measured`: printed, never asserted. */
export function verdict(target: Pick<Target, 'value' | 'limit'>): 'met' | 'not met' | 'not measured' {
  if (target.value === undefined || Number.isNaN(target.value)) return 'not measured'
  return target.value <= target.limit ? 'met' : 'not met'
}

/** A Markdown table: a header row, a separator, the rows; `|` inside cells escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}
