import { describe, expect, it } from '@jest/globals'
import { mapLimit } from '../../src/action/pool'

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let inFlight = 0
    let max = 0
    const delays = [30, 5, 20, 1, 15, 2, 25, 3, 10, 4]
    const out = await mapLimit(delays, 3, async (d, i) => {
      inFlight++
      max = Math.max(max, inFlight)
      await new Promise((r) => setTimeout(r, d))
      inFlight--
      return `${i}:${d}`
    })
    expect(out).toEqual(delays.map((d, i) => `${i}:${d}`))
    expect(max).toBe(3)
  })

  it('handles an empty list and a limit above the number of items', async () => {
    expect(await mapLimit([], 8, async () => 1)).toEqual([])
    expect(await mapLimit([1, 2], 8, async (x) => x * 2)).toEqual([2, 4])
  })
})
