import { Args } from '@oclif/core'
import { UsageError } from '../errors.js'

/** A dead letter's id as given on the command line; checked by parseLetterId, so a bad one is a usage error. */
export const letterIdArg = Args.string({ required: true, description: 'The letter id (see dlq list).' })

export function parseLetterId(text: string): number {
  if (!/^\d{1,15}$/.test(text.trim()) || Number(text) < 1)
    throw new UsageError(`"${text}" is not a dead letter id: ids are whole numbers (see circadian dlq list)`)
  return Number(text)
}
