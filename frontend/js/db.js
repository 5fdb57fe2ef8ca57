// The one owner of IndexedDB. Stores:
//   kv       — session, reference data, settings (key → value)
//   outbox   — changes not yet accepted by the server, oldest first (autoIncrement seq)
//   workers  — the agent's participants (server copies and ones registered offline)
//   payments — payments taken on this phone (for receipts and today's numbers)
const DB_NAME = "perisai";
const DB_VERSION = 1;
let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function open() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("kv");
      const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      outbox.createIndex("op_id", "op_id", { unique: true });
      outbox.createIndex("entity_id", "entity_id");
      db.createObjectStore("workers", { keyPath: "id" });
      const payments = db.createObjectStore("payments", { keyPath: "id" });
      payments.createIndex("worker_id", "worker_id");
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgraded the schema: let it, and reopen on next use.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
  });
  return opening;
}

// Run `work(stores)` in one transaction; resolves when the transaction has committed.
export async function tx(names, mode, work) {
  const db = await open();
  const list = Array.isArray(names) ? names : [names];
  const transaction = db.transaction(list, mode);
  const stores = Object.fromEntries(list.map((n) => [n, transaction.objectStore(n)]));
  const done = new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("aborted"));
  });
  let result;
  try {
    result = await work(stores);
  } catch (error) {
    try {
      transaction.abort();
    } catch {
      /* already finished */
    }
    throw error;
  }
  await done;
  return result;
}

export const req = promised;

export async function get(store, key) {
  return tx(store, "readonly", (s) => promised(s[store].get(key)));
}

export async function put(store, value, key) {
  return tx(store, "readwrite", (s) => promised(key === undefined ? s[store].put(value) : s[store].put(value, key)));
}

export async function del(store, key) {
  return tx(store, "readwrite", (s) => promised(s[store].delete(key)));
}

export async function all(store) {
  return tx(store, "readonly", (s) => promised(s[store].getAll()));
}

export async function count(store) {
  return tx(store, "readonly", (s) => promised(s[store].count()));
}

export async function byIndex(store, index, value) {
  return tx(store, "readonly", (s) => promised(s[store].index(index).getAll(value)));
}

export async function clear(stores) {
  return tx(stores, "readwrite", (s) => Promise.all(Object.values(s).map((x) => promised(x.clear()))));
}

export async function kvKeys() {
  return tx("kv", "readonly", (s) => promised(s.kv.getAllKeys()));
}

export const kv = {
  get: (key) => get("kv", key),
  set: (key, value) => put("kv", value, key),
  del: (key) => del("kv", key),
};
