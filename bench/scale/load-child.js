// Fallback load generator for bench/scale.js when `wrk` is not on PATH: keeps CONCURRENCY
// requests in flight over keep-alive connections for SECONDS, in its own process so it
// does not share an event loop with the bench. Prints one JSON line with the counts.
// Usage: node bench/scale/load-child.js URL CONCURRENCY SECONDS [AUTHORIZATION]
import http from 'node:http';

const [url, concurrencyText, secondsText, authorization] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const seconds = Number(secondsText);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = authorization ? { authorization } : {};
let ok = 0;
let bad = 0;
let errors = 0;
let running = true;

function one() {
  return new Promise((resolve) => {
    const request = http.get(url, { agent, headers }, (response) => {
      response.resume();
      response.on('end', () => {
        if (response.statusCode >= 200 && response.statusCode < 300) ok++;
        else bad++;
        resolve();
      });
    });
    request.on('error', () => {
      errors++;
      resolve();
    });
  });
}

async function loop() {
  while (running) await one();
}

const started = process.hrtime.bigint();
setTimeout(() => (running = false), seconds * 1000);
await Promise.all(Array.from({ length: concurrency }, loop));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
process.stdout.write(`${JSON.stringify({ ok, bad, errors, seconds: elapsed })}\n`);
