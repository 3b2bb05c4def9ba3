import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Sandbox } from '../helpers/cli.js'

export const PANEL_PLUGIN = 'circadian-test-panels'

/**
 * Links a plugin into the sandbox's HOME that adds dashboard panels through the `dashboard-panels` hook:
 * "Acknowledgements" (a row per job, read from the store and the plugin's kv, with actions that write
 * there), one whose rows always fail, and one malformed answer (serve warns about it and goes on).
 */
export async function linkPanelPlugin(box: Sandbox): Promise<void> {
  const dir = path.join(box.home, 'panel-plugin')
  mkdirSync(path.join(dir, 'hooks'), { recursive: true })
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: PANEL_PLUGIN,
      version: '1.0.0',
      type: 'module',
      oclif: { hooks: { 'dashboard-panels': './hooks/dashboard-panels.js' } },
    }),
  )
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({
      name: PANEL_PLUGIN,
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: PANEL_PLUGIN, version: '1.0.0' } },
    }),
  )
  writeFileSync(
    path.join(dir, 'hooks', 'dashboard-panels.js'),
    `export default async function () {
  const acks = {
    id: 'test-acks',
    title: 'Acknowledgements',
    description: 'A row per job: its last status (from the store) and whether someone acknowledged it (the plugin kv).',
    rowKey: 'job',
    async rows(ctx) {
      const notes = new Map((await ctx.kv.list('ack:')).map((e) => [e.key.slice(4), e.value]))
      const rows = []
      for (const job of [...ctx.config.jobs.keys()].sort()) {
        const state = await ctx.store.jobState.get(job)
        rows.push({ job, lastStatus: state?.last_status ?? null, acknowledged: notes.has(job), note: notes.get(job) ?? null })
      }
      return rows
    },
    actions: {
      ack: {
        label: 'Acknowledge',
        input: { label: 'Note', placeholder: 'what you saw' },
        available: (row) => !row.acknowledged,
        async run(ctx, row, body) {
          await ctx.kv.set('ack:' + row.job, body.input)
          return row.job + ' acknowledged'
        },
      },
      clear: {
        label: 'Clear',
        available: (row) => row.acknowledged,
        async run(ctx, row) {
          await ctx.kv.delete('ack:' + row.job)
        },
      },
    },
  }
  const broken = { id: 'test-broken', title: 'Broken panel', rows: async () => { throw new Error('cannot reach the alert store') } }
  return [acks, broken, { id: 'no title' }]
}
`,
  )
  const r = await box.run(['plugins', 'link', dir, '--no-install'])
  if (r.code !== 0) throw new Error(`linking the panel plugin failed: ${r.stderr}`)
}
