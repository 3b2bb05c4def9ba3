// Writes the sample feed of `circadian init --template batch` (templates/batch/feeds/): 300 listings from two
// partners (UTF-8 with a byte-order mark and CRLF; Shift_JIS), 12 users, their applications and activity.
// Deterministic: run it again and the files come out byte for byte the same.
//   node plugins/batch/scripts/generate-sample.mjs [outDir]
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import iconv from 'iconv-lite'

const here = path.dirname(fileURLToPath(import.meta.url))
const outDir = path.resolve(process.argv[2] ?? path.join(here, '..', 'templates', 'batch', 'feeds'))

let seed = 20261120
function random() {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (list) => list[Math.floor(random() * list.length)]
const between = (lo, hi, step = 1) => lo + step * Math.floor((random() * (hi - lo)) / step)

const PREFECTURES = [
  ['東京都', 35.6895, 139.6917],
  ['神奈川県', 35.4478, 139.6425],
  ['埼玉県', 35.8569, 139.6489],
  ['千葉県', 35.605, 140.1233],
  ['大阪府', 34.6863, 135.52],
  ['京都府', 35.0211, 135.7556],
  ['兵庫県', 34.6913, 135.183],
  ['愛知県', 35.1802, 136.9066],
  ['福岡県', 33.6064, 130.4183],
  ['北海道', 43.0642, 141.3469],
]
const COMPANIES = [
  '株式会社サクラ技研',
  '株式会社ミライ物流',
  '医療法人あおば会',
  '株式会社ひかり介護サービス',
  '株式会社東京デザイン工房',
  '株式会社なにわ食品',
  '合同会社グリーンフィールド',
  '株式会社ソラ教育',
  '株式会社ヤマト建設',
  '株式会社みなと不動産',
  '株式会社キタ精工',
  '株式会社ハルカ商事',
  '社会福祉法人こもれび',
  '株式会社アオイ会計事務所',
  '株式会社ツバサ交通',
]
// stem, keywords, [employment type, salary period, min, max, step]
const JOBS = [
  ['エンジニア', ['Java', 'TypeScript', 'AWS', 'リモート'], [['正社員', '年収', 4_500_000, 9_000_000, 100_000]]],
  [
    '看護師',
    ['看護', '病棟', '夜勤'],
    [
      ['正社員', '月給', 280_000, 380_000, 5_000],
      ['パート', '時給', 1_800, 2_400, 50],
    ],
  ],
  [
    '介護スタッフ',
    ['介護', 'デイサービス', '未経験歓迎'],
    [
      ['パート', '時給', 1_100, 1_500, 10],
      ['正社員', '月給', 220_000, 280_000, 5_000],
    ],
  ],
  ['法人営業', ['営業', 'インセンティブ', '土日休み'], [['正社員', '年収', 4_000_000, 7_500_000, 100_000]]],
  [
    '一般事務',
    ['事務', 'Excel', '残業少なめ'],
    [
      ['派遣社員', '時給', 1_400, 1_800, 10],
      ['契約社員', '月給', 200_000, 260_000, 5_000],
    ],
  ],
  ['配送ドライバー', ['配送', '普通免許', '日勤'], [['契約社員', '月給', 250_000, 350_000, 5_000]]],
  ['販売スタッフ', ['接客', 'アパレル', '未経験歓迎'], [['アルバイト', '時給', 1_050, 1_300, 10]]],
  ['UIデザイナー', ['Figma', 'UI', 'リモート'], [['正社員', '年収', 4_000_000, 7_500_000, 100_000]]],
  ['経理スタッフ', ['経理', '簿記', '決算'], [['正社員', '年収', 4_000_000, 6_500_000, 100_000]]],
  ['保育士', ['保育', '子ども', '土日休み'], [['正社員', '月給', 230_000, 300_000, 5_000]]],
]
const PERKS = ['未経験歓迎', '駅チカ', '週休2日', '賞与あり', '残業少なめ', '交通費支給', '社宅あり', '在宅勤務可']
const BASE = Date.UTC(2026, 10, 20, 0, 0) // 2026-11-20 09:00 JST

function jst(ms, withTime = true) {
  const d = new Date(ms + 9 * 3600_000)
  const ymd = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`
  return withTime
    ? `${ymd} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
    : ymd
}

function csv(fields) {
  return fields
    .map((f) =>
      f === null || f === undefined
        ? ''
        : /[",\r\n]/.test(String(f))
          ? `"${String(f).replace(/"/g, '""')}"`
          : String(f),
    )
    .join(',')
}

function listing(id, { multiline }) {
  const [place, lat, lon] = pick(PREFECTURES)
  const [stem, words, offers] = pick(JOBS)
  const [type, period, lo, hi, step] = pick(offers)
  const min = between(lo, hi - 2 * step, step)
  const max = between(min + step, hi + step, step)
  const perk = pick(PERKS)
  const title = `${stem}｜${place} ${perk}`
  const keywords = [...words.slice(0, 2 + Math.floor(random() * 2)), perk]
  const body = [
    `${pick(COMPANIES).replace('株式会社', '')}で${stem}として働きませんか。`,
    `${words[0]}の経験を活かせます。${perk}、${pick(PERKS)}。`,
    random() < 0.5
      ? `勤務地は${place}、${pick(['最寄り駅から徒歩5分', '車通勤可', 'バス停すぐ'])}です。`
      : `${words[1]}に興味がある方、歓迎します。`,
  ]
  return {
    external_id: id,
    title,
    company_name: pick(COMPANIES),
    location: place,
    employment_type: type,
    salary_min: min,
    salary_max: max,
    salary_period: period,
    description: body.join(multiline ? '\r\n' : ''),
    fee: random() < 0.8 ? between(50_000, 400_000, 10_000) : '',
    posted_at: jst(BASE - between(0, 40 * 24 * 60) * 60_000),
    latitude: (lat + (random() - 0.5) * 0.5).toFixed(4),
    longitude: (lon + (random() - 0.5) * 0.5).toFixed(4),
    editorial_pick: random() < 0.08 ? '1' : '',
    keywords: keywords.join('、'),
  }
}

mkdirSync(outDir, { recursive: true })

// Partner A: UTF-8 with a byte-order mark, CRLF line ends, multi-line quoted descriptions (as Excel saves them).
const columnsA = [
  'external_id',
  'title',
  'company_name',
  'location',
  'employment_type',
  'salary_min',
  'salary_max',
  'salary_period',
  'description',
  'fee',
  'posted_at',
  'latitude',
  'longitude',
  'editorial_pick',
  'keywords',
]
const rowsA = []
for (let i = 1; i <= 200; i++) rowsA.push(listing(`PA-${String(i).padStart(4, '0')}`, { multiline: i % 7 === 0 }))
// Two rows a partner gets wrong: the import rejects them (see `circadian batch rejects`) and keeps the rest.
rowsA[41].salary_min = '応相談'
rowsA[117].salary_max = String(Number(rowsA[117].salary_min) - 1)
const textA = [csv(columnsA), ...rowsA.map((r) => csv(columnsA.map((c) => r[c])))].join('\r\n') + '\r\n'
writeFileSync(
  path.join(outDir, 'listings-partner-a.csv'),
  Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(textA, 'utf8')]),
)

