import { Flags } from '@oclif/core'
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js'
import { writeJunitReport } from '../cli/junit.js'
import { printJson } from '../cli/output.js'
import { type ReporterKind, createReporter } from '../cli/progress/reporter.js'
import { chooseJobsToRun } from '../cli/run-selection.js'
import { LOG_LEVELS, type LogLevel } from '../log/logger.js'
import { exitCodeFor } from '../run/outcome.js'
import { keepLeases } from '../run/lease-keeper.js'
import { runDue } from '../run/run-due.js'
import { runJobs } from '../run/run-jobs.js'
import { openRunServices } from '../run/services-factory.js'

export default class Run extends BaseCommand {
  static override summary = 'Run jobs now, in dependency order, and exit with a code CI can act on.'
  static override description = `Runs the named jobs (or every enabled job with --all) once, now. Jobs run after the selected jobs they wait for (\`after\`); a job whose upstream did not succeed is recorded as skipped (upstream-failed). Every run is recorded in the state store.

Exit codes: 0 all succeeded; 1 a job reported an alert and none failed; 2 bad usage or invalid config; 3 a job failed, timed out or was interrupted.`

  static override examples = [
    '<%= config.bin %> run --all',
    '<%= config.bin %> run nightly_import',
    '<%= config.bin %> run score --with-upstream',
    '<%= config.bin %> run --all --json --no-notify',
    '<%= config.bin %> run --all --junit reports/circadian.xml',
    '<%= config.bin %> run --due            # in a CI cron: what fell due since the last --due run',
  ]

  static override strict = false
  static override flags = {
    config: configFlag,
    json: jsonFlag,
    all: Flags.boolean({ description: 'Run every enabled job.' }),
    due: Flags.boolean({
      description:
        'CI mode: run the occurrences that fell due since the last --due run (per job, under its catch-up rules); each occurrence runs once even if CI fires twice.',
    }),
    'with-upstream': Flags.boolean({ description: 'Also run the jobs the named jobs wait for (transitively).' }),
    notify: Flags.boolean({
      default: true,
      allowNo: true,
      description: 'Send notifications (--no-notify to keep quiet).',
    }),
    junit: Flags.string({
      helpValue: 'FILE',
      description: 'Also write a JUnit XML report (one test case per run; alerts are failures) for CI systems.',
    }),
    'log-level': Flags.string({
      options: LOG_LEVELS,
      default: 'warn',
      description: 'Job log lines (JSON) written to stderr at this level and above.',
    }),
  }

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Run)
    this.jsonMode = flags.json
    const config = await this.loadConfig(flags.config)
    const jobs = flags.due
      ? chooseJobsToRun(config, argv as string[], { all: !argv.length, withUpstream: flags['with-upstream'] })
      : chooseJobsToRun(config, argv as string[], { all: flags.all, withUpstream: flags['with-upstream'] })
    const kind: ReporterKind = flags.json ? 'silent' : process.stdout.isTTY && !process.env.CI ? 'tty' : 'plain'
    const nothingText = flags.due ? 'nothing ran (nothing was due)' : `nothing ran: ${config.file} has no enabled jobs`
    const reporter = await createReporter(kind, jobs, nothingText)
    const services = await openRunServices(config, {
      logLevel: flags['log-level'] as LogLevel,
      notify: flags.notify,
      events: reporter.events,
    })
    const controller = new AbortController()
    let signals = 0
    const onSignal = (signal: NodeJS.Signals): void => {
      if (++signals > 1) process.exit(130)
      process.stderr.write(`\n${signal}: interrupting running jobs (again to exit at once)\n`)
      controller.abort('interrupted')
    }
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
    const stopLeases = keepLeases(services.store, services.instance, services.clock, () => {})
    try {
      const outcomes = flags.due
        ? await runDue(jobs, services, {
            maxConcurrent: config.maxConcurrent,
            signal: controller.signal,
            disabled: [...config.jobs.values()].filter((j) => !j.core.enabled),
          })
        : await runJobs(
            { jobs, maxConcurrent: config.maxConcurrent, trigger: 'manual', signal: controller.signal },
            services,
          )
      await reporter.finish(outcomes)
      if (flags.junit) writeJunitReport(flags.junit, outcomes)
      if (flags.json) printJson({ runs: outcomes })
      const code = exitCodeFor(outcomes)
      if (code !== 0) this.exit(code)
    } finally {
      stopLeases()
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
      await services.close()
    }
  }
}
