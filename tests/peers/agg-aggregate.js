// Aggregates user records with aws-kinesis-agg's RecordAggregator, starting
// a new aggregated record whenever the next user record does not fit.
// stdin:  [{"partitionKey": "...", "explicitHashKey": "..."?, "data": "<base64>"}, ...]
// stdout: [{"partitionKey": "...", "explicitHashKey": "..."?, "data": "<base64>"}, ...]
'use strict';
const agg = require('aws-kinesis-agg');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const users = JSON.parse(input);
  const aggregator = new agg.RecordAggregator();
  const out = [];
  const flush = () => {
    if (aggregator.length() === 0) return;
    const encoded = aggregator.build();
    const o = { partitionKey: encoded.partitionKey, data: encoded.data.toString('base64') };
    if (encoded.ExplicitHashKey !== undefined) o.explicitHashKey = encoded.ExplicitHashKey;
    out.push(o);
  };
  for (const u of users) {
    const record = { partitionKey: u.partitionKey, data: Buffer.from(u.data, 'base64') };
    if (u.explicitHashKey !== undefined) record.explicitHashKey = u.explicitHashKey;
    if (!aggregator.checkIfUserRecordFits(record)) flush();
    aggregator.addUserRecord(record);
  }
  flush();
  process.stdout.write(JSON.stringify(out));
});
