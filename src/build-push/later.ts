/**
 * What a run needs only once its plan stands: the registry layer (undici) for the read-back, and deploy-file pinning
 * (yaml, glob). Loaded on first use (loadLater) instead of at start, like the GitHub room (github/load.ts): a build
 * with push loads it while docker builds, a build with 'files' before building (to fail early on a broken file),
 * `push: false` never.
 */
export { dockerRegistries } from '../docker/registries'
export { pinBuiltImage, prepareBuildPins } from './pins'
