// Generates the batch benchmark's feeds: listings (a UTF-8 CSV like a partner's: Japanese titles and
// descriptions, quoted fields), users, applications and activity. Deterministic for a given size.
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

export const PREFECTURES = [
  ['北海道', 43.0642, 141.3469],
  ['青森県', 40.8244, 140.74],
  ['岩手県', 39.7036, 141.1527],
  ['宮城県', 38.2688, 140.8721],
  ['秋田県', 39.7186, 140.1024],
  ['山形県', 38.2404, 140.3633],
  ['福島県', 37.75, 140.4678],
  ['茨城県', 36.3418, 140.4468],
  ['栃木県', 36.5657, 139.8836],
  ['群馬県', 36.3911, 139.0608],
  ['埼玉県', 35.8569, 139.6489],
  ['千葉県', 35.605, 140.1233],
  ['東京都', 35.6895, 139.6917],
  ['神奈川県', 35.4478, 139.6425],
  ['新潟県', 37.9026, 139.0236],
  ['富山県', 36.6953, 137.2113],
  ['石川県', 36.5947, 136.6256],
  ['福井県', 36.0652, 136.2216],
  ['山梨県', 35.6642, 138.5684],
  ['長野県', 36.6513, 138.181],
  ['岐阜県', 35.3912, 136.7223],
  ['静岡県', 34.9769, 138.3831],
  ['愛知県', 35.1802, 136.9066],
  ['三重県', 34.7303, 136.5086],
  ['滋賀県', 35.0045, 135.8686],
  ['京都府', 35.0211, 135.7556],
  ['大阪府', 34.6863, 135.52],
  ['兵庫県', 34.6913, 135.183],
  ['奈良県', 34.6851, 135.8048],
  ['和歌山県', 34.226, 135.1675],
  ['鳥取県', 35.5039, 134.2383],
  ['島根県', 35.4723, 133.0505],
  ['岡山県', 34.6618, 133.9344],
  ['広島県', 34.3966, 132.4596],
  ['山口県', 34.1859, 131.4714],
  ['徳島県', 34.0657, 134.5593],
  ['香川県', 34.3401, 134.0434],
  ['愛媛県', 33.8416, 132.7657],
  ['高知県', 33.5597, 133.5311],
  ['福岡県', 33.6064, 130.4183],
  ['佐賀県', 33.2494, 130.2988],
  ['長崎県', 32.7448, 129.8737],
  ['熊本県', 32.7898, 130.7417],
  ['大分県', 33.2382, 131.6126],
  ['宮崎県', 31.9111, 131.4239],
  ['鹿児島県', 31.5602, 130.5581],
  ['沖縄県', 26.2124, 127.6809],
]
const JOBS = [
  ['エンジニア', 'Java', 'AWS', '正社員', 4_500_000, 9_000_000],
  ['看護師', '看護', '夜勤', '正社員', 3_500_000, 5_500_000],
  ['介護スタッフ', '介護', 'デイサービス', 'パート', 2_000_000, 3_200_000],
  ['法人営業', '営業', 'インセンティブ', '正社員', 4_000_000, 7_500_000],
  ['一般事務', '事務', 'Excel', '派遣社員', 2_800_000, 3_600_000],
  ['配送ドライバー', '配送', '普通免許', '契約社員', 3_000_000, 4_200_000],
  ['販売スタッフ', '接客', 'アパレル', 'アルバイト', 2_000_000, 2_600_000],
  ['UIデザイナー', 'Figma', 'UI', '正社員', 4_000_000, 7_500_000],
  ['経理スタッフ', '経理', '簿記', '正社員', 4_000_000, 6_500_000],
  ['保育士', '保育', '子ども', '正社員', 3_000_000, 4_000_000],
]
const PERKS = ['未経験歓迎', '駅チカ', '週休2日', '賞与あり', '残業少なめ', '交通費支給', '社宅あり', '在宅勤務可']
export const BASE = Date.UTC(2026, 10, 20)

