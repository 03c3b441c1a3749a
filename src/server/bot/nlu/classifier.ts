import { assignStratifiedFolds, createRandom, type LabelledExample, shuffleInPlace, splitDataset } from './dataset.ts';
import { extractFeatures, type TokenizeOptions } from './tokenize.ts';

/**
 * Intent classifier: one-vs-rest L2-loss linear SVMs (liblinear's dual coordinate descent with shrinking)
 * over sublinear TF-IDF features, in two L2-normalised blocks (words+bigrams+concepts, character n-grams)
 * so neither block drowns the other. Scores become probabilities by a softmax whose temperature is fitted on a
 * held-out calibration slice of the training data; the same slice tunes the out-of-scope threshold.
 *
 * Why not logistic regression or a neural net: on short-text intent data a well-regularised linear SVM over
 * char n-grams is within a couple of points of fine-tuned transformers, trains in seconds in plain TypeScript,
 * and its model serialises to a sparse, quantised blob.
 */

export type { LabelledExample } from './dataset.ts';

export type TrainOptions = {
  /** Seed for every random choice (shuffles, calibration split). Default 1. */
  seed?: number;
  /** Maximum passes of coordinate descent per class. Default 60 (it usually stops earlier on tolerance). */
  epochs?: number;
  /** SVM cost: larger fits the training data harder. Default 0.5. */
  C?: number;
  /** Stopping tolerance on the projected-gradient spread (liblinear's eps). Default 0.1. */
  tolerance?: number;
  /** Weight of the word block (words, bigrams, concepts) relative to the character block. Default 1. */
  wordWeight?: number;
  /** Weight of the character n-gram block. Default 1. */
  charWeight?: number;
  /** Weight of the cross-word character n-gram block (only filled when `tokenize.phraseCharRange` is set). Default 1. */
  phraseWeight?: number;
  /** Ignore features seen in fewer training utterances than this. Default 1. */
  minDf?: number;
  /**
   * Hold out this fraction to fit the temperature and the out-of-scope threshold, then retrain on all. Default 0.1;
   * 0 turns calibration off. Used on sets larger than `calibrationFoldsUpTo`.
   */
  calibrationFraction?: number;
  /** Up to this many examples, calibrate on k-fold out-of-fold scores instead of one slice. Default 5000. */
  calibrationFoldsUpTo?: number;
  /** k for k-fold calibration. Default 5. */
  calibrationFolds?: number;
  /** Label meaning "out of scope" in the training data. Default 'oos'. */
  oosLabel?: string;
  /** Drop weights smaller than this fraction of their class's largest weight. Default 0.01. */
  pruneRatio?: number;
  /** Cost of missing an oos example relative to a wrong in-scope answer when tuning the threshold. Default 2. */
  oosMissCost?: number;
  tokenize?: TokenizeOptions;
};

export type IntentModel = {
  labels: string[];
  /** Index of the out-of-scope label in `labels`, or -1 when the training data had none. */
  oosIndex: number;
  oosLabel: string;
  featureIndex: Map<string, number>;
  idf: Float32Array;
  /** 0 = word block, 1 = character block, 2 = cross-word character block, per feature. */
  block: Uint8Array;
  blockWeights: [number, number, number];
  /** Sparse weights stored by feature: classes `weightClass[weightStart[f] .. weightStart[f+1])`. */
  weightStart: Uint32Array;
  weightClass: Uint16Array;
  weightValue: Float32Array;
  bias: Float32Array;
  temperature: number;
  /** Raw out-of-scope score (1 − best in-scope probability) above which the message is handed off. */
  oosThreshold: number;
  tokenize: TokenizeOptions;
};

export type IntentResult = {
  intent: string;
  confidence: number;
  outOfScope: number;
  ranking: { intent: string; confidence: number }[];
};

/**
 * Default threshold for `isOutOfScope`. Each model rescales its own tuned threshold to 0.5 (see
 * `scaleOutOfScope`), so this default is the threshold tuned on that model's calibration split.
 */
export const DEFAULT_OOS_THRESHOLD = 0.5;

type SparseVector = { indices: Int32Array; values: Float64Array };

type Core = Omit<IntentModel, 'temperature' | 'oosThreshold' | 'oosLabel' | 'oosIndex' | 'labels'>;

