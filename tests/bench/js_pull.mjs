#!/usr/bin/env node
// Pulls many documents with the reference JS automerge-repo client (the peer baseline).
//   node js_pull.mjs WS_URL URLS_FILE [CONCURRENCY]
// Prints {"seconds", "count", "rss_mb"} as JSON. Packages come from tests/interop/node_modules.
import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
import { pathToFileURL, fileURLToPath } from "node:url"
import path from "node:path"

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(here, "..", "interop", "package.json"))
const load = name => import(pathToFileURL(require.resolve(name)).href)
const { Repo } = await load("@automerge/automerge-repo")
const { WebSocketClientAdapter } = await load("@automerge/automerge-repo-network-websocket")

const [wsUrl, urlsFile, concurrencyText] = process.argv.slice(2)
const urls = readFileSync(urlsFile, "utf8").split("\n").filter(Boolean)
const concurrency = Number(concurrencyText ?? "32")
const repo = new Repo({ network: [new WebSocketClientAdapter(wsUrl, 250)], sharePolicy: async () => true })
await new Promise(resolve => repo.networkSubsystem.once("peer", resolve))
const start = performance.now()
let next = 0
async function worker() {
  while (next < urls.length) {
    const url = urls[next++]
    const handle = await repo.find(url)
    handle.doc()
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))
const seconds = (performance.now() - start) / 1000
process.stdout.write(JSON.stringify({ seconds, count: urls.length,
  rss_mb: process.resourceUsage().maxRSS / 1024 }) + "\n")
await repo.shutdown()
process.exit(0)
