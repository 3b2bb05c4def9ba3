import { describe, expect, it } from 'vitest'
import { gatherPanels, rowKeyOf } from '../../src/serve/dashboard/panel-contract.js'

const rows = async () => []
const panel = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Panel ${id}`, rows, ...extra })

describe('dashboard panels from the dashboard-panels hook', () => {
  it('takes a panel, an array of panels, or nothing from each plugin', () => {
    const gathered = gatherPanels([
      { plugin: 'a', result: panel('one') },
      { plugin: 'b', result: [panel('two'), panel('three')] },
      { plugin: 'c', result: undefined },
    ])
    expect(gathered.panels.map((p) => [p.plugin, p.panel.id])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
      ['b', 'three'],
    ])
    expect(gathered.warnings).toEqual([])
  })

  it('a malformed panel, a clashing id or a failing hook costs only that panel, with a warning naming the plugin', () => {
    const gathered = gatherPanels(
      [
        {
          plugin: 'a',
          result: [
            panel('alerts'),
            { id: 'no rows', title: 'x' },
            panel('untitled', { title: '' }),
            panel('bad-action', { actions: { silence: { label: 'Silence' } } }),
          ],
        },
        { plugin: 'b', result: panel('alerts') },
      ],
      [{ plugin: 'c', error: new Error('boom') }],
    )
    expect(gathered.panels.map((p) => p.panel.id)).toEqual(['alerts'])
    expect(gathered.warnings).toEqual([
      'plugin c: its dashboard-panels hook failed: boom',
      'plugin a: a dashboard panel needs an id of letters, digits, "-" and "_"; it is not shown',
      'plugin a: a dashboard panel "untitled" needs a title; it is not shown',
      'plugin a: a dashboard panel "bad-action": action "silence" needs a label and a run(ctx, row, body) function; it is not shown',
      'plugin b: dashboard panel "alerts" is already added by a; it is not shown',
    ])
  })

  it('rows are identified by rowKey, else by an id column, else by the first column', () => {
    expect(rowKeyOf(panel('p', { rowKey: 'name' }) as never, [{ id: 1, name: 'x' }])).toBe('name')
    expect(rowKeyOf(panel('p') as never, [{ name: 'x', id: 1 }])).toBe('id')
    expect(rowKeyOf(panel('p') as never, [{ name: 'x', state: 'OK' }])).toBe('name')
    expect(rowKeyOf(panel('p') as never, [])).toBeNull()
  })
})
