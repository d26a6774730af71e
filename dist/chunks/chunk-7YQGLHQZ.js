import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  __toESM,
  require_fs,
  require_path
} from "./chunk-3FGA6ACG.js";

// src/docker/step-config.ts
var import_node_fs = __toESM(require_fs(), 1);
var import_node_path = __toESM(require_path(), 1);
var STEP_CONFIG_STATE = "docker-config";
var STEP_CONFIG_PREFIX = "pinned-build-docker-config-";
function removeStepConfig(dir) {
  if (!dir) return "none";
  if (!import_node_path.default.isAbsolute(dir) || !import_node_path.default.basename(dir).startsWith(STEP_CONFIG_PREFIX)) return "refused";
  if (!(0, import_node_fs.existsSync)(dir)) return "already gone";
  (0, import_node_fs.rmSync)(dir, { recursive: true, force: true });
  return "removed";
}

export {
  STEP_CONFIG_STATE,
  STEP_CONFIG_PREFIX,
  removeStepConfig
};
