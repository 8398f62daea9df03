// js-libp2p in Node DIALING a WebRTC-direct listener (issue #12):
//
//   node node-dial.mjs <multiaddr> [clients] [echo bytes]
//
// Starts <clients> nodes at once (default 1), each running dial-core.mjs's
// client against the multiaddr with <echo bytes> (default 1 MiB) echoed.
// Env HOLD_MS keeps each client connected that long after its echo.
// Prints dial-core.mjs's JSON lines, then {ev:'done', ok, failed}, and
// exits 0 when every client succeeded.
import './polyfill.mjs'
import { multiaddr } from '@multiformats/multiaddr'
import { runClient } from './dial-core.mjs'

process.stdout.on('error', () => process.exit(0))
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const target = multiaddr(process.argv[2])
const clients = Number(process.argv[3] ?? 1)
const echoBytes = Number(process.argv[4] ?? 1024 * 1024)

const results = await Promise.all(Array.from({ length: clients },
  (_, i) => runClient({ i, target, echoBytes, out, holdMs: Number(process.env.HOLD_MS ?? 0) })))
const ok = results.filter((r) => r).length
out({ ev: 'done', ok, failed: clients - ok })
process.exit(ok === clients ? 0 : 1)
