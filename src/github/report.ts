import type { PinRule } from '../pin/rules'

/** What an action hands the GitHub room once its report stands: the data flows report → pull request / comment. */
export interface PinReport {
  /** What was pinned, for titles and the commit message: the image (build), the reference or "3 images" (resolve). */
  subject: string
  /** Tells this action's sticky comment apart from other steps' (another image, the resolve action). */
  key: string
  /** The default pull request branch (`pin/<image or "images">`). */
  branch: string
  /** The pinned references (`name[:tag]@sha256:…`) with their digests. */
  references: Array<{ reference: string; digest: string }>
  /** The image's labels as the registry holds them (build), with links where a value leads somewhere. */
  labels?: Array<{ name: string; value: string; url?: string }>
  /** The commit the image was built from (build) or the run's commit (resolve). */
  commit?: { sha: string; url?: string }
  run?: { number?: string; attempt?: string; url?: string }
  /** The deploy files and the rule to apply to each (undefined when the action had no 'files'). */
  pins?: { files: string[]; rule: PinRule }
}
