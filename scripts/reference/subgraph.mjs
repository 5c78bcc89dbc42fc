#!/usr/bin/env node
/**
 * Serve subgraph SDLs with Apollo's reference subgraph library (@apollo/subgraph on
 * Apollo Server 5, no resolvers), so tests can compare Hansa's subgraph helper with it.
 *
 * Usage:
 *   node subgraph.mjs [--host 127.0.0.1] < {"subgraphs": [{"name": "a", "sdl": "...",
 *                                                       "resolvers": "/abs/path.mjs"?}]}
 *
 * Each subgraph gets its own Apollo Server on a free port. Without resolvers every
 * `_entities` representation resolves to itself, which is what can be compared without
 * mirroring a subgraph's data in Node; "resolvers" names an ES module whose default export
 * is an Apollo resolver map, for tests that mirror a small Python subgraph in JavaScript.
 * Once every server listens, exactly one line
 * "READY {"a": "http://HOST:PORT/", ...}" goes to stdout; a subgraph whose SDL Apollo
 * refuses is reported as {"a": {"error": "..."}} in that line instead of a URL. All logging
 * goes to stderr. SIGTERM/SIGINT stop the servers and exit 0.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';

function die(message) {
  process.stderr.write(`subgraph.mjs: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' } } });
const host = values.host;

let input = '';
for await (const chunk of process.stdin) input += chunk;
let subgraphs;
try {
  ({ subgraphs } = JSON.parse(input));
} catch (e) {
  die(`stdin must be {"subgraphs": [{"name", "sdl"}]}: ${e.message}`);
}
if (!Array.isArray(subgraphs)) die('stdin must be {"subgraphs": [...]}');

const logger = {
  debug() {},
  info() {},
  warn: (...args) => console.error(...args),
  error: (...args) => console.error(...args),
};

const servers = [];
const ready = {};
/** Build and start one subgraph's server; a refused SDL is reported, not fatal. */
async function start({ name, sdl, resolvers: resolversPath }) {
  let schema;
  try {
    const resolvers = resolversPath
      ? (await import(pathToFileURL(resolversPath).href)).default
      : undefined;
    schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  } catch (e) {
    ready[name] = { error: e.message };
    return;
  }
  const server = new ApolloServer({
    schema,
    logger,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
  let url;
  try {
    ({ url } = await startStandaloneServer(server, { listen: { port: 0, host } }));
  } catch (e) {
    die(`failed to start ${name}: ${e.message}`);
  }
  servers.push(server);
  const port = new URL(url).port;
  ready[name] = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
// Started together: listening and plugin start-up overlap, schema building stays serial.
await Promise.all(subgraphs.map(start));
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  try {
    await Promise.all(servers.map((s) => s.stop()));
    process.exit(0);
  } catch (e) {
    console.error(`subgraph.mjs: stop failed: ${e.message}`);
    process.exit(1);
  }
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
