/**
 * What the docker engine's image ID is. It depends on the engine's image store:
 *   classic (graph drivers: overlay2 …; every engine before 29 unless switched) – the digest of the image's config;
 *   containerd (the default of a fresh engine since 29.0, `containerd-snapshotter` feature) – the digest of the
 *   manifest, or of the index when the image has several platforms or attestations: what `docker push` sends.
 * `imageid` is always the engine's own ID when the build put the image into the engine, so it matches
 * `docker image inspect` and `docker images` on either store; the race check (readback.ts) says which digest it
 * compared.
 */
export type ImageStore = 'classic' | 'containerd'

/** Which digest names an image in `store`: for messages. */
export function imageIdKind(store: ImageStore): 'config' | 'manifest' {
  return store === 'containerd' ? 'manifest' : 'config'
}

/**
 * The store from `docker info --format '{{json .DriverStatus}}'`: the containerd store lists
 * `["driver-type", "io.containerd.snapshotter.v1"]`; graph drivers list their own keys (or null).
 */
export function parseImageStore(driverStatusJson: string): ImageStore {
  let status: unknown
  try {
    status = JSON.parse(driverStatusJson)
  } catch {
    return 'classic'
  }
  const rows = Array.isArray(status) ? status : []
  const containerd = rows.some((r) => Array.isArray(r) && r[0] === 'driver-type' && r[1] === 'io.containerd.snapshotter.v1')
  return containerd ? 'containerd' : 'classic'
}

/**
 * The engine's image ID of a buildx build that went into the engine (docker driver, or `--load`). buildx's iidfile
 * holds the config digest whenever BuildKit reports one, whatever the store, so on the containerd store the ID is
 * BuildKit's `containerimage.digest` (the manifest or index the engine keeps), and on the classic store the config
 * digest.
 */
export function buildxEngineImageId(store: ImageStore, reported: { iid: string; digest?: string; configDigest?: string }): string {
  if (store === 'containerd') return reported.digest ?? reported.iid
  return reported.configDigest ?? reported.iid
}
