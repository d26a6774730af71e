let loaded: Promise<typeof import('./publish')> | undefined

/** The GitHub room (and Octokit with it), loaded once and only by a run that opens a pull request or comments. */
export function loadGitHub(): Promise<typeof import('./publish')> {
  loaded ??= import('./publish')
  return loaded
}
