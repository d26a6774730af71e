import { InputError } from '../../src/action/errors'

/** The InputError `fn` throws (anything else it throws is rethrown; not throwing fails the test). */
export function thrown(fn: () => unknown): InputError {
  try {
    fn()
  } catch (e) {
    if (e instanceof InputError) return e
    throw e
  }
  throw new Error('expected an InputError')
}
