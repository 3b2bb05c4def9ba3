import { commandJobType } from '../job-types/command/definition.js'

/** The core contributes its own job types through the same hook as every plugin. */
export default async function jobTypes() {
  return [commandJobType]
}
