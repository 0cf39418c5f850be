// The AWS SDK for JavaScript v3 producer a user writes: a PutRecordsCommand
// loop, 500 records per call (--concurrency calls in flight, 1 by default),
// resending only the entries a partial failure names. Same input, output
// and measurement as bench/peers/boto3_producer.py.
//
// usage: node js_producer.js --stream S --records FILE [--warmup 2] [--duration 10] [--concurrency 1]
// Endpoint, region and credentials: AWS_ENDPOINT_URL(_KINESIS), AWS_REGION, AWS_ACCESS_KEY_ID...
'use strict';
const fs = require('fs');
const { KinesisClient, PutRecordsCommand } = require('@aws-sdk/client-kinesis');
// HTTP/1.1 keep-alive, as the SDK uses for Kinesis' request/response calls
// (its default handler for this client is the HTTP/2 one).
const { NodeHttpHandler } = require('@smithy/node-http-handler');

function args() {
  const out = { warmup: 2, duration: 10, concurrency: 1, batch: 500 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['warmup', 'duration', 'concurrency', 'batch']) out[k] = Number(out[k]);
  return out;
}

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main() {
  const a = args();
  const records = fs.readFileSync(a.records).toString('binary').split('\n').filter((l) => l.length)
    .map((l) => { const t = l.indexOf('\t'); return [l.slice(0, t), Buffer.from(l.slice(t + 1), 'binary')]; });
  const batches = [];
  for (let i = 0; i < Math.max(records.length, a.batch); i += a.batch) {
    const b = [];
    for (let j = 0; j < a.batch; ++j) { const [k, d] = records[(i + j) % records.length]; b.push({ PartitionKey: k, Data: d }); }
    batches.push(b);
  }
  const endpoint = process.env.AWS_ENDPOINT_URL_KINESIS || process.env.AWS_ENDPOINT_URL;
  const client = new KinesisClient({ ...(endpoint ? { endpoint } : {}), maxAttempts: 10,
    requestHandler: new NodeHttpHandler() });

  const now = () => Number(process.hrtime.bigint()) / 1e9;
  const start = now();
  const warmEnd = start + a.warmup;
  const end = warmEnd + a.duration;
  let measuring = false, count = 0, secondCount = 0, nextSecond = 0, cpu0 = 0, windowStart = 0;
  const perSecond = [], latencies = [];
  let requests = 0, failedEntries = 0, n = 0;
  const tick = (t) => {
    if (!measuring && t >= warmEnd) { measuring = true; windowStart = t; nextSecond = t + 1; cpu0 = cpuSeconds(); }
    while (measuring && t >= nextSecond) { perSecond.push(secondCount); secondCount = 0; nextSecond += 1; }
  };
  async function loop() {
    while (now() < end) {
      let entries = batches[n++ % batches.length];
      while (entries.length) {
        const t0 = now();
        const answer = await client.send(new PutRecordsCommand({ StreamName: a.stream, Records: entries }));
        const t1 = now();
        requests++;
        tick(t1);
        if (measuring) latencies.push((t1 - t0) * 1000);
        const failed = answer.FailedRecordCount || 0;
        if (measuring && t1 < end) { count += entries.length - failed; secondCount += entries.length - failed; }
        if (!failed) break;
        failedEntries += failed;
        entries = entries.filter((_, i) => answer.Records[i].ErrorCode);
      }
    }
  }
  await Promise.all(Array.from({ length: a.concurrency }, loop));
  const cpu = cpuSeconds() - cpu0;
  latencies.sort((x, y) => x - y);
  const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0);
  console.log(JSON.stringify({
    records: count, seconds: Math.min(now(), end) - windowStart, cpu_seconds: cpu, per_second: perSecond,
    requests, failed_entries: failedEntries,
    latency_ms: { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: latencies[latencies.length - 1] || 0,
      samples: latencies.length },
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
