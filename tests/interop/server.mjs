#!/usr/bin/env node
// A minimal reference automerge-repo sync server for interop tests, bound to 127.0.0.1.
//
//   node server.mjs --port P --data DIR [--exit-on-stdin-eof] [--verbose]
//
// Prints "listening <port>" on stdout once it accepts connections (P = 0 picks a free port).
// It never announces documents (sharePolicy false): it only syncs those a peer names.
// SIGTERM or SIGINT flushes storage and exits 0. With --exit-on-stdin-eof it also stops when
// its stdin closes, so it never outlives the test process that started it.

import { parseArgs } from "node:util"
import { mkdirSync } from "node:fs"
import { WebSocketServer } from "ws"
import { Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

const HOST = "127.0.0.1"

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    data: { type: "string" },
    "exit-on-stdin-eof": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
})

if (!values.data) {
  process.stderr.write("usage: server.mjs --port P --data DIR\n")
  process.exit(64)
}
const port = Number.parseInt(values.port, 10)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`bad --port ${values.port}\n`)
  process.exit(64)
}

const log = (...parts) => {
  if (values.verbose) process.stderr.write(parts.join(" ") + "\n")
}

// The reference server lets some internal timeouts reject unhandled; a test server should
// report them and keep serving rather than die mid-test.
process.on("unhandledRejection", err => {
  process.stderr.write(`unhandled rejection: ${err?.stack ?? err}\n`)
})

mkdirSync(values.data, { recursive: true })

const wss = new WebSocketServer({ host: HOST, port })
wss.on("connection", (_socket, request) => log("connection", request.url))

const repo = new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(values.data),
  peerId: `js-sync-server-${process.pid}`,
  sharePolicy: async () => false,
})

let stopping = false
async function stop(reason) {
  if (stopping) return
  stopping = true
  log("stopping:", reason)
  try {
    await repo.shutdown()
  } catch (err) {
    process.stderr.write(`shutdown: ${err?.stack ?? err}\n`)
  }
  wss.close()
  process.exit(0)
}

process.on("SIGTERM", () => void stop("SIGTERM"))
process.on("SIGINT", () => void stop("SIGINT"))
if (values["exit-on-stdin-eof"]) {
  process.stdin.on("end", () => void stop("stdin closed"))
  process.stdin.on("error", () => void stop("stdin error"))
  process.stdin.resume()
}

wss.on("error", err => {
  process.stderr.write(`server error: ${err?.message ?? err}\n`)
  process.exit(1)
})
wss.on("listening", () => {
  process.stdout.write(`listening ${wss.address().port}\n`)
})
