// Aggregates user records with the npm aws-kinesis-agg package (an
// independent KPL-format implementation) for the consumer's interop test.
// stdin: a JSON array of {"partitionKey": "...", "data": "<utf-8 text>"}.
// stdout: one JSON line per aggregated Kinesis record:
//   {"partitionKey": "...", "data": "<base64>"}
// Run with the test peers directory as the working directory.
const path = require('path');
const agg = require(path.join(process.cwd(), 'node_modules', 'aws-kinesis-agg'));

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const records = JSON.parse(input);
  const aggregator = new agg.RecordAggregator();
  const emit = () => {
    if (aggregator.length() === 0) return;
    const encoded = aggregator.build();
    process.stdout.write(JSON.stringify({
      partitionKey: encoded.partitionKey,
      data: Buffer.from(encoded.data).toString('base64'),
    }) + '\n');
  };
  for (const r of records) {
    const record = { partitionKey: r.partitionKey, data: Buffer.from(r.data, 'utf8') };
    if (!aggregator.checkIfUserRecordFits(record) || aggregator.length() >= 50) emit();
    aggregator.addUserRecord(record);
  }
  emit();
});
