import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/base-command.js'
import { printLine } from '../../cli/output.js'
import { writePluginSkeleton } from '../../scaffold/plugin.js'

export default class PluginsNew extends BaseCommand {
  static override summary = 'Write the skeleton of a third-party plugin that contributes a job type.'
  static override description =
    'Creates DIR with a plugin package (an oclif plugin with a `job-types` hook). Link it with `circadian plugins link DIR` and its job type is accepted by validate and run, with no change to circadian.'
  static override examples = [
    '<%= config.bin %> plugins new ./circadian-plugin-greet',
    '<%= config.bin %> plugins new ./my-plugin --type s3-sync',
  ]
  static override args = { dir: Args.string({ required: true, description: 'Directory to create the plugin in.' }) }
  static override flags = {
    type: Flags.string({ description: 'The job type name (default: from the directory name).' }),
    force: Flags.boolean({ description: 'Overwrite existing files.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PluginsNew)
    const plugin = writePluginSkeleton(args.dir, { type: flags.type, force: flags.force })
    printLine(`wrote ${plugin.packageName} in ${plugin.dir} (job type "${plugin.type}")`)
    printLine(`\nNext: ${this.config.bin} plugins link ${plugin.dir}`)
  }
}
