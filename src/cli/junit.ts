import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { redact } from '../reliability/redact.js'
import type { RunOutcome } from '../run/outcome.js'

const escape = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters even when escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')

function seconds(o: RunOutcome): string {
  if (!o.startedAt) return '0'
  return ((Date.parse(o.finishedAt) - Date.parse(o.startedAt)) / 1000).toFixed(3)
}

/**
 * A JUnit XML report of a `run`: one test case per run (classname = job type), so CI systems show alerts and
 * failures next to test results. An alert is a failure of type "alert"; a failed, timed-out or interrupted
 * run is an error; a skipped run is skipped.
 */
export function junitReport(outcomes: RunOutcome[], suiteName = 'circadian'): string {
  const count = (f: (o: RunOutcome) => boolean) => outcomes.filter(f).length
  const failures = count((o) => o.status === 'alert')
  const errors = count((o) => ['failed', 'timed_out', 'interrupted'].includes(o.status))
  const skipped = count((o) => o.status === 'skipped')
  const total = outcomes.reduce((s, o) => s + Number(seconds(o)), 0).toFixed(3)
  const cases = outcomes.map((o) => {
    const head = `    <testcase name="${escape(o.job)}" classname="${escape(o.type)}" time="${seconds(o)}">`
    const text = escape(redact(o.error ?? o.summary ?? ''))
    let body = ''
    if (o.status === 'alert') body = `\n      <failure type="alert" message="${text}">${text}</failure>`
    else if (['failed', 'timed_out', 'interrupted'].includes(o.status))
      body = `\n      <error type="${o.status}" message="${text}">${text}</error>`
    else if (o.status === 'skipped')
      body = `\n      <skipped message="${escape(`${o.reason ?? 'skipped'}${o.summary ? `: ${redact(o.summary)}` : ''}`)}"/>`
    const out = o.summary && o.status !== 'alert' ? `\n      <system-out>${escape(redact(o.summary))}</system-out>` : ''
    return `${head}${body}${out}\n    </testcase>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escape(suiteName)}" tests="${outcomes.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${total}">`,
    `  <testsuite name="${escape(suiteName)}" tests="${outcomes.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${total}" timestamp="${new Date().toISOString()}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}

export function writeJunitReport(file: string, outcomes: RunOutcome[]): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  writeFileSync(file, junitReport(outcomes))
}
