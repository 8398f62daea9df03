// The interop peer's logic, shared by Node (peer.mjs) and Chromium
// (browser-entry.mjs, bundled by esbuild): js-libp2p's own
// multistream-select (@libp2p/multistream-select) and WebRTC stream framing
// (@libp2p/webrtc's WebRTCStream, imported from its built files by path: the
// package does not export it) on a real RTCPeerConnection (node-datachannel's
// or the browser's, passed in by the entry point).
//
// Signalling and control are JSON objects, one per line on stdin/stdout of
// the entry point:
//   in:  {op:'offer', sdp} {op:'candidate', candidate, mline}
//        {op:'dial', tag, protocols, send, closeWrite}
//        {op:'raw', tag, hex}        one crafted data-channel message
//        {op:'reset', tag}           reset the dialed stream `tag`
//        {op:'protocols', list}      what the listener accepts
//        {op:'quit'}
//   out: {ev:'answer', sdp} {ev:'candidate', candidate, mline} {ev:'connected'}
//        {ev:'selected'|'dial-failed', tag, protocol|error}
//        {ev:'echoed', tag, bytes, sha256}   all the dialed stream read back
//        {ev:'accepted'|'handle-failed', channel, protocol|error}
//        {ev:'listener-eof'|'listener-done', channel, bytes, sha256, writes}
//          (eof: the remote's FIN arrived; done: ours was acknowledged)
//        {ev:'raw-rx', tag, hex}
import { select, handle } from '@libp2p/multistream-select'
import { logger } from '@libp2p/logger'
import { createStream } from './node_modules/@libp2p/webrtc/dist/src/stream.js'

const log = logger('gst-libp2p:interop')

const toHex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('')
const fromHex = (hex) => {
  const h = hex.replace(/ /g, '')
  const u8 = new Uint8Array(h.length / 2)
  for (let i = 0; i < u8.length; i++) u8[i] = parseInt(h.substr(2 * i, 2), 16)
  return u8
}

// env: { RTCPeerConnection, pcConfig, out (obj => void), newHash () =>
// { update (u8), digest () => Promise<hex> } }.  Returns the handler of one
// control message.
export function startPeer ({ RTCPeerConnection, pcConfig, out, newHash }) {
let listenProtocols = ['/echo/1.0.0']
const dialed = new Map()

const pc = new RTCPeerConnection(pcConfig)
// channel 0: negotiated on both sides (the element reserves it)
pc.createDataChannel('', { negotiated: true, id: 0 })
pc.onicecandidate = (e) => {
  if (e.candidate?.candidate) {
    out({ ev: 'candidate', candidate: e.candidate.candidate, mline: e.candidate.sdpMLineIndex ?? 0 })
  }
}
pc.onconnectionstatechange = () => {
  if (pc.connectionState === 'connected') out({ ev: 'connected' })
}

// Deterministic bytes: the C side computes the same.
function pattern (n, seed) {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = ((i * 131 + seed * 7) ^ (i >> 9)) & 0xff
  return b
}

async function readAll (stream) {
  const hash = newHash()
  let bytes = 0
  for await (const chunk of stream) {
    const data = chunk.subarray ? chunk.subarray() : chunk
    hash.update(data)
    bytes += data.byteLength
  }
  return { bytes, sha256: await hash.digest() }
}

async function sendAll (stream, data) {
  const chunk = 16000
  for (let off = 0; off < data.byteLength; off += chunk) {
    if (!stream.send(data.subarray(off, off + chunk))) {
      // bounded: a stream closed under us never drains
      await stream.onDrain({ signal: AbortSignal.timeout(5000) })
    }
  }
}

// Inbound: negotiate with js-libp2p's handler, then echo.
pc.ondatachannel = async ({ channel }) => {
  if (channel.id === 0) return
  const stream = createStream({ channel, direction: 'inbound', log })
  let protocol
  try {
    protocol = await handle(stream, listenProtocols)
  } catch (err) {
    out({ ev: 'handle-failed', channel: channel.id, error: String(err?.message ?? err) })
    return
  }
  out({ ev: 'accepted', channel: channel.id, protocol })
  const hash = newHash()
  let bytes = 0
  let writes = 0
  try {
    for await (const chunk of stream) {
      const data = chunk.subarray ? chunk.subarray() : chunk
      hash.update(data)
      bytes += data.byteLength
      if (!stream.send(data)) await stream.onDrain()
      writes++
    }
    // the remote closed its write side: ours follows (FIN, then FIN_ACK
    // awaited, up to js-libp2p's timeout)
    const sha256 = await hash.digest()
    out({ ev: 'listener-eof', channel: channel.id, bytes, writes, sha256 })
    await stream.close()
    out({ ev: 'listener-done', channel: channel.id, bytes, writes, sha256 })
  } catch (err) {
    out({ ev: 'listener-error', channel: channel.id, error: String(err?.message ?? err) })
  }
}

async function dial ({ tag, protocols, send, seed }) {
  const channel = pc.createDataChannel('', { ordered: true })
  const stream = createStream({ channel, direction: 'outbound', log })
  dialed.set(tag, stream)
  let protocol
  try {
    protocol = await select(stream, protocols)
  } catch (err) {
    out({ ev: 'dial-failed', tag, error: String(err?.message ?? err) })
    stream.abort(err)
    return
  }
  out({ ev: 'selected', tag, protocol })
  if (send === undefined) return
  const reading = readAll(stream)
  // a reset may reject it while we are still writing: handled below
  reading.catch(() => {})
  try {
    await sendAll(stream, pattern(send, seed ?? 0))
    await stream.close()
    const r = await reading
    out({ ev: 'echoed', tag, ...r })
  } catch (err) {
    // e.g. the remote reset the stream while we were writing or reading
    out({ ev: 'echo-failed', tag, error: String(err?.message ?? err) })
  }
}

function raw ({ tag, hex }) {
  const channel = pc.createDataChannel('', { ordered: true })
  channel.binaryType = 'arraybuffer'
  const rx = []
  channel.onopen = () => channel.send(fromHex(hex))
  channel.onmessage = (e) => {
    rx.push(toHex(new Uint8Array(e.data)))
    out({ ev: 'raw-rx', tag, hex: rx.join('') })
  }
}

return async function onMessage (m) {
  try {
    switch (m.op) {
      case 'offer':
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp })
        await pc.setLocalDescription(await pc.createAnswer())
        out({ ev: 'answer', sdp: pc.localDescription.sdp })
        break
      case 'candidate':
        await pc.addIceCandidate({ candidate: m.candidate, sdpMLineIndex: m.mline, sdpMid: String(m.mline) })
        break
      case 'protocols':
        listenProtocols = m.list
        break
      case 'dial':
        dial(m)
        break
      case 'raw':
        raw(m)
        break
      case 'reset':
        dialed.get(m.tag)?.abort(new Error('reset by the test'))
        break
      case 'quit':
        pc.close()
        return 'quit'
    }
  } catch (err) {
    out({ ev: 'error', op: m.op, error: String(err?.message ?? err) })
  }
}
}
