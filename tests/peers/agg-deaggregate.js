// Deaggregates Kinesis records with aws-kinesis-agg (an implementation
// independent of kinesys), verifying checksums.
// stdin:  [{"partitionKey": "...", "explicitHashKey": "..."?, "data": "<base64>"}, ...]
// stdout: [[{"partitionKey": "...", "explicitPartitionKey": "..."?, "data": "<base64>"}, ...], ...]
//         one array of user records per input record
'use strict';
const agg = require('aws-kinesis-agg');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const records = JSON.parse(input);
  const out = [];
  for (const r of records) {
    const kinesisRecord = { partitionKey: r.partitionKey, explicitPartitionKey: r.explicitHashKey, sequenceNumber: '1', data: r.data };
    agg.deaggregateSync(kinesisRecord, true, (err, userRecords) => {
      if (err) {
        process.stderr.write(`deaggregation failed: ${err}\n`);
        process.exit(2);
      }
      out.push(userRecords.map((u) => {
        const o = { partitionKey: u.partitionKey, data: u.data };
        if (u.explicitPartitionKey !== undefined) o.explicitPartitionKey = u.explicitPartitionKey;
        return o;
      }));
    });
  }
  process.stdout.write(JSON.stringify(out));
});
