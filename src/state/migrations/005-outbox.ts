import type { Knex } from 'knex'

const INSTANT = 24

/**
 * The notice outbox: every notice is a row before anything is sent, claimed by one process at a time
 * (compare-and-set on claim_until, like an occurrence), retried with backoff until sent or expired.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notices', (t) => {
    t.increments('id').primary()
    /** The idempotency key every delivery of this notice carries. */
    t.string('key', 40).notNullable().unique('notices_key_uq')
    t.string('notifier', 200).notNullable()
    t.string('job', 200).nullable()
    t.string('run_id', 32).nullable()
    t.string('event', 24).notNullable()
    /** The notice (title, text, severity, fields) as JSON, redacted before it was written. */
    t.text('body').notNullable()
    /** pending (not tried yet), failed (the last try failed; retried at next_attempt_at), sent, expired. */
    t.string('status', 16).notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.string('created_at', INSTANT).notNullable()
    t.string('next_attempt_at', INSTANT).notNullable()
    t.string('expires_at', INSTANT).notNullable()
    t.string('sent_at', INSTANT).nullable()
    t.text('last_error').nullable()
    t.string('claimed_by', 200).nullable()
    t.string('claim_until', INSTANT).nullable()
    /** Delivered inside another notice's delivery (a coalesced backlog): that notice's key. */
    t.string('coalesced_into', 40).nullable()
    t.index(['status', 'next_attempt_at'], 'notices_due_idx')
    t.index(['notifier', 'sent_at'], 'notices_sent_idx')
    t.index(['created_at'], 'notices_created_idx')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notices')
}
