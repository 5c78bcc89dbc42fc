// Hive Gateway with its default deduplication of identical in-flight subgraph requests off
// (benchmarks/bench.py --dedup off), as its documentation shows.
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  transportEntries: {
    '*.http': { options: { deduplicateInflightRequests: false } },
  },
});
