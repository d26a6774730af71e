import { describe, expect, it } from '@jest/globals'
import { buildxEngineImageId, imageIdKind, parseImageStore } from '../../src/docker/image-store'

const MANIFEST = `sha256:${'a'.repeat(64)}`
const CONFIG = `sha256:${'b'.repeat(64)}`

describe('parseImageStore', () => {
  it("reads the containerd store from docker info's DriverStatus (engine 29, containerd-snapshotter)", () => {
    expect(parseImageStore('[["driver-type","io.containerd.snapshotter.v1"]]')).toBe('containerd')
  })

  it('reads a graph driver as the classic store (overlay2, vfs with no status)', () => {
    expect(parseImageStore('[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"],["Native Overlay Diff","true"],["userxattr","false"]]')).toBe('classic')
    expect(parseImageStore('null')).toBe('classic')
    expect(parseImageStore('')).toBe('classic')
  })

  it('names the digest each store uses as the image ID', () => {
    expect(imageIdKind('classic')).toBe('config')
    expect(imageIdKind('containerd')).toBe('manifest')
  })
})

describe('buildxEngineImageId', () => {
  it("is BuildKit's manifest digest on the containerd store, though buildx's iidfile holds the config digest", () => {
    expect(buildxEngineImageId('containerd', { iid: CONFIG, digest: MANIFEST, configDigest: CONFIG })).toBe(MANIFEST)
  })

  it('is the config digest on the classic store', () => {
    expect(buildxEngineImageId('classic', { iid: CONFIG, digest: MANIFEST, configDigest: CONFIG })).toBe(CONFIG)
  })

  it('falls back to the iidfile when BuildKit reports no digest', () => {
    expect(buildxEngineImageId('containerd', { iid: MANIFEST })).toBe(MANIFEST)
    expect(buildxEngineImageId('classic', { iid: CONFIG })).toBe(CONFIG)
  })
})
