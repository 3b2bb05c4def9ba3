import { sqlAlertJobType } from '../job-type/sql-alert-type.js'

/** The `job-types` hook: this plugin contributes `sql-alert`. */
export default async function jobTypes() {
  return [sqlAlertJobType]
}
