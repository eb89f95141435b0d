/**
 * Which fields of a record are sealed: `top` names fields of the record itself, `inArrays` fields of the items of
 * its arrays. A field absent from a record is skipped, so a plan may name fields that only some records carry.
 */
export interface SealingPlan {
  readonly top: readonly string[];
  readonly inArrays: Readonly<Record<string, readonly string[]>>;
}

const own = (o: object, k: string) => Object.hasOwn(o, k);

/** Splits a record into what may be stored in clear and the sensitive fields (to be sealed), per `plan`. */
export function splitRecord(
  record: object,
  plan: SealingPlan,
): { clear: Record<string, unknown>; secret: Record<string, unknown> } {
  const clear: Record<string, unknown> = { ...record };
  const secret: Record<string, unknown> = {};
  for (const field of plan.top) {
    if (!own(clear, field)) continue;
    secret[field] = clear[field];
    delete clear[field];
  }
  for (const [array, fields] of Object.entries(plan.inArrays)) {
    const items = clear[array];
    if (!Array.isArray(items)) continue;
    const hidden: Record<string, unknown>[] = [];
    clear[array] = items.map((item: unknown) => {
      if (typeof item !== 'object' || item === null) {
        hidden.push({});
        return item;
      }
      const kept: Record<string, unknown> = { ...item };
      const taken: Record<string, unknown> = {};
      for (const field of fields) {
        if (!own(kept, field)) continue;
        taken[field] = kept[field];
        delete kept[field];
      }
      hidden.push(taken);
      return kept;
    });
    secret[array] = hidden;
  }
  return { clear, secret };
}

/** Puts back together what `splitRecord` split. */
export function joinRecord<T>(clear: Record<string, unknown>, secret: Record<string, unknown>, plan: SealingPlan): T {
  const record: Record<string, unknown> = { ...clear };
  for (const field of plan.top) if (own(secret, field)) record[field] = secret[field];
  for (const array of Object.keys(plan.inArrays)) {
    const items = record[array];
    const hidden = secret[array];
    if (!Array.isArray(items) || !Array.isArray(hidden)) continue;
    record[array] = items.map((item: unknown, i) =>
      typeof item === 'object' && item !== null ? { ...item, ...(hidden[i] as object | undefined) } : item,
    );
  }
  return record as T;
}
