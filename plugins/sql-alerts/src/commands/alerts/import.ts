import path from 'node:path'
import { Args, CircadianCommand, Flags, jsonFlag, printJson, printLine } from 'circadian'
import { importSentinel } from '../../import/import-sentinel.js'

export default class AlertsImport extends CircadianCommand {
  static override summary = 'Convert a SQL Sentinel alerts.yaml into a circadian config of sql-alert jobs.'
  static override description = `Reads database.url (a SQLAlchemy URL: sqlite:///file.db relative to the YAML file, sqlite:////absolute.db, postgresql://, postgresql+psycopg2://, mysql+pymysql://, ...) and alerts[] (name, description, enabled, query, schedule, notify email/slack/webhook), and writes one sql-alert job per alert. Passwords, webhook URLs and tokens are never written: they become env() references, listed with what to set. Refuses to overwrite an existing file unless --force.`

  static override examples = [
    '<%= config.bin %> alerts import alerts.yaml',
    '<%= config.bin %> alerts import sentinel/alerts.yaml --out circadian.config.ts --force',
  ]

  static override args = { file: Args.string({ required: true, description: "SQL Sentinel's YAML config." }) }
  static override flags = {
    out: Flags.string({
      char: 'o',
      default: 'circadian.config.ts',
      helpValue: 'PATH',
      description: 'The config file to write.',
    }),
    force: Flags.boolean({ description: 'Overwrite the output file if it exists.' }),
    json: jsonFlag,
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AlertsImport)
    this.jsonMode = flags.json
    const report = importSentinel({
      yamlFile: args.file,
      outFile: flags.out,
      force: flags.force,
      cwd: process.cwd(),
      now: new Date(),
    })
    if (flags.json) return printJson(report)
    const enabled = report.alerts.filter((a) => a.enabled).length
    printLine(
      `Wrote ${path.relative(process.cwd(), report.file) || report.file}: ${report.alerts.length} sql-alert job${report.alerts.length === 1 ? '' : 's'} (${enabled} enabled) on ${report.connection}`,
    )
    if (report.notifiers.length) printLine(`Notifiers: ${report.notifiers.join(', ')}`)
    const required = report.env.filter((v) => !v.optional)
    if (report.env.length) {
      printLine('Environment variables the config reads:')
      const width = Math.max(...report.env.map((v) => v.name.length))
      for (const v of report.env)
        printLine(
          `  ${v.name.padEnd(width)}  ${v.purpose}${v.fromLiteral ? ' — the YAML held it: copy the value from there' : v.optional ? ' (optional)' : ''}`,
        )
    }
    for (const note of report.notes) printLine(`note: ${note}`)
    const configFlag =
      report.file === path.resolve('circadian.config.ts')
        ? ''
        : ` --config ${path.relative(process.cwd(), report.file)}`
    printLine(
      `Next: ${required.length ? `set ${required.map((v) => v.name).join(', ')}, then ` : ''}circadian validate${configFlag}`,
    )
  }
}
