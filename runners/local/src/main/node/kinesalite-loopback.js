// Starts kinesalite bound to 127.0.0.1 only; the stock CLI binds every interface.
// Usage: node kinesalite-loopback.js [port]   (0 or absent: a free port)
// Prints one line, {"port":N}, once the server is listening; LocalKinesis waits for it.
'use strict';
const kinesalite = require('kinesalite');

const port = Number(process.argv[2] || 0);
// The default shardLimit of 10 runs out after a few test streams; a fast createStreamMs keeps
// CreateStream from stalling tests for the default half second.
const server = kinesalite({ shardLimit: 1000, createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50 });
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
// The parent JVM closes stdin when it stops, even when it is killed: exit with it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
