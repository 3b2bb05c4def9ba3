import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type LlmMode = 'answer' | 'fail' | 'hang' | 'garbage'

export interface FakeOllama {
  url: string
  mode: LlmMode
  /** The JSON bodies of every /api/generate request received. */
  requests: Array<Record<string, unknown>>
  /** Requests whose client went away before an answer (hanging calls that were given up). */
  abandoned: number
  answer: (prompt: string) => string
  close(): Promise<void>
}

/** A real HTTP server on 127.0.0.1 speaking Ollama's non-streaming /api/generate. */
export async function fakeOllama(mode: LlmMode = 'answer'): Promise<FakeOllama> {
  const state: FakeOllama = {
    url: '',
    mode,
    requests: [],
    abandoned: 0,
    answer: () => '{"score": 0.9, "label": "same theme"}',
    close: async () => {},
  }
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/generate') {
        res.writeHead(404).end()
        return
      }
      const parsed = JSON.parse(body) as Record<string, unknown>
      state.requests.push(parsed)
      if (state.mode === 'hang') {
        res.on('close', () => state.abandoned++)
        return
      }
      if (state.mode === 'fail') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"model failed to load"}')
        return
      }
      const response = state.mode === 'garbage' ? 'I would rather not say.' : state.answer(String(parsed.prompt))
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ model: parsed.model, created_at: new Date().toISOString(), response, done: true }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}
