/**
 * Deploy-file pinning for the resolve action (yaml, glob): loaded only when 'files' names some, so a resolve without
 * files does not parse the YAML library at start.
 */
export { loadDeployFiles } from '../pin/files'
export { pinFiles } from '../pin/step'
