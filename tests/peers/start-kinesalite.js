// Starts kinesalite in memory on a loopback port (0 = any free port) and
// prints "listening <port>" once it accepts connections.
const kinesalite = require('kinesalite');
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
