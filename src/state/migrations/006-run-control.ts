import type { Knex } from 'knex'

const INSTANT = 24

/**
 * What it takes to stop a run from outside and to clean up after a crash: the process group a run started,
 * on which host, and that process's start time (so a reused pid is never taken for it); and a cancel
 * request on the run's row, which the instance holding the run picks up.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    t.integer('pgid').nullable()
    t.string('host', 200).nullable()
    /** `<boot id>:<start time in clock ticks since boot>` (/proc/PID/stat field 22) of the group's leader. */
    t.string('proc_start', 80).nullable()
    t.string('cancel_requested_at', INSTANT).nullable()
    t.string('cancel_by', 200).nullable()
    t.text('cancel_reason').nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    for (const column of ['pgid', 'host', 'proc_start', 'cancel_requested_at', 'cancel_by', 'cancel_reason'])
      t.dropColumn(column)
  })
}
