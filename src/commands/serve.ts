import { Flags } from '@oclif/core'
import { BaseCommand, configFlag } from '../cli/base-command.js'
import { loadConfigWith, loadDashboardPanels, loadJobTypeRegistry } from '../cli/load-config.js'
import { printError } from '../cli/output.js'
import { LOG_LEVELS, type LogLevel, createLogger } from '../log/logger.js'
import { defaultInstanceId } from '../run/services-factory.js'
import { dashboard } from '../serve/dashboard/index.js'
import { startServe } from '../serve/serve.js'

export default class Serve extends BaseCommand {
  static override summary = 'Run the schedule until stopped: cron, catch-up, overlap, dependencies, hot reload.'
  static override description = `Fires every enabled job on its schedule and records each occurrence. Missed occurrences (downtime, a suspended machine) follow each job's catch-up rules; a changed config file is applied without a restart (an invalid one is rejected and the old config keeps running). \`circadian pause|resume|trigger\` act on a running serve through the state store.

SIGTERM or SIGINT stops firing and gives running runs \`serve.shutdownGrace\` (default 30s) to finish; the rest are interrupted. A second signal interrupts them at once. Logs are JSON lines on stdout.`

  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --config /etc/circadian/circadian.config.ts --instance-id worker-1',
    '<%= config.bin %> serve --log-level debug',
  ]

  static override flags = {
    config: configFlag,
    'instance-id': Flags.string({ description: "This instance's name in the store (default: host:pid)." }),
    'log-level': Flags.string({ options: LOG_LEVELS, default: 'info', description: 'Least severe log level written.' }),
    notify: Flags.boolean({
      default: true,
      allowNo: true,
      description: 'Send notifications (--no-notify to keep quiet).',
    }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve)
    const registry = await loadJobTypeRegistry(this.config)
    const location = { cwd: process.cwd(), configPath: flags.config }
    const config = await loadConfigWith(registry, location)
    for (const warning of config.warnings) printError(`warning: ${warning}`)
    const panels = config.serve.http ? await loadDashboardPanels(this.config) : null
    for (const warning of panels?.warnings ?? []) printError(`warning: ${warning}`)
    const logger = await createLogger({
      level: flags['log-level'] as LogLevel,
      fd: 1,
      pretty: process.stdout.isTTY === true,
    })
    const handle = await startServe({
      config,
      reload: () => loadConfigWith(registry, location),
      logger,
      instance: flags['instance-id'] ?? defaultInstanceId(),
      version: this.config.version,
      notify: flags.notify,
      extendHttp: panels ? dashboard({ panels: panels.panels }) : undefined,
    })
    let signals = 0
    const onSignal = (signal: NodeJS.Signals) => {
      signals++
      logger.info(
        { signal },
        signals === 1
          ? 'shutdown requested'
          : signals === 2
            ? 'second signal: interrupting running jobs now'
            : 'third signal: exiting now',
      )
      void handle.stop(signals > 1)
      // A third signal (or a stuck shutdown) should never leave the process hanging.
      if (signals > 2) process.exit(130)
    }
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
    await handle.stopped
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}
