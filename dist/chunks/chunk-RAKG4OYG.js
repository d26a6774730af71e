import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  __commonJS,
  __require
} from "./chunk-3FGA6ACG.js";

// builtin-require:fs/promises
var require_promises = __commonJS({
  "builtin-require:fs/promises"(exports, module) {
    module.exports = __require("node:fs/promises");
  }
});

export {
  require_promises
};