function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function writeLines(file, header, count, line) {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 })
  out.write(`${header}\n`)
  for (let i = 0; i < count; i++) if (!out.write(line(i))) await once(out, 'drain')
  out.end()
  await once(out, 'finish')
}

export const LISTINGS_HEADER =
  'external_id,title,company_name,location,employment_type,salary_min,salary_max,description,fee,posted_at,latitude,longitude,editorial_pick,keywords'

/** One listing line; the same i gives the same line. */
export function listingLine(i) {
  const r = rng(i + 1)
  const [place, lat, lon] = PREFECTURES[Math.floor(r() * PREFECTURES.length)]
  const [stem, k1, k2, type, lo, hi] = JOBS[Math.floor(r() * JOBS.length)]
  const perk = PERKS[Math.floor(r() * PERKS.length)]
  const min = lo + 100_000 * Math.floor(r() * ((hi - lo) / 200_000))
  const max = min + 100_000 * (1 + Math.floor(r() * 20))
  const posted = new Date(BASE - Math.floor(r() * 60 * 86_400_000)).toISOString()
  const description = `"${k1}の経験を活かせる${stem}のお仕事です。${place}勤務、${perk}。${k2}に興味がある方、歓迎します。"`
  return `L${String(i).padStart(7, '0')},${stem}募集 ${place} ${perk},株式会社サンプル${i % 20_000},${place},${type},${min},${max},${description},${Math.floor(r() * 40) * 10_000},${posted},${(lat + (r() - 0.5) * 0.6).toFixed(4)},${(lon + (r() - 0.5) * 0.6).toFixed(4)},${r() < 0.01 ? 1 : 0},${k1} ${k2} ${perk}\n`
}

export async function writeListings(file, count) {
  await writeLines(file, LISTINGS_HEADER, count, listingLine)
}

export async function writeUsers(file, count) {
  await writeLines(
    file,
    'external_id,location,latitude,longitude,employment_type,desired_salary,keywords',
    count,
    (i) => {
      const r = rng(1e9 + i)
      const [place, lat, lon] = PREFECTURES[Math.floor(r() * PREFECTURES.length)]
      const [, k1, k2, type, lo, hi] = JOBS[Math.floor(r() * JOBS.length)]
      return `U${String(i).padStart(6, '0')},${place},${(lat + (r() - 0.5) * 0.4).toFixed(4)},${(lon + (r() - 0.5) * 0.4).toFixed(4)},${r() < 0.8 ? type : ''},${r() < 0.7 ? Math.round((lo + hi) / 2) : ''},${k1} ${k2}\n`
    },
  )
}

export async function writeApplications(file, users, listings, count) {
  await writeLines(file, 'user_id,listing_id,applied_at', count, (i) => {
    const r = rng(2e9 + i)
    return `U${String(i % users).padStart(6, '0')},L${String(Math.floor(r() * listings)).padStart(7, '0')},${new Date(BASE - Math.floor(r() * 30 * 86_400_000)).toISOString()}\n`
  })
}

export async function writeActivity(file, users, listings, count) {
  await writeLines(file, 'user_id,listing_id,event,occurred_at,count', count, (i) => {
    const r = rng(3e9 + i)
    const user = r() < 0.5 ? `U${String(Math.floor(r() * users)).padStart(6, '0')}` : ''
    const day = new Date(BASE - Math.floor(r() * 14) * 86_400_000).toISOString().slice(0, 10)
    const click = r() < 0.2
    // i in the key keeps rows distinct: (user, listing, event, day) must be unique for a row to count once.
    return `${user},L${String((i * 7919) % listings).padStart(7, '0')},${click ? 'click' : 'view'},${day}T00:00:${String(i % 60).padStart(2, '0')}Z,${1 + Math.floor(r() * (click ? 3 : 20))}\n`
  })
}
