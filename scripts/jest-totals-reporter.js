// Prints one plain closing line (`Totals: N passed, N failed, N skipped`) and the count per suite folder, so that
// a log reader can tell at a glance that the end-to-end suite really ran. With REQUIRE_E2E=1 (set by .ci/run) a run
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
    for (const [folder, c] of Object.entries(byFolder)) {
      console.log(`  ${folder}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`)
    }
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
