import { escapeHtml } from '../../reports/render-html.js';
import { figure } from '../../reports/format.js';
import type { ReportText } from '../../reports/messages.js';

/** Chart geometry, in SVG user units; the SVG scales to the width of its card. */
const WIDTH = 1000;
const HEIGHT = 300;
const LEFT = 70;
const RIGHT = 16;
const TOP = 20;
const BOTTOM = 34;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
/** The band at the top of the plot where a threshold far above the data is drawn, above the axis break. */
const OFF_SCALE_BAND = 36;
/**
 * A threshold up to this many times the data's own scale is drawn on a linear axis that reaches it; above
 * that, the axis is scaled to the data (so a real node's figures are not a flat line under a distant
 * threshold) and the threshold is drawn in a band above a break in the axis, labelled with its value.
 */
const OFF_SCALE_FACTOR = 4;

export interface YearSeries {
  readonly year: number;
  /** Days of the year (365 or 366). */
  readonly yearDays: number;
  /** One value per day of the year, in order; `undefined` for days that have not happened yet. */
  readonly values: readonly (number | undefined)[];
}

export interface Threshold {
  readonly value: number;
  readonly label: string;
}

/** How values map to the plot: `max` at `top`, 0 at the axis; `offScale` when the threshold sits above a break. */
interface Scale {
  readonly max: number;
  readonly top: number;
  readonly offScale: boolean;
}

/** The axis for `values` and `threshold`: linear to the larger of both unless the threshold is far above the data. */
export function chartScale(values: readonly number[], threshold: number | undefined): Scale {
  const dataMax = niceCeiling(Math.max(0, ...values) * 1.08);
  if (threshold === undefined || threshold <= dataMax * OFF_SCALE_FACTOR) {
    return { max: niceCeiling(Math.max(threshold ?? 0, ...values) * 1.08), top: TOP, offScale: false };
  }
  return { max: dataMax, top: TOP + OFF_SCALE_BAND, offScale: true };
}

function yOf(scale: Scale, value: number): number {
  return TOP + PLOT_H - (value / scale.max) * (TOP + PLOT_H - scale.top);
}

/** Daily values as bars, with the threshold as a dashed line across the year (see chartScale). */
export function dailyBarChart(series: YearSeries, threshold: Threshold | undefined, title: string, t: ReportText): string {
  const scale = chartScale(series.values.map((value) => value ?? 0), threshold?.value);
  const slot = PLOT_W / series.yearDays;
  const barWidth = Math.max(0.6, slot * 0.8);
  const bars = series.values
    .map((value, index) => {
      if (value === undefined || value === 0) return '';
      const y = yOf(scale, value);
      const over = threshold !== undefined && value > threshold.value;
      return `<rect class="bar${over ? ' over' : ''}" data-day-index="${index}" data-value="${value}" x="${r(LEFT + index * slot + (slot - barWidth) / 2)}" y="${r(y)}" width="${r(barWidth)}" height="${r(TOP + PLOT_H - y)}"><title>${escapeHtml(t('dash.chart.day', { n: index + 1, value }))}</title></rect>`;
    })
    .join('');
  return frame(title, scale, series, t, bars + thresholdLine(threshold, scale, t));
}

export interface CumulativeProjection {
  /** Day index (0-based) and value where the projection starts (the last closed day) and ends (the last day). */
  readonly fromIndex: number;
  readonly fromValue: number;
  readonly toValue: number;
}

/** Running totals as a line (with the area under it), the threshold, and a dashed projection to year end. */
export function cumulativeChart(series: YearSeries, threshold: Threshold | undefined, projection: CumulativeProjection | undefined, title: string, t: ReportText): string {
  const known = series.values.filter((value): value is number => value !== undefined);
  const scale = chartScale([...known, projection?.toValue ?? 0], threshold?.value);
  const slot = PLOT_W / series.yearDays;
  const x = (index: number) => LEFT + (index + 1) * slot;
  const y = (value: number) => yOf(scale, value);
  const points = known.map((value, index) => `${r(x(index))},${r(y(value))}`);
  let body = '';
  if (points.length > 0) {
    body += `<polygon class="area" points="${r(LEFT)},${r(TOP + PLOT_H)} ${points.join(' ')} ${r(x(known.length - 1))},${r(TOP + PLOT_H)}"/>`;
    body += `<polyline class="line" data-last-value="${known[known.length - 1]}" points="${points.join(' ')}"/>`;
  }
  if (projection) {
    body += `<line class="projection" data-projected="${Math.round(projection.toValue)}" x1="${r(x(projection.fromIndex))}" y1="${r(y(projection.fromValue))}" x2="${r(x(series.yearDays - 1))}" y2="${r(y(projection.toValue))}"><title>${escapeHtml(t('dash.chart.projected', { value: Math.round(projection.toValue) }))}</title></line>`;
  }
  return frame(title, scale, series, t, body + thresholdLine(threshold, scale, t));
}

