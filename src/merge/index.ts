import { runMerge } from './main'

await runMerge()
