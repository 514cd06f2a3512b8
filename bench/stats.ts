/**
 * How the benchmarks summarise samples: the median and the interquartile range, and ratios of medians.
 *
 * Medians and quartiles rather than means and standard deviations, because a shared 2-core machine produces
 * long right tails (a neighbour's GC, a scheduler hiccup) that would swamp a mean; the IQR says how steady the
 * middle half of the samples was. Every figure in BENCHMARKS.md is a `Summary`.
 *
 * @since 0.1.0
 */

/**
 * The median of a set of samples with its spread.
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly median: number
  readonly p25: number
  readonly p75: number
  readonly min: number
  readonly max: number
  /** How many samples the summary is made of. */
  readonly samples: number
}

/**
 * Summarises samples; an empty list gives NaN everywhere (and prints as "n/a").
 *
 * @since 0.1.0
 * @category constructors
 */
export const summarize = (samples: ReadonlyArray<number>): Summary => {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    samples: sorted.length
  }
}

/**
 * The spread printed next to a median: half the interquartile range as a percentage of the median.
 *
 * @since 0.1.0
 * @category constructors
 */
export const relativeSpread = (summary: Summary): number => (summary.p75 - summary.p25) / 2 / summary.median * 100

/**
 * The ratio of two medians, e.g. a client's time per call over raw fetch's.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ratio = (value: Summary, baseline: Summary): number => value.median / baseline.median

/**
 * Formats a summary as `12.3 µs ±4%` in the unit that suits it; `unit` is what the samples are in.
 *
 * @since 0.1.0
 * @category constructors
 */
export const formatSummary = (summary: Summary, unit: "ms" | "s" | "MB" | "items/s"): string => {
  if (Number.isNaN(summary.median)) return "n/a"
  const spread = `±${relativeSpread(summary).toFixed(relativeSpread(summary) < 10 ? 1 : 0)}%`
  return `${formatValue(summary.median, unit)} ${spread}`
}

/**
 * Formats one value in a readable unit: milliseconds below one become microseconds, and so on.
 *
 * @since 0.1.0
 * @category constructors
 */
export const formatValue = (value: number, unit: "ms" | "s" | "MB" | "items/s"): string => {
  if (Number.isNaN(value)) return "n/a"
  switch (unit) {
    case "ms":
      if (value < 1) return `${(value * 1000).toFixed(1)} µs`
      return value < 1000 ? `${value.toFixed(2)} ms` : `${(value / 1000).toFixed(2)} s`
    case "s":
      return `${value.toFixed(2)} s`
    case "MB":
      return `${value.toFixed(1)} MB`
    case "items/s":
      return value >= 1000 ? `${Math.round(value).toLocaleString("en-US")}/s` : `${value.toFixed(1)}/s`
  }
}

/**
 * Formats a ratio to its baseline as `1.23×`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const formatRatio = (value: number): string => Number.isNaN(value) ? "n/a" : `${value.toFixed(2)}×`

// Linear interpolation between closest ranks, as most statistics packages do by default.
const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  if (sorted.length === 0) return Number.NaN
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower]!
  return low + (sorted[upper]! - low) * (position - lower)
}
