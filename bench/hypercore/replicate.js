// The same catch-up as bench/sync_bench.sh, done by Hypercore, so that both
// are measured in one run on one machine:
//   node replicate.js writer DIR N PORTFILE   append N entries of ~1 KB, then serve them
//   node replicate.js reader DIR N KEY PORT   download all N over TCP loopback; print seconds
'use strict'
const Hypercore = require('hypercore')
const net = require('net')
const fs = require('fs')

async function writer (dir, n, portFile) {
  const core = new Hypercore(dir)
  await core.ready()
  const value = Buffer.alloc(1000, 'x')
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i += 1000) {
    const batch = []
    for (let k = i; k < Math.min(n, i + 1000); k++) batch.push(value)
    await core.append(batch)
  }
  const appendSeconds = Number(process.hrtime.bigint() - t0) / 1e9
  const server = net.createServer(socket => {
    const stream = core.replicate(false)
    socket.pipe(stream).pipe(socket)
    stream.on('error', () => {})
    socket.on('error', () => {})
  })
  server.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(portFile, JSON.stringify({
      port: server.address().port, key: core.key.toString('hex'), appendPerSecond: n / appendSeconds
    }))
  })
}

async function reader (dir, n, key, port) {
  const core = new Hypercore(dir, Buffer.from(key, 'hex'))
  await core.ready()
  const socket = net.connect(port, '127.0.0.1')
  const stream = core.replicate(true)
  socket.pipe(stream).pipe(socket)
  const t0 = process.hrtime.bigint()
  await core.download({ start: 0, end: n }).done()
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  console.log(JSON.stringify({ seconds, entries: core.contiguousLength }))
  socket.destroy()
  await core.close()
  process.exit(0)
}

const [mode, dir, n, a, b] = process.argv.slice(2)
if (mode === 'writer') writer(dir, Number(n), a)
else reader(dir, Number(n), a, Number(b))
