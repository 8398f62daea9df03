// Headless Chromium for the interop tests (Debian's /usr/bin/chromium,
// driven by playwright-core): bundles an entry module with esbuild and
// loads it into a blank page of a fresh profile, with window.gstOut(s)
// writing a line to stdout.  Used by browser.mjs, browser-dial.mjs and
// browser-smoldot.mjs.  Chromium never gathers 127.0.0.1: the suite runs
// it in a private network namespace (run-in-netns.sh).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))

// { page, close }: the page runs `entry` (a file of this folder); `console`
// also relays the page's console to stderr.
export async function openPage (entry, title, { console = false } = {}) {
  const bundle = buildSync({
    entryPoints: [join(here, entry)],
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
  const close = async () => {
    await context.close().catch(() => {})
    rmSync(profile, { recursive: true, force: true })
  }
  try {
    const page = context.pages()[0] ?? await context.newPage()
    if (console) page.on('console', (m) => process.stderr.write(`[chromium] ${m.text()}\n`))
    page.on('pageerror', (e) => process.stderr.write(`[chromium error] ${e}\n`))
    await page.exposeFunction('gstOut', (s) => { process.stdout.write(s + '\n') })
    await page.setContent(`<!doctype html><title>${title}</title>`)
    await page.addScriptTag({ content: bundle })
    return { page, close }
  } catch (err) {
    await close()
    throw err
  }
}
