// Prints vitest's JSON reports (the main run's, then the alone suites') as one plain closing line:
// "Tests: N passed, N failed, N skipped". A report that is missing counts as a failure.
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/test-summary.mjs REPORT.json [REPORT.json ...]');
  process.exit(2);
}
let passed = 0;
let failed = 0;
let skipped = 0;
let total = 0;
let missing = 0;
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`no report ${file}: that run did not finish`);
    missing += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  total += report.numTotalTests ?? 0;
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (total === 0) {
  console.error('no test ran');
  process.exit(1);
}
if (missing > 0) process.exit(1);