// Partner B: Shift_JIS, LF, its own column order, no editorial picks.
const columnsB = [
  'external_id',
  'company_name',
  'title',
  'employment_type',
  'location',
  'latitude',
  'longitude',
  'salary_period',
  'salary_min',
  'salary_max',
  'fee',
  'posted_at',
  'keywords',
  'description',
]
const rowsB = []
for (let i = 1; i <= 100; i++) rowsB.push(listing(`PB-${String(i).padStart(4, '0')}`, { multiline: false }))
const textB = [csv(columnsB), ...rowsB.map((r) => csv(columnsB.map((c) => r[c])))].join('\n') + '\n'
const sjis = iconv.encode(textB, 'shift_jis')
if (iconv.decode(sjis, 'shift_jis') !== textB) throw new Error('partner B text does not round-trip through Shift_JIS')
writeFileSync(path.join(outDir, 'listings-partner-b.csv'), sjis)

// Users: where they are, what they want.
const users = []
for (let i = 1; i <= 12; i++) {
  const [place, lat, lon] = PREFECTURES[i % PREFECTURES.length]
  const [, words, offers] = JOBS[i % JOBS.length]
  const [type, period, lo, hi] = offers[0]
  users.push({
    external_id: `U${String(i).padStart(3, '0')}`,
    location: place,
    latitude: (lat + (random() - 0.5) * 0.2).toFixed(4),
    longitude: (lon + (random() - 0.5) * 0.2).toFixed(4),
    employment_type: i % 5 === 0 ? '' : type,
    desired_salary: i % 4 === 0 ? '' : Math.round((lo + hi) / 2),
    desired_salary_period: period,
    keywords: words.slice(0, 2).join(' '),
  })
}
const columnsU = [
  'external_id',
  'location',
  'latitude',
  'longitude',
  'employment_type',
  'desired_salary',
  'desired_salary_period',
  'keywords',
]
writeFileSync(
  path.join(outDir, 'users.csv'),
  [csv(columnsU), ...users.map((u) => csv(columnsU.map((c) => u[c])))].join('\n') + '\n',
)

const all = [...rowsA.filter((_, i) => i !== 41 && i !== 117), ...rowsB]
const applications = new Map()
for (const u of users) {
  for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
    const l = pick(all)
    applications.set(`${u.external_id}|${l.external_id}`, [
      u.external_id,
      l.external_id,
      jst(BASE - between(0, 30 * 24 * 60) * 60_000),
    ])
  }
}
writeFileSync(
  path.join(outDir, 'applications.csv'),
  [csv(['user_id', 'listing_id', 'applied_at']), ...[...applications.values()].map(csv)].join('\n') + '\n',
)

// Activity: daily counts per listing, from signed-in users and anonymous visitors (empty user_id).
const activity = new Map()
for (let k = 0; k < 500; k++) {
  const l = random() < 0.6 ? all[Math.floor(random() * 40)] : pick(all)
  const user = random() < 0.3 ? pick(users).external_id : ''
  const event = random() < 0.8 ? 'view' : 'click'
  const day = jst(BASE - between(0, 14) * 86_400_000, false)
  const key = `${user}|${l.external_id}|${event}|${day}`
  const row = activity.get(key) ?? [user, l.external_id, event, day, 0]
  row[4] += event === 'view' ? between(1, 30) : between(1, 5)
  activity.set(key, row)
}
writeFileSync(
  path.join(outDir, 'activity.csv'),
  [csv(['user_id', 'listing_id', 'event', 'occurred_at', 'count']), ...[...activity.values()].map(csv)].join('\n') +
    '\n',
)

console.log(`sample feed written to ${outDir}`)
