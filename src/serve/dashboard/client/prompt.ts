/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { h } from './dom.js'

export interface PromptOptions {
  title: string
  help: string
  label: string
  confirm: string
  secret?: boolean
  placeholder?: string
  /** The field may be left empty: confirming resolves to '' (only Cancel or Escape resolve to null). */
  optional?: boolean
}

let open: Promise<string | null> | null = null

/**
 * Asks for one value in a modal dialog (focus moves into it and returns to where it was). Resolves to the
 * value, or null when cancelled (Cancel, Escape).
 */
export function prompt(options: PromptOptions): Promise<string | null> {
  if (open) return open
  const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const input = h('input', {
    id: 'prompt-input',
    name: 'value',
    type: options.secret ? 'password' : 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    required: !options.optional,
    maxlength: options.optional ? '500' : null,
    placeholder: options.placeholder ?? null,
    'aria-describedby': 'prompt-help',
  })
  const dialog: HTMLDialogElement = h(
    'dialog',
    { class: 'prompt', 'aria-labelledby': 'prompt-title' },
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'prompt-title' }, options.title),
      h('p', { id: 'prompt-help' }, options.help),
      h('label', { for: 'prompt-input' }, options.label),
      input,
      // Cancel is not a submit button: Enter in the field submits the form with its first submit button, the confirm.
      h(
        'div',
        { class: 'prompt-buttons' },
        h('button', { type: 'button', onclick: () => dialog.close('cancel') }, 'Cancel'),
        h('button', { type: 'submit', value: 'ok', class: 'primary' }, options.confirm),
      ),
    ),
  )
  document.body.append(dialog)
  open = new Promise<string | null>((resolve) => {
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'ok'
      const value = confirmed ? input.value.trim() : ''
      dialog.remove()
      open = null
      returnFocus?.focus()
      resolve(confirmed && options.optional ? value : value || null)
    })
  })
  dialog.showModal()
  input.focus()
  return open
}