const DEFAULTS = {
  seed: 1,
  epochs: 60,
  C: 0.5,
  tolerance: 0.1,
  wordWeight: 1,
  charWeight: 1,
  phraseWeight: 1,
  minDf: 1,
  calibrationFraction: 0.1,
  calibrationFoldsUpTo: 5000,
  calibrationFolds: 5,
  oosLabel: 'oos',
  pruneRatio: 0.01,
  oosMissCost: 2,
};

type ResolvedOptions = typeof DEFAULTS & { tokenize: TokenizeOptions };

function featuresOf(text: string, tokenize: TokenizeOptions): [string[], string[]] {
  const { words, chars } = extractFeatures(text, tokenize);
  return [words, chars];
}

/** Train a model from labelled utterances. Deterministic for a given seed and option set. */
export function trainIntentModel(examples: LabelledExample[], options: TrainOptions = {}): IntentModel {
  if (examples.length === 0) throw new Error('trainIntentModel needs at least one example');
  const opts: ResolvedOptions = { ...DEFAULTS, ...stripUndefined(options), tokenize: options.tokenize ?? {} };
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const oosIndex = labels.indexOf(opts.oosLabel);
  // Tokenise once; the calibration model and the final model share the features.
  const features = examples.map((example) => featuresOf(example.text, opts.tokenize));
  const targets = Int32Array.from(examples, (example) => labelIndex.get(example.label)!);

  // Calibration data: out-of-fold scores (k-fold on small sets, where one slice would be too noisy to tune a
  // threshold on) or a single held-out slice (large sets, where k extra trainings would cost too much time).
  const folds = assignCalibrationFolds(examples, opts);
  let temperature = 0.1;
  let oosThreshold = 0.5;
  if (folds) {
    const validScores: Float64Array[] = [];
    const validTargets: number[] = [];
    for (let fold = 0; fold < folds.count; fold++) {
      const trainRows: number[] = [];
      const validRows: number[] = [];
      folds.of.forEach((f, i) => {
        if (f === fold) validRows.push(i);
        else trainRows.push(i);
      });
      if (validRows.length === 0) continue;
      const core = fitCore(
        trainRows.map((i) => features[i]),
        Int32Array.from(trainRows, (i) => targets[i]),
        labels.length,
        opts,
      );
      for (const i of validRows) {
        validScores.push(scoreVector(core, labels.length, vectorize(core, features[i])));
        validTargets.push(targets[i]);
      }
    }
    temperature = fitTemperature(validScores, validTargets);
    oosThreshold = fitOosThreshold(
      validScores.map((scores) => softmax(scores, temperature)),
      validTargets,
      oosIndex,
      opts.oosMissCost,
    );
  }
  const core = fitCore(features, targets, labels.length, opts);
  return { ...core, labels, oosIndex, oosLabel: opts.oosLabel, temperature, oosThreshold };
}

/**
 * Fold of each example for calibration, or undefined when calibration is off or the data is too small.
 * Small sets (≤ `calibrationFoldsUpTo` examples): stratified k-fold, every example scored once out of fold.
 * Larger sets: one stratified held-out slice (fold 0); the other examples (fold −1) only train.
 */
