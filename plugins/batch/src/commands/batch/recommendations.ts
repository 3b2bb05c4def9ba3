import { Args, UserError, printJson, printLine } from 'circadian'
import { BatchCommand, databaseFlags } from '../../cli/batch-command.js'
import { renderRecommendations } from '../../cli/render-recommendations.js'
import { readRecommendations } from '../../match/read-recommendations.js'

export default class BatchRecommendations extends BatchCommand {
  static override summary = "Show a user's current recommendations, by section, with their scores."
  static override description =
    "Reads the recommendation set the last batch-match run published (the database of --connection, of --job, or the one connection the config's batch jobs share). Sections: editorial 5, top 5, regional 10, nearby 8, high-income 7, new 5; a * marks listings filled from the best remaining scores."
  static override examples = [
    '<%= config.bin %> batch recommendations U0001',
    '<%= config.bin %> batch recommendations U0001 --json',
    '<%= config.bin %> batch recommendations U0001 --job match',
  ]

  static override args = {
    user: Args.string({ required: true, description: 'The user id, as in the users feed (external_id).' }),
  }
  static override flags = databaseFlags

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BatchRecommendations)
    this.jsonMode = flags.json
    const result = await this.withDatabase(flags, async (db, connection) => {
      if (!db) return { user: args.user, run: null, recommendations: [] }
      const found = await readRecommendations(db, args.user)
      if (found === 'unknown-user')
        throw new UserError(
          `no user "${args.user}" in the batch tables of connection "${connection}" (users come from a batch-import job with kind: 'users')`,
        )
      return found
    })
    if (flags.json) return printJson(result)
    printLine(renderRecommendations(result))
  }
}
