// The `job-types` hook: circadian asks every installed plugin for the job types it contributes.
// `circadian` resolves to the running CLI's own API, so this plugin needs no dependency on it.
import { defineJobType, z } from 'circadian'

const {{type_ident}} = defineJobType({
  type: '{{type}}',
  description: 'A starting point: greets someone and counts its runs. Replace with your own work.',

  // The job's own options (besides schedule, retry, timeout, ...). Unknown top-level keys are config errors;
  // use z.strictObject() for nested objects so their typos are caught too.
  options: z.object({
    name: z.string().min(1),
    shout: z.boolean().default(false),
  }),

  // ctx: signal (abort on timeout/shutdown), log, run {id, job, attempt, ...}, db(name), kv, notify, clock.
  async run(ctx, opts) {
    if (ctx.signal.aborted) throw new Error('aborted before start')
    // kv is shared by every job of this plugin: key the state by job.
    const key = `runs:${ctx.run.job}`
    const runs = ((await ctx.kv.get(key)) ?? 0) + 1
    await ctx.kv.set(key, runs)
    const greeting = `hello, ${opts.name}`
    ctx.log.info(greeting, { runs })
    // Throw to fail the attempt (it is retried per the job's retry policy).
    // Return status 'alert' when the job found something a person should look at.
    return { status: 'ok', summary: opts.shout ? greeting.toUpperCase() : greeting, data: { runs } }
  },
})

export default async function jobTypes() {
  return [{{type_ident}}]
}
