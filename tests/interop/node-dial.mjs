// A real js-libp2p node DIALING a WebRTC-direct listener (the interop peer
// of issue #12): libp2p + @libp2p/webrtc webRTCDirect() on node-datachannel,
// @chainsafe/libp2p-noise, @libp2p/ping, @libp2p/identify.
//
//   node node-dial.mjs <multiaddr> [clients] [echo bytes]
//
// Starts <clients> nodes (default 1), each dials the multiaddr, waits for
// identify, pings, and echoes <echo bytes> (default 1 MiB) over
// /echo/1.0.0, comparing SHA-256 of what it sent with what came back.
// Prints JSON lines on stdout:
//   {ev:'connected', client, peerId, ms}       dialed; the listener's peer id
//   {ev:'identify', client, agentVersion, protocolVersion, protocols}
//   {ev:'pong', client, rtt}
//   {ev:'echo', client, bytes, ms, sent, received}   SHA-256 hex of both
//   {ev:'failed', client, stage, error}
//   {ev:'done', ok, failed}
// and exits 0 when every client succeeded.
import './polyfill.mjs'
import { createHash, randomBytes } from 'node:crypto'
import { createLibp2p } from 'libp2p'
import { webRTCDirect } from '@libp2p/webrtc'
import { noise } from '@chainsafe/libp2p-noise'
import { ping } from '@libp2p/ping'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'

process.stdout.on('error', () => process.exit(0))
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const target = multiaddr(process.argv[2])
const clients = Number(process.argv[3] ?? 1)
const echoBytes = Number(process.argv[4] ?? 1024 * 1024)
const host = target.toString().split('/')[2]

async function echo (conn) {
  const stream = await conn.newStream('/echo/1.0.0')
  const data = randomBytes(echoBytes)
  const sent = createHash('sha256').update(data).digest('hex')
  const hash = createHash('sha256')
  let received = 0
  const reader = (async () => {
    for await (const buf of stream) {
      const chunk = buf.subarray ? buf.subarray() : buf
      hash.update(chunk)
      received += chunk.byteLength
    }
  })()
  for (let off = 0; off < data.length; off += 16384) {
    if (!stream.send(data.subarray(off, off + 16384))) {
      await new Promise((resolve, reject) => {
        stream.addEventListener('drain', resolve, { once: true })
        stream.addEventListener('close', reject, { once: true })
      })
    }
  }
  await stream.close()
  await reader
  return { bytes: received, sent, received: hash.digest('hex') }
}

async function client (i) {
  let stage = 'start'
  let node
  try {
    node = await createLibp2p({
      transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })],
      connectionEncrypters: [noise()],
      // the test's address only, never anything else
      connectionGater: {
        denyDialMultiaddr: (ma) => !ma.toString().startsWith(`/ip4/${host}/`)
      },
      services: { ping: ping(), identify: identify() }
    })
    const identified = new Promise((resolve) => {
      node.addEventListener('peer:identify', (e) => resolve(e.detail), { once: true })
    })
    stage = 'dial'
    const t0 = Date.now()
    const conn = await node.dial(target, { signal: AbortSignal.timeout(20000) })
    out({ ev: 'connected', client: i, peerId: conn.remotePeer.toString(), ms: Date.now() - t0 })
    stage = 'identify'
    const d = await Promise.race([identified,
      new Promise((resolve, reject) => setTimeout(() => reject(new Error('no identify in 10 s')), 10000))])
    out({ ev: 'identify', client: i, agentVersion: d.agentVersion, protocolVersion: d.protocolVersion, protocols: d.protocols })
    stage = 'ping'
    const rtt = await node.services.ping.ping(conn.remotePeer, { signal: AbortSignal.timeout(10000) })
    out({ ev: 'pong', client: i, rtt })
    if (echoBytes > 0) {
      stage = 'echo'
      const t1 = Date.now()
      const r = await echo(conn)
      out({ ev: 'echo', client: i, ms: Date.now() - t1, ...r })
      if (r.sent !== r.received) throw new Error('echo differs')
    }
    await node.stop()
    return true
  } catch (err) {
    out({ ev: 'failed', client: i, stage, error: err.name + ': ' + err.message })
    if (node) await node.stop().catch(() => {})
    return false
  }
}

const results = await Promise.all(Array.from({ length: clients }, (_, i) => client(i)))
const ok = results.filter((r) => r).length
out({ ev: 'done', ok, failed: clients - ok })
process.exit(ok === clients ? 0 : 1)
