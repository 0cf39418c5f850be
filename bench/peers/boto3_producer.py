#!/usr/bin/env python3
"""The boto3 producer a user writes: a put_records loop, 500 records per call,
resending only the entries a partial failure (FailedRecordCount) names.

Reads the records kinesys-bench wrote ("partition key<TAB>payload" lines),
puts them cyclically for --warmup + --duration seconds and prints one JSON
line: records acknowledged in the measured window, its length, the process's
CPU seconds in it, the per-second series and request latency percentiles.
Endpoint, region and credentials come from the usual AWS variables.
"""
import argparse
import json
import time

import boto3
from botocore.config import Config

from peer_stats import Stats, load_records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stream", required=True)
    ap.add_argument("--records", required=True)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--batch", type=int, default=500)
    a = ap.parse_args()

    records = load_records(a.records)
    client = boto3.client("kinesis", config=Config(retries={"max_attempts": 10, "mode": "standard"}))
    # The batches are built once: what is measured is boto3's request path,
    # not Python building dictionaries.
    batches = []
    for i in range(0, max(len(records), a.batch), a.batch):
        chunk = [records[(i + j) % len(records)] for j in range(a.batch)]
        batches.append([{"PartitionKey": k, "Data": d} for k, d in chunk])

    stats = Stats(a.warmup, a.duration)
    n = 0
    while not stats.over():
        entries = batches[n % len(batches)]
        n += 1
        while entries:
            t0 = time.monotonic()
            answer = client.put_records(StreamName=a.stream, Records=entries)
            stats.request(time.monotonic() - t0)
            failed = answer.get("FailedRecordCount", 0)
            stats.done(len(entries) - failed)
            if not failed:
                break
            entries = [e for e, r in zip(entries, answer["Records"]) if "ErrorCode" in r]
            stats.failed_entries += failed
    print(json.dumps(stats.result()))


if __name__ == "__main__":
    main()
