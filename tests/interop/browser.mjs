// The interop peer in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core): bundles browser-entry.mjs with esbuild, loads it into
// a blank page, and relays the JSON-line protocol of peer-core.mjs between
// stdin/stdout and the page.  Chromium never gathers 127.0.0.1: the suite
// runs it in a private network namespace (run-in-netns.sh).
import './polyfill.mjs'
import { createInterface } from 'node:readline'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const bundle = buildSync({
  entryPoints: [join(here, 'browser-entry.mjs')],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  define: { 'process.env.DEBUG': 'undefined', global: 'globalThis' },
  logLevel: 'error'
}).outputFiles[0].text

const profile = mkdtempSync(join(tmpdir(), 'gst-libp2p-chromium-'))
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-features=WebRtcHideLocalIpsWithMdns'
  ]
})
const page = context.pages()[0] ?? await context.newPage()
page.on('console', (m) => process.stderr.write(`[chromium] ${m.text()}\n`))
page.on('pageerror', (e) => process.stderr.write(`[chromium error] ${e}\n`))
await page.exposeFunction('gstOut', (s) => { process.stdout.write(s + '\n') })
await page.setContent('<!doctype html><title>gst-libp2p interop</title>')
await page.addScriptTag({ content: bundle })
await page.evaluate(() => window.gstStart())

let queue = Promise.resolve()
const quit = async () => {
  await context.close().catch(() => {})
  rmSync(profile, { recursive: true, force: true })
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
