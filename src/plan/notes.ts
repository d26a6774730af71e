import * as core from '@actions/core'

/** A message for the log, decided while planning; the prepare step prints them (planning itself stays free of side effects). */
export interface PlanNote {
  level: 'info' | 'notice' | 'warning'
  text: string
  title?: string
}

/** Prints the plan's notes (planning itself stays free of side effects). */
export function logPlanNotes(notes: readonly PlanNote[]): void {
  for (const note of notes) {
    if (note.level === 'info') core.info(note.text)
    // core.notice / core.warning named statically: indexing the core namespace (core[level]) keeps every export in
    // the bundle, and @actions/http-client's own undici with them
    else (note.level === 'warning' ? core.warning : core.notice)(note.text, note.title ? { title: note.title } : {})
  }
}
