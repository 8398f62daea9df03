// js-libp2p in headless Chromium DIALING a WebRTC-direct listener (issue
// #12): runs one dial-core.mjs client (browser-dial-entry.mjs) in a page
// (browser-page.mjs).
//
//   node browser-dial.mjs <multiaddr> [echo bytes]
//
// Prints dial-core.mjs's JSON lines; exits 0 when the client succeeded.
// Run it in the test's network namespace (run-in-netns.sh) against a
// listener on 198.18.0.1.
import './polyfill.mjs'
import { openPage } from './browser-page.mjs'

const addr = process.argv[2]
const echoBytes = Number(process.argv[3] ?? 1024 * 1024)
const { page, close } = await openPage('browser-dial-entry.mjs',
  'gst-libp2p listener interop', { console: true })
let ok = false
try {
  ok = await page.evaluate(([a, n]) => window.gstDial(a, n), [addr, echoBytes])
} finally {
  await close()
}
process.exit(ok ? 0 : 1)
