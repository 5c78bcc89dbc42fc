#!/usr/bin/env node
/**
 * Print Apollo's reference query plan (@apollo/query-planner) for one operation.
 *
 * Why: Hansa's planner is compared against these plans in recorded fixtures;
 * the pretty-printed text is the same format Apollo uses in its own tests.
 *
 * stdin:  {"supergraphSdl": "...", "query": "...", "operationName": string|null}
 * stdout: {"plan": "<prettyFormatQueryPlan text>"}   on success
 *         {"error": "<message>"}                      if the supergraph or the
 *                                                     operation is rejected
 * Exit 0 in both cases; exit 2 only on malformed input JSON.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';

/** Malformed input is a caller bug, not a planning result. */
function die(message) {
  process.stderr.write(`plan.mjs: ${message}\n`);
  process.exit(2);
}

let request;
try {
  request = JSON.parse(readFileSync(0, 'utf8'));
} catch (e) {
  die(`stdin is not valid JSON: ${e.message}`);
}
const { supergraphSdl, query, operationName } = request ?? {};
if (typeof supergraphSdl !== 'string' || typeof query !== 'string') {
  die('expected {"supergraphSdl": string, "query": string, "operationName"?: string|null}');
}

/** Same steps the gateway takes per request: supergraph -> planner -> operation -> plan. */
function plan() {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  // The API schema (not supergraph.schema) is what ApolloGateway plans against:
  // it hides join__/link__ machinery and @inaccessible elements from clients.
  const operation = operationFromDocument(supergraph.apiSchema(), parse(query), {
    operationName: operationName ?? undefined,
  });
  return prettyFormatQueryPlan(planner.buildQueryPlan(operation));
}

let out;
try {
  out = { plan: plan() };
} catch (e) {
  out = { error: e?.message ?? String(e) };
}
process.stdout.write(JSON.stringify(out) + '\n');
