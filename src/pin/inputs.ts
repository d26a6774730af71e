import { parseBoolean, parseLines, type InputReader } from '../action/inputs'

/** The `files` and `write` inputs, shared by the build and resolve actions. */
export interface PinInputs {
  /** Glob patterns, one per line; empty: no deploy files to pin. */
  files: string[]
  /** false: dry run, report what would change without writing. */
  write: boolean
}

export function readPinInputs(read: InputReader): PinInputs {
  return { files: parseLines(read('files')), write: parseBoolean('write', read('write'), true) }
}
