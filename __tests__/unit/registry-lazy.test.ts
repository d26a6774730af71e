import { describe, expect, it } from '@jest/globals'
import { loadRegistryLayer, openRegistryLazily } from '../../src/registry/lazy'

describe('registry layer, loaded lazily', () => {
  it('loads the registry layer once and shares the load between callers', async () => {
    const first = loadRegistryLayer()
    expect(loadRegistryLayer()).toBe(first)
    const layer = await first
    expect(typeof layer.openRegistry).toBe('function')
    expect(typeof layer.createRegistryFactory).toBe('function')
  })

  it('opens a session for the repository asked for, with the env it was given', async () => {
    const session = await openRegistryLazily({ registry: '127.0.0.1:5000', repository: 'acme/api' }, { DOCKER_CONFIG: '/nonexistent' })
    try {
      expect(session.client.registry).toBe('127.0.0.1:5000')
      expect(session.client.repository).toBe('acme/api')
    } finally {
      await session.close()
    }
  })
})