function assignCalibrationFolds(
  examples: LabelledExample[],
  opts: ResolvedOptions,
): { of: Int32Array; count: number } | undefined {
  if (opts.calibrationFraction <= 0 || examples.length < 20) return undefined;
  if (examples.length <= opts.calibrationFoldsUpTo) {
    const count = opts.calibrationFolds;
    return { of: assignStratifiedFolds(examples, count, opts.seed + 101), count };
  }
  const of = new Int32Array(examples.length).fill(-1);
  const { valid } = splitDataset(
    examples.map((example, index) => ({ label: example.label, index })),
    opts.calibrationFraction,
    opts.seed,
  );
  if (valid.length < 10) return undefined;
  for (const row of valid) of[row.index] = 0;
  return { of, count: 1 };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function fitCore(
  features: [string[], string[]][],
  targets: Int32Array,
  classCount: number,
  opts: ResolvedOptions,
): Core {
  // Document frequencies decide the vocabulary and the idf.
  const df = new Map<string, number>();
  for (const blocks of features) {
    for (const list of blocks) for (const feature of new Set(list)) df.set(feature, (df.get(feature) ?? 0) + 1);
  }
  const featureIndex = new Map<string, number>();
  for (const [feature, count] of df) if (count >= opts.minDf) featureIndex.set(feature, featureIndex.size);
  const featureCount = featureIndex.size;
  const idf = new Float32Array(featureCount);
  const block = new Uint8Array(featureCount);
  const n = features.length;
  for (const [feature, index] of featureIndex) {
    idf[index] = Math.log((1 + n) / (1 + df.get(feature)!)) + 1;
    block[index] = blockOf(feature);
  }
  const blockWeights: [number, number, number] = [opts.wordWeight, opts.charWeight, opts.phraseWeight];
  const partial = { featureIndex, idf, block, blockWeights };
  const rows = features.map((blocks) => vectorizeBlocks(partial, blocks));

  // CSR matrix with a constant bias feature appended as the last column (liblinear's -B 1).
  const biasColumn = featureCount;
  let nnz = 0;
  for (const row of rows) nnz += row.indices.length + 1;
  const rowStart = new Int32Array(n + 1);
  const colIndex = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const squaredNorm = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = at;
    const row = rows[i];
    let norm = 1;
    for (let k = 0; k < row.indices.length; k++) {
      colIndex[at] = row.indices[k];
      values[at] = row.values[k];
      norm += row.values[k] * row.values[k];
      at++;
    }
    colIndex[at] = biasColumn;
    values[at] = 1;
    at++;
    squaredNorm[i] = norm;
  }
  rowStart[n] = at;

  const weights: Float64Array[] = [];
  const random = createRandom(opts.seed * 7919 + 17);
  for (let c = 0; c < classCount; c++) {
    weights.push(trainBinarySvm(rowStart, colIndex, values, squaredNorm, targets, c, featureCount + 1, opts, random));
  }

  // Prune tiny weights and store by feature for fast sparse scoring.
  const bias = new Float32Array(classCount);
  const threshold = new Float64Array(classCount);
  for (let c = 0; c < classCount; c++) {
    bias[c] = weights[c][biasColumn];
    let max = 0;
    for (let j = 0; j < featureCount; j++) max = Math.max(max, Math.abs(weights[c][j]));
    threshold[c] = max * opts.pruneRatio;
  }
  const weightStart = new Uint32Array(featureCount + 1);
  const classList: number[] = [];
  const valueList: number[] = [];
  for (let j = 0; j < featureCount; j++) {
    weightStart[j] = classList.length;
    for (let c = 0; c < classCount; c++) {
      const w = weights[c][j];
      if (Math.abs(w) > threshold[c] && w !== 0) {
        classList.push(c);
        valueList.push(w);
      }
    }
  }
  weightStart[featureCount] = classList.length;
  return {
    ...partial,
    weightStart,
    weightClass: Uint16Array.from(classList),
    weightValue: Float32Array.from(valueList),
    bias,
    tokenize: opts.tokenize,
  };
}

/**
 * L2-regularised L2-loss SVM, dual coordinate descent with shrinking (Hsieh et al. 2008, liblinear solver 1).
 * Returns the primal weight vector (last entry = bias).
 */
