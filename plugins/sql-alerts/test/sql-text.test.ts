import { describe, expect, it } from 'vitest'
import { prepareStatement } from '../src/query/prepare-statement.js'
import { QueryFailure } from '../src/query/query-failure.js'
import { readSqlText } from '../src/query/sql-text.js'

describe('reading alert SQL the way the database splits it', () => {
  it('drops trailing semicolons and comments from a single statement', () => {
    const text = readSqlText("select 'OK' as status; -- done\n ; /* trailing */", 'postgres')
    expect(text).toEqual({ statement: "select 'OK' as status", statementCount: 1, firstKeyword: 'select' })
  })

  it('counts a second statement after a semicolon', () => {
    expect(readSqlText("select 'OK' as status; update t set x = 1", 'sqlite').statementCount).toBe(2)
  })

  it('ignores semicolons and comment markers inside strings, quoted names and comments', () => {
    const sql = `select 'a;b -- c' as "x;y", \`q;\` as z /* ; */ -- ;\nfrom t`
    expect(readSqlText(sql, 'mysql').statementCount).toBe(1)
    expect(readSqlText("select 'it''s; fine' as status", 'postgres').statementCount).toBe(1)
  })

  it('honours backslash escapes in MySQL strings and in PostgreSQL E-strings only', () => {
    expect(readSqlText("select 'a\\'; b' as status", 'mysql').statementCount).toBe(1)
    expect(readSqlText("select E'a\\'; b' as status", 'postgres').statementCount).toBe(1)
    // In a standard PostgreSQL string a backslash is an ordinary character: the string ends at the second quote.
    expect(readSqlText("select 'a\\'; select 2", 'postgres').statementCount).toBe(2)
  })

  it('skips PostgreSQL dollar-quoted text', () => {
    expect(readSqlText('select $$;$$ as a, $tag$ ; -- $tag$ as b', 'postgres').statementCount).toBe(1)
  })

  it('treats # as a comment in MySQL only', () => {
    expect(readSqlText("select 'OK' as status # ; select 2", 'mysql').statementCount).toBe(1)
  })

  it('finds the first keyword behind comments and parentheses', () => {
    expect(readSqlText('-- check\n/* x */ ( with a as (select 1) select 1)', 'postgres').firstKeyword).toBe('with')
    expect(readSqlText('UPDATE t SET x = 1', 'sqlite').firstKeyword).toBe('update')
  })

  it('sees no statement in comments alone', () => {
    expect(readSqlText('-- nothing\n ; ', 'sqlite').statementCount).toBe(0)
  })
})

describe('preparing a statement for the database', () => {
  it('wraps row-returning statements so the server stops after maxRows + 1 rows', () => {
    const p = prepareStatement("select 'OK' as status;", 'postgres', 10)
    expect(p.limited).toBe(true)
    expect(p.sql).toBe("select * from (\nselect 'OK' as status\n) as circadian_alert_rows limit 11")
  })

  it('leaves other statements and SQLite statements as written', () => {
    expect(prepareStatement('update t set x = 1', 'mysql', 10)).toMatchObject({
      sql: 'update t set x = 1',
      limited: false,
    })
    expect(prepareStatement("select 'OK' as status", 'sqlite', 10)).toMatchObject({
      sql: "select 'OK' as status",
      limited: false,
    })
  })

  it('refuses several statements and empty text', () => {
    expect(() => prepareStatement("select 'OK' as status; delete from t", 'postgres', 10)).toThrow(/holds 2 statements/)
    try {
      prepareStatement('select 1; select 2', 'sqlite', 10)
    } catch (err) {
      expect((err as QueryFailure).kind).toBe('multiple-statements')
    }
    expect(() => prepareStatement(' -- only a comment', 'sqlite', 10)).toThrow(/empty/)
  })
})
