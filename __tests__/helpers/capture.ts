/** Captures what is written to stdout (where @actions/core sends ::add-mask:: and log commands) while `fn` runs. */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; out: string }> {
  const original = process.stdout.write.bind(process.stdout)
  let out = ''
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    cb?.()
    return true
  }) as typeof process.stdout.write
  try {
    return { result: await fn(), out }
  } catch (error) {
    return { error, out }
  } finally {
    process.stdout.write = original
  }
}

/** The values masked with core.setSecret in captured output. */
export function maskedValues(out: string): string[] {
  return [...out.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] as string)
}
