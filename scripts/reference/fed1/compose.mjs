#!/usr/bin/env node
/**
 * Compose Federation 1 subgraphs with Apollo's last Fed 1 composer
 * (@apollo/federation 0.38.x, `composeAndValidate`).
 *
 * Why: @apollo/composition 2.x only emits Fed 2 supergraphs (`@link`, join
 * v0.2+). Hansa must also serve Fed 1 supergraphs (`@core`, join v0.1,
 * `@join__owner`), and the fixtures for those come from this composer.
 *
 * Same contract as ../compose.mjs:
 * stdin:  {"subgraphs": [{"name": "accounts", "url": "http://...", "sdl": "..."}]}
 * stdout: {"supergraphSdl": string|null,
 *          "errors": [{"code", "message", "locations"?: [{"line", "column", "subgraph"}]}],
 *          "hints":  []}
 * (the Fed 1 composer has no hints, so "hints" is always empty).
 *
 * Exit 0 whenever composition ran (even if it failed); exit 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { getLocation, parse, Source, GraphQLError } from 'graphql';
import { composeAndValidate } from '@apollo/federation';

/** Fail loudly on malformed input: that is a caller bug, not a composition result. */
function die(message) {
  process.stderr.write(`fed1/compose.mjs: ${message}\n`);
  process.exit(2);
}

/** Read and validate the request so composition only ever sees well-formed services. */
function readRequest() {
  let request;
  try {
    request = JSON.parse(readFileSync(0, 'utf8'));
  } catch (e) {
    die(`stdin is not valid JSON: ${e.message}`);
  }
  if (!request || !Array.isArray(request.subgraphs)) {
    die('expected {"subgraphs": [...]}');
  }
  for (const [i, s] of request.subgraphs.entries()) {
    if (!s || typeof s.name !== 'string' || typeof s.sdl !== 'string') {
      die(`subgraphs[${i}] needs string "name" and "sdl"`);
    }
    if (s.url != null && typeof s.url !== 'string') {
      die(`subgraphs[${i}].url must be a string`);
    }
  }
  return request.subgraphs;
}

/** Like GraphQLError.locations, plus the subgraph (Source name) each one points into. */
function locationsOf(err) {
  const at = (source, pos) => ({ ...getLocation(source, pos), subgraph: source.name });
  const nodes = (err.nodes ?? []).filter((n) => n.loc);
  if (nodes.length) return nodes.map((n) => at(n.loc.source, n.loc.start));
  return err.source && err.positions ? err.positions.map((pos) => at(err.source, pos)) : [];
}

/** Flatten a GraphQLError into the fixture shape; Fed 1 puts its code on extensions.code. */
function formatError(err) {
  const out = { code: err.extensions?.code ?? null, message: err.message };
  const locations = locationsOf(err);
  if (locations.length) out.locations = locations;
  return out;
}

/**
 * Parse every SDL first (as a Source named after its subgraph, so locations
 * say which subgraph they point into). A syntax error is reported like
 * ../compose.mjs does: code INVALID_GRAPHQL, message prefixed "[name] ".
 */
function parseServices(subgraphs) {
  const services = [];
  const errors = [];
  for (const { name, url, sdl } of subgraphs) {
    try {
      services.push({ name, url: url ?? '', typeDefs: parse(new Source(sdl, name)) });
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      errors.push({ code: 'INVALID_GRAPHQL', message: `[${name}] ${e.message}` });
    }
  }
  return { services, errors };
}

const { services, errors: parseErrors } = parseServices(readRequest());
let result;
if (parseErrors.length) {
  result = { errors: parseErrors };
} else {
  const composed = composeAndValidate(services);
  result = {
    // composeAndValidate returns the SDL only when there are no errors.
    supergraphSdl: composed.errors ? null : composed.supergraphSdl,
    errors: (composed.errors ?? []).map(formatError),
  };
}

process.stdout.write(
  JSON.stringify({
    supergraphSdl: result.supergraphSdl ?? null,
    errors: result.errors ?? [],
    hints: [],
  }) + '\n',
);
