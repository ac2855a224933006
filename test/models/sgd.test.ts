import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernels, SparseRowScratch } from '../../src/models/linear/kernels.js';
import type { ArchiveShare } from '../../src/models/linear/loss.js';
import { SOFTMAX } from '../../src/models/linear/softmax-loss.js';
import { sgdEpoch, type EpochInput } from '../../src/models/linear/sgd.js';
import { createMemory, WasmArena } from '../../src/wasm/memory.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * One SGD step on one paper (feature 0 = 1; primary class 0, cross-listed to class 2) from zero
 * weights, learning rate 1: the weight row of feature 0 moves by minus the gradient, whatever the
 * kernels do inside, so the gradient's formula is checked number by number.
 */
function oneStep(crossListLoss: number, crossListBias: Float32Array | null, archiveShare: ArchiveShare | null, startBias = [0, 0, 0]) {
  const C = 3;
  const memory = createMemory({ initialBytes: 1 << 16 });
  const arena = new WasmArena(memory);
  const weights = arena.alloc(2 * C * 4);
  const slots = { kernels: new Kernels(memory), row: new SparseRowScratch(arena, 8), scores: arena.allocF32(C), grad: arena.allocF32(C), active: arena.allocI32(C), dense: arena.allocF32(C) };
  const bias = Float32Array.from(startBias);
  const input: EpochInput = {
    loss: SOFTMAX,
    classes: C,
    x: { rows: 1, cols: 2, indptr: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float32Array.of(1) },
    xTitle: null,
    labelPtr: Int32Array.of(0, 2),
    labelIdx: Int32Array.of(0, 2),
    order: Int32Array.of(0),
    slots,
    weights,
    bias,
    classWeight: null,
    lrStart: 1,
    lrEnd: 1,
    l2: 0,
    dropAbstract: 0,
    coins: null,
    archiveShare,
    crossListLoss,
    crossListBias,
  };
  const loss = sgdEpoch(input);
  return { loss, row: Array.from(new Float32Array(memory.buffer, weights, C)), bias: Array.from(bias), crossListBias: crossListBias && Array.from(crossListBias) };
}

const close = (actual: number[], expected: number[], what: string) =>
  assert.ok(
    actual.every((a, i) => Math.abs(a - expected[i]!) < 1e-6),
    `${what}: ${actual} vs ${expected}`,
  );

test('softmax step: the weights move by minus (p − y) and the loss is −log p of the primary', () => {
  const r = oneStep(0, null, null);
  close(r.row, [2 / 3, -1 / 3, -1 / 3], 'weights');
  close(r.bias, [2 / 3, -1 / 3, -1 / 3], 'bias');
  assert.ok(Math.abs(r.loss - Math.log(3)) < 1e-9);
});

test('the cross-list loss adds w·(σ(score + bias + offset) − carried) per class, and moves the offsets by the same', () => {
  const offsets = [-2, -1, 0.5];
  const w = 0.5;
  const r = oneStep(w, Float32Array.from(offsets), null);
  const carried = [1, 0, 1];
  const aux = offsets.map((o, c) => w * (sigmoid(o) - carried[c]!));
  const soft = [1 / 3 - 1, 1 / 3, 1 / 3];
  const grad = soft.map((g, c) => g + aux[c]!);
  close(r.row, grad.map((g) => -g), 'weights');
  close(r.bias, grad.map((g) => -g), 'bias');
  close(r.crossListBias!, offsets.map((o, c) => o - aux[c]!), 'offsets');
  // The loss it reports is the softmax's alone: that is what early stopping compares.
  assert.ok(Math.abs(r.loss - Math.log(3)) < 1e-9);
});

test('the cross-list sigmoid reads the softmax bias too: a class the bias already favours is pushed less', () => {
  const start = [1, -1, 0.5];
  const offsets = [-2, -1, 0.5];
  const w = 0.5;
  const r = oneStep(w, Float32Array.from(offsets), null, start);
  const e = start.map(Math.exp);
  const z = e.reduce((a, b) => a + b, 0);
  const carried = [1, 0, 1];
  const grad = start.map((b, c) => e[c]! / z - (c === 0 ? 1 : 0) + w * (sigmoid(b + offsets[c]!) - carried[c]!));
  close(r.row, grad.map((g) => -g), 'weights');
  close(r.bias, start.map((b, c) => b - grad[c]!), 'bias');
});

test('archive sharing adds share × the archive’s summed gradient to each of its classes; a class alone in its archive keeps its own', () => {
  const share = 0.25;
  const r = oneStep(0, null, { of: Int32Array.of(0, 0, -1), archives: 1, share });
  const soft = [1 / 3 - 1, 1 / 3, 1 / 3];
  const sum = soft[0]! + soft[1]!;
  close(r.row, [-(soft[0]! + share * sum), -(soft[1]! + share * sum), -soft[2]!], 'weights');
});
