import { runAudit } from './main'

await runAudit()
// Everything is written by now: exit at once instead of waiting for V8's background compilation of undici's
// WebAssembly parser, which holds a natural exit.
process.exit()
