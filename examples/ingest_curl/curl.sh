#!/usr/bin/env bash
# Putting events through kinesys-ingest, the HTTP front door, with curl.
#
#   INGEST_URL=http://127.0.0.1:8080 API_KEY=... STREAM=events ./curl.sh
#
# Each call prints the response body, then "HTTP <status>" on its own line.
# The API key names a tenant in the server's --keys-file, which also lists
# the streams that tenant may write (docs/ingest.md).
set -euo pipefail
: "${INGEST_URL:=http://127.0.0.1:8080}"
: "${API_KEY:?set API_KEY to a key listed in the --keys-file of the server}"
: "${STREAM:=events}"

call() {  # call METHOD PATH BODY [API_KEY]
  curl --silent --show-error --max-time 10 -X "$1" "$INGEST_URL$2" \
    -H "x-api-key: ${4:-$API_KEY}" -H 'content-type: application/json' \
    --data-binary "$3" --write-out '\nHTTP %{http_code}\n'
}

echo "# one event: PUT /stream with the stream named in the body"
call PUT /stream '{"stream": "'"$STREAM"'", "payload": {"device_id": "th-01", "temp": 21.5}}'

echo "# a batch: PUT /streams/<name>/records with a JSON array of payloads"
call PUT "/streams/$STREAM/records" \
  '[{"device_id": "th-01", "temp": 21.7}, {"device_id": "th-02", "temp": 19.0}, {"device_id": "th-03", "temp": 23.1}]'

echo "# an error: a key the server does not know is refused, nothing is put"
call PUT /stream '{"stream": "'"$STREAM"'", "payload": {"device_id": "th-01"}}' not-a-valid-key

echo "# an error: a body that is not the expected JSON"
call PUT /stream '{"stream": "'"$STREAM"'", "payload": '