function trainBinarySvm(
  rowStart: Int32Array,
  colIndex: Int32Array,
  values: Float64Array,
  squaredNorm: Float64Array,
  targets: Int32Array,
  positive: number,
  dimension: number,
  opts: ResolvedOptions,
  random: () => number,
): Float64Array {
  const n = targets.length;
  const w = new Float64Array(dimension);
  const alpha = new Float64Array(n);
  const y = new Int8Array(n);
  const diag = 0.5 / opts.C;
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = targets[i] === positive ? 1 : -1;
    qd[i] = squaredNorm[i] + diag;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let activeSize = n;
  // Only the lower bound can shrink: the L2-loss dual has no upper bound on alpha.
  let pgMaxOld = Number.POSITIVE_INFINITY;
  for (let iter = 0; iter < opts.epochs; iter++) {
    for (let s = activeSize - 1; s > 0; s--) {
      const j = Math.floor(random() * (s + 1));
      const tmp = order[s];
      order[s] = order[j];
      order[j] = tmp;
    }
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (let s = 0; s < activeSize; s++) {
      const i = order[s];
      const yi = y[i];
      const start = rowStart[i];
      const end = rowStart[i + 1];
      let dot = 0;
      for (let k = start; k < end; k++) dot += w[colIndex[k]] * values[k];
      const g = yi * dot - 1 + alpha[i] * diag;
      let pg = 0;
      if (alpha[i] === 0) {
        if (g > pgMaxOld) {
          activeSize--;
          order[s] = order[activeSize];
          order[activeSize] = i;
          s--;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        const next = Math.max(old - g / qd[i], 0);
        alpha[i] = next;
        const step = (next - old) * yi;
        for (let k = start; k < end; k++) w[colIndex[k]] += step * values[k];
      }
    }
    if (pgMax - pgMin <= opts.tolerance) {
      if (activeSize === n) break;
      // Converged on the active set: check everything once more before stopping.
      activeSize = n;
      pgMaxOld = Number.POSITIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Number.POSITIVE_INFINITY : pgMax;
  }
  return w;
}

function blockOf(feature: string): number {
  if (feature.startsWith('c:')) return 1;
  return feature.startsWith('x:') ? 2 : 0;
}

type VectorSpace = Pick<IntentModel, 'featureIndex' | 'idf' | 'block' | 'blockWeights'>;

/** Sublinear TF-IDF, each block L2-normalised then scaled by its weight. Unknown features are ignored. */
function vectorizeBlocks(space: VectorSpace, blocks: [string[], string[]]): SparseVector {
  const counts = new Map<number, number>();
  for (const list of blocks) {
    for (const feature of list) {
      const index = space.featureIndex.get(feature);
      if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
    }
  }
  const indices = Int32Array.from(counts.keys()).sort();
  const values = new Float64Array(indices.length);
  const norms = [0, 0, 0];
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k];
    const value = (1 + Math.log(counts.get(index)!)) * space.idf[index];
    values[k] = value;
    norms[space.block[index]] += value * value;
  }
  const scale = norms.map((norm, b) => (norm > 0 ? space.blockWeights[b] / Math.sqrt(norm) : 0));
  for (let k = 0; k < indices.length; k++) values[k] *= scale[space.block[indices[k]]];
  return { indices, values };
}

function vectorize(space: VectorSpace & { tokenize: TokenizeOptions }, blocks: [string[], string[]]): SparseVector {
  return vectorizeBlocks(space, blocks);
}

function scoreVector(model: Core, classCount: number, vector: SparseVector): Float64Array {
  const scores = Float64Array.from(model.bias.subarray(0, classCount));
  for (let k = 0; k < vector.indices.length; k++) {
    const feature = vector.indices[k];
    const value = vector.values[k];
    for (let p = model.weightStart[feature]; p < model.weightStart[feature + 1]; p++) {
      scores[model.weightClass[p]] += model.weightValue[p] * value;
    }
  }
  return scores;
}

function softmax(scores: Float64Array, temperature: number): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const score of scores) max = Math.max(max, score);
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    out[c] = Math.exp((scores[c] - max) / temperature);
    sum += out[c];
  }
  for (let c = 0; c < scores.length; c++) out[c] /= sum;
  return out;
}

/** Temperature minimising held-out negative log-likelihood (golden-section search on log T). */
function fitTemperature(scores: Float64Array[], targets: number[]): number {
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let total = 0;
    for (let i = 0; i < scores.length; i++) total -= Math.log(Math.max(softmax(scores[i], t)[targets[i]], 1e-12));
    return total;
  };
  let lo = Math.log(0.005);
  let hi = Math.log(5);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 40; step++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (nll(a) < nll(b)) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

/** Raw out-of-scope score: probability mass not on the best in-scope intent (so oos mass counts against it). */
function rawOutOfScope(probabilities: Float64Array, oosIndex: number): number {
  let best = 0;
  for (let c = 0; c < probabilities.length; c++) if (c !== oosIndex && probabilities[c] > best) best = probabilities[c];
  return 1 - best;
}

