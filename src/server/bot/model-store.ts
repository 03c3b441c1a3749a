import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/db.ts';
import { insertBuiltinModel, selectBuiltinModel } from './bot.queries.ts';
import { BUILTIN_DATA_DIR, trainBuiltinModel } from './nlu/builtin-model.ts';
import { deserializeIntentModel, type IntentModel, serializeIntentModel } from './nlu/classifier.ts';

const NLU_DIR = path.join(import.meta.dirname, 'nlu');

/** Changes whenever the training data or the engine's code changes, so a stale model is never loaded. */
function computeBuiltinHash(): string {
  const hash = crypto.createHash('sha256');
  for (const dir of [BUILTIN_DATA_DIR, NLU_DIR]) {
    for (const name of fs.readdirSync(dir).sort()) {
      if (!/\.(txt|ts)$/.test(name)) continue;
      hash.update(name);
      hash.update(fs.readFileSync(path.join(dir, name)));
    }
  }
  return hash.digest('hex').slice(0, 32);
}

let cachedHash: string | undefined;
const loaded = new Map<string, Promise<IntentModel>>();

/**
 * The built-in intent model: from memory, else from the database (so every node uses the same one), else trained
 * once from data/intents and stored. Concurrent callers share one load.
 */
export function getBuiltinIntentModel(db: Db): Promise<IntentModel> {
  cachedHash ??= computeBuiltinHash();
  const hash = cachedHash;
  let model = loaded.get(hash);
  if (!model) {
    model = loadOrTrain(db, hash);
    loaded.set(hash, model);
    model.catch(() => loaded.delete(hash));
  }
  return model;
}

async function loadOrTrain(db: Db, hash: string): Promise<IntentModel> {
  const stored = await selectBuiltinModel(db, hash);
  if (stored) return deserializeIntentModel(stored);
  const started = Date.now();
  const model = trainBuiltinModel();
  const serialized = serializeIntentModel(model);
  await insertBuiltinModel(db, {
    dataHash: hash,
    model: serialized,
    metrics: { trainMs: Date.now() - started, bytes: serialized.length },
  });
  // Serve the stored form, so this node classifies exactly as nodes that load it from the database.
  return deserializeIntentModel(serialized);
}
