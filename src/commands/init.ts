import { Flags } from '@oclif/core'
import { BaseCommand } from '../cli/base-command.js'
import { printLine } from '../cli/output.js'
import { initProject } from '../scaffold/init.js'

export default class Init extends BaseCommand {
  static override summary = 'Write a commented starter circadian.config.ts in the current directory.'
  static override description =
    'Writes circadian.config.ts (and any files its template brings) and adds .circadian/ (the local state) to .gitignore. Refuses to overwrite existing files unless --force.'
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --force',
    '<%= config.bin %> init --template batch',
  ]
  static override flags = {
    force: Flags.boolean({ description: 'Overwrite existing files.' }),
    template: Flags.string({
      default: 'default',
      description: 'Which starter to write: default, or one an installed plugin brings (e.g. memory, batch).',
    }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Init)
    const pluginRoots = [...this.config.plugins.values()].map((p) => p.root)
    const result = initProject(process.cwd(), { template: flags.template, force: flags.force, pluginRoots })
    for (const file of result.written) printLine(`wrote ${file}`)
    if (result.gitignoreUpdated) printLine('added .circadian/ to .gitignore')
    printLine('\nNext: circadian validate && circadian list && circadian run --all')
  }
}
