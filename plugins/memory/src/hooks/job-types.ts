import { memoryCycleJobType } from '../job-type/definition.js'

/** The `job-types` hook: this plugin contributes `memory-cycle`. */
export default async function jobTypes() {
  return [memoryCycleJobType]
}
