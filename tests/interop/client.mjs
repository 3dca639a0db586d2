#!/usr/bin/env node
// A small command-line automerge-repo client (the reference JS implementation) for interop tests.
//
//   node client.mjs read    WS_URL AUTOMERGE_URL [--wait]
//   node client.mjs splice  WS_URL AUTOMERGE_URL PATH_JSON INDEX DELETE INSERT
//   node client.mjs put     WS_URL AUTOMERGE_URL PATH_JSON VALUE_JSON
//   node client.mjs create  WS_URL JSON
//   node client.mjs hostile WS_URL
// Options: --token T (sent as ?token=T on the WebSocket URL), --timeout SECONDS (default 10).
//
// read prints the document as one line of JSON (text as strings, counters as numbers); with
// --wait it keeps waiting, after the server said "unavailable", for the document to arrive.
// splice and put print the document after the change; create and hostile print the new URL.
// Every command that changes a document exits only after the server acknowledged the change.
// INDEX and DELETE count UTF-16 code units, as JavaScript strings do.
//
// Exit codes: 0 ok, 1 failure, 2 timeout, 3 document unavailable, 4 could not connect,
// 64 usage.

import { parseArgs } from "node:util"
import * as A from "@automerge/automerge"
import { Repo, isValidAutomergeUrl } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"

const EXIT = { ok: 0, failure: 1, timeout: 2, unavailable: 3, connect: 4, usage: 64 }

class Exit extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

const USAGE = `usage:
  client.mjs read    WS_URL AUTOMERGE_URL [--wait]
  client.mjs splice  WS_URL AUTOMERGE_URL PATH_JSON INDEX DELETE INSERT
  client.mjs put     WS_URL AUTOMERGE_URL PATH_JSON VALUE_JSON
  client.mjs create  WS_URL JSON
  client.mjs hostile WS_URL
options: --token T, --timeout SECONDS`

function usage(message) {
  throw new Exit(EXIT.usage, `${message}\n${USAGE}`)
}

function withToken(wsUrl, token) {
  if (token === undefined) return wsUrl
  const url = new URL(wsUrl)
  url.searchParams.set("token", token)
  return url.toString()
}

function parseJson(text, what) {
  try {
    return JSON.parse(text)
  } catch (err) {
    usage(`${what} is not JSON: ${text}`)
  }
}

function parsePath(text) {
  const path = parseJson(text, "PATH_JSON")
  const ok = Array.isArray(path) && path.length > 0 &&
    path.every(p => typeof p === "string" || Number.isInteger(p))
  if (!ok) usage(`PATH_JSON must be a non-empty JSON array of keys and indexes: ${text}`)
  return path
}

function parseCount(text, what) {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) usage(`${what} must be a non-negative integer: ${text}`)
  return n
}

// A plain JSON value of an Automerge document: text and raw strings become strings, counters
// numbers, dates ISO strings, bytes lists of numbers.
function toPlain(value) {
  if (value === null || value === undefined) return null
  if (value instanceof A.Counter) return value.value
  if (value instanceof A.ImmutableString) return value.val
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return Array.from(value)
  if (Array.isArray(value)) return value.map(toPlain)
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]))
  }
  return value
}

function withTimeout(promise, seconds, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Exit(EXIT.timeout, `timeout after ${seconds}s: ${what}`)),
      seconds * 1000,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// Connects and resolves with the server's peer id and storage id once the handshake is done.
function connect(wsUrl, seconds) {
  const adapter = new WebSocketClientAdapter(wsUrl, 250)
  const repo = new Repo({ network: [adapter], sharePolicy: async () => true })
  const peer = new Promise(resolve => {
    repo.networkSubsystem.on("peer", ({ peerId, peerMetadata }) =>
      resolve({ peerId, storageId: peerMetadata?.storageId }))
  })
  const connected = withTimeout(peer, seconds, `connecting to ${wsUrl}`).catch(err => {
    throw new Exit(EXIT.connect, `could not connect to ${wsUrl}: ${err.message}`)
  })
  return { repo, connected }
}

function headsEqual(a, b) {
  return !!a && !!b && a.length === b.length && [...a].sort().join() === [...b].sort().join()
}

