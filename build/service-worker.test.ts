import { describe, expect, it } from 'vitest'
import type { Plugin } from 'vite'
import { judgeWorkersAtEnd, judgeWorkersAtStart, projectVitePwaApis, type ProjectWorker } from './service-worker.js'

const worker = (facts: Partial<ProjectWorker> = {}): ProjectWorker => ({ disabled: false, registered: true, scope: '/', ...facts })
const codeOf = (verdict: ReturnType<typeof judgeWorkersAtStart>) => (verdict && 'error' in verdict ? verdict.error.code : verdict)

describe('judgeWorkersAtStart', () => {
  it("fails when the gatekeeper writes its sw.js and the project has a VitePWA() of its own: two workers for one scope", () => {
    const verdict = judgeWorkersAtStart('gatekeeper', '/', [worker()])
    expect(codeOf(verdict)).toBe('competing-service-worker')
    const message = verdict && 'error' in verdict ? verdict.error.message : ''
    expect(message).toContain("serviceWorker: 'own'")
    expect(message).toContain('addVersionGatekeeper()')
    expect(message).toContain("importScripts: ['version-gatekeeper-sw.js']")
  })

  it('lets the gatekeeper build its sw.js beside a VitePWA() that is disabled, or without any', () => {
    expect(judgeWorkersAtStart('gatekeeper', '/', [worker({ disabled: true })])).toBeUndefined()
    expect(judgeWorkersAtStart('gatekeeper', '/', [])).toBeUndefined()
  })

  it("with 'own', fails when the project's worker registers at another scope than base: its tabs would never hear it", () => {
    expect(codeOf(judgeWorkersAtStart('own', '/app/', [worker({ scope: '/' })]))).toBe('service-worker-scope')
    expect(judgeWorkersAtStart('own', '/app/', [worker({ scope: '/app/' })])).toBeUndefined()
    expect(judgeWorkersAtStart('own', '/app/', [worker({ scope: undefined })])).toBeUndefined()
  })
})

describe('judgeWorkersAtEnd', () => {
  it("with 'own', warns when nothing registers the project's VitePWA() worker", () => {
    const verdict = judgeWorkersAtEnd('own', [worker({ registered: false })])
    expect(verdict && 'warning' in verdict && verdict.warning).toContain('virtual:pwa-register')
  })

  it("is quiet when it is registered, disabled, or when the gatekeeper registers its own", () => {
    expect(judgeWorkersAtEnd('own', [worker()])).toBeUndefined()
    expect(judgeWorkersAtEnd('own', [worker({ registered: false, disabled: true })])).toBeUndefined()
    expect(judgeWorkersAtEnd('own', [])).toBeUndefined()
    expect(judgeWorkersAtEnd('gatekeeper', [worker({ registered: false })])).toBeUndefined()
  })
})

describe('projectVitePwaApis', () => {
  it('finds the main plugin of every VitePWA(), and no other plugin of vite-plugin-pwa', () => {
    const first: Plugin = { name: 'vite-plugin-pwa', api: { disabled: false } }
    const second: Plugin = { name: 'vite-plugin-pwa', api: { disabled: true } }
    const others: Plugin[] = [{ name: 'vite-plugin-pwa:build' }, { name: 'vite:css' }]
    expect(projectVitePwaApis([first, ...others, second])).toEqual([{ disabled: false }, { disabled: true }])
  })
})
