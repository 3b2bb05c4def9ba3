import { defineJobType } from 'circadian'
import { matchOptions } from './match-options.js'

export const matchJobType = defineJobType({
  type: 'batch-match',
  description:
    "Writes each user's 40 recommendations (editorial, top, regional, nearby, high-income, new) from the scored pairs, published atomically per run.",
  options: matchOptions,
  connections: (options) => [options.connection],
  async run(ctx, options) {
    const { runMatch } = await import('../match/run-match.js')
    return runMatch(ctx, options)
  },
})
