import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  STEP_CONFIG_STATE,
  removeStepConfig
} from "../chunks/chunk-7YQGLHQZ.js";
import {
  getState,
  info,
  warning
} from "../chunks/chunk-TFVKVXD5.js";
import "../chunks/chunk-3FGA6ACG.js";

// src/build-push/post.ts
var dir = getState(STEP_CONFIG_STATE);
try {
  const outcome = removeStepConfig(dir);
  if (outcome === "removed") info(`Removed the step's docker login left behind by the main step (${dir})`);
  else if (outcome === "refused") warning(`Not removing '${dir}': it is not a docker config directory this action created`);
} catch (error) {
  warning(`Could not remove the step's docker login at ${dir}: ${error instanceof Error ? error.message : String(error)}`);
}
