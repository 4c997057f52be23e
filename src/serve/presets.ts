import { SIMPLE_DEFAULTS } from "../model/simple.ts";
import type { SimpleParams } from "../model/simple.ts";

export interface Preset {
  name: string;
  description: string;
  model: "simple" | "hlr";
  /** The model parameters, as the page shows them. */
  params: Record<string, number | string>;
  /** For the simple model: its intensities. */
  simple: SimpleParams;
}

const simple = (name: string, description: string, p: SimpleParams): Preset => ({
  name,
  description,
  model: "simple",
  params: { ...p },
  simple: p,
});

/** Model parameter sets offered when creating a simulation. */
export const PRESETS: Preset[] = [
  simple(
    "default",
    "SimpleImbalance with the values the C++ reference implementation uses",
    SIMPLE_DEFAULTS,
  ),
  simple("calm", "fewer market orders, deeper queues: a slow, tight market", {
    ...SIMPLE_DEFAULTS,
    baseL: 25,
    baseC: 0.3,
    baseM: 8,
  }),
  simple("volatile", "more market orders and cancels: the price moves more", {
    ...SIMPLE_DEFAULTS,
    baseL: 18,
    baseC: 0.8,
    baseM: 25,
    spreadSens: 0.2,
  }),
  {
    name: "hlr",
    description: "HLR2014 queue-size curves (Huang, Lehalle & Rosenbaum), default curves",
    model: "hlr",
    params: {
      "add, best level": "15 / (1 + 0.12 n)",
      "add, deeper": "5 / (1 + 0.2 n)",
      cancel: "0.3 n / (1 + 0.02 n)",
      market: "8 (0 on an empty queue)",
      spreadSens: 0.3,
      imbalanceSens: 1,
    },
    simple: SIMPLE_DEFAULTS,
  },
];
