// One js-libp2p client dialing a WebRTC-direct listener (issue #12), the
// same code in Node (node-dial.mjs) and in Chromium (browser-dial.mjs):
// libp2p + @libp2p/webrtc webRTCDirect(), @chainsafe/libp2p-noise,
// @libp2p/ping, @libp2p/identify.  It dials, waits for identify, pings,
// and echoes `echoBytes` over /echo/1.0.0, comparing the SHA-256 of what
// it sent with what came back.  Events go to `out` (JSON objects):
//   {ev:'connected', client, peerId, ms}       dialed; the listener's peer id
//   {ev:'identify', client, agentVersion, protocolVersion, protocols}
//   {ev:'pong', client, rtt}
//   {ev:'echo', client, bytes, ms, sent, received}   SHA-256 hex of both
//   {ev:'failed', client, stage, error}
// Returns true when every step succeeded.
import { createLibp2p } from 'libp2p'
import { webRTCDirect } from '@libp2p/webrtc'
import { noise } from '@chainsafe/libp2p-noise'
import { ping } from '@libp2p/ping'
import { identify } from '@libp2p/identify'
import { sha256 } from '@noble/hashes/sha2.js'

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('')

function randomBytes (n) {
  const out = new Uint8Array(n)
  // getRandomValues fills at most 65536 bytes at a time
  for (let off = 0; off < n; off += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)))
  }
  return out
}

async function echo (conn, echoBytes) {
  const stream = await conn.newStream('/echo/1.0.0')
  const data = randomBytes(echoBytes)
  const sent = hex(sha256(data))
  const hash = sha256.create()
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
  return { bytes: received, sent, received: hex(hash.digest()) }
}

const within = (promise, ms, what) => Promise.race([promise,
  new Promise((resolve, reject) => setTimeout(() => reject(new Error(`no ${what} in ${ms} ms`)), ms))])

// `holdMs`: stay connected that long after the echo (benchmarks sample
// the listener with every client up).
export async function runClient ({ i, target, echoBytes, out, holdMs = 0 }) {
  const host = target.toString().split('/')[2]
  let stage = 'start'
  let node
  try {
    node = await createLibp2p({
      // never hand public STUN servers to the WebRTC library
      transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })],
      connectionEncrypters: [noise()],
      // the test's address only, never anything else (a browser refuses
      // private addresses unless the gater allows them)
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
    const d = await within(identified, 10000, 'identify')
    out({ ev: 'identify', client: i, agentVersion: d.agentVersion, protocolVersion: d.protocolVersion, protocols: d.protocols })
    stage = 'ping'
    const rtt = await node.services.ping.ping(conn.remotePeer, { signal: AbortSignal.timeout(10000) })
    out({ ev: 'pong', client: i, rtt })
    if (echoBytes > 0) {
      stage = 'echo'
      const t1 = Date.now()
      const r = await within(echo(conn, echoBytes), 30000, 'echo')
      out({ ev: 'echo', client: i, ms: Date.now() - t1, ...r })
      if (r.sent !== r.received) throw new Error('echo differs')
    }
    if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs))
    await node.stop()
    return true
  } catch (err) {
    out({ ev: 'failed', client: i, stage, error: err.name + ': ' + err.message })
    if (node) await node.stop().catch(() => {})
    return false
  }
}
