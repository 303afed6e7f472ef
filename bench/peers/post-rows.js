#!/usr/bin/env node
// Node.js peer (bench/import): the rows of a CSV file posted one by one to a data source, as a
// partner would write it with the standard library only. A keep-alive http.Agent, CONCURRENCY
// requests in flight (16), one form-urlencoded POST per row with an Idempotency-Key of its own
// (the file's name and line), each answer read to its end and checked for 200 and
// {"status": "Success"}.
//   node bench/peers/post-rows.js URL FILE.csv [CONCURRENCY] [MAX_SECONDS]
// The CSV has a header row of posted keys and no quoted cells (bench/import writes it so).
// Stops at the end of the file, or when MAX_SECONDS have passed (then the posts answered so far
// count). Prints one JSON line:
//   {"rows":N,"ok":N,"failed":N,"seconds":S,"rate":R,"stopped_by_time":B,"first_error":E,
//    "max_rss_mb":M}
// rate is the posts answered "Success" per second.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const readline = require('readline');

const [url, file, concurrencyText, maxSecondsText] = process.argv.slice(2);
if (!url || !file) {
  console.error('usage: post-rows.js URL FILE.csv [CONCURRENCY] [MAX_SECONDS]');
  process.exit(2);
}
const concurrency = Number(concurrencyText || 16);
const maxSeconds = Number(maxSecondsText || 0);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const keyPrefix = path.basename(file) + ':';

let ok = 0;
let failed = 0;
let firstError = null;

function fail(reason) {
  failed++;
  if (firstError === null) firstError = reason;
}

// Resolves when the post is answered (never rejects): counts it as ok or failed.
function post(payload, key) {
  return new Promise((resolve) => {
    const request = http.request({
      agent, hostname: target.hostname, port: target.port, path: target.pathname + target.search,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded',
                 'Content-Length': Buffer.byteLength(payload),
                 'Accept': 'application/json',
                 'Idempotency-Key': key },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => {
        let answer = null;
        try { answer = JSON.parse(text); } catch (error) { /* counted below */ }
        if (response.statusCode === 200 && answer && answer.status === 'Success') ok++;
        else fail(`${key}: ${response.statusCode} ${text.slice(0, 200)}`);
        resolve();
      });
      response.on('error', (error) => { fail(`${key}: ${error.message}`); resolve(); });
    });
    request.on('error', (error) => { fail(`${key}: ${error.message}`); resolve(); });
    request.end(payload);
  });
}

async function main() {
  const started = process.hrtime.bigint();
  const deadline = maxSeconds > 0 ? started + BigInt(Math.round(maxSeconds * 1e9)) : null;
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let header = null;
  let line = 0;
  let rows = 0;
  let inFlight = 0;
  let stoppedByTime = false;
  let wake = null;
  const answered = () => {
    inFlight--;
    if (wake) { const w = wake; wake = null; w(); }
  };
  for await (const text of lines) {
    line++;
    if (header === null) { header = text.split(','); continue; }
    if (text === '') continue;
    if (deadline !== null && process.hrtime.bigint() >= deadline) { stoppedByTime = true; break; }
    if (text.includes('"')) throw new Error(`${file} line ${line}: quoted cells are not read here`);
    const cells = text.split(',');
    const form = new URLSearchParams();
    header.forEach((key, i) => form.append(key, cells[i] === undefined ? '' : cells[i]));
    while (inFlight >= concurrency) await new Promise((resolve) => { wake = resolve; });
    inFlight++;
    rows++;
    post(form.toString(), keyPrefix + line).then(answered);
  }
  while (inFlight > 0) await new Promise((resolve) => { wake = resolve; });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  console.log(JSON.stringify({
    rows, ok, failed, seconds, rate: ok / seconds, stopped_by_time: stoppedByTime,
    first_error: firstError, max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
}

main().catch((error) => { console.error(error.message); process.exit(1); });
