#!/usr/bin/env node
/**
 * Decode federated traces (`extensions.ftv1`, base64 protobuf) with Apollo's own decoder,
 * @apollo/usage-reporting-protobuf (what Apollo Gateway and Router's reporting read them with).
 *
 * Reads a JSON array of base64 strings on stdin; writes a JSON array, one entry per trace:
 * `{"trace": <Trace.toObject, longs as numbers>}` or `{"error": message}` if it does not decode.
 */
import { Trace } from '@apollo/usage-reporting-protobuf';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const decoded = JSON.parse(input).map((b64) => {
  try {
    const message = Trace.decode(Buffer.from(b64, 'base64'));
    return { trace: Trace.toObject(message, { longs: Number }) };
  } catch (e) {
    return { error: e.message };
  }
});
process.stdout.write(JSON.stringify(decoded));
