import { describe, expect, it } from 'vitest'
import { parseDotenv } from '../../src/config/dotenv.js'
import { parseStateUrl } from '../../src/config/state-url.js'

describe('parseDotenv', () => {
  it('reads plain, quoted and exported values, comments and blank lines', () => {
    const text = [
      '\uFEFF# a comment',
      '',
      'PLAIN = value with spaces   # trailing comment',
      'export EXPORTED=1',
      `SINGLE='lit\\n#not a comment'`,
      'DOUBLE="line\\nbreak \\"quoted\\" \\\\ \\$HOME" # c',
      'HASH=a#b',
      'EMPTY=',
      'URL=postgres://u:p@h:5432/db?sslmode=require',
      'WINDOWS=crlf\r',
      'PEM="-----BEGIN KEY-----',
      'abc\\"def',
      '-----END KEY-----"',
      "MULTI='one",
      "two' # after",
      'LAST=1',
    ].join('\n')
    expect(Object.fromEntries(parseDotenv(text, '.env'))).toEqual({
      PLAIN: 'value with spaces',
      EXPORTED: '1',
      SINGLE: 'lit\\n#not a comment',
      DOUBLE: 'line\nbreak "quoted" \\ $HOME',
      HASH: 'a#b',
      EMPTY: '',
      URL: 'postgres://u:p@h:5432/db?sslmode=require',
      WINDOWS: 'crlf',
      PEM: '-----BEGIN KEY-----\nabc"def\n-----END KEY-----',
      MULTI: 'one\ntwo',
      LAST: '1',
    })
  })

  it.each([
    ['NO_EQUALS', '/x/.env:1: expected KEY=value (a line without "=")'],
    ['1BAD=x', '/x/.env:1: "1BAD" is not a variable name (letters, digits and _, not starting with a digit)'],
    ['A="open\nB=2', '/x/.env:1: A has no closing double quote'],
    ["A='x' trailing", '/x/.env:1: A has text after its closing quote'],
  ])('refuses %j', (line, message) => {
    expect(() => parseDotenv(line, '/x/.env')).toThrow(message)
  })
})

describe('parseStateUrl', () => {
  it.each([
    ['postgres://u:p@db:5432/circadian', { client: 'pg', connection: 'postgres://u:p@db:5432/circadian' }],
    [
      'postgresql://db/circadian?sslmode=require',
      { client: 'pg', connection: 'postgresql://db/circadian?sslmode=require' },
    ],
    ['mysql://root@db/c', { client: 'mysql2', connection: 'mysql://root@db/c' }],
    ['mariadb://root@db/c', { client: 'mysql2', connection: 'mariadb://root@db/c' }],
    ['/data/state.db', { client: 'sqlite', filename: '/data/state.db' }],
    ['state.db', { client: 'sqlite', filename: 'state.db' }],
    ['file:///data/my%20state.db', { client: 'sqlite', filename: '/data/my state.db' }],
    ['file:rel/state.db', { client: 'sqlite', filename: 'rel/state.db' }],
    ['sqlite:///data/state.db', { client: 'sqlite', filename: '/data/state.db' }],
    ['sqlite://rel.db', { client: 'sqlite', filename: 'rel.db' }],
    ['sqlite:rel.db', { client: 'sqlite', filename: 'rel.db' }],
    ['C:\\state\\state.db', { client: 'sqlite', filename: 'C:\\state\\state.db' }],
  ])('%s', (value, expected) => {
    expect(parseStateUrl(value)).toEqual(expected)
  })

  it.each([
    ['https://u:hunter2hunter2@h/x', 'has the unsupported scheme "https"'],
    ['postgres://u:hunter2hunter2@db:5432', 'names no database'],
    ['postgres://u:hunter2hunter2@db:99999/x', 'is not a valid postgres URL'],
    ['sqlite://', 'names no file'],
  ])('refuses %s without repeating it', (value, message) => {
    const issue = parseStateUrl(value)
    expect(issue).toMatchObject({ path: 'CIRCADIAN_STATE_URL' })
    expect((issue as { message: string }).message).toContain(message)
    expect((issue as { message: string }).message).not.toContain('hunter2')
  })
})
