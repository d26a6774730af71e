// Prints one plain closing line (`Totals: N passed, N failed, N skipped`) and the count per suite folder, so that
// a log reader can tell at a glance that the end-to-end suite really ran. The e2e tests that run per builder
// (describeOnBuilders: `… [legacy]`, `… [buildx-docker, old]`) are counted per builder too, under the engine named
// by E2E_ENGINE (.ci/run runs the engine-sensitive files once per engine). With REQUIRE_E2E=1 (set by .ci/run) a run
// in which no end-to-end test passed fails: the e2e suite must never be skipped silently.
export default class TotalsReporter {
  onRunComplete(_contexts, results) {
    const byFolder = {}
    for (const file of results.testResults) {
      const folder = /__tests__\/(\w+)\//.exec(file.testFilePath)?.[1] ?? 'other'
      const f = (byFolder[folder] ??= { passed: 0, failed: 0, skipped: 0 })
      f.passed += file.numPassingTests
      f.failed += file.numFailingTests
      f.skipped += file.numPendingTests + file.numTodoTests
    }
    const byBuilder = {}
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (!/__tests__\/e2e\//.test(file.testFilePath)) continue
        // the rest of an e2e file runs on the docker CLI as the runner has it (no buildx: the legacy path) or on none
        const kind = t.ancestorTitles.map((a) => / \[(legacy|buildx-docker|buildx-remote)(, \w+)?\]$/.exec(a)?.[1]).find(Boolean) ?? 'not per builder'
        const b = (byBuilder[kind] ??= { passed: 0, failed: 0, skipped: 0 })
        if (t.status === 'passed') b.passed++
        else if (t.status === 'failed') b.failed++
        else b.skipped++
      }
    }
    for (const [folder, c] of Object.entries(byFolder)) {
      console.log(`  ${folder}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`)
    }
    const engine = process.env.E2E_ENGINE ? ` on ${process.env.E2E_ENGINE}` : ''
    for (const [kind, c] of Object.entries(byBuilder)) {
      console.log(`  e2e per builder${engine}, ${kind}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`)
    }
    if (engine) console.log(`Engine: ${process.env.E2E_ENGINE}`)
    const skipped = results.numPendingTests + results.numTodoTests
    console.log(`Totals: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`)
    if (process.env.REQUIRE_E2E === '1' && !(byFolder.e2e?.passed > 0)) {
      console.log('REQUIRE_E2E=1 but no end-to-end test passed: the e2e suite did not run')
      process.exitCode = 1
    }
    if (process.env.REQUIRE_E2E === '1' && byFolder.e2e?.skipped > 0) {
      console.log(`REQUIRE_E2E=1 but ${byFolder.e2e.skipped} end-to-end tests were skipped`)
      process.exitCode = 1
    }
  }
}