/**
 * Pick the hand-off threshold on the calibration slice.
 * With an oos class: maximise accuracy with oos counted as a class, an oos example weighing `OOS_MISS_COST` in-scope
 * ones (answering nonsense confidently is worse than handing a fair question to a human).
 * Without one: hand off when answering is more likely wrong than right — maximise (#correct kept − #wrong kept).
 */
function fitOosThreshold(probabilities: Float64Array[], targets: number[], oosIndex: number, missCost: number): number {
  const rows = probabilities.map((p, i) => {
    let argmax = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[argmax]) argmax = c;
    return { raw: rawOutOfScope(p, oosIndex), argmax, target: targets[i] };
  });
  const candidates = [...new Set(rows.map((row) => row.raw))].sort((a, b) => a - b);
  const cuts = [0.01, ...candidates.map((value, i) => (value + (candidates[i + 1] ?? 1)) / 2)];
  let best = { objective: Number.NEGATIVE_INFINITY, threshold: 0.5 };
  for (const cut of cuts) {
    if (cut <= 0.01 || cut >= 0.99) continue;
    let objective = 0;
    let correctIn = 0;
    let caught = 0;
    for (const row of rows) {
      const flagged = row.argmax === oosIndex || row.raw >= cut;
      if (oosIndex >= 0) {
        if (row.target === oosIndex) caught += flagged ? 1 : 0;
        else correctIn += !flagged && row.argmax === row.target ? 1 : 0;
      } else if (!flagged) {
        objective += row.argmax === row.target ? 1 : -1;
      }
    }
    if (oosIndex >= 0) objective = correctIn + missCost * caught;
    // Ties: prefer the higher threshold (hand off less when it costs nothing).
    if (objective >= best.objective) best = { objective, threshold: cut };
  }
  return Math.min(0.98, Math.max(0.02, best.threshold));
}

/** Map the raw score so that the model's tuned threshold lands on 0.5 (piecewise linear, monotone, 0..1). */
function scaleOutOfScope(raw: number, threshold: number): number {
  const scaled = raw <= threshold ? (0.5 * raw) / threshold : 0.5 + (0.5 * (raw - threshold)) / (1 - threshold);
  return Math.min(1, Math.max(0, scaled));
}

/** Classify one message. `ranking` holds the top three intents by calibrated probability. */
export function classifyIntent(model: IntentModel, text: string): IntentResult {
  const vector = vectorize(model, featuresOf(text, model.tokenize));
  const probabilities = softmax(scoreVector(model, model.labels.length, vector), model.temperature);
  const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  const raw = rawOutOfScope(probabilities, model.oosIndex);
  return {
    intent: model.labels[order[0]],
    confidence: probabilities[order[0]],
    outOfScope: scaleOutOfScope(raw, model.oosThreshold),
    ranking: order.slice(0, 3).map((c) => ({ intent: model.labels[c], confidence: probabilities[c] })),
  };
}

/**
 * Whether the bot should not answer this itself: the top intent is the oos label, or the out-of-scope score
 * reaches the threshold (default 0.5 = the model's own tuned threshold).
 */
export function isOutOfScope(result: IntentResult, threshold = DEFAULT_OOS_THRESHOLD): boolean {
  return result.intent === 'oos' || result.outOfScope >= threshold;
}

// ---------------------------------------------------------------------------------------------------------------
// Serialisation: JSON envelope with base64 binary sections. Weights are int8 with a per-class scale, stored
// sparsely by feature; idf is uint8 over its range. Features with no surviving weight are still stored because
// they take part in vector normalisation, but the char block dominates and is compact.

const FORMAT = 'kefu-intent-v1';

type SerializedModel = {
  format: string;
  labels: string[];
  oosIndex: number;
  oosLabel: string;
  temperature: number;
  oosThreshold: number;
  blockWeights: [number, number, number];
  tokenize: TokenizeOptions;
  bias: number[];
  scales: number[];
  idfRange: [number, number];
  features: string;
  idf: string;
  weights: string;
};

