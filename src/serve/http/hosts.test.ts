import { describe, expect, it } from 'vitest'
import { hostAllowed, sameOrigin, splitHost } from './hosts.js'

const rules = { boundHost: '127.0.0.1', port: 8377, allowedHosts: ['jobs.example.com', 'proxy.internal:8443'] }

describe('hostAllowed (DNS rebinding)', () => {
  it('accepts loopback names on serve port or none, any IP literal, and allowedHosts', () => {
    for (const host of [
      'localhost:8377',
      'localhost',
      '127.0.0.1:8377',
      '[::1]:8377',
      '10.42.0.17:9999',
      '[fd00::1]',
      'jobs.example.com:443',
      'JOBS.EXAMPLE.COM',
      'proxy.internal:8443',
    ])
      expect(hostAllowed(host, rules), host).toBe(true)
  })
  it('refuses other names, other ports for known names, junk and nothing', () => {
    for (const host of [
      'attacker.example:8377',
      'localhost:1',
      'proxy.internal:9999',
      'jobs.example.com.evil.test',
      'a b',
      '',
      undefined,
    ])
      expect(hostAllowed(host, rules), String(host)).toBe(false)
  })
  it('a wildcard bind has no name of its own; a named bind answers for its name', () => {
    expect(hostAllowed('0.0.0.0:8377', { ...rules, boundHost: '0.0.0.0' })).toBe(true)
    expect(hostAllowed('box.lan:8377', { ...rules, boundHost: 'box.lan' })).toBe(true)
    expect(hostAllowed('box.lan:8377', { ...rules, boundHost: '::' })).toBe(false)
  })
  it('splits names, ports and bracketed IPv6', () => {
    expect(splitHost('[::1]:80')).toEqual({ name: '::1', port: '80' })
    expect(splitHost('Name:8080')).toEqual({ name: 'name', port: '8080' })
    expect(splitHost('http://x')).toBeNull()
  })
})

describe('sameOrigin', () => {
  it('is the request Host, or an allowed name (a proxy rewriting Host); the scheme is not compared', () => {
    expect(sameOrigin('http://127.0.0.1:8377', '127.0.0.1:8377', rules)).toBe(true)
    expect(sameOrigin('https://jobs.example.com', '127.0.0.1:8377', rules)).toBe(true)
    expect(sameOrigin('http://127.0.0.1:8378', '127.0.0.1:8377', rules)).toBe(false)
    expect(sameOrigin('https://evil.example', '127.0.0.1:8377', rules)).toBe(false)
    expect(sameOrigin('null', '127.0.0.1:8377', rules)).toBe(false)
    expect(sameOrigin('file:///x', '127.0.0.1:8377', rules)).toBe(false)
  })
})
