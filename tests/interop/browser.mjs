// The interop peer in headless Chromium: loads browser-entry.mjs into a
// page (browser-page.mjs) and relays the JSON-line protocol of
// peer-core.mjs between stdin/stdout and the page.
import './polyfill.mjs'
import { createInterface } from 'node:readline'
import { openPage } from './browser-page.mjs'

const { page, close } = await openPage('browser-entry.mjs', 'gst-libp2p interop',
  { console: true })
await page.evaluate(() => window.gstStart())

let queue = Promise.resolve()
const quit = async () => {
  await close()
  process.exit(0)
}
const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  // keep the order of control messages
  queue = queue.then(async () => {
    if (JSON.parse(line).op === 'quit') return quit()
    await page.evaluate((l) => { window.gstIn(l) }, line)
  })
})
rl.on('close', () => { queue.then(quit) })
