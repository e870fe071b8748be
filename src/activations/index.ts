/**
 * The activations, one file each (src/activations/activation.ts says what a file declares). The
 * list of names — the config schema's enum, did-you-mean, the docs' lists (checked by
 * test/unit/activations/docs-list.test.ts) — derives from ACTIVATION_LIST.
 */
import type { Activation } from './activation.js';
import { erf } from './erf.js';
import { gelu } from './gelu.js';
import { relu } from './relu.js';
import { sin } from './sin.js';
import { softplus } from './softplus.js';
import { swish } from './swish.js';
import { tanh } from './tanh.js';

export const ACTIVATION_LIST = [relu, erf, tanh, gelu, softplus, sin, swish] as const;

export type ActivationName = (typeof ACTIVATION_LIST)[number]['name'];

export const ACTIVATIONS = ACTIVATION_LIST.map((a) => a.name) as unknown as readonly [
  ActivationName,
  ...ActivationName[],
];

const BY_NAME = new Map<string, Activation<ActivationName>>(ACTIVATION_LIST.map((a) => [a.name, a]));

/** The activation named `name`; throws RangeError for an unknown name. */
export function activation(name: ActivationName): Activation<ActivationName> {
  const a = BY_NAME.get(name);
  if (!a) throw new RangeError(`activation not supported: ${String(name)}`);
  return a;
}

export type { Activation, DualExpect, ScalarFns, TfOps } from './activation.js';
