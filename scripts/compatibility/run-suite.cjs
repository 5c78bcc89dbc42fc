#!/usr/bin/env node
/**
 * Drive the compatibility suite's jest tests (its own runner and result tables) against a
 * supergraph that is already running: router on http://localhost:4000/, users on 4002,
 * inventory on 4003, products at PRODUCTS_URL. Used by scripts/subgraph-compatibility, which
 * starts those; the suite's own CLI needs docker or a router binary download.
 *
 * Usage: node run-suite.cjs PRODUCTS_URL RESULTS_MD
 * Prints the suite's PASS/WARNING/FAIL lines, writes its markdown table to RESULTS_MD, and
 * exits 0 only if every check passed.
 */
const { writeFileSync } = require('node:fs');
const suite = '@apollo/federation-subgraph-compatibility-tests/dist';
const { runJest, TESTS } = require(`${suite}/testRunner`);
const { logResults } = require(`${suite}/utils/logging`);
const { generateSimplifiedMarkdown } = require(`${suite}/utils/markdown`);

const [productsUrl, resultsFile] = process.argv.slice(2);
if (!productsUrl || !resultsFile) {
  process.stderr.write('usage: node run-suite.cjs PRODUCTS_URL RESULTS_MD\n');
  process.exit(2);
}

(async () => {
  const { assertionPassed, assertions } = await runJest(productsUrl);
  const results = {};
  for (const { assertion } of TESTS) {
    results[assertion] = { success: assertionPassed(assertion) };
  }
  for (const a of assertions.filter((x) => x.status === 'failed')) {
    process.stderr.write(`FAILED ${a.fullName}\n${a.failureMessages.join('\n')}\n\n`);
  }
  logResults(results);
  generateSimplifiedMarkdown(results, resultsFile);
  const passed = TESTS.every(({ assertion }) => results[assertion].success);
  writeFileSync(`${resultsFile}.json`, JSON.stringify(results, null, 2) + '\n');
  process.exit(passed ? 0 : 1);
})().catch((error) => {
  process.stderr.write(`run-suite.cjs: ${error.stack || error}\n`);
  process.exit(2);
});
