import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'

const oneStore = tsConfig(`{
  timezone: 'UTC',
  connections: { memory: { client: 'sqlite', filename: 'memory.db' } },
  jobs: {
    memory_working: { type: 'memory-cycle', stage: 'working', connection: 'memory' },
    memory_short_term: { type: 'memory-cycle', stage: 'short-term', connection: 'memory' },
  },
}`)

describe('memory commands', () => {
  let box: Sandbox
  beforeEach(() => {
    box = sandbox()
    box.write('circadian.config.ts', oneStore)
  })
  afterEach(() => box.cleanup())

  const json = async (args: string[]) => {
    const r = await box.run([...args, '--json'])
    expect(r.code, r.stderr).toBe(0)
    return JSON.parse(r.stdout)
  }

  it('add stores a memory; the same text again is a rehearsal that can bring it into working memory', async () => {
    const add = await box.run([
      'memory',
      'add',
      'Met Ana about the garden plan',
      '--importance',
      '0.8',
      '--tags',
      'garden, Ana',
    ])
    expect(add).toMatchObject({ code: 0, stdout: 'added memory 1\n' })
    const shown = await json(['memory', 'show', '1'])
    expect(shown).toMatchObject({
      id: 1,
      content: 'Met Ana about the garden plan',
      importance: 0.8,
      activation: 0.8,
      accessCount: 1,
      tags: ['garden', 'ana'],
      keywords: ['ana', 'garden', 'met', 'plan'],
      working: null,
    })
    const again = await box.run(['memory', 'add', 'Met Ana about the garden plan'])
    // 0.8 + 0.5·(1 - 0.8) = 0.9
    expect(again.stdout).toBe('rehearsed memory 1: the same text was already stored (2 accesses, activation 0.900)\n')
    const run = await box.run(['run', 'memory_working', '--json'])
    expect(JSON.parse(run.stdout).runs[0]).toMatchObject({ status: 'succeeded', data: { inContext: 1, ids: [1] } })
    expect((await json(['memory', 'show', '1'])).working).toMatchObject({ rank: 1 })
  })

  it('add refuses a bad importance and empty text with exit code 2', async () => {
    for (const args of [
      ['memory', 'add', 'x', '--importance', '1.5'],
      ['memory', 'add', 'x', '--importance', 'high'],
      ['memory', 'add', '   '],
    ]) {
      const r = await box.run(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect((await box.run(['memory', 'add', 'x', '--importance', '1.5'])).stderr).toBe(
      '--importance must be a number from 0 to 1 (got "1.5")\n',
    )
    expect((await json(['memory', 'stats'])).stores.raw.count).toBe(0)
  })

  it('import keeps the good lines and reports the bad ones with their line numbers', async () => {
    box.write(
      'notes.jsonl',
      [
        '{"content": "Atlas launch moved to Thursday", "importance": 0.9, "tags": ["atlas", "work"], "created_at": "2026-01-05T09:00:00Z"}',
        '{"content": "Water the tomatoes", "importance": 1.5}',
        '',
        'not json at all',
        '{"content": "Budget review", "importnce": 0.4}',
        '{"content": "Ana likes the new plan", "tags": "ana, plans", "age": "2h", "store": "long-term", "strength": 0.8}',
        '{"importance": 0.3}',
      ].join('\n'),
    )
    const r = await box.run(['memory', 'import', 'notes.jsonl'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('imported 2 memories from notes.jsonl (ids 1-2); skipped 4 bad lines\n')
    expect(r.stderr.split('\n').filter((l) => l.startsWith('notes.jsonl'))).toEqual([
      'notes.jsonl:2: importance: must be at most 1',
      expect.stringMatching(/^notes\.jsonl:4: not valid JSON \(/),
      'notes.jsonl:5: unknown field "importnce" (did you mean "importance"?)',
      'notes.jsonl:7: content: is required',
    ])
    const first = await json(['memory', 'show', '1'])
    expect(first).toMatchObject({
      createdAt: '2026-01-05T09:00:00.000Z',
      importance: 0.9,
      tags: ['atlas', 'work'],
      source: 'import',
    })
    expect((await json(['memory', 'show', '2'])).longTerm).toMatchObject({ strength: 0.8 })

    const report = await json(['memory', 'import', 'notes.jsonl'])
    expect(report).toMatchObject({ file: 'notes.jsonl', imported: 2, skipped: 4, firstId: 3, lastId: 4 })
    expect(report.errors.map((e: { line: number }) => e.line)).toEqual([2, 4, 5, 7])
    box.write('one.jsonl', '{"content": "Just one"}\n')
    expect((await box.run(['memory', 'import', 'one.jsonl'])).stdout).toBe('imported 1 memory from one.jsonl (id 5)\n')
  })

  it('import exits 2 when the file cannot be read or has no good line, importing nothing', async () => {
    const missing = await box.run(['memory', 'import', 'nope.jsonl'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('cannot read')
    expect(missing.stderr).toContain('nope.jsonl: no such file')
    box.write('bad.jsonl', '{"content": ""}\n[1, 2]\n')
    const bad = await box.run(['memory', 'import', 'bad.jsonl'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('bad.jsonl:1: content: must not be empty')
    expect(bad.stderr).toContain('bad.jsonl:2: must be a JSON object')
    expect(bad.stderr).toContain('nothing imported from bad.jsonl')
    box.write('empty.jsonl', '\n\n')
    expect((await box.run(['memory', 'import', 'empty.jsonl'])).stdout).toBe('imported 0 memories from empty.jsonl\n')
    expect((await json(['memory', 'stats'])).stores.raw.count).toBe(0)
  })

  it('recall finds by keyword or tag, strongest first, and counts as an access unless --peek', async () => {
    box.write(
      'm.jsonl',
      [
        '{"content": "Planted tomatoes in the garden", "importance": 0.4}',
        '{"content": "Garden hose is leaking", "importance": 0.6, "store": "short-term", "strength": 0.3}',
        '{"content": "Grew tomatoes last summer", "tags": ["garden"], "store": "long-term", "strength": 0.9}',
        '{"content": "Budget review on Friday", "importance": 0.99}',
      ].join('\n'),
    )
    await box.run(['memory', 'import', 'm.jsonl'])
    const found = await json(['memory', 'recall', 'garden tomatoes', '--peek'])
    // Ranked by strength: long-term 0.9, then activation 0.4 (raw), then short-term strength 0.3.
    expect(
      found.memories.map((m: { id: number; store: string; strength: number; matched: number }) => [
        m.id,
        m.store,
        m.strength,
        m.matched,
      ]),
    ).toEqual([
      [3, 'long-term', 0.9, 2],
      [1, 'raw', 0.4, 2],
      [2, 'short-term', 0.3, 1],
    ])
    expect((await json(['memory', 'show', '1'])).accessCount).toBe(1)
    const limited = await box.run(['memory', 'recall', 'garden', '--limit', '1'])
    expect(limited.stdout).toBe(
      'ID  STORE      STRENGTH  MATCHED  CONTENT\n3   long-term  0.900     1        Grew tomatoes last summer\n',
    )
    expect((await json(['memory', 'show', '3'])).accessCount).toBe(2)
    expect((await box.run(['memory', 'recall', 'volcano'])).stdout).toBe('nothing recalled for "volcano"\n')
    expect((await box.run(['memory', 'recall', 'the of an'])).stdout).toBe('nothing recalled for "the of an"\n')
    await box.run(['memory', 'add', 'Read about transformers', '--tags', 'ai,machine learning'])
    expect((await json(['memory', 'recall', 'ai'])).memories.map((m: { id: number }) => m.id)).toEqual([5])
    expect((await json(['memory', 'recall', 'Machine Learning'])).memories.map((m: { id: number }) => m.id)).toEqual([
      5,
    ])
    expect(await box.run(['memory', 'recall', ' '])).toMatchObject({ code: 2, stderr: 'the query must not be empty\n' })
  })

  it('show explains a missing or malformed id with exit code 2', async () => {
    expect(await box.run(['memory', 'show', '42'])).toMatchObject({ code: 2, stderr: 'no memory with id 42\n' })
    expect(await box.run(['memory', 'show', 'abc'])).toMatchObject({
      code: 2,
      stderr: 'the memory id must be a positive whole number (got "abc")\n',
    })
    const j = await box.run(['memory', 'show', '42', '--json'])
    expect(JSON.parse(j.stdout)).toEqual({ error: { message: 'no memory with id 42', exitCode: 2 } })
  })

  it('stats shows counts and mean activation per store', async () => {
    box.write(
      'm.jsonl',
      [
        '{"content": "one", "activation": 0.2}',
        '{"content": "two", "activation": 0.6, "store": "short-term", "strength": 0.5}',
        '{"content": "three", "activation": 0.7, "store": "long-term", "strength": 0.9}',
        '{"content": "four", "activation": 0.9, "store": "long-term", "strength": 0.5}',
      ].join('\n'),
    )
    await box.run(['memory', 'import', 'm.jsonl'])
    const s = await json(['memory', 'stats'])
    expect(s.connection).toBe('memory')
    expect(s.stores.raw).toEqual({ count: 4, meanActivation: expect.closeTo(0.6, 10), meanStrength: null })
    expect(s.stores.shortTerm).toEqual({ count: 1, meanActivation: 0.6, meanStrength: 0.5 })
    expect(s.stores.longTerm).toEqual({
      count: 2,
      meanActivation: expect.closeTo(0.8, 10),
      meanStrength: expect.closeTo(0.7, 10),
    })
    expect(s.stores.working).toEqual({ count: 0, meanActivation: null, meanStrength: null })
    expect(s.llmCache).toEqual({ entries: 0, hits: 0, misses: 0, hitRate: null })
    const text = await box.run(['memory', 'stats'])
    expect(text.stdout).toContain('long-term memory   2      0.800            0.700')
    expect(text.stdout).toContain('LLM cache: no lookups yet')
  })
})

describe('which store the memory commands use', () => {
  let box: Sandbox
  beforeEach(() => {
    box = sandbox()
  })
  afterEach(() => box.cleanup())

  it('the only memory store; else --job or --connection; several without a choice is an error', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        connections: { a: { client: 'sqlite', filename: 'a.db' }, b: { client: 'sqlite', filename: 'b.db' }, other: { client: 'sqlite', filename: 'o.db' } },
        jobs: {
          a_working: { type: 'memory-cycle', stage: 'working', connection: 'a' },
          a_health: { type: 'memory-cycle', stage: 'health', connection: 'a' },
          b_working: { type: 'memory-cycle', stage: 'working', connection: 'b' },
        },
      }`),
    )
    const ambiguous = await box.run(['memory', 'add', 'hello'])
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.stderr).toBe(
      'the memory-cycle jobs use several connections: a (a_working, a_health); b (b_working); choose one with --job NAME or --connection NAME\n',
    )
    expect((await box.run(['memory', 'add', 'hello', '--job', 'b_working'])).code).toBe(0)
    expect(
      JSON.parse((await box.run(['memory', 'stats', '--connection', 'b', '--json'])).stdout).stores.raw.count,
    ).toBe(1)
    expect(
      JSON.parse((await box.run(['memory', 'stats', '--job', 'a_health', '--json'])).stdout).stores.raw.count,
    ).toBe(0)
    expect(await box.run(['memory', 'stats', '--job', 'nope'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--job: "nope" is not a memory-cycle job'),
    })
    expect(await box.run(['memory', 'stats', '--connection', 'zzz'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--connection: "zzz" is not a connection'),
    })
    expect((await box.run(['memory', 'stats', '--connection', 'a', '--job', 'a_working'])).code).toBe(2)
  })

  it('a config without memory jobs needs --connection', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ connections: { m: { client: 'sqlite', filename: 'm.db' } }, jobs: {} }`),
    )
    const r = await box.run(['memory', 'stats'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no memory-cycle job in')
    expect((await box.run(['memory', 'stats', '--connection', 'm'])).code).toBe(0)
  })

  it('an unreachable store exits 3 with one line and no password', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        connections: { m: { client: 'pg', connection: env('MEMORY_URL') } },
        jobs: { m_working: { type: 'memory-cycle', stage: 'working', connection: 'm' } },
      }`),
    )
    const r = await box.run(['memory', 'stats'], {
      env: { MEMORY_URL: 'postgres://memory:Sup3rSecretPw@127.0.0.1:1/memory' },
    })
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/^cannot open the memory store \(connection "m"\): .*ECONNREFUSED/)
    expect(r.stdout + r.stderr).not.toContain('Sup3rSecretPw')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})
