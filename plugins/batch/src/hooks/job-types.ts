import { importJobType } from '../job-types/import-type.js'
import { matchJobType } from '../job-types/match-type.js'
import { scoreJobType } from '../job-types/score-type.js'

/** The `job-types` hook: the batch pipeline's three job types. Cheap: their work loads when a job runs. */
export default async function jobTypes() {
  return [importJobType, scoreJobType, matchJobType]
}
