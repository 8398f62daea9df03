// The interop peer in headless Chromium: peer-core.mjs on the browser's own
// RTCPeerConnection.  Bundled by esbuild (browser.mjs); control messages come
// in through window.gstIn, events go out through window.gstOut (both wired by
// playwright).
import { sha256 } from '@noble/hashes/sha2.js'
import { startPeer } from './peer-core.mjs'

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('')

window.gstStart = () => {
  const onMessage = startPeer({
    RTCPeerConnection: window.RTCPeerConnection,
    pcConfig: { iceServers: [] },
    out: (obj) => window.gstOut(JSON.stringify(obj)),
    newHash: () => {
      const h = sha256.create()
      return { update: (u8) => h.update(u8), digest: async () => hex(h.digest()) }
    }
  })
  window.gstIn = (line) => onMessage(JSON.parse(line))
}
