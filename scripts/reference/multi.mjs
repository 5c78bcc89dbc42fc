#!/usr/bin/env node
/**
 * One long-lived Node process that composes, plans and serves many supergraphs through
 * Apollo's reference implementation, so a differential run over hundreds of generated
 * supergraphs does not pay Node's start-up per graph (scripts/differential --random-graphs).
 *
 * Usage: node multi.mjs [--port 0] [--host 127.0.0.1]
 * Prints exactly one line "READY http://HOST:PORT" to stdout once listening; logs go to stderr.
 *
 * POST /compose  {"subgraphs": [{name, url?, sdl}], "composer"?: "fed2" | "fed1"}
 *                -> the compose.mjs (or fed1/compose.mjs) output shape
 * POST /plan     {"supergraphSdl", "query", "operationName"?} -> {"plan"} | {"error"}
 * POST /gateways {"supergraphSdl", "overrides": {name: url}} -> {"id"} | {"error"}
 * POST /gateways/ID         a GraphQL request to that Apollo Gateway (as gateway.mjs serves it)
 * DELETE /gateways/ID       stop it
 * SIGTERM/SIGINT exit 0.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { getLocation, parse, Source, GraphQLError } from 'graphql';
import { composeServices } from '@apollo/composition';
import {
  addSubgraphToError,
  errorCauses,
  errorCodeDef,
  ERRORS,
  operationFromDocument,
  Supergraph,
} from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';

const fed1Require = createRequire(new URL('./fed1/package.json', import.meta.url));

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const logger = {
  debug() {},
  info() {},
  warn: (...args) => console.error(...args),
  error: (...args) => console.error(...args),
};

function locationsOf(err) {
  const at = (source, pos) => ({ ...getLocation(source, pos), subgraph: source.name });
  const nodes = (err.nodes ?? []).filter((n) => n.loc);
  if (nodes.length) return nodes.map((n) => at(n.loc.source, n.loc.start));
  return err.source && err.positions ? err.positions.map((pos) => at(err.source, pos)) : [];
}

function formatError(err) {
  const out = {
    code: errorCodeDef(err)?.code ?? err.extensions?.code ?? null,
    message: err.message,
  };
  try {
    const locations = locationsOf(err);
    if (locations.length) out.locations = locations;
  } catch {
    // a location from the other graphql instance (fed1): leave it out
  }
  return out;
}

function composeFed2(subgraphs) {
  const services = [];
  const errors = [];
  for (const { name, url, sdl } of subgraphs) {
    try {
      services.push({ name, url: url ?? '', typeDefs: parse(new Source(sdl, name)) });
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      errors.push(...errorCauses(addSubgraphToError(e, name, ERRORS.INVALID_GRAPHQL)));
    }
  }
  const result = errors.length ? { errors } : composeServices(services);
  return {
    supergraphSdl: result.supergraphSdl ?? null,
    errors: (result.errors ?? []).map(formatError),
    hints: (result.hints ?? []).map((h) => ({ code: h.definition.code, message: h.message })),
  };
}

function composeFed1(subgraphs) {
  const { composeAndValidate } = fed1Require('@apollo/federation');
  const graphql1 = fed1Require('graphql');
  const services = [];
  for (const { name, url, sdl } of subgraphs) {
    try {
      services.push({ name, url: url ?? '', typeDefs: graphql1.parse(new graphql1.Source(sdl, name)) });
    } catch (e) {
      return { supergraphSdl: null, errors: [{ code: 'INVALID_GRAPHQL', message: `[${name}] ${e.message}` }], hints: [] };
    }
  }
  const composed = composeAndValidate(services);
  return {
    supergraphSdl: composed.errors ? null : composed.supergraphSdl,
    errors: (composed.errors ?? []).map((e) => ({ code: e.extensions?.code ?? null, message: e.message })),
    hints: [],
  };
}

function plan({ supergraphSdl, query, operationName }) {
  try {
    const supergraph = Supergraph.build(supergraphSdl);
    const planner = new QueryPlanner(supergraph);
    const operation = operationFromDocument(supergraph.apiSchema(), parse(query), {
      operationName: operationName ?? undefined,
    });
    return { plan: prettyFormatQueryPlan(planner.buildQueryPlan(operation)) };
  } catch (e) {
    return { error: e?.message ?? String(e) };
  }
}

const gateways = new Map();
let nextId = 1;

async function startGateway({ supergraphSdl, overrides }) {
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService({ name, url }) {
      return new RemoteGraphQLDataSource({ url: (overrides ?? {})[name] ?? url });
    },
  });
  const server = new ApolloServer({
    gateway,
    logger,
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
  await server.start();
  const id = String(nextId++);
  gateways.set(id, server);
  return { id };
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function execute(server, req, res, body) {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: '', body: parsed },
    context: async () => ({}),
  });
  const outHeaders = {};
  for (const [key, value] of response.headers) outHeaders[key] = value;
  res.writeHead(response.status ?? 200, outHeaders);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
  } else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

const server = http.createServer(async (req, res) => {
  try {
    const body = await readBody(req);
    const url = new URL(req.url, 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'POST' && url.pathname === '/compose') {
      const request = JSON.parse(body);
      const out = request.composer === 'fed1' ? composeFed1(request.subgraphs) : composeFed2(request.subgraphs);
      return reply(res, 200, out);
    }
    if (req.method === 'POST' && url.pathname === '/plan') {
      return reply(res, 200, plan(JSON.parse(body)));
    }
    if (req.method === 'POST' && url.pathname === '/gateways') {
      try {
        return reply(res, 200, await startGateway(JSON.parse(body)));
      } catch (e) {
        return reply(res, 200, { error: e?.message ?? String(e) });
      }
    }
    if (parts[0] === 'gateways' && parts.length >= 2) {
      const gw = gateways.get(parts[1]);
      if (!gw) return reply(res, 404, { error: `no gateway ${parts[1]}` });
      if (req.method === 'DELETE') {
        gateways.delete(parts[1]);
        // Not awaited: stopping drains in-flight requests and may wait on keep-alive sockets.
        gw.stop().catch((e) => console.error(`stop failed: ${e?.message ?? e}`));
        return reply(res, 200, { stopped: parts[1] });
      }
      return await execute(gw, req, res, body);
    }
    return reply(res, 404, { error: 'not found' });
  } catch (e) {
    console.error(e);
    if (!res.headersSent) reply(res, 500, { error: e?.message ?? String(e) });
    else res.end();
  }
});

server.keepAliveTimeout = 60000;
server.listen(Number(values.port), values.host, () => {
  const { port } = server.address();
  process.stdout.write(`READY http://${values.host}:${port}\n`);
});

function shutdown() {
  server.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