/** The threshold's dashed line: at its value, or (off the scale) in the band above the axis break, saying so. */
function thresholdLine(threshold: Threshold | undefined, scale: Scale, t: ReportText): string {
  if (threshold === undefined) return '';
  const y = r(scale.offScale ? TOP + 8 : yOf(scale, threshold.value));
  const label = scale.offScale ? t('dash.chart.offScale', { value: threshold.label }) : threshold.label;
  const labelY = scale.offScale ? r(Number(y) + 20) : r(Number(y) - 6);
  const gap = scale.offScale
    ? `<path class="break" d="M${LEFT - 6},${r(scale.top - 10)} l6,-5 l6,5 M${LEFT - 6},${r(scale.top - 4)} l6,-5 l6,5"/>`
    : '';
  return `<g class="threshold" data-threshold="${threshold.value}" data-off-scale="${scale.offScale}">${gap}<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}"/>` +
    `<text x="${WIDTH - RIGHT - 4}" y="${labelY}" text-anchor="end">${escapeHtml(label)}</text></g>`;
}

/** Axes, grid lines with compact labels (of the data's scale), month ticks in the page's language, and the plotted `body`. */
function frame(title: string, scale: Scale, series: YearSeries, t: ReportText, body: string): string {
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((fraction) => {
      const y = r(yOf(scale, scale.max * fraction));
      return `<line class="grid" x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}"/><text class="tick" data-tick="${scale.max * fraction}" x="${LEFT - 8}" y="${r(Number(y) + 4)}" text-anchor="end">${compact(scale.max * fraction)}</text>`;
    })
    .join('');
  const slot = PLOT_W / series.yearDays;
  const monthName = new Intl.DateTimeFormat(t.locale, { month: 'short', timeZone: 'UTC' });
  let dayIndex = 0;
  const months = Array.from({ length: 12 }, (_, m) => {
    const tick = `<text class="tick" x="${r(LEFT + dayIndex * slot + 2)}" y="${HEIGHT - 12}">${escapeHtml(monthName.format(new Date(Date.UTC(series.year, m, 1))))}</text><line class="grid month" x1="${r(LEFT + dayIndex * slot)}" y1="${TOP + PLOT_H}" x2="${r(LEFT + dayIndex * slot)}" y2="${TOP + PLOT_H + 5}"/>`;
    dayIndex += new Date(Date.UTC(series.year, m + 1, 0)).getUTCDate();
    return tick;
  }).join('');
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}" data-axis-max="${scale.max}" preserveAspectRatio="xMidYMid meet"><title>${escapeHtml(title)}</title>` +
    `${grid}${months}<line class="axis" x1="${LEFT}" y1="${TOP + PLOT_H}" x2="${WIDTH - RIGHT}" y2="${TOP + PLOT_H}"/>${body}</svg>`;
}

export const CHART_CSS = `
  /* On a phone the chart keeps a legible size and its card scrolls sideways. */
  svg.chart { width: 100%; min-width: 600px; height: auto; display: block; }
  svg.chart .grid { stroke: #e3e7ef; stroke-width: 1; } svg.chart .axis { stroke: #9aa3b2; stroke-width: 1; }
  svg.chart .tick { fill: #5b6475; font-size: 14px; }
  svg.chart .bar { fill: #5b8def; } svg.chart .bar.over { fill: #1e9e5a; }
  svg.chart .area { fill: rgba(91, 141, 239, 0.15); } svg.chart .line { fill: none; stroke: #3867d6; stroke-width: 2.5; }
  svg.chart .projection { stroke: #3867d6; stroke-width: 2; stroke-dasharray: 6 5; }
  svg.chart .threshold line { stroke: #b3261e; stroke-width: 2; stroke-dasharray: 8 6; }
  svg.chart .threshold text { fill: #b3261e; font-size: 15px; font-weight: 600; }
  svg.chart .threshold .break { fill: none; stroke: #9aa3b2; stroke-width: 1.5; }
`;

/** The smallest 1, 2, 2.5 or 5 × 10^n at or above `value` (at least 10). */
function niceCeiling(value: number): number {
  if (value <= 10) return 10;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function compact(value: number): string {
  if (value >= 1e9) return `${trim(value / 1e9)}B`;
  if (value >= 1e6) return `${trim(value / 1e6)}M`;
  if (value >= 1e3) return `${trim(value / 1e3)}K`;
  return trim(value);
}

function trim(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function r(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
