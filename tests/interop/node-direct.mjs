// A real js-libp2p node listening for WebRTC-direct (the interop peer of
// issue #6): libp2p + @libp2p/webrtc webRTCDirect() on node-datachannel,
// @chainsafe/libp2p-noise, @libp2p/ping, @libp2p/identify, and an
// /echo/1.0.0 handler that sends back every byte it reads, then closes.
//
// Stdin takes JSON lines: {op:'ping', peerId} pings that (connected) peer
// with @libp2p/ping; {op:'self'} asks what the node says of itself in its
// identify; {op:'blackhole'} (liveness mode) makes the relay drop every
// datagram both ways from then on.  It prints JSON lines on stdout:
//   {ev:'listening', addr, peerId}          the multiaddr to dial
//   {ev:'connection', peerId, addr}         a peer connected (its peer id)
//   {ev:'echo-done', bytes}                 an echo stream ended
//   {ev:'closed', peerId}                   a connection closed
//   {ev:'pong', rtt} / {ev:'ping-failed', error}   the outcome of op ping
//   {ev:'identify', peerId, agentVersion, protocolVersion, protocols,
//    listenAddrs, observedAddr}            @libp2p/identify identified a peer
//   {ev:'self', agentVersion, protocols, listenAddrs}   the answer to op self
//   {ev:'stun', ...}  (liveness mode)       see below
//   {ev:'blackholed'}                       the relay drops everything now
// and exits when stdin closes.
//
// Liveness mode (env LIVENESS_MS, e.g. 15000): the advertised multiaddr
// points at a UDP relay in front of the node that behaves like litep2p's
// ICE-lite agent (str0m): a client address that sent no STUN Binding
// Request for LIVENESS_MS is dropped for good (nothing relayed either way
// any more).  The relay prints {ev:'stun', gaps} at exit: the intervals
// (ms) between the Binding Requests the client sent, i.e. what the
// client's ICE agent does to keep an idle connection alive.
import './polyfill.mjs'
import dgram from 'node:dgram'
import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { webRTCDirect } from '@libp2p/webrtc'
import { noise } from '@chainsafe/libp2p-noise'
import { ping } from '@libp2p/ping'
import { identify } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'

// the test that reads us may be gone: then so are we
process.stdout.on('error', () => process.exit(0))
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const host = process.env.INTEROP_LOCAL_IP ?? '127.0.0.1'
const livenessMs = Number(process.env.LIVENESS_MS ?? 0)
const userAgent = 'gst-libp2p-interop-node/1.0.0'

const node = await createLibp2p({
  addresses: { listen: [`/ip4/${host}/udp/0/webrtc-direct`] },
  // never hand public STUN servers to the WebRTC library (interop-notes.md)
  transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })],
  connectionEncrypters: [noise()],
  // the test's address only, never anything else
  connectionGater: {
    denyDialMultiaddr: (ma) => !ma.toString().startsWith(`/ip4/${host}/`)
  },
  services: { ping: ping(), identify: identify() },
  nodeInfo: { userAgent }
})

await node.handle('/echo/1.0.0', async (stream) => {
  let bytes = 0
  try {
    for await (const buf of stream) {
      bytes += buf.byteLength
      if (!stream.send(buf)) {
        await new Promise((resolve, reject) => {
          stream.addEventListener('drain', resolve, { once: true })
          stream.addEventListener('close', reject, { once: true })
        })
      }
    }
    await stream.close()
  } catch (err) {
    stream.abort(err)
  }
  out({ ev: 'echo-done', bytes })
}, { runOnLimitedConnection: true })

node.addEventListener('connection:open', (e) => {
  out({ ev: 'connection', peerId: e.detail.remotePeer.toString(), addr: e.detail.remoteAddr.toString() })
})
node.addEventListener('peer:identify', (e) => {
  const d = e.detail
  out({
    ev: 'identify',
    peerId: d.peerId.toString(),
    agentVersion: d.agentVersion,
    protocolVersion: d.protocolVersion,
    protocols: d.protocols,
    listenAddrs: d.listenAddrs.map((ma) => ma.toString()),
    observedAddr: d.observedAddr?.toString()
  })
})
node.addEventListener('connection:close', (e) => {
  out({ ev: 'closed', peerId: e.detail.remotePeer.toString() })
})

const listenAddr = node.getMultiaddrs().find((ma) => ma.toString().includes('/webrtc-direct/'))
let advertised = listenAddr.toString()

let relay = null
const gaps = []
if (livenessMs > 0) {
  const port = Number(advertised.match(/\/udp\/(\d+)\//)[1])
  relay = await startRelay(host, port)
  advertised = advertised.replace(`/udp/${port}/`, `/udp/${relay.port}/`)
}

out({ ev: 'listening', addr: advertised, peerId: node.peerId.toString() })

// ---- the litep2p-like liveness relay ----
function isBindingRequest (msg) {
  // RFC 5389: type 0x0001, magic cookie 0x2112A442 at offset 4
  return msg.length >= 20 && msg[0] === 0x00 && msg[1] === 0x01 &&
    msg.readUInt32BE(4) === 0x2112a442
}

async function startRelay (nodeHost, nodePort) {
  const front = dgram.createSocket('udp4')
  const back = dgram.createSocket('udp4')
  await new Promise((resolve) => front.bind(0, host, resolve))
  await new Promise((resolve) => back.bind(0, host, resolve))
  let client = null // {address, port}
  let lastRequest = 0
  let dropped = false
  front.on('message', (msg, rinfo) => {
    if (dropped) return
    if (client === null) client = { address: rinfo.address, port: rinfo.port }
    if (rinfo.address !== client.address || rinfo.port !== client.port) return
    if (isBindingRequest(msg)) {
      const now = Date.now()
      if (lastRequest) gaps.push(now - lastRequest)
      lastRequest = now
    }
    back.send(msg, nodePort, nodeHost)
  })
  back.on('message', (msg) => {
    if (!dropped && client) front.send(msg, client.port, client.address)
  })
  const timer = setInterval(() => {
    if (!dropped && lastRequest && Date.now() - lastRequest > livenessMs) {
      dropped = true
      out({ ev: 'pair-dropped', idleMs: Date.now() - lastRequest })
    }
  }, 250)
  return {
    port: front.address().port,
    // the test cuts the path: nothing is relayed either way from now on
    blackhole: () => { dropped = true },
    close: () => { clearInterval(timer); front.close(); back.close() }
  }
}

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  const cmd = JSON.parse(line)
  if (cmd.op === 'self') {
    // what @libp2p/identify's handleProtocol sends: the peer store's
    // protocols of this node and its addresses without /p2p
    const me = await node.peerStore.get(node.peerId)
    out({
      ev: 'self',
      agentVersion: userAgent,
      protocols: me.protocols,
      listenAddrs: node.getMultiaddrs().map((ma) => ma.decapsulateCode(421).toString())
    })
  }
  if (cmd.op === 'blackhole' && relay) {
    relay.blackhole()
    out({ ev: 'blackholed' })
  }
  if (cmd.op === 'ping') {
    // @libp2p/ping over the connection the peer made to us
    try {
      const rtt = await node.services.ping.ping(peerIdFromString(cmd.peerId))
      out({ ev: 'pong', rtt })
    } catch (err) {
      out({ ev: 'ping-failed', error: err.name + ': ' + err.message })
    }
  }
})
rl.on('close', async () => {
  if (relay) { out({ ev: 'stun', gaps }); relay.close() }
  await node.stop()
  process.exit(0)
})
