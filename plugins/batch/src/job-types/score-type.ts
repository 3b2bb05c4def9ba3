import { defineJobType } from 'circadian'
import { scoreOptions } from './score-options.js'

export const scoreJobType = defineJobType({
  type: 'batch-score',
  description:
    'Scores listings (basic, seo) and user–listing pairs (personalized, composite), incrementally: only what changed since the last score.',
  options: scoreOptions,
  connections: (options) => [options.connection],
  async run(ctx, options) {
    const { runScore } = await import('../score/run-score.js')
    return runScore(ctx, options)
  },
})
