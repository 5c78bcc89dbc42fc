#!/usr/bin/env node
/**
 * Serve a supergraph through Apollo's reference gateway (@apollo/gateway on
 * Apollo Server 5), so fixture-recording scripts can capture its responses.
 *
 * Usage:
 *   node gateway.mjs --supergraph FILE --port N [--host 127.0.0.1]
 *                    [--override NAME=URL ...]
 *
 * --port 0 picks a free port. --override points subgraph NAME at URL instead
 * of the URL baked into the supergraph (repeatable). Once listening, exactly
 * one line "READY http://HOST:PORT/" goes to stdout; all logging goes to
 * stderr. SIGTERM/SIGINT stop the server and exit 0.
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

/** Bad arguments are a caller bug: say so on stderr and exit non-zero. */
function die(message) {
  process.stderr.write(`gateway.mjs: ${message}\n`);
  process.exit(2);
}

/** Parse argv into {supergraphSdl, port, host, overrides}. */
function readArgs() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        supergraph: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        override: { type: 'string', multiple: true, default: [] },
      },
    }));
  } catch (e) {
    die(e.message);
  }
  if (!values.supergraph) die('--supergraph FILE is required');
  const port = Number(values.port);
  if (values.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    die('--port N is required (0-65535)');
  }
  const overrides = {};
  for (const o of values.override) {
    const eq = o.indexOf('=');
    if (eq <= 0 || eq === o.length - 1) die(`--override expects NAME=URL, got "${o}"`);
    overrides[o.slice(0, eq)] = o.slice(eq + 1);
  }
  let supergraphSdl;
  try {
    supergraphSdl = readFileSync(values.supergraph, 'utf8');
  } catch (e) {
    die(`cannot read supergraph: ${e.message}`);
  }
  return { supergraphSdl, port, host: values.host, overrides };
}

/** Keep stdout for the READY line only; Apollo's own logs go to stderr. */
const logger = {
  debug() {},
  info: (...args) => console.error(...args),
  warn: (...args) => console.error(...args),
  error: (...args) => console.error(...args),
};

const { supergraphSdl, port, host, overrides } = readArgs();

const seen = new Set();
const gateway = new ApolloGateway({
  supergraphSdl,
  logger,
  // Called once per subgraph in the supergraph; this is where --override applies.
  buildService({ name, url }) {
    seen.add(name);
    return new RemoteGraphQLDataSource({ url: overrides[name] ?? url });
  },
});

const server = new ApolloServer({
  gateway,
  logger,
  // Scripts send plain JSON POSTs without CSRF-safe headers.
  csrfPrevention: false,
  includeStacktraceInErrorResponses: false,
  // Explicit so NODE_ENV=production does not change recorded behaviour.
  introspection: true,
  // We install our own handlers below so shutdown exits 0 instead of re-killing.
  stopOnTerminationSignals: false,
  plugins: [
    ApolloServerPluginLandingPageDisabled(),
    // Never talk to Apollo's cloud, even if APOLLO_KEY happens to be set.
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
  ],
});

let url;
try {
  ({ url } = await startStandaloneServer(server, { listen: { port, host } }));
} catch (e) {
  die(`failed to start: ${e.message}`);
}

// A typo in --override would silently leave the real subgraph URL in use.
const unknown = Object.keys(overrides).filter((name) => !seen.has(name));
if (unknown.length) {
  await server.stop();
  die(`--override names not in supergraph: ${unknown.join(', ')} (known: ${[...seen].join(', ')})`);
}

// Apollo formats the URL from the bound address; rebuild it so HOST is what was asked for.
const boundPort = new URL(url).port;
process.stdout.write(`READY http://${host.includes(':') ? `[${host}]` : host}:${boundPort}/\n`);

let stopping = false;
/** Drain in-flight requests, stop the gateway, then exit 0. */
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  logger.info(`gateway.mjs: ${signal}, stopping`);
  try {
    await server.stop();
    process.exit(0);
  } catch (e) {
    logger.error(`gateway.mjs: stop failed: ${e.message}`);
    process.exit(1);
  }
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
