import { escapeHtml } from '../../reports/render-html.js';
import { formatNumber } from '../../reports/format.js';

/** Chart geometry, in SVG user units; the SVG scales to the width of its card. */
const WIDTH = 1000;
const HEIGHT = 300;
const LEFT = 70;
const RIGHT = 16;
const TOP = 20;
const BOTTOM = 34;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

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

/** Daily values as bars, with the threshold as a dashed line across the year. */
export function dailyBarChart(series: YearSeries, threshold: Threshold | undefined, title: string): string {
  const max = niceCeiling(Math.max(threshold?.value ?? 0, ...series.values.map((value) => value ?? 0)) * 1.08);
  const slot = PLOT_W / series.yearDays;
  const barWidth = Math.max(0.6, slot * 0.8);
  const bars = series.values
    .map((value, index) => {
      if (value === undefined || value === 0) return '';
      const height = (value / max) * PLOT_H;
      const over = threshold !== undefined && value > threshold.value;
      return `<rect class="bar${over ? ' over' : ''}" data-day-index="${index}" data-value="${value}" x="${r(LEFT + index * slot + (slot - barWidth) / 2)}" y="${r(TOP + PLOT_H - height)}" width="${r(barWidth)}" height="${r(height)}"><title>day ${index + 1}: ${formatNumber(value)}</title></rect>`;
    })
    .join('');
  return frame(title, max, series, bars + thresholdLine(threshold, max));
}

export interface CumulativeProjection {
  /** Day index (0-based) and value where the projection starts (the last closed day) and ends (the last day). */
  readonly fromIndex: number;
  readonly fromValue: number;
  readonly toValue: number;
}

/** Running totals as a line (with the area under it), the threshold, and a dashed projection to year end. */
export function cumulativeChart(series: YearSeries, threshold: Threshold | undefined, projection: CumulativeProjection | undefined, title: string): string {
  const known = series.values.filter((value): value is number => value !== undefined);
  const max = niceCeiling(Math.max(threshold?.value ?? 0, projection?.toValue ?? 0, ...known) * 1.08);
  const slot = PLOT_W / series.yearDays;
  const x = (index: number) => LEFT + (index + 1) * slot;
  const y = (value: number) => TOP + PLOT_H - (value / max) * PLOT_H;
  const points = known.map((value, index) => `${r(x(index))},${r(y(value))}`);
  let body = '';
  if (points.length > 0) {
    body += `<polygon class="area" points="${r(LEFT)},${r(TOP + PLOT_H)} ${points.join(' ')} ${r(x(known.length - 1))},${r(TOP + PLOT_H)}"/>`;
    body += `<polyline class="line" data-last-value="${known[known.length - 1]}" points="${points.join(' ')}"/>`;
  }
  if (projection) {
    body += `<line class="projection" data-projected="${Math.round(projection.toValue)}" x1="${r(x(projection.fromIndex))}" y1="${r(y(projection.fromValue))}" x2="${r(x(series.yearDays - 1))}" y2="${r(y(projection.toValue))}"><title>projected ${formatNumber(Math.round(projection.toValue))} at year end</title></line>`;
  }
  return frame(title, max, series, body + thresholdLine(threshold, max));
}

function thresholdLine(threshold: Threshold | undefined, max: number): string {
  if (threshold === undefined) return '';
  const y = r(TOP + PLOT_H - (threshold.value / max) * PLOT_H);
  return `<g class="threshold" data-threshold="${threshold.value}"><line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}"/>` +
    `<text x="${WIDTH - RIGHT - 4}" y="${r(Number(y) - 6)}" text-anchor="end">${escapeHtml(threshold.label)}</text></g>`;
}

/** Axes, grid lines with compact labels, month ticks, and the plotted `body`. */
function frame(title: string, max: number, series: YearSeries, body: string): string {
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((fraction) => {
      const y = r(TOP + PLOT_H - fraction * PLOT_H);
      return `<line class="grid" x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}"/><text class="tick" x="${LEFT - 8}" y="${r(Number(y) + 4)}" text-anchor="end">${compact(max * fraction)}</text>`;
    })
    .join('');
  const slot = PLOT_W / series.yearDays;
  let dayIndex = 0;
  const months = MONTHS.map((month, m) => {
    const tick = `<text class="tick" x="${r(LEFT + dayIndex * slot + 2)}" y="${HEIGHT - 12}">${month}</text><line class="grid month" x1="${r(LEFT + dayIndex * slot)}" y1="${TOP + PLOT_H}" x2="${r(LEFT + dayIndex * slot)}" y2="${TOP + PLOT_H + 5}"/>`;
    dayIndex += new Date(Date.UTC(series.year, m + 1, 0)).getUTCDate();
    return tick;
  }).join('');
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}" preserveAspectRatio="xMidYMid meet"><title>${escapeHtml(title)}</title>` +
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
