"""boto3 against kinesys-local: SigV4-signed Kinesis and DynamoDB calls are
accepted and answered in the shapes boto3 parses (it checks x-amz-crc32 on
DynamoDB answers). usage: python3 conformance/boto3_smoke.py <endpoint>"""
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
session = boto3.session.Session(aws_access_key_id="kinesys-local",
                                aws_secret_access_key="kinesys-local-secret",
                                region_name="us-east-1")
config = Config(retries={"max_attempts": 1})
kinesis = session.client("kinesis", endpoint_url=endpoint, config=config)
dynamodb = session.client("dynamodb", endpoint_url=endpoint, config=config)


def check(condition, what):
    if not condition:
        print("FAILED: " + what)
        sys.exit(1)
    print("ok: " + what)


kinesis.create_stream(StreamName="boto3-stream", ShardCount=1)
put = kinesis.put_record(StreamName="boto3-stream", Data=b"hello", PartitionKey="k")
check(put["ShardId"] == "shardId-000000000000", "put_record")
batch = kinesis.put_records(StreamName="boto3-stream",
                            Records=[{"Data": b"r%d" % i, "PartitionKey": "k%d" % i} for i in range(10)])
check(batch["FailedRecordCount"] == 0, "put_records")
it = kinesis.get_shard_iterator(StreamName="boto3-stream", ShardId="shardId-000000000000",
                                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
records = kinesis.get_records(ShardIterator=it)["Records"]
check([r["Data"] for r in records][:2] == [b"hello", b"r0"], "get_records")
try:
    kinesis.describe_stream(StreamName="missing")
    check(False, "missing stream")
except ClientError as e:
    check(e.response["Error"]["Code"] == "ResourceNotFoundException", "missing stream error code")

dynamodb.create_table(TableName="boto3-table", BillingMode="PAY_PER_REQUEST",
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                      KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
dynamodb.put_item(TableName="boto3-table", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
item = dynamodb.get_item(TableName="boto3-table", Key={"pk": {"S": "a"}})["Item"]
check(item["n"]["N"] == "1", "get_item")
try:
    dynamodb.put_item(TableName="boto3-table", Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)")
    check(False, "conditional put")
except ClientError as e:
    check(e.response["Error"]["Code"] == "ConditionalCheckFailedException", "conditional put error code")
updated = dynamodb.update_item(TableName="boto3-table", Key={"pk": {"S": "a"}}, UpdateExpression="ADD n :one",
                               ExpressionAttributeValues={":one": {"N": "41"}}, ReturnValues="UPDATED_NEW")
check(updated["Attributes"]["n"]["N"] == "42", "update_item")

bad = boto3.session.Session(aws_access_key_id="kinesys-local", aws_secret_access_key="wrong",
                            region_name="us-east-1").client("dynamodb", endpoint_url=endpoint, config=config)
try:
    bad.list_tables()
    check(False, "wrong secret refused")
except ClientError as e:
    check(e.response["Error"]["Code"] == "InvalidSignatureException", "wrong secret refused")
print("done")
