#!/usr/bin/env node
/**
 * Compose subgraphs with @apollo/composition 2.0.x, which writes join v0.2 supergraphs.
 *
 * Why: the gateway must read supergraphs from every join version Apollo ever produced; this
 * records a fixture from the composer that produced v0.2. Same stdin/stdout contract as
 * ../compose.mjs (errors carry code and message only; hints are not reported).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';

const request = JSON.parse(readFileSync(0, 'utf8'));
const services = request.subgraphs.map((s) => ({
  name: s.name,
  url: s.url ?? '',
  typeDefs: parse(s.sdl),
}));
const result = composeServices(services);
const errors = (result.errors ?? []).map((e) => ({
  code: e.extensions?.code ?? null,
  message: e.message,
}));
process.stdout.write(
  JSON.stringify({ supergraphSdl: result.supergraphSdl ?? null, errors, hints: [] }) + '\n',
);