// Resolves once the server has acknowledged every change this handle holds.
async function synced(handle, server, seconds) {
  if (!server.storageId) {
    // A server without storage id never reports its heads: fall back to a grace period.
    await new Promise(resolve => setTimeout(resolve, 500))
    return
  }
  const done = () => headsEqual(handle.getSyncInfo(server.storageId)?.lastHeads, handle.heads())
  if (done()) return
  await withTimeout(
    new Promise(resolve => {
      const check = () => {
        if (done()) {
          handle.off("remote-heads", check)
          clearInterval(timer)
          resolve()
        }
      }
      handle.on("remote-heads", check)
      const timer = setInterval(check, 20)
    }),
    seconds,
    "waiting for the server to acknowledge the change",
  )
}

async function find(repo, url, seconds, wait) {
  if (!isValidAutomergeUrl(url)) usage(`not an automerge URL: ${url}`)
  const states = wait ? ["ready", "unavailable"] : ["ready"]
  let handle
  try {
    handle = await withTimeout(repo.find(url, { allowableStates: states }), seconds, `finding ${url}`)
  } catch (err) {
    if (err instanceof Exit) throw err
    if (/unavailable/.test(err.message)) {
      throw new Exit(EXIT.unavailable, `document unavailable: ${url}`)
    }
    throw err
  }
  if (!handle.isReady()) {
    await withTimeout(handle.whenReady(["ready"]), seconds, `waiting for ${url} to arrive`)
  }
  return handle
}

function printDoc(handle) {
  process.stdout.write(JSON.stringify(toPlain(handle.doc())) + "\n")
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      token: { type: "string" },
      timeout: { type: "string", default: "10" },
      wait: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE + "\n")
    return
  }
  const [command, rawWsUrl, ...rest] = positionals
  const seconds = Number(values.timeout)
  if (!(seconds > 0)) usage(`--timeout must be a positive number: ${values.timeout}`)
  const arity = { read: 1, splice: 5, put: 3, create: 1, hostile: 0 }
  if (!(command in arity)) usage(`unknown command: ${command ?? "(none)"}`)
  if (!rawWsUrl || rest.length !== arity[command]) usage(`wrong arguments for ${command}`)
  if (!/^wss?:\/\//.test(rawWsUrl)) usage(`not a ws:// URL: ${rawWsUrl}`)

  const wsUrl = withToken(rawWsUrl, values.token)
  const { repo, connected } = connect(wsUrl, seconds)
  const server = await connected

  switch (command) {
    case "read": {
      printDoc(await find(repo, rest[0], seconds, values.wait))
      break
    }
    case "splice": {
      const path = parsePath(rest[1])
      const index = parseCount(rest[2], "INDEX")
      const del = parseCount(rest[3], "DELETE")
      const handle = await find(repo, rest[0], seconds, false)
      handle.change(doc => A.splice(doc, path, index, del, rest[4]))
      await synced(handle, server, seconds)
      printDoc(handle)
      break
    }
    case "put": {
      const path = parsePath(rest[1])
      const value = parseJson(rest[2], "VALUE_JSON")
      const handle = await find(repo, rest[0], seconds, false)
      handle.change(doc => {
        let target = doc
        for (const key of path.slice(0, -1)) target = target[key]
        target[path[path.length - 1]] = value
      })
      await synced(handle, server, seconds)
      printDoc(handle)
      break
    }
    case "create": {
      const initial = parseJson(rest[0], "JSON")
      if (initial === null || typeof initial !== "object" || Array.isArray(initial)) {
        usage("JSON must be an object")
      }
      const handle = repo.create(initial)
      await synced(handle, server, seconds)
      process.stdout.write(handle.url + "\n")
      break
    }
    case "hostile": {
      const handle = repo.create({ title: "hostile", count: new A.Counter(1) })
      handle.change(doc => doc.count.increment(41))
      await synced(handle, server, seconds)
      process.stdout.write(handle.url + "\n")
      break
    }
  }
  await repo.shutdown()
}

// The WebSocket adapter throws connection errors other than "refused" (an HTTP 401 from a
// server that checks tokens, say) from an event handler: report them as a failed connection.
process.on("uncaughtException", err => {
  process.stderr.write(`error: could not connect: ${err?.message ?? err}\n`)
  process.exit(EXIT.connect)
})

main().then(
  // Exit once stdout is flushed: a pipe takes 64 KiB at a time, and a document holding an
  // attachment prints megabytes.
  () => process.stdout.write("", () => process.exit(EXIT.ok)),
  err => {
    const code = err instanceof Exit ? err.code : EXIT.failure
    process.stderr.write(`error: ${err instanceof Exit ? err.message : err?.stack ?? err}\n`)
    process.exit(code)
  },
)
