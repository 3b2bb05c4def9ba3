import type { Knex } from 'knex'

/**
 * The occurrence claim's unique index leads with the claim (the occurrence's instant) instead of the job:
 * the same set of pairs, so the same exactly-once guarantee, but the thousand claims of one wake-up sit side
 * by side in a few index pages instead of one page per job, which is most of a claim batch's commit.
 * No query reads this index in job order (it serves only the claims' conflicts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    t.dropUnique(['job', 'claim'], 'runs_claim_uq')
  })
  await knex.schema.alterTable('runs', (t) => {
    t.unique(['claim', 'job'], { indexName: 'runs_claim_uq' })
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    t.dropUnique(['claim', 'job'], 'runs_claim_uq')
  })
  await knex.schema.alterTable('runs', (t) => {
    t.unique(['job', 'claim'], { indexName: 'runs_claim_uq' })
  })
}
