// Example job: "extract" a day of exchange rates into .circadian/example/rates.json (deterministic, offline).
import { mkdirSync, writeFileSync } from 'node:fs'

const day = new Date().toISOString().slice(0, 10)
const seed = [...day].reduce((n, c) => n * 31 + c.charCodeAt(0), 7) % 1000
const rates = { day, EURUSD: 1.05 + seed / 10_000, EURJPY: 160 + seed / 50, EURGBP: 0.84 + seed / 20_000 }
mkdirSync('.circadian/example', { recursive: true })
writeFileSync('.circadian/example/rates.json', JSON.stringify(rates, null, 2))
console.log(`extracted ${Object.keys(rates).length - 1} rates for ${day}`)
