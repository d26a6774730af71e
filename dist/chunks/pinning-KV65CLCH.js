import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  pinFiles
} from "./chunk-DPT6PQ7E.js";
import {
  loadDeployFiles
} from "./chunk-ARGKCXSF.js";
import "./chunk-LWLEGXAD.js";
import "./chunk-3UACT35D.js";
import "./chunk-PLNMAWCX.js";
import "./chunk-QWNOPTV2.js";
export {
  loadDeployFiles,
  pinFiles
};
