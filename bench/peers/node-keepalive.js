#!/usr/bin/env node
// Node.js peer (bench/run): what an integrator writes. Form posts of 10 fields over a keep-alive
// http.Agent (maxSockets 16) with 16 requests in flight, each answer read to its end and checked
// for a 2xx status and "Success" in the body.
//   node bench/peers/node-keepalive.js URL TOTAL [CONCURRENCY] [MAX_SECONDS]
// Stops after TOTAL posts, or when MAX_SECONDS have passed (then the posts made so far count).
// Prints one JSON line: {"requests":N,"ok":N,"failed":N,"seconds":S,"rate":R}.
'use strict';
const http = require('http');

const [url, totalText, concurrencyText, maxSecondsText] = process.argv.slice(2);
if (!url || !totalText) {
  console.error('usage: node-keepalive.js URL TOTAL [CONCURRENCY]');
  process.exit(2);
}
const total = Number(totalText);
const concurrency = Number(concurrencyText || 16);
const maxSeconds = Number(maxSecondsText || 0);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const target = new URL(url);

function body(n) {
  return new URLSearchParams({
    firstname: 'Mike' + n, lastname: 'Smith', email: `c${n}@example.com`,
    cellphone: '555' + String(n % 10000000).padStart(7, '0'), address1: '12 Ocean Ave',
    city: 'Santa Monica', state: 'CA', zip: '90401', dob: '1980-04-12', campaign: 'Fall mailer',
  }).toString();
}

function post(n) {
  return new Promise((resolve) => {
    const payload = body(n);
    const request = http.request({
      agent, hostname: target.hostname, port: target.port, path: target.pathname + target.search,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded',
                 'Content-Length': Buffer.byteLength(payload) },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve(response.statusCode >= 200 && response.statusCode < 300 &&
                                       text.includes('Success')));
    });
    request.on('error', () => resolve(false));
    request.end(payload);
  });
}

async function main() {
  let next = 0;
  let ok = 0;
  const started = process.hrtime.bigint();
  const deadline = maxSeconds > 0 ? started + BigInt(Math.round(maxSeconds * 1e9)) : null;
  async function lane() {
    while (next < total && (deadline === null || process.hrtime.bigint() < deadline)) {
      const n = next++;
      if (await post(n)) ok++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  console.log(JSON.stringify({ requests: next, ok, failed: next - ok, seconds,
                               rate: next / seconds }));
}
main();
