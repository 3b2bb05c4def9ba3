// Removes build output so a rename never leaves a stale file behind in dist/.
import { rmSync } from 'node:fs'
for (const dir of process.argv.slice(2)) rmSync(dir, { recursive: true, force: true })
