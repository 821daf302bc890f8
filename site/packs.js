// packs.js — where saved files live: packs of many files, each one Cache API entry, and an
// index of where each file sits in them (IndexedDB).
//
// Writing a Cache API entry costs Chromium a few milliseconds however small its body, so a
// save of thousands of small files spent most of its time on entries. Here a save writes
// packs of up to PACK_MOST bytes (the files' bodies one after another, as they came from
// the network: the .gz copies where the server has them) and then, in one IndexedDB
// transaction, a record per file: {name, pack, at, size, gz}. A pack is written whole
// before its records, so a file is saved when its record exists, and a pack no record
// names (a crash between the two) is deleted by the next prune. sw.js answers a saved file
// by slicing its pack's Blob (Cache API bodies are on disk; a slice reads only its bytes)
// and checks its content hash; it deletes the record of a damaged file, which the next
// save fetches again.
//
// The record format and the database's name and version are shared with sw.js (a classic
// script, which cannot import this module): change them together.

export const SAVED = 'folio-saved'; // the Cache: packs (.folio-pack/ID) and the saved folio.json
const DB = 'folio-saved';
const DB_VERSION = 1;
const FILES = 'files'; // name → {name, pack, at, size, gz}

// PACK_FIRST is the size of a save's first pack; each next one is twice the last, up to
// PACK_MOST. Small first packs make the first progress quick and keep something of a save
// cut short early; large ones make entries rare.
export const PACK_FIRST = 16 << 10;
export const PACK_MOST = 1 << 20;

let opening = null;
/** openIndex opens (and on first use creates) the index database. */
export function openIndex() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, DB_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(FILES)) req.result.createObjectStore(FILES, { keyPath: 'name' });
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another page (or a test) deleting or upgrading the database: let it, and open again next time.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        db.onclose = () => {
          opening = null;
        };
        resolve(db);
      };
      req.onerror = () => reject(new Error(`the saved files' index cannot be opened: ${req.error && req.error.message}`));
      req.onblocked = () => reject(new Error("the saved files' index is held by another page"));
    });
    opening.catch(() => {
      opening = null;
    });
  }
  return opening;
}

// run runs fn(store) in a transaction over the files store and resolves with the value of
// its last request once the transaction has committed. Commits are "relaxed" (not flushed
// to disk one by one): a record lost to a power cut costs a file fetched again, and one
// that outlives its pack (the pack lost instead) is dropped by sw.js or prune when read.
async function run(mode, fn) {
  const db = await openIndex();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(FILES, mode, { durability: 'relaxed' });
    let result;
    const req = fn(tx.objectStore(FILES));
    if (req) req.onsuccess = () => (result = req.result);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('aborted'));
  });
}

/** savedNames returns the names of the saved files (data/ paths). */
export async function savedNames() {
  return new Set(await run('readonly', (s) => s.getAllKeys()));
}

/** records returns every file's record. */
export const records = () => run('readonly', (s) => s.getAll());

const putRecords = (list) =>
  run('readwrite', (s) => {
    for (const r of list) s.put(r);
  });
const deleteRecords = (names) =>
  run('readwrite', (s) => {
    for (const n of names) s.delete(n);
  });

let serial = 0;
const newID = () => `${Date.now().toString(36)}-${(serial++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * packStore returns the packs of the site at root: packURL(id), write(files) and prune(keep).
 */
export function packStore(root) {
  const base = new URL('.folio-pack/', root).href;
  const packURL = (id) => base + encodeURIComponent(id);
  const idOf = (url) => (url.startsWith(base) ? decodeURIComponent(url.slice(base.length)) : null);

  /**
   * write stores files ([{name, body, gz}], body a Uint8Array or a Blob) as one new pack,
   * then their records; it resolves with the pack's size once both are in. A refused write
   * (no room) rejects and leaves no record.
   */
  async function write(files) {
    const id = newID();
    const recs = [];
    let at = 0;
    for (const f of files) {
      const size = f.body.size !== undefined ? f.body.size : f.body.byteLength;
      recs.push({ name: f.name, pack: id, at, size, gz: !!f.gz });
      at += size;
    }
    const cache = await caches.open(SAVED);
    await cache.put(packURL(id), new Response(new Blob(files.map((f) => f.body)), { headers: { 'content-type': 'application/octet-stream' } }));
    try {
      await putRecords(recs);
    } catch (e) {
      await cache.delete(packURL(id)).catch(() => {});
      throw e;
    }
    return at;
  }

  /**
   * prune keeps the saved files named in keep (a Set) and deletes the rest: their records,
   * packs nothing lives in any more, and packs with some dead bytes, whose live files are
   * first copied into new packs (from the old packs' Blobs: local, nothing fetched), so
   * storage holds only what is kept. Records whose pack is gone are deleted too. It
   * resolves with {removed, repacked} (files deleted, files moved).
   */
  async function prune(keep) {
    const all = await records();
    const cache = await caches.open(SAVED);
    const packs = new Map(); // id → cache key
    for (const req of await cache.keys()) {
      const id = idOf(req.url);
      if (id !== null) packs.set(id, req);
    }
    const dead = all.filter((r) => !keep.has(r.name) || !packs.has(r.pack)).map((r) => r.name);
    if (dead.length) await deleteRecords(dead);
    const live = new Map(); // pack id → its live records
    for (const r of all) {
      if (!keep.has(r.name) || !packs.has(r.pack)) continue;
      if (!live.has(r.pack)) live.set(r.pack, []);
      live.get(r.pack).push(r);
    }
    const old = []; // packs to delete once their live files are elsewhere
    const moving = []; // [blob, record] of live files in packs with dead bytes
    for (const [id, req] of packs) {
      const recs = live.get(id);
      if (!recs) {
        old.push(req);
        continue;
      }
      const resp = await cache.match(req);
      const blob = resp ? await resp.blob() : null;
      const liveBytes = recs.reduce((s, r) => s + r.size, 0);
      if (!blob || blob.size === liveBytes) continue;
      recs.sort((a, b) => a.at - b.at);
      for (const r of recs) moving.push([blob, r]);
      old.push(req);
    }
    let batch = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length) await write(batch);
      batch = [];
      bytes = 0;
    };
    for (const [blob, r] of moving) {
      batch.push({ name: r.name, body: blob.slice(r.at, r.at + r.size), gz: r.gz });
      bytes += r.size;
      if (bytes >= PACK_MOST) await flush();
    }
    await flush();
    for (const req of old) await cache.delete(req);
    return { removed: dead.length, repacked: moving.length };
  }

  /** usage returns {files, packs, bytes}: what the saved files take. */
  async function usage() {
    const all = await records();
    const packs = new Set(all.map((r) => r.pack));
    return { files: all.length, packs: packs.size, bytes: all.reduce((s, r) => s + r.size, 0) };
  }

  return { packURL, write, prune, usage };
}
