// dial-core.mjs in headless Chromium (bundled by browser-dial.mjs): the
// browser's own RTCPeerConnection dials the listener.
import { multiaddr } from '@multiformats/multiaddr'
import { runClient } from './dial-core.mjs'

window.gstDial = async (addr, echoBytes) => {
  const ok = await runClient({
    i: 0,
    target: multiaddr(addr),
    echoBytes,
    out: (obj) => window.gstOut(JSON.stringify(obj))
  })
  return ok
}
