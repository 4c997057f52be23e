import { isSymbol } from "../core/symbol.ts";
import type { RunPlan } from "./catalog.ts";

/** `simulation.json`'s plan is read from disk: every field is checked before any is used. */
export class PlanError extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PRESET = /^[a-z0-9_-]{1,40}$/;

function whole(v: unknown, key: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new PlanError(
      `plan.${key}: ${JSON.stringify(v)} is not a whole number from ${min} to ${max}`,
    );
  }
  return v;
}

/** The plan of `simulation.json`, or a PlanError naming the first field that is not sound. */
export function checkPlan(raw: unknown): RunPlan {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new PlanError("plan: not an object");
  }
  const p = raw as Record<string, unknown>;
  if (!Array.isArray(p.symbols) || p.symbols.length === 0 || p.symbols.length > 100_000) {
    throw new PlanError("plan.symbols: not a list of 1 to 100,000 symbols");
  }
  const symbols = p.symbols.map((s, i) => {
    if (s !== null && (typeof s !== "string" || !isSymbol(s))) {
      throw new PlanError(`plan.symbols[${i}]: ${JSON.stringify(s)} is not a symbol`);
    }
    return s as string | null;
  });
  if (!Array.isArray(p.p0Ticks) || p.p0Ticks.length !== symbols.length) {
    throw new PlanError("plan.p0Ticks: not a list with one price per symbol");
  }
  const plan: RunPlan = {
    symbols,
    p0Ticks: p.p0Ticks.map((v, i) => whole(v, `p0Ticks[${i}]`, 1, 2 ** 31 - 1)),
    days: whole(p.days, "days", 0, 100_000),
    sessionSeconds: whole(p.sessionSeconds, "sessionSeconds", 1, 86_400),
    seed: whole(p.seed, "seed", 0, Number.MAX_SAFE_INTEGER),
    startDate: "",
    levels: whole(p.levels, "levels", 1, 1000),
  };
  if (typeof p.startDate !== "string" || !DATE.test(p.startDate)) {
    throw new PlanError(`plan.startDate: ${JSON.stringify(p.startDate)} is not YYYY-MM-DD`);
  }
  plan.startDate = p.startDate;
  if (p.preset !== undefined) {
    if (typeof p.preset !== "string" || !PRESET.test(p.preset)) {
      throw new PlanError(`plan.preset: ${JSON.stringify(p.preset)} is not a preset's name`);
    }
    plan.preset = p.preset;
  }
  if (p.thetaReinit !== undefined) {
    if (typeof p.thetaReinit !== "number" || !(p.thetaReinit >= 0 && p.thetaReinit <= 1)) {
      throw new PlanError(`plan.thetaReinit: ${JSON.stringify(p.thetaReinit)} is not from 0 to 1`);
    }
    if (p.thetaReinit > 0) plan.thetaReinit = p.thetaReinit;
  }
  return plan;
}
