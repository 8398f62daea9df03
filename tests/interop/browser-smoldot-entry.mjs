// smoldot (the Polkadot light client) in headless Chromium, bundled by
// browser-smoldot.mjs: Polkadot's real chain spec (with its light-sync
// checkpoint) from @substrate/connect-known-chains, its bootNodes replaced
// by the listener's multiaddr, so smoldot dials only us.
import { start } from 'smoldot'
import { chainSpec } from '@substrate/connect-known-chains/polkadot'

window.gstSmoldot = async (addr) => {
  const out = (obj) => window.gstOut(JSON.stringify(obj))
  const spec = JSON.parse(chainSpec)
  spec.bootNodes = [addr]
  const client = start({
    maxLogLevel: 5,
    logCallback: (level, target, message) => {
      if (target.includes('network') || target.includes('connections') || level <= 2) {
        out({ ev: 'log', level, target, message })
      }
    }
  })
  await client.addChain({ chainSpec: JSON.stringify(spec) })
  out({ ev: 'chain-added', genesis: spec.genesis ? 'raw' : 'unknown' })
  window.gstSmoldotClient = client
}
