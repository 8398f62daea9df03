// The interop peer in Node: js-libp2p's multistream-select and WebRTC
// stream (peer-core.mjs) on node-datachannel's RTCPeerConnection, driven by
// JSON lines on stdin/stdout (the protocol is described in peer-core.mjs).
import './polyfill.mjs'
import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'
import { RTCPeerConnection } from 'node-datachannel/polyfill'
import { startPeer } from './peer-core.mjs'

const onMessage = startPeer({
  RTCPeerConnection,
  pcConfig: { iceServers: [], bindAddress: process.env.INTEROP_LOCAL_IP ?? '127.0.0.1' },
  out: (obj) => process.stdout.write(JSON.stringify(obj) + '\n'),
  newHash: () => {
    const h = createHash('sha256')
    return { update: (u8) => h.update(u8), digest: async () => h.digest('hex') }
  }
})

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  if (await onMessage(JSON.parse(line)) === 'quit') process.exit(0)
})
rl.on('close', () => process.exit(0))
