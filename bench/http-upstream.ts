/**
 * The fake instant Anthropic upstream of `npm run bench http`: answers every POST with one fixed Messages
 * API reply (non-streaming), in a process of its own so its CPU is not the measured servers'. Prints
 * `listening <port>` once it listens on 127.0.0.1 (port from argv[2], 0 for a free one).
 */
import { createServer } from 'node:http';
import { upstreamMarker } from './http-report.js';

/** The body every request gets: the shape of a Messages API reply, so Portkey passes it through. */
const upstreamReply = JSON.stringify({
  id: 'msg_bench_0001',
  type: 'message',
  role: 'assistant',
  model: 'claude-bench-instant',
  content: [{ type: 'text', text: upstreamMarker }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 8, output_tokens: 6 },
});

const port = Number(process.argv[2] ?? '0');
const server = createServer((request, response) => {
  // The request body is read to its end (as a real upstream would) before answering.
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(upstreamReply),
      'request-id': 'req_bench',
    });
    response.end(upstreamReply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
