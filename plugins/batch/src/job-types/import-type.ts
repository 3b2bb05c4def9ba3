import { defineJobType } from 'circadian'
import { importOptions } from './import-options.js'
import { asJobError } from './job-errors.js'

export const importJobType = defineJobType({
  type: 'batch-import',
  description:
    'Streams CSV feeds (listings, users, applications, activity; UTF-8, Shift_JIS, CP932) into the batch tables: validated per row, upserted by id.',
  options: importOptions,
  connections: (options) => [options.connection],
  async run(ctx, options) {
    // The import's modules (the CSV reader, iconv-lite) load only when a job runs, not each time a config loads.
    const { runImport } = await import('../import/run-import.js')
    try {
      return await runImport(ctx, options)
    } catch (err) {
      throw asJobError(err)
    }
  },
})
