/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import uPlot from 'uplot'
import { h } from './dom.js'
import { duration } from './format.js'
import type { JobDetail } from './types.js'

const FAILED = new Set(['failed', 'timed_out', 'interrupted'])

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
      return
    }
    const seconds = (v: number | null) => (v === null || v === undefined ? '—' : duration(v * 1000))
    this.plot = new uPlot(
      {
        ...this.size(),
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), this.zone),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        series: [
          { label: 'Started' },
          { label: 'Duration', stroke: cssColor('--chart-line', '#2563eb'), width: 2, points: { show: true, size: 5 }, value: (_u, v) => seconds(v) },
          { label: 'Failed', stroke: cssColor('--chart-failed', '#b91c1c'), width: 0, paths: () => null, points: { show: true, size: 8, fill: cssColor('--chart-failed', '#b91c1c') }, value: (_u, v) => seconds(v) },
        ],
        axes: [{ stroke: cssColor('--text-muted', '#555') }, { stroke: cssColor('--text-muted', '#555'), size: 64, values: (_u, ticks) => ticks.map((t) => duration(t * 1000)) }],
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
