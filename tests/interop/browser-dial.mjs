// js-libp2p in headless Chromium DIALING a WebRTC-direct listener (issue
// #12): bundles browser-dial-entry.mjs with esbuild, loads it into a blank
// page of Debian's /usr/bin/chromium (playwright-core) and runs one
// dial-core.mjs client there.
//
//   node browser-dial.mjs <multiaddr> [echo bytes]
//
// Prints dial-core.mjs's JSON lines; exits 0 when the client succeeded.
// Chromium never gathers 127.0.0.1: run it in the test's network namespace
// (run-in-netns.sh) against a listener on 198.18.0.1.
import './polyfill.mjs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const addr = process.argv[2]
const echoBytes = Number(process.argv[3] ?? 1024 * 1024)
const bundle = buildSync({
  entryPoints: [join(here, 'browser-dial-entry.mjs')],
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
let ok = false
try {
  const page = context.pages()[0] ?? await context.newPage()
  page.on('console', (m) => process.stderr.write(`[chromium] ${m.text()}\n`))
  page.on('pageerror', (e) => process.stderr.write(`[chromium error] ${e}\n`))
  await page.exposeFunction('gstOut', (s) => { process.stdout.write(s + '\n') })
  await page.setContent('<!doctype html><title>gst-libp2p listener interop</title>')
  await page.addScriptTag({ content: bundle })
  ok = await page.evaluate(([a, n]) => window.gstDial(a, n), [addr, echoBytes])
} finally {
  await context.close().catch(() => {})
  rmSync(profile, { recursive: true, force: true })
}
process.exit(ok ? 0 : 1)
