#!/usr/bin/env node
/**
 * Compose subgraphs with Apollo's reference composition (@apollo/composition).
 *
 * Why: Hansa's own composer is tested against fixtures recorded from this
 * oracle, so the output shape here is deliberately small and stable.
 *
 * stdin:  {"subgraphs": [{"name": "accounts", "url": "http://...", "sdl": "..."}]}
 * stdout: {"supergraphSdl": string|null,
 *          "errors": [{"code", "message", "locations"?: [{"line", "column", "subgraph"}]}],
 *          "hints":  [{"code", "message", "coordinate"?}]}
 *
 * Exit 0 whenever composition ran (even if it failed); exit 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { getLocation, parse, Source, GraphQLError } from 'graphql';
import { composeServices } from '@apollo/composition';
import {
  addSubgraphToError,
  errorCauses,
  errorCodeDef,
  ERRORS,
} from '@apollo/federation-internals';

/** Fail loudly on malformed input: that is a caller bug, not a composition result. */
function die(message) {
  process.stderr.write(`compose.mjs: ${message}\n`);
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

/**
 * Like GraphQLError.locations, plus the subgraph each one points into: every
 * SDL is parsed as a Source named after its subgraph, and a composition error
 * often cites nodes from several subgraphs, so a bare line/column is ambiguous.
 */
function locationsOf(err) {
  const at = (source, pos) => ({ ...getLocation(source, pos), subgraph: source.name });
  // Nodes first: GraphQLError also fills err.source from the *first* node only.
  const nodes = (err.nodes ?? []).filter((n) => n.loc);
  if (nodes.length) return nodes.map((n) => at(n.loc.source, n.loc.start));
  // Syntax errors have no nodes, only a source and positions.
  return err.source && err.positions ? err.positions.map((pos) => at(err.source, pos)) : [];
}

/** Flatten a GraphQLError into the fixture shape; the code is the federation error code. */
function formatError(err) {
  const out = {
    code: errorCodeDef(err)?.code ?? err.extensions?.code ?? null,
    message: err.message,
  };
  const locations = locationsOf(err);
  if (locations.length) out.locations = locations;
  return out;
}

/** Hints carry their code on `definition`, not on `extensions`. */
function formatHint(hint) {
  const out = { code: hint.definition.code, message: hint.message };
  if (hint.coordinate) out.coordinate = hint.coordinate;
  return out;
}

/**
 * Parse every SDL first. composeServices takes parsed documents, so a syntax
 * error would otherwise escape as an exception; we report it the way
 * buildSubgraph does (code INVALID_GRAPHQL, message prefixed "[name] ").
 */
function parseServices(subgraphs) {
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
  return { services, errors };
}

const { services, errors: parseErrors } = parseServices(readRequest());
const result = parseErrors.length ? { errors: parseErrors } : composeServices(services);

process.stdout.write(
  JSON.stringify({
    supergraphSdl: result.supergraphSdl ?? null,
    errors: (result.errors ?? []).map(formatError),
    hints: (result.hints ?? []).map(formatHint),
  }) + '\n',
);
