#!/usr/bin/env node
/**
 * Apollo Gateway (@apollo/gateway on Apollo Server 5) with federated tracing switched on, as
 * usage reporting would: every subgraph fetch asks for `apollo-federation-include-trace: ftv1`,
 * and the gateway decodes each subgraph's `extensions.ftv1` into its query plan trace. That
 * trace, as the gateway holds it, is returned in the response's `extensions.queryPlanTrace`
 * (protobufjs `toObject`, longs as numbers) so tests can see whether the gateway accepted a
 * subgraph's trace (`traceParsingFailed`) and what it read from it.
 *
 * Usage: node traced-gateway.mjs --supergraph FILE --port N [--host 127.0.0.1]
 *                                [--override NAME=URL ...]
 * Prints "READY http://HOST:PORT/" once listening; logs go to stderr; SIGTERM exits 0.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { Trace } from '@apollo/usage-reporting-protobuf';

const { values } = parseArgs({
  options: {
    supergraph: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    override: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.supergraph) {
  process.stderr.write('traced-gateway.mjs: --supergraph FILE is required\n');
  process.exit(2);
}
const overrides = Object.fromEntries(
  values.override.map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]),
);
const logger = {
  debug() {},
  info() {},
  warn: (...args) => console.error(...args),
  error: (...args) => console.error(...args),
};

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(values.supergraph, 'utf8'),
  logger,
  buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: overrides[name] ?? url }),
});

const exposeQueryPlanTrace = {
  async requestDidStart({ metrics }) {
    metrics.captureTraces = true;
    return {
      async willSendResponse({ response, metrics: m }) {
        if (response.body.kind !== 'single' || !m.queryPlanTrace) return;
        // Round-trip through the wire format: what a usage report would carry.
        const wire = Trace.QueryPlanNode.encode(m.queryPlanTrace).finish();
        const node = Trace.QueryPlanNode.decode(wire);
        const body = response.body.singleResult;
        body.extensions = {
          ...(body.extensions ?? {}),
          queryPlanTrace: Trace.QueryPlanNode.toObject(node, { longs: Number }),
        };
      },
    };
  },
};

const server = new ApolloServer({
  gateway,
  logger,
  csrfPrevention: false,
  introspection: true,
  stopOnTerminationSignals: false,
  plugins: [
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    exposeQueryPlanTrace,
  ],
});
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(values.port), host: values.host },
});
process.stdout.write(`READY http://${values.host}:${new URL(url).port}/\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
