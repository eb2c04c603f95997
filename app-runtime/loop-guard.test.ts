import { describe, expect, it } from 'vitest'
import { BOUNCE_WINDOW_MS, isBounce, parseLeaveRecord } from './loop-guard.js'

describe('isBounce', () => {
  const left = { version: 'v1', at: 1_000_000 }

  it('a document of the version the tab just left has bounced', () => {
    expect(isBounce(left, 'v1', left.at)).toBe(true)
    expect(isBounce(left, 'v1', left.at + BOUNCE_WINDOW_MS - 1)).toBe(true)
  })

  it('the same version after BOUNCE_WINDOW_MS gets a new attempt', () => {
    expect(isBounce(left, 'v1', left.at + BOUNCE_WINDOW_MS)).toBe(false)
  })

  it('a document of another version has arrived, not bounced', () => {
    expect(isBounce(left, 'v2', left.at + 1)).toBe(false)
  })

  it('a tab that never left has not bounced', () => {
    expect(isBounce(undefined, 'v1', left.at)).toBe(false)
  })

  it('a record from the future (clock turned back) is not a bounce', () => {
    expect(isBounce(left, 'v1', left.at - 1)).toBe(false)
  })
})

describe('parseLeaveRecord', () => {
  it('reads what the runtime stores', () => {
    expect(parseLeaveRecord(JSON.stringify({ version: 'v1', at: 42 }))).toEqual({ version: 'v1', at: 42 })
  })

  it.each([
    ['nothing stored', null],
    ['an empty string', ''],
    ['text that is not JSON', '{version'],
    ['JSON null', 'null'],
    ['a JSON string', '"v1"'],
    ['a number version', '{"version":1,"at":42}'],
    ['a text time', '{"version":"v1","at":"42"}'],
    ['no time', '{"version":"v1"}'],
  ])('reads %s as no record', (_, text) => {
    expect(parseLeaveRecord(text)).toBeUndefined()
  })
})
