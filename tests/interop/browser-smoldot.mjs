// smoldot in headless Chromium dialing the WebRTC-direct listener (issue
// #12): bundles browser-smoldot-entry.mjs with esbuild, starts smoldot with
// Polkadot's chain spec whose only boot node is <multiaddr>, and keeps the
// page (and smoldot) running for <seconds>.
//
//   node browser-smoldot.mjs <multiaddr> <seconds>
//
// Prints JSON lines ({ev:'chain-added'}, smoldot's network logs as
// {ev:'log', level, target, message}); exits 0 once the time is up.
// Run it in the test's network namespace (run-in-netns.sh).
import './polyfill.mjs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const addr = process.argv[2]
const seconds = Number(process.argv[3] ?? 40)
const bundle = buildSync({
  entryPoints: [join(here, 'browser-smoldot-entry.mjs')],
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
try {
  const page = context.pages()[0] ?? await context.newPage()
  page.on('pageerror', (e) => process.stderr.write(`[chromium error] ${e}\n`))
  await page.exposeFunction('gstOut', (s) => { process.stdout.write(s + '\n') })
  await page.setContent('<!doctype html><title>gst-libp2p smoldot interop</title>')
  await page.addScriptTag({ content: bundle })
  await page.evaluate((a) => window.gstSmoldot(a), addr)
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
} finally {
  await context.close().catch(() => {})
  rmSync(profile, { recursive: true, force: true })
}
process.exit(0)
