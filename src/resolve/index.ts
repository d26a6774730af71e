import { runResolve } from './main'

await runResolve()
