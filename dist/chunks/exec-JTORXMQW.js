import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  exec,
  getExecOutput
} from "./chunk-3FGA6ACG.js";
export {
  exec,
  getExecOutput
};
