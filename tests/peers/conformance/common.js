// Shared by the conformance scripts: clients pointed at one endpoint, and a
// transcript of steps whose answers are reduced to what must agree between
// independent servers (fields and error codes, not ids or timestamps).
const { NodeHttpHandler } = require('@smithy/node-http-handler');

function clientConfig(endpoint) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'kinesys-local', secretAccessKey: 'kinesys-local-secret' },
    // The Kinesis client defaults to HTTP/2; the servers speak HTTP/1.1.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 20000 }),
    maxAttempts: 1,
  };
}

class transcript {
  constructor() { this.steps = []; }
  // Runs `call`, records {step, ok, value} or {step, error}; `reduce` turns
  // an answer into the comparable part.
  async step(name, call, reduce = () => null) {
    try {
      const out = await call();
      this.steps.push({ step: name, ok: true, value: reduce(out) });
      return out;
    } catch (e) {
      const code = e.name || (e.__type || '').split('#').pop() || 'Unknown';
      this.steps.push({ step: name, ok: false, error: code });
      return undefined;
    }
  }
  print() { process.stdout.write(JSON.stringify(this.steps) + '\n'); }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, what) {
  for (let i = 0; i < 200; ++i) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error('timed out waiting for ' + what);
}

module.exports = { clientConfig, transcript, sleep, until };
