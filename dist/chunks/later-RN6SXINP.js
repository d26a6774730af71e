import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ownImageRule,
  pinFiles
} from "./chunk-NWCBBYYO.js";
import {
  openRegistry
} from "./chunk-SCW55L6B.js";
import {
  RegistryBudget,
  dockerKeychain
} from "./chunk-22EW7SBC.js";
import {
  loadDeployFiles
} from "./chunk-COIOFA5D.js";
import "./chunk-DNPMEH6S.js";
import "./chunk-L5JDHYD5.js";
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
