// smoldot in headless Chromium dialing the WebRTC-direct listener (issue
// #12): starts smoldot (browser-smoldot-entry.mjs, in a page from
// browser-page.mjs) with Polkadot's chain spec whose only boot node is
// <multiaddr>, and keeps the page (and smoldot) running for <seconds>.
//
//   node browser-smoldot.mjs <multiaddr> <seconds>
//
// Prints JSON lines ({ev:'chain-added'}, smoldot's network logs as
// {ev:'log', level, target, message}); exits 0 once the time is up.
// Run it in the test's network namespace (run-in-netns.sh).
import './polyfill.mjs'
import { openPage } from './browser-page.mjs'

const addr = process.argv[2]
const seconds = Number(process.argv[3] ?? 40)
const { page, close } = await openPage('browser-smoldot-entry.mjs',
  'gst-libp2p smoldot interop')
try {
  await page.evaluate((a) => window.gstSmoldot(a), addr)
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
} finally {
  await close()
}
process.exit(0)
