export type SqlDialect = 'postgres' | 'mysql' | 'sqlite'

export interface SqlText {
  /** The one statement, without trailing semicolons and trailing comments. */
  statement: string
  /** How many statements the text holds (comments and empty statements do not count). */
  statementCount: number
  /** The statement's first keyword, lower-cased ('select', 'with', 'update', ...), or '' if none. */
  firstKeyword: string
}

/** Where the quoted part starting at `i` ends (the index after its closing quote). */
function skipQuoted(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1
  while (j < sql.length) {
    const c = sql[j]
    if (backslashEscapes && c === '\\') j += 2
    else if (c === quote && sql[j + 1] === quote) j += 2
    else if (c === quote) return j + 1
    else j++
  }
  return j
}

/**
 * Reads SQL text the way the database will split it: strings, quoted names, comments and (PostgreSQL)
 * dollar quotes are skipped, so a `;` or `--` inside them is not taken for a statement end or a comment.
 */
export function readSqlText(sql: string, dialect: SqlDialect): SqlText {
  const statements: Array<{ start: number; end: number }> = []
  let lastSignificantEnd = -1
  let firstOfStatement = -1
  let i = 0
  const closeSegment = () => {
    if (firstOfStatement >= 0) statements.push({ start: firstOfStatement, end: lastSignificantEnd })
    lastSignificantEnd = -1
    firstOfStatement = -1
  }
  const significant = (from: number, to: number) => {
    if (firstOfStatement < 0) firstOfStatement = from
    lastSignificantEnd = to
  }
  while (i < sql.length) {
    const c = sql[i]
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i)
      i = nl < 0 ? sql.length : nl + 1
    } else if (c === '#' && dialect === 'mysql') {
      const nl = sql.indexOf('\n', i)
      i = nl < 0 ? sql.length : nl + 1
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2)
      i = close < 0 ? sql.length : close + 2
    } else if (c === "'") {
      const escapes =
        dialect === 'mysql' || (dialect === 'postgres' && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? ''))
      const end = skipQuoted(sql, i, "'", escapes)
      significant(i, end)
      i = end
    } else if (c === '"' || (c === '`' && dialect !== 'postgres')) {
      const end = skipQuoted(sql, i, c, dialect === 'mysql' && c === '"')
      significant(i, end)
      i = end
    } else if (c === '$' && dialect === 'postgres' && /^\$([A-Za-z_]\w*)?\$/.test(sql.slice(i))) {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i))![0]
      const close = sql.indexOf(tag, i + tag.length)
      const end = close < 0 ? sql.length : close + tag.length
      significant(i, end)
      i = end
    } else if (c === ';') {
      closeSegment()
      i++
    } else if (/\s/.test(c)) {
      i++
    } else {
      significant(i, i + 1)
      i++
    }
  }
  closeSegment()
  const first = statements[0]
  const statement = first ? sql.slice(first.start, first.end).trim() : ''
  return { statement, statementCount: statements.length, firstKeyword: firstKeywordOf(statement, dialect) }
}

function firstKeywordOf(statement: string, dialect: SqlDialect): string {
  // The statement starts at its first significant character; "(select ...)" and "( /* x */ select" start with select.
  let rest = statement
  for (;;) {
    const trimmed = rest.replace(/^[\s(]+/, '')
    if (trimmed.startsWith('--') || (dialect === 'mysql' && trimmed.startsWith('#'))) {
      const nl = trimmed.indexOf('\n')
      rest = nl < 0 ? '' : trimmed.slice(nl + 1)
    } else if (trimmed.startsWith('/*')) {
      const close = trimmed.indexOf('*/')
      rest = close < 0 ? '' : trimmed.slice(close + 2)
    } else {
      return (/^[A-Za-z]+/.exec(trimmed)?.[0] ?? '').toLowerCase()
    }
  }
}

/** Statements whose rows can be read through `select * from (<statement>) limit n`. */
export function returnsRowsAsSubquery(keyword: string): boolean {
  return keyword === 'select' || keyword === 'with' || keyword === 'values' || keyword === 'table'
}
