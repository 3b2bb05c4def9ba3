import { describe, expect, it } from 'vitest'
import { StepSizer } from '../../src/state/step-sizer.js'

describe('StepSizer', () => {
  it('starts at its minimum, doubles after quick steps up to its maximum, and halves after slow ones', () => {
    const sizer = new StepSizer(200, 8, 10)
    expect(sizer.current).toBe(8)
    const sizes: number[] = []
    for (let i = 0; i < 6; i++) {
      sizer.record(1)
      sizes.push(sizer.current)
    }
    expect(sizes).toEqual([16, 32, 64, 128, 200, 200])
    sizer.record(540)
    expect(sizer.current).toBe(100)
    for (let i = 0; i < 10; i++) sizer.record(540)
    expect(sizer.current).toBe(8)
    sizer.record(7) // within target, above half of it: kept
    expect(sizer.current).toBe(8)
  })

  it('times the step it runs', async () => {
    const sizer = new StepSizer(64, 4, 10)
    const sizes: number[] = []
    for (const ms of [0, 0, 30, 30])
      await sizer.step(async (n) => {
        sizes.push(n)
        await new Promise((r) => setTimeout(r, ms))
      })
    expect(sizes).toEqual([4, 8, 16, 8])
  })
})
