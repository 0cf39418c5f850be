// Reads a whole stream with the AWS SDK for JavaScript v3 and splits every
// record with aws-kinesis-agg (checksums verified): an independent reader of
// what the kinesys producer wrote.
// usage:  node producer-read-stream.js <endpoint> <stream> [access-key] [secret]
// stdout: [{"shardId": "...", "partitionKey": "...", "explicitHashKey": "..."?,
//           "data": "<base64>", "aggregated": true|false}, ...]
//         shards in ListShards order, records in stream order
'use strict';
const { KinesisClient, ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand } = require('@aws-sdk/client-kinesis');
const { NodeHttpHandler } = require('@smithy/node-http-handler');
const agg = require('aws-kinesis-agg');

const [endpoint, stream, accessKeyId = 'kinesys-local', secretAccessKey = 'kinesys-local-secret'] = process.argv.slice(2);
const client = new KinesisClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  requestHandler: new NodeHttpHandler(),
  maxAttempts: 10,
});

function deaggregate(record) {
  return new Promise((resolve, reject) => {
    agg.deaggregateSync(record, true, (err, users) => (err ? reject(err) : resolve(users)));
  });
}

async function main() {
  const out = [];
  let shards = [];
  let token;
  do {
    const page = await client.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: stream }));
    shards = shards.concat(page.Shards);
    token = page.NextToken;
  } while (token);
  for (const shard of shards) {
    const it = await client.send(new GetShardIteratorCommand({
      StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    let iterator = it.ShardIterator;
    let empty = 0;
    while (iterator && empty < 2) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10000 }));
      if (page.Records.length === 0) empty++;
      for (const r of page.Records) {
        const data = Buffer.from(r.Data);
        const aggregated = data.length > 4 && data[0] === 0xf3 && data[1] === 0x89 && data[2] === 0x9a && data[3] === 0xc2;
        const users = await deaggregate({ partitionKey: r.PartitionKey, sequenceNumber: r.SequenceNumber,
                                          data: data.toString('base64') });
        for (const u of users) {
          const o = { shardId: shard.ShardId, partitionKey: u.partitionKey, data: u.data, aggregated };
          if (u.explicitPartitionKey !== undefined) o.explicitHashKey = u.explicitPartitionKey;
          out.push(o);
        }
      }
      iterator = page.NextShardIterator;
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { process.stderr.write(`${e.stack || e}\n`); process.exit(2); });
