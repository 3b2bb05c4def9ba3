/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

export type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>

/**
 * Builds an element. Text always goes in as text nodes (never as HTML), so nothing the server sends can
 * become markup. `on*` attributes are event listeners; `true` sets an empty attribute, false/null omit it.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(name.slice(2), value)
    else if (name === 'class') el.className = String(value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

export function append(parent: Node, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/**
 * Replaces an element's content, keeping keyboard focus on the element with the same data-focus-key, and
 * keeping open every disclosure (`details`) a person opened whose summary has the same key in the new
 * content: a live redraw must not close what someone is reading.
 */
export function replaceContent(parent: Element, children: Array<Child | Child[]>): void {
  const active = document.activeElement
  const key = active instanceof HTMLElement && parent.contains(active) ? active.dataset.focusKey : undefined
  const opened = new Set(
    [...parent.querySelectorAll<HTMLElement>('details[open] > summary[data-focus-key]')].map((s) => s.dataset.focusKey),
  )
  parent.replaceChildren()
  append(parent, children)
  if (opened.size)
    for (const summary of parent.querySelectorAll<HTMLElement>('details > summary[data-focus-key]'))
      if (opened.has(summary.dataset.focusKey)) (summary.parentElement as HTMLDetailsElement).open = true
  if (key) parent.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus()
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`#${id} is missing from the page`)
  return el as T
}

/** Text only screen readers get (e.g. which row a button acts on). */
export const hidden = (text: string) => h('span', { class: 'visually-hidden' }, text)
