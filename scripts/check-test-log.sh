#!/usr/bin/env bash
# Fails when a test log holds a workflow command (`::add-mask::`, `::debug::`, `::error::`, `::group::` …): on GitHub
# the runner acts on every such line of a job's log, so a green test run would leave masks, annotations and groups.
# Code under test is filtered by __tests__/helpers/quiet-workflow-commands.ts; children must have their output
# captured by the tests. Offending lines are named by line number and command only: the rest may be a masked value,
# and a line that starts with its number is not a command.
set -euo pipefail
log="${1:?usage: check-test-log.sh <test log>}"
pattern='^[[:space:]]*::[A-Za-z][A-Za-z0-9_-]*( [^:]*)?::'
count=$(grep -cE "$pattern" "$log" || true)
if [ "$count" -gt 0 ]; then
  echo "the test log $log holds $count workflow command line(s); the first ones (line: command):"
  grep -nE "$pattern" "$log" | sed -E 's/^([0-9]+):[[:space:]]*::([A-Za-z0-9_-]+).*/\1: \2/' | head -20
  echo "capture the output of the code or child that printed them (see __tests__/helpers/capture.ts)"
  exit 1
fi
echo "no workflow commands in $log"
