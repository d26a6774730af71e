import { InputError } from '../action/errors'
import { parseList } from '../action/inputs'
import { tagInputProblem, TEMPLATE_NAMES } from './tags'

/** Tag names, possibly with templates ({{sha}} …); each is checked against the tag grammar with a reason. */
export function parseTags(raw: string): string[] {
  const tags = parseList(raw)
  for (const tag of tags) {
    const problem = tagInputProblem(tag)
    if (problem) {
      const hint = /[:/@]/.test(tag) && !tag.includes('{{')
        ? "'tags' takes tag names only (e.g. v1.4.2), not full image references; the repository comes from 'image'"
        : `use letters, digits, underscores, periods and dashes, starting with a letter, digit or underscore (max 128); templates: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(' ')}`
      throw new InputError('tags', problem, hint)
    }
  }
  return tags
}
