/** The sandbox probe run in a child process, so a server that only asks about its sandbox never imports the SDK. */
import { askCliForSandbox } from './sandbox.js';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input) as { options: Parameters<typeof askCliForSandbox>[0]; timeoutMs: number };
process.stdout.write(JSON.stringify(await askCliForSandbox(request.options, request.timeoutMs)));
