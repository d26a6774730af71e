import { runMerge } from './main'

await runMerge()
// Everything is written by now (outputs and summary synchronously, stdout is synchronous on Linux pipes): exit at
// once instead of waiting for V8's background compilation of undici's WebAssembly parser, which holds a natural exit.
process.exit()
