import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  pinFiles
} from "./chunk-RFARFAZH.js";
import {
  openRegistry
} from "./chunk-6G5XLA6M.js";
import {
  RegistryBudget,
  dockerKeychain
} from "./chunk-W5EBU2VT.js";
import {
  loadDeployFiles,
  ownImageRule
} from "./chunk-GITB5LMJ.js";
import "./chunk-DNPMEH6S.js";
import "./chunk-S6CHNJPD.js";
import {
  warning
} from "./chunk-QQLDKIRZ.js";

// src/build/pins.ts
async function prepareBuildPins(inputs, push, cwd) {
  if (inputs.files.length === 0) return void 0;
  if (!push) {
    warning("'files' is ignored with 'push: false': there is no pushed digest to pin the deploy files to");
    return void 0;
  }
  return { files: await loadDeployFiles(inputs.files, cwd), write: inputs.write };
}
function pinBuiltImage(pins, image, tags, digest) {
  return pinFiles(pins.files, ownImageRule(image, tags, digest), pins.write);
}

// src/build/later.ts
function openDockerRegistry(name, env, budgetMs) {
  return openRegistry(name, { env, credentials: dockerKeychain(env), budget: new RegistryBudget(budgetMs) });
}
export {
  openDockerRegistry,
  pinBuiltImage,
  prepareBuildPins
};
