import { describe, expect, it } from 'vitest'
import { StepSizer } from '../../src/state/step-sizer.js'

describe('StepSizer', () => {
  it('halves a step that took longer than its target, down to its minimum, and grows it back when quick', () => {
    const sizer = new StepSizer(200, 8, 10)
    expect(sizer.current).toBe(200)
    sizer.record(540)
    expect(sizer.current).toBe(100)
    for (let i = 0; i < 10; i++) sizer.record(540)
    expect(sizer.current).toBe(8)
    sizer.record(7) // within target: kept
    expect(sizer.current).toBe(8)
    for (let i = 0; i < 10; i++) sizer.record(1)
    expect(sizer.current).toBe(200)
  })

  it('times the step it runs', async () => {
    const sizer = new StepSizer(64, 1, 10)
    const sizes: number[] = []
    for (let i = 0; i < 3; i++)
      await sizer.step(async (n) => {
        sizes.push(n)
        await new Promise((r) => setTimeout(r, 30))
      })
    expect(sizes).toEqual([64, 32, 16])
  })
})
