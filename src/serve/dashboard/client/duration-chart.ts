/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import uPlot from 'uplot'
import { h } from './dom.js'
import { duration, localTime } from './format.js'
import type { JobDetail } from './types.js'

const FAILED = new Set(['failed', 'timed_out', 'interrupted'])

/** Steps between time ticks, in seconds: never finer than a second. */
const TIME_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
]

/** "17:03:05" within a day, "11-23 17:03" over longer spans. */
function axisTime(seconds: number, zone: string, spanSeconds: number): string {
  const text = localTime(new Date(seconds * 1000).toISOString(), zone)
  return spanSeconds < 86_400 ? text.slice(11) : `${text.slice(5, 10)} ${text.slice(11, 16)}`
}

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback
}

/** Durations of recent runs, drawn by uPlot: a line over every run, failed ones marked in their own series. */
export class DurationChart {
  readonly element: HTMLElement
  private readonly canvasBox: HTMLElement
  private readonly summary: HTMLElement
  private plot: uPlot | null = null
  private readonly resize = new ResizeObserver(() => this.plot?.setSize(this.size()))

  constructor(private readonly zone: string) {
    this.canvasBox = h('div', { class: 'chart', role: 'img', 'aria-label': 'Duration of recent runs' })
    this.summary = h('p', { class: 'chart-summary' })
    this.element = h('div', { class: 'chart-wrap' }, this.canvasBox, this.summary)
    this.resize.observe(this.canvasBox)
  }

  private size() {
    return { width: Math.max(240, this.canvasBox.clientWidth), height: 220 }
  }

  update(durations: JobDetail['durations']): void {
    const xs = durations.map((d) => Date.parse(d.startedAt) / 1000)
    const all = durations.map((d) => d.durationMs / 1000)
    const failed = durations.map((d) => (FAILED.has(d.status) ? d.durationMs / 1000 : null))
    const text = durations.length ? this.describe(durations) : 'No finished runs yet.'
    this.summary.textContent = text
    this.canvasBox.setAttribute('aria-label', `Chart of run durations. ${text}`)
    const data: uPlot.AlignedData = [xs, all, failed]
    if (this.plot) {
      this.plot.setData(data)
      if (this.plot.cursor.idx == null && xs.length) this.plot.setLegend({ idx: xs.length - 1 }, false)
      return
    }
    const seconds = (v: number | null) => (v === null || v === undefined ? '—' : duration(v * 1000))
    this.plot = new uPlot(
      {
        ...this.size(),
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), this.zone),
        // The legend shows the latest run until a run is pointed at, and again when the pointer leaves.
        hooks: {
          setLegend: [
            (u) => u.legend.idx == null && u.data[0].length > 0 && u.setLegend({ idx: u.data[0].length - 1 }, false),
          ],
        },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        series: [
          {
            label: 'Started',
            value: (_u, v) =>
              v === null || v === undefined ? '—' : localTime(new Date(v * 1000).toISOString(), this.zone),
          },
          {
            label: 'Duration',
            stroke: cssColor('--chart-line', '#2563eb'),
            width: 2,
            points: { show: true, size: 5 },
            value: (_u, v) => seconds(v),
          },
          {
            label: 'Failed',
            stroke: cssColor('--chart-failed', '#b91c1c'),
            width: 0,
            paths: () => null,
            points: { show: true, size: 8, fill: cssColor('--chart-failed', '#b91c1c') },
            value: (_u, v) => seconds(v),
          },
        ],
        axes: [
          // Whole seconds at least, in the job's zone, written as the rest of the page writes times.
          {
            stroke: cssColor('--text-muted', '#555'),
            space: 80,
            incrs: TIME_STEPS,
            values: (u, ticks) =>
              ticks.map((t) => axisTime(t, this.zone, (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0))),
          },
          {
            stroke: cssColor('--text-muted', '#555'),
            size: 64,
            values: (_u, ticks) => ticks.map((t) => duration(t * 1000)),
          },
        ],
      },
      data,
      this.canvasBox,
    )
  }

  private describe(durations: JobDetail['durations']): string {
    const sorted = durations.map((d) => d.durationMs).sort((a, b) => a - b)
    const median = sorted[Math.floor((sorted.length - 1) / 2)]
    const failed = durations.filter((d) => FAILED.has(d.status)).length
    return `${durations.length} run${durations.length === 1 ? '' : 's'}: median ${duration(median)}, slowest ${duration(sorted[sorted.length - 1])}${failed ? `, ${failed} failed` : ''}.`
  }

  dispose(): void {
    this.resize.disconnect()
    this.plot?.destroy()
    this.plot = null
  }
}
