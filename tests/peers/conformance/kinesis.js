// The same Kinesis calls against any endpoint; prints a transcript that the
// test suite compares between kinesalite and kinesys-local.
// usage: node conformance/kinesis.js <endpoint>
const K = require('@aws-sdk/client-kinesis');
const { clientConfig, transcript, until } = require('./common');

const endpoint = process.argv[2];
const kinesis = new K.KinesisClient(clientConfig(endpoint));
const t = new transcript();
const send = (cmd) => kinesis.send(cmd);
const utf8 = (s) => new TextEncoder().encode(s);
const text = (b) => Buffer.from(b).toString();

async function active(name) {
  await until(async () => {
    const d = await send(new K.DescribeStreamCommand({ StreamName: name }));
    return d.StreamDescription.StreamStatus === 'ACTIVE';
  }, name + ' ACTIVE');
}

async function main() {
  const S = 'conformance-stream';
  await t.step('create stream', () => send(new K.CreateStreamCommand({ StreamName: S, ShardCount: 2 })));
  await active(S);
  await t.step('create an existing stream', () => send(new K.CreateStreamCommand({ StreamName: S, ShardCount: 2 })));
  await t.step('create with a bad name', () => send(new K.CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 1 })));
  await t.step('describe stream', () => send(new K.DescribeStreamCommand({ StreamName: S })), (d) => ({
    name: d.StreamDescription.StreamName,
    status: d.StreamDescription.StreamStatus,
    more: d.StreamDescription.HasMoreShards,
    shards: d.StreamDescription.Shards.map((s) => [s.ShardId, s.HashKeyRange.StartingHashKey, s.HashKeyRange.EndingHashKey,
      typeof s.SequenceNumberRange.StartingSequenceNumber]),
  }));
  await t.step('list streams', () => send(new K.ListStreamsCommand({})), (l) => ({
    includes: l.StreamNames.includes(S), more: l.HasMoreStreams }));
  await t.step('list shards', () => send(new K.ListShardsCommand({ StreamName: S })), (l) => l.Shards.map((s) => s.ShardId));

  const one = await t.step('put record', () => send(new K.PutRecordCommand({ StreamName: S, Data: utf8('first'), PartitionKey: 'alpha' })),
    (r) => ({ shard: r.ShardId, seq: /^\d+$/.test(r.SequenceNumber) }));
  const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
  const many = await t.step('put records', () => send(new K.PutRecordsCommand({
    StreamName: S, Records: keys.map((k, i) => ({ Data: utf8('rec-' + i), PartitionKey: k })) })),
  (r) => ({ failed: r.FailedRecordCount, shards: r.Records.map((x) => x.ShardId) }));
  await t.step('put record with an explicit hash key', () => send(new K.PutRecordCommand({
    StreamName: S, Data: utf8('ehk'), PartitionKey: 'x', ExplicitHashKey: '340282366920938463463374607431768211455' })),
  (r) => r.ShardId);
  await t.step('explicit hash key out of range', () => send(new K.PutRecordCommand({
    StreamName: S, Data: utf8('x'), PartitionKey: 'x', ExplicitHashKey: '340282366920938463463374607431768211456' })));
  await t.step('put to a missing stream', () => send(new K.PutRecordCommand({ StreamName: 'missing', Data: utf8('x'), PartitionKey: 'x' })));
  await t.step('put records over 500 entries', () => send(new K.PutRecordsCommand({
    StreamName: S, Records: Array.from({ length: 501 }, (_, i) => ({ Data: utf8('x'), PartitionKey: 'k' + i })) })));
  await t.step('partition key over 256 characters', () => send(new K.PutRecordCommand({
    StreamName: S, Data: utf8('x'), PartitionKey: 'k'.repeat(257) })));

  for (const shard of ['shardId-000000000000', 'shardId-000000000001']) {
    const it = await t.step('trim horizon iterator ' + shard, () => send(new K.GetShardIteratorCommand({
      StreamName: S, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' })), () => null);
    await t.step('get records ' + shard, () => send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator })), (r) => ({
      records: r.Records.map((x) => [text(x.Data), x.PartitionKey]).sort(),
      ordered: r.Records.every((x, i, a) => i === 0 || BigInt(a[i - 1].SequenceNumber) < BigInt(x.SequenceNumber)),
      next: typeof r.NextShardIterator,
    }));
  }
  if (one) {
    const at = await t.step('at sequence number iterator', () => send(new K.GetShardIteratorCommand({
      StreamName: S, ShardId: one.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: one.SequenceNumber })));
    if (at) await t.step('get records at sequence number', () => send(new K.GetRecordsCommand({ ShardIterator: at.ShardIterator, Limit: 1 })),
      (r) => r.Records.map((x) => text(x.Data)));
    const after = await t.step('after sequence number iterator', () => send(new K.GetShardIteratorCommand({
      StreamName: S, ShardId: one.ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: one.SequenceNumber })));
    if (after) await t.step('get records after sequence number', () => send(new K.GetRecordsCommand({ ShardIterator: after.ShardIterator, Limit: 1 })),
      (r) => r.Records.map((x) => text(x.Data)));
  }
  const latest = await t.step('latest iterator', () => send(new K.GetShardIteratorCommand({
    StreamName: S, ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' })));
  if (latest) await t.step('get records at latest', () => send(new K.GetRecordsCommand({ ShardIterator: latest.ShardIterator })),
    (r) => r.Records.length);
  await t.step('get records with a bad iterator', () => send(new K.GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })));
  await t.step('iterator for a missing shard', () => send(new K.GetShardIteratorCommand({
    StreamName: S, ShardId: 'shardId-000000000009', ShardIteratorType: 'TRIM_HORIZON' })));
  await t.step('latest with a sequence number', () => send(new K.GetShardIteratorCommand({
    StreamName: S, ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST', StartingSequenceNumber: '1' })));

  await t.step('split shard', () => send(new K.SplitShardCommand({
    StreamName: S, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '85070591730234615865843651857942052864' })));
  await active(S);
  await t.step('shards after split', () => send(new K.ListShardsCommand({ StreamName: S })), (l) => l.Shards.map((s) => [
    s.ShardId, s.ParentShardId || null, s.AdjacentParentShardId || null, s.HashKeyRange.StartingHashKey, s.HashKeyRange.EndingHashKey,
    s.SequenceNumberRange.EndingSequenceNumber === undefined ? 'open' : 'closed'])); 
  await t.step('merge non-adjacent shards', () => send(new K.MergeShardsCommand({
    StreamName: S, ShardToMerge: 'shardId-000000000002', AdjacentShardToMerge: 'shardId-000000000001' })));
  await t.step('merge adjacent shards', () => send(new K.MergeShardsCommand({
    StreamName: S, ShardToMerge: 'shardId-000000000002', AdjacentShardToMerge: 'shardId-000000000003' })));
  await active(S);
  await t.step('shards after merge', () => send(new K.ListShardsCommand({ StreamName: S })), (l) => l.Shards.map((s) => [
    s.ShardId, s.ParentShardId || null, s.AdjacentParentShardId || null, s.HashKeyRange.StartingHashKey, s.HashKeyRange.EndingHashKey]));
  await t.step('put after resharding', () => send(new K.PutRecordCommand({ StreamName: S, Data: utf8('late'), PartitionKey: 'alpha' })),
    (r) => r.ShardId);

  // kinesalite lets a closed shard be split again (AWS refuses): last, so
  // that its extra shards do not change the steps before.
  await t.step('split a closed shard', () => send(new K.SplitShardCommand({
    StreamName: S, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' })));
  await t.step('delete stream', () => send(new K.DeleteStreamCommand({ StreamName: S })));
  await until(async () => {
    try { await send(new K.DescribeStreamCommand({ StreamName: S })); return false; } catch (e) { return true; }
  }, 'deletion');
  await t.step('describe a deleted stream', () => send(new K.DescribeStreamCommand({ StreamName: S })));
  t.print();
}

main().catch((e) => { console.error(e); process.exit(1); });
