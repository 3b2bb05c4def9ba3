import type { Knex } from 'knex'
import { type EnrichmentReport, type Judgement, judgePairs } from '../llm/enrich.js'
import { chunks, num, placeholders, select } from '../store/dialect.js'
import { AlreadyApplied, type StageOutcome, applyOnce, findStageRun } from '../store/stage-runs.js'
import { T } from '../store/tables.js'
import { type StageEnv, throwIfAborted } from './env.js'
import { formatDuration, plural } from '../format.js'
import { type LinkCandidate, type RemParams, findLinkCandidates } from './rem-links.js'

export interface LinkResult {
  fresh: number
  links: number
  created: number
  updated: number
  llmJudged: number
}

/**
 * Writes the links: each pair's target (blended with the LLM's score when it judged the pair:
 * (1 - llm.weight)·target + llm.weight·score), then strength ← strength + learningRate·(target - strength);
 * a new link starts from 0.
 */
export async function applyLinks(
  trx: Knex,
  p: RemParams,
  now: number,
  key: string,
  candidates: LinkCandidate[],
  judgements: Map<string, Judgement>,
): Promise<Omit<LinkResult, 'fresh'>> {
  const weight = p.llm?.weight ?? 0
  const rows = candidates.map((c) => {
    const j = judgements.get(c.pair)
    return {
      row: {
        a_id: c.a,
        b_id: c.b,
        strength: 0,
        target: j ? (1 - weight) * c.target + weight * j.score : c.target,
        shared_tags: c.sharedTags,
        shared_keywords: c.sharedKeywords,
        co_occurring: c.coOccurring ? 1 : 0,
        rem_key: key,
        created_at: now,
        updated_at: now,
        ...(j ? { llm_score: j.score, label: j.label } : {}),
      },
      judged: Boolean(j),
    }
  })
  const ruleColumns = ['target', 'shared_tags', 'shared_keywords', 'co_occurring', 'rem_key', 'updated_at']
  for (const judged of [false, true]) {
    const columns = judged ? [...ruleColumns, 'llm_score', 'label'] : ruleColumns
    for (const part of chunks(
      rows.filter((r) => r.judged === judged).map((r) => r.row),
      500,
    )) {
      await trx(T.associations).insert(part).onConflict(['a_id', 'b_id']).merge(columns)
    }
  }
  const [{ n }] = await select<{ n: unknown }>(
    trx,
    `select count(*) as n from ${T.associations} where rem_key = ? and strength = 0`,
    [key],
  )
  await trx(T.associations)
    .where({ rem_key: key })
    .update({ strength: trx.raw('strength + ? * (target - strength)', [p.learningRate]) })
  return {
    links: rows.length,
    created: num(n),
    updated: rows.length - num(n),
    llmJudged: rows.filter((r) => r.judged).length,
  }
}

async function contents(db: Knex, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>()
  for (const part of chunks(ids, 500)) {
    const found = await select<{ id: unknown; content: string }>(
      db,
      `select id, content from ${T.items} where id in (${placeholders(part.length)})`,
      part,
    )
    for (const r of found) out.set(num(r.id), r.content)
  }
  return out
}

/** Asks the LLM about the strongest rule-based links (outside any transaction: it may take a while). */
async function judgeStrongest(
  env: StageEnv,
  p: RemParams,
): Promise<{ judgements: Map<string, Judgement>; report: EnrichmentReport | null }> {
  if (!p.llm || p.llm.maxPairs === 0) return { judgements: new Map(), report: null }
  const { candidates } = await findLinkCandidates(env.db, p, env.clock.now())
  const strongest = candidates.slice(0, p.llm.maxPairs)
  const text = await contents(env.db, [...new Set(strongest.flatMap((c) => [c.a, c.b]))])
  const pairs = strongest
    .filter((c) => text.has(c.a) && text.has(c.b))
    .map((c) => ({ pair: c.pair, a: text.get(c.a)!, b: text.get(c.b)! }))
  return judgePairs(pairs, p.llm, { db: env.db, kv: env.kv, clock: env.clock, signal: env.signal, log: env.log })
}

function describeLlm(report: EnrichmentReport | null): { path: string; text: string } {
  if (!report) return { path: 'rule-based', text: 'rule-based (no LLM configured)' }
  if (report.status === 'idle') return { path: 'rule-based', text: 'rule-based (no links for the LLM to judge)' }
  if (report.status === 'unavailable')
    return { path: 'rule-based', text: `rule-based: LLM unavailable (${report.error ?? 'no usable answer'})` }
  const cached = report.cached ? `, ${report.cached} from cache` : ''
  if (report.status === 'partial')
    return {
      path: 'llm-enriched',
      text: `LLM judged ${report.answered} of ${plural(report.pairs, 'link')}${cached}; the rest rule-based (${report.error ?? 'unusable answers'})`,
    }
  return { path: 'llm-enriched', text: `LLM judged ${plural(report.answered, 'link')}${cached}` }
}

/**
 * REM sleep: links between long-term memories from shared tags and keywords and co-occurrence, optionally
 * judged by a local LLM; link strengths move toward their targets.
 */
export async function runRem(env: StageEnv, p: RemParams): Promise<StageOutcome | AlreadyApplied> {
  const prior = await findStageRun(env.db, env.occ.key)
  if (prior?.status === 'done') return new AlreadyApplied(prior)
  const { judgements, report } = await judgeStrongest(env, p)
  const llm = describeLlm(report)
  throwIfAborted(env.signal)
  return applyOnce(env.db, env.occ, env.clock, env.signal, async (trx, now) => {
    const { fresh, candidates } = await findLinkCandidates(trx, p, now)
    const r = await applyLinks(trx, p, now, env.occ.key, candidates, judgements)
    return {
      summary: `${plural(r.links, 'link')} among long-term memories (${r.created} new, ${r.updated} moved toward their targets; ${fresh} consolidated in the last ${formatDuration(p.window)}) — ${llm.text}`,
      data: { fresh, ...r, path: llm.path, llm: report },
      rowsTouched: r.links,
    }
  })
}