export function serializeIntentModel(model: IntentModel): string {
  const classCount = model.labels.length;
  const featureCount = model.idf.length;
  const scales = new Array<number>(classCount).fill(0);
  for (let p = 0; p < model.weightValue.length; p++) {
    const c = model.weightClass[p];
    scales[c] = Math.max(scales[c], Math.abs(model.weightValue[p]) / 127);
  }
  // Per feature: varint(#entries), then per entry varint(class delta) + int8 weight. Entries that round to 0 vanish.
  const bytes: number[] = [];
  const entries: [number, number][] = [];
  for (let f = 0; f < featureCount; f++) {
    entries.length = 0;
    for (let p = model.weightStart[f]; p < model.weightStart[f + 1]; p++) {
      const c = model.weightClass[p];
      const q = scales[c] > 0 ? Math.round(model.weightValue[p] / scales[c]) : 0;
      if (q !== 0) entries.push([c, q]);
    }
    pushVarint(bytes, entries.length);
    let previous = 0;
    for (const [c, q] of entries) {
      pushVarint(bytes, c - previous);
      previous = c;
      bytes.push(q & 0xff);
    }
  }
  let idfMin = Number.POSITIVE_INFINITY;
  let idfMax = Number.NEGATIVE_INFINITY;
  for (const value of model.idf) {
    idfMin = Math.min(idfMin, value);
    idfMax = Math.max(idfMax, value);
  }
  if (featureCount === 0) idfMin = idfMax = 1;
  const idfSpan = idfMax - idfMin || 1;
  const idfBytes = Uint8Array.from(model.idf, (value) => Math.round(((value - idfMin) / idfSpan) * 255));
  const features = new Array<string>(featureCount);
  for (const [feature, index] of model.featureIndex) features[index] = feature;
  const payload: SerializedModel = {
    format: FORMAT,
    labels: model.labels,
    oosIndex: model.oosIndex,
    oosLabel: model.oosLabel,
    temperature: model.temperature,
    oosThreshold: model.oosThreshold,
    blockWeights: model.blockWeights,
    tokenize: model.tokenize,
    bias: Array.from(model.bias, (b) => Number(b.toPrecision(6))),
    scales: scales.map((s) => Number(s.toPrecision(6))),
    idfRange: [idfMin, idfMax],
    // Features never contain newlines (normalisation collapses whitespace to single spaces).
    features: features.join('\n'),
    idf: Buffer.from(idfBytes).toString('base64'),
    weights: Buffer.from(Uint8Array.from(bytes)).toString('base64'),
  };
  return JSON.stringify(payload);
}

export function deserializeIntentModel(text: string): IntentModel {
  const payload = JSON.parse(text) as SerializedModel;
  if (payload.format !== FORMAT) throw new Error(`unsupported intent model format: ${String(payload.format)}`);
  const features = payload.features === '' ? [] : payload.features.split('\n');
  const featureIndex = new Map(features.map((feature, index) => [feature, index]));
  const [idfMin, idfMax] = payload.idfRange;
  const idfBytes = Buffer.from(payload.idf, 'base64');
  const idf = Float32Array.from(idfBytes, (byte) => idfMin + (byte / 255) * (idfMax - idfMin));
  const block = Uint8Array.from(features, blockOf);
  const bytes = Buffer.from(payload.weights, 'base64');
  const weightStart = new Uint32Array(features.length + 1);
  const classes: number[] = [];
  const values: number[] = [];
  let at = 0;
  const readVarint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  for (let f = 0; f < features.length; f++) {
    weightStart[f] = classes.length;
    const count = readVarint();
    let c = 0;
    for (let e = 0; e < count; e++) {
      c += readVarint();
      const q = (bytes[at++] << 24) >> 24;
      classes.push(c);
      values.push(q * payload.scales[c]);
    }
  }
  weightStart[features.length] = classes.length;
  return {
    labels: payload.labels,
    oosIndex: payload.oosIndex,
    oosLabel: payload.oosLabel,
    featureIndex,
    idf,
    block,
    blockWeights: payload.blockWeights,
    weightStart,
    weightClass: Uint16Array.from(classes),
    weightValue: Float32Array.from(values),
    bias: Float32Array.from(payload.bias),
    temperature: payload.temperature,
    oosThreshold: payload.oosThreshold,
    tokenize: payload.tokenize,
  };
}

function pushVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

// Re-exported so callers can shuffle with the same deterministic PRNG as training.
export { createRandom, shuffleInPlace };
