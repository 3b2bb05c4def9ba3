// Example job: build a small report from what "extract" wrote; fails (exit 1) if the input is missing.
import { readFileSync, writeFileSync } from 'node:fs'

const rates = JSON.parse(readFileSync('.circadian/example/rates.json', 'utf8'))
const lines = Object.entries(rates)
  .filter(([k]) => k !== 'day')
  .map(([pair, value]) => `${pair} ${Number(value).toFixed(4)}`)
writeFileSync('.circadian/example/report.txt', `Rates for ${rates.day}\n${lines.join('\n')}\n`)
console.log(`report written: ${lines.length} pairs`)
