import { RegistryError } from '../registry/errors'

// quoting is the registry room's rule too (its errors quote references): one rule, kept at the bottom
export { cut, QUOTE_LIMIT } from '../registry/errors'

/**
 * An error the user can act on: `message` says what went wrong, `hint` says how to fix it.
 * runAction prints both through core.setFailed; anything that is not an ActionError is a bug or an
 * unexpected environment failure and is reported with its own message.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'ActionError'
  }

  /** The message as shown to the user: cause first, then the fix. */
  describe(): string {
    return this.hint ? `${this.message}\nFix: ${this.hint}` : this.message
  }
}

/** An ActionError about one input: the message always starts with the input's name. */
export class InputError extends ActionError {
  constructor(
    readonly input: string,
    problem: string,
    hint?: string
  ) {
    super(`Input '${input}': ${problem}`, hint)
    this.name = 'InputError'
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ActionError || error instanceof RegistryError) return error.describe()
  if (error instanceof Error) return error.message
  return String(error)
}
