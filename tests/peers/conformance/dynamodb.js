// The same DynamoDB calls against any endpoint; prints a transcript that
// the test suite compares between dynalite and kinesys-local.
// usage: node conformance/dynamodb.js <endpoint> [--transactions]
const D = require('@aws-sdk/client-dynamodb');
const { clientConfig, transcript, until } = require('./common');

const endpoint = process.argv[2];
const withTransactions = process.argv.includes('--transactions');
const db = new D.DynamoDBClient(clientConfig(endpoint));
const t = new transcript();
const send = (cmd) => db.send(cmd);

// Items compared without attribute order.
function norm(v) {
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out = {};
    for (const k of Object.keys(v).sort()) {
      let x = v[k];
      if ((k === 'SS' || k === 'NS') && Array.isArray(x)) x = [...x].sort();
      out[k] = norm(x);
    }
    return out;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

async function active(name) {
  await until(async () => (await send(new D.DescribeTableCommand({ TableName: name }))).Table.TableStatus === 'ACTIVE', name);
}

async function main() {
  const T = 'conformance-items', R = 'conformance-events';
  await t.step('create hash table', () => send(new D.CreateTableCommand({
    TableName: T, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] })), (r) => ({
    name: r.TableDescription.TableName, keys: r.TableDescription.KeySchema, items: r.TableDescription.ItemCount }));
  await t.step('create hash+range table', () => send(new D.CreateTableCommand({
    TableName: R, ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 100 },
    AttributeDefinitions: [{ AttributeName: 'dev', AttributeType: 'S' }, { AttributeName: 'ts', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'dev', KeyType: 'HASH' }, { AttributeName: 'ts', KeyType: 'RANGE' }] })), (r) => ({
    throughput: [r.TableDescription.ProvisionedThroughput.ReadCapacityUnits, r.TableDescription.ProvisionedThroughput.WriteCapacityUnits] }));
  await active(T);
  await active(R);
  await t.step('create an existing table', () => send(new D.CreateTableCommand({
    TableName: T, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] })));
  await t.step('create without throughput', () => send(new D.CreateTableCommand({
    TableName: 'no-throughput', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] })));
  await t.step('describe table', () => send(new D.DescribeTableCommand({ TableName: R })), (r) => ({
    status: r.Table.TableStatus, keys: r.Table.KeySchema, defs: r.Table.AttributeDefinitions, arn: r.Table.TableArn.endsWith(':table/' + R) }));
  await t.step('list tables', () => send(new D.ListTablesCommand({})), (r) => [T, R].every((n) => r.TableNames.includes(n)));

  const item = { pk: { S: 'a' }, n: { N: '1.50' }, big: { N: '12345678901234567890123456789012345678' }, s: { S: 'text' },
    b: { B: Buffer.from('bytes') }, t: { BOOL: true }, z: { NULL: true }, l: { L: [{ S: 'x' }, { N: '2' }] },
    m: { M: { inner: { S: 'v' } } }, ss: { SS: ['p', 'q'] }, ns: { NS: ['1', '2.0'] } };
  await t.step('put item', () => send(new D.PutItemCommand({ TableName: T, Item: item })));
  await t.step('get item', () => send(new D.GetItemCommand({ TableName: T, Key: { pk: { S: 'a' } }, ConsistentRead: true })), (r) => norm(r.Item));
  await t.step('get a missing item', () => send(new D.GetItemCommand({ TableName: T, Key: { pk: { S: 'none' } } })), (r) => r.Item === undefined);
  await t.step('get with projection', () => send(new D.GetItemCommand({ TableName: T, Key: { pk: { S: 'a' } },
    ProjectionExpression: 'm.#i, l[1], #s', ExpressionAttributeNames: { '#s': 's', '#i': 'inner' } })), (r) => norm(r.Item));
  await t.step('conditional put on an existing item', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' })));
  await t.step('conditional put with a version guard', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'v' }, version: { N: '3' } }, ConditionExpression: 'attribute_not_exists(pk) OR #v < :v',
    ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': { N: '3' } } })));
  await t.step('stale version refused', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'v' }, version: { N: '2' } }, ConditionExpression: 'attribute_not_exists(pk) OR #v < :v',
    ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': { N: '2' } } })));
  await t.step('put returning old values', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'v' }, version: { N: '4' } }, ReturnValues: 'ALL_OLD' })), (r) => norm(r.Attributes));
  await t.step('update set add remove', () => send(new D.UpdateItemCommand({
    TableName: T, Key: { pk: { S: 'a' } },
    UpdateExpression: 'SET n = n + :one, c = if_not_exists(c, :zero) + :one, l = list_append(l, :more) REMOVE s ADD ss :q, cnt :one DELETE ns :two',
    ExpressionAttributeValues: { ':one': { N: '1' }, ':zero': { N: '0' }, ':more': { L: [{ S: 'y' }] }, ':q': { SS: ['r'] }, ':two': { NS: ['2'] } },
    ReturnValues: 'ALL_NEW' })), (r) => norm(r.Attributes));
  await t.step('update returning updated old', () => send(new D.UpdateItemCommand({
    TableName: T, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '7' } },
    ReturnValues: 'UPDATED_OLD' })), (r) => norm(r.Attributes));
  await t.step('update creates an item', () => send(new D.UpdateItemCommand({
    TableName: T, Key: { pk: { S: 'new' } }, UpdateExpression: 'ADD hits :one', ExpressionAttributeValues: { ':one': { N: '1' } },
    ReturnValues: 'UPDATED_NEW' })), (r) => norm(r.Attributes));
  await t.step('update a key attribute', () => send(new D.UpdateItemCommand({
    TableName: T, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': { S: 'b' } } })));
  await t.step('update arithmetic on a missing attribute', () => send(new D.UpdateItemCommand({
    TableName: T, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET x = nothing + :v', ExpressionAttributeValues: { ':v': { N: '1' } } })));
  await t.step('condition on a failed update', () => send(new D.UpdateItemCommand({
    TableName: T, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :v', ConditionExpression: 'n > :v',
    ExpressionAttributeValues: { ':v': { N: '100' } } })));
  await t.step('unused expression value', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'u' } }, ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':x': { N: '1' } } })));
  await t.step('undefined expression name', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'u' } }, ConditionExpression: 'attribute_not_exists(#p)' })));
  await t.step('reserved word in an expression', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'u' } }, ConditionExpression: 'attribute_not_exists(status)' })));
  await t.step('syntax error in an expression', () => send(new D.PutItemCommand({
    TableName: T, Item: { pk: { S: 'u' } }, ConditionExpression: 'pk = ' })));
  await t.step('key type mismatch', () => send(new D.PutItemCommand({ TableName: T, Item: { pk: { N: '1' } } })));
  await t.step('missing key', () => send(new D.PutItemCommand({ TableName: T, Item: { other: { S: '1' } } })));
  await t.step('item over 400 KB', () => send(new D.PutItemCommand({ TableName: T, Item: { pk: { S: 'big' }, d: { S: 'x'.repeat(400 * 1024) } } })));
  await t.step('missing table', () => send(new D.GetItemCommand({ TableName: 'missing-table', Key: { pk: { S: 'a' } } })));
  await t.step('delete returning old', () => send(new D.DeleteItemCommand({ TableName: T, Key: { pk: { S: 'new' } }, ReturnValues: 'ALL_OLD' })),
    (r) => norm(r.Attributes));

  const puts = [];
  for (let ts = 1; ts <= 9; ++ts) puts.push({ PutRequest: { Item: { dev: { S: 'd1' }, ts: { N: String(ts * 10) }, v: { N: String(ts) } } } });
  puts.push({ PutRequest: { Item: { dev: { S: 'd2' }, ts: { N: '5' } } } });
  await t.step('batch write', () => send(new D.BatchWriteItemCommand({ RequestItems: { [R]: puts } })), (r) => norm(r.UnprocessedItems));
  await t.step('batch write over 25', () => send(new D.BatchWriteItemCommand({ RequestItems: { [T]: Array.from({ length: 26 }, (_, i) => ({
    PutRequest: { Item: { pk: { S: 'b' + i } } } })) } })));
  await t.step('batch write duplicates', () => send(new D.BatchWriteItemCommand({ RequestItems: { [T]: [
    { PutRequest: { Item: { pk: { S: 'dup' } } } }, { DeleteRequest: { Key: { pk: { S: 'dup' } } } }] } })));
  await t.step('batch get', () => send(new D.BatchGetItemCommand({ RequestItems: { [R]: { Keys: [
    { dev: { S: 'd1' }, ts: { N: '10' } }, { dev: { S: 'd1' }, ts: { N: '20' } }, { dev: { S: 'd9' }, ts: { N: '1' } }] } } })),
  (r) => ({ items: norm(r.Responses[R]).map((x) => JSON.stringify(x)).sort(), unprocessed: norm(r.UnprocessedKeys) }));

  const q = (extra) => send(new D.QueryCommand(Object.assign({ TableName: R, KeyConditionExpression: 'dev = :d',
    ExpressionAttributeValues: { ':d': { S: 'd1' } } }, extra)));
  const keysOf = (r) => ({ ts: r.Items ? r.Items.map((i) => i.ts.N) : null, count: r.Count, scanned: r.ScannedCount,
    last: r.LastEvaluatedKey ? norm(r.LastEvaluatedKey) : null });
  await t.step('query a partition', () => q({}), keysOf);
  await t.step('query backwards', () => q({ ScanIndexForward: false }), keysOf);
  await t.step('query with a limit', () => q({ Limit: 4 }), keysOf);
  await t.step('query from a start key', () => q({ Limit: 4, ExclusiveStartKey: { dev: { S: 'd1' }, ts: { N: '40' } } }), keysOf);
  await t.step('query between', () => send(new D.QueryCommand({ TableName: R, KeyConditionExpression: 'dev = :d AND ts BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':d': { S: 'd1' }, ':a': { N: '25' }, ':b': { N: '60' } } })), keysOf);
  await t.step('query with a filter', () => send(new D.QueryCommand({ TableName: R, KeyConditionExpression: 'dev = :d AND ts > :a',
    FilterExpression: 'v <> :five', ExpressionAttributeValues: { ':d': { S: 'd1' }, ':a': { N: '30' }, ':five': { N: '5' } } })), keysOf);
  await t.step('query count', () => q({ Select: 'COUNT' }), keysOf);
  await t.step('query without the hash key', () => send(new D.QueryCommand({ TableName: R, KeyConditionExpression: 'ts = :a',
    ExpressionAttributeValues: { ':a': { N: '10' } } })));
  await t.step('query with OR', () => send(new D.QueryCommand({ TableName: R, KeyConditionExpression: 'dev = :d OR ts = :a',
    ExpressionAttributeValues: { ':d': { S: 'd1' }, ':a': { N: '10' } } })));
  await t.step('scan with a filter', () => send(new D.ScanCommand({ TableName: R, FilterExpression: 'v >= :a',
    ExpressionAttributeValues: { ':a': { N: '7' } } })), (r) => ({ items: r.Items.map((i) => i.ts.N).sort(), count: r.Count, scanned: r.ScannedCount }));
  let seen = 0, start, pages = 0;
  await t.step('scan in pages', async () => {
    do {
      const page = await send(new D.ScanCommand({ TableName: R, Limit: 3, ExclusiveStartKey: start }));
      seen += page.Items.length; start = page.LastEvaluatedKey; ++pages;
    } while (start);
    return { seen, pages };
  }, (r) => r);

  if (withTransactions) {
    await t.step('transaction', () => send(new D.TransactWriteItemsCommand({ TransactItems: [
      { Put: { TableName: T, Item: { pk: { S: 'tx1' } } } },
      { Update: { TableName: T, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '8' } } } }] })));
    await t.step('cancelled transaction', () => send(new D.TransactWriteItemsCommand({ TransactItems: [
      { Put: { TableName: T, Item: { pk: { S: 'tx2' } } } },
      { ConditionCheck: { TableName: T, Key: { pk: { S: 'a' } }, ConditionExpression: 'n = :n', ExpressionAttributeValues: { ':n': { N: '0' } } } }] })));
    await t.step('after the cancelled transaction', () => send(new D.GetItemCommand({ TableName: T, Key: { pk: { S: 'tx2' } } })),
      (r) => r.Item === undefined);
  }

  await t.step('delete table', () => send(new D.DeleteTableCommand({ TableName: T })), (r) => r.TableDescription.TableName);
  await until(async () => {
    try { await send(new D.DescribeTableCommand({ TableName: T })); return false; } catch (e) { return true; }
  }, 'deletion');
  await t.step('describe a deleted table', () => send(new D.DescribeTableCommand({ TableName: T })));
  t.print();
}

main().catch((e) => { console.error(e); process.exit(1); });
