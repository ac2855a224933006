/**
 * The thread that commits feedback (see FeedbackStore.add). A commit with `synchronous = FULL`
 * waits for the disk, and a write lock held by another process makes SQLite sleep in its busy
 * handler: here that blocks this thread only, never the server's.
 */
import Database from 'better-sqlite3';
import { serve } from '../parallel/rpc.js';

/** A commit's answer: its sequence number, or SQLite's error code and message as data. */
export type WriteAnswer = { seq: number } | { code: string; message: string };

let db: Database.Database | null = null;
let insert: Database.Statement | null = null;

serve((m) => {
  if (m.type === 'open') {
    db = new Database(m.path as string, { fileMustExist: true });
    db.pragma(`busy_timeout = ${Number(m.busyMs)}`);
    db.pragma('synchronous = FULL');
    insert = db.prepare('INSERT INTO feedback (received_at, paper_id, title, abstract, categories, predicted, model_etag) VALUES (?, ?, ?, ?, ?, ?, ?)');
    return { result: null };
  }
  if (m.type === 'add') {
    try {
      const r = insert!.run(...(m.row as unknown[]));
      const result: WriteAnswer = { seq: Number(r.lastInsertRowid) };
      return { result };
    } catch (e) {
      const result: WriteAnswer = { code: String((e as { code?: unknown }).code ?? ''), message: (e as Error).message };
      return { result };
    }
  }
  if (m.type === 'close') {
    db?.close();
    return { result: null };
  }
  throw new Error(`feedback writer: unknown request ${String(m.type)}`);
});
