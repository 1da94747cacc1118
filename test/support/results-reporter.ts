// Mocha reporter: the usual spec output, plus a JSON results file when
// $MSWITCH_TEST_RESULTS names one.  .ci/run reads that file to print its
// closing "N passed, M failed" line.
//
// The file, written once when the run ends (atomically: a temporary file
// renamed over it):
//   { "passed": 12, "failed": 1, "pending": 2,
//     "failures": [ { "title": "config rejects ...", "file": "...", "message": "...", "stack": "..." } ] }
// Hook failures ("before all" hook ...) count as failures; pending
// (skipped) tests are neither passed nor failed.
import { renameSync, writeFileSync } from 'fs';

import Mocha = require('mocha');

interface Failure {
  title: string;
  file?: string;
  message: string;
  stack?: string;
}

interface TestResults {
  passed: number;
  failed: number;
  pending: number;
  failures: Failure[];
}

const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const out = process.env.MSWITCH_TEST_RESULTS;
    if (!out) return;
    const results: TestResults = { passed: 0, failed: 0, pending: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => { results.passed++; });
    runner.on(EVENT_TEST_PENDING, () => { results.pending++; });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, err: unknown) => {
      results.failed++;
      const e = err instanceof Error ? err : new Error(String(err));
      results.failures.push({ title: test.fullTitle(), file: test.file, message: e.message, stack: e.stack });
    });
    runner.once(EVENT_RUN_END, () => {
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
      renameSync(tmp, out);
    });
  }
}

export = ResultsReporter;
