import type { QueryRows } from './query-failure.js'

/**
 * Names for the result's columns: a name that repeats (`select a.id, b.id`) gets a suffix (`id`, `id_2`) so
 * no value is lost when rows become objects.
 */
export function uniqueColumnNames(names: string[]): string[] {
  const seen = new Map<string, number>()
  const taken = new Set(names)
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    if (count === 1) return name
    let n = count
    while (taken.has(`${name}_${n}`)) n++
    const renamed = `${name}_${n}`
    taken.add(renamed)
    return renamed
  })
}

/** Rows read as arrays (one value per column), turned into objects with each value made JSON-safe. */
export function rowsFromArrays(
  columnNames: string[],
  arrays: unknown[][],
  convert: (value: unknown, column: number) => unknown,
  maxRows: number,
): QueryRows {
  const columns = uniqueColumnNames(columnNames)
  const truncated = arrays.length > maxRows
  const rows = arrays.slice(0, maxRows).map((values) => {
    const row: Record<string, unknown> = {}
    columns.forEach((name, i) => (row[name] = convert(values[i], i)))
    return row
  })
  return { columns, rows, truncated }
}
