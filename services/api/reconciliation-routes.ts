import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import * as v from 'valibot';
import { AppError } from '../../shared/domain/errors.ts';
import { CSV_HEADER, csvRows, DAY_PATTERN, daysBetween } from '../../shared/domain/reconciliation.ts';
import { operatorAuth } from '../../shared/http/auth.ts';
import type { AppEnv } from '../../shared/http/env.ts';
import { parseJsonBody, parseQuery } from '../../shared/http/validate.ts';
import { allDifferences, getReconciliation, listReconciliations } from '../../shared/use-cases/read-reconciliations.ts';
import { startReconciliations } from '../../shared/use-cases/start-reconciliation.ts';
import type { ApiDeps } from './deps.ts';

/** At most this many days in one request: a month. */
const MAX_DAYS = 31;

const Day = v.pipe(
  v.string(),
  v.regex(DAY_PATTERN, 'a day as YYYY-MM-DD'),
  v.check(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'not a calendar day',
  ),
);

/** `{"date"}` or `{"from","to"}`: the business days to reconcile. */
export const StartBody = v.union([
  v.strictObject({ date: Day }),
  v.pipe(
    v.strictObject({ from: Day, to: Day }),
    v.check((b) => b.from <= b.to, 'from must not be after to'),
    v.check((b) => daysBetween(b.from, b.to).length <= MAX_DAYS, `at most ${MAX_DAYS} days at once`),
  ),
]);

export const RunsQuery = v.strictObject({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100)), '20'),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(512))),
});

export const ReportQuery = v.strictObject({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), '100'),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(512))),
});

export const RunId = v.pipe(v.string(), v.regex(/^rec_[A-Za-z0-9_]{1,64}$/));

function runIdParam(id: string): string {
  if (!v.is(RunId, id)) throw new AppError('not-found', `no reconciliation ${id}`);
  return id;
}

/**
 * Reconciliation for finance, a sub-app of the api service: start runs by hand (`reconciliations.run`, audited), read
 * the reports (`reconciliations.read`; see the permission table in shared/domain/permissions.ts), one as CSV with `Accept: text/csv`. A run is started through the `reconciliations` queue, so the request
 * answers 202 at once; a day being reconciled answers 409.
 */
export function createReconciliationApp(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const read = operatorAuth(deps.operatorKeys, 'reconciliations.read');
  const run = operatorAuth(deps.operatorKeys, 'reconciliations.run');

  app.post('/v1/ops/reconciliations', run, async (c) => {
    const body = await parseJsonBody(c, StartBody);
    const days = 'date' in body ? [body.date] : daysBetween(body.from, body.to);
    const runs = await startReconciliations(
      {
        days,
        trigger: 'manual',
        requestedBy: c.get('operator').keyId,
        actor: { ...c.get('operator'), requestId: c.get('requestId') },
      },
      { ...deps, logger: c.get('logger') },
    );
    const first = runs[0]!;
    return c.json(
      {
        id: first.id,
        day: first.day,
        status: first.status,
        runs: runs.map((r) => ({ id: r.id, day: r.day, status: r.status })),
      },
      202,
    );
  });

  app.get('/v1/ops/reconciliations', read, async (c) => {
    const q = parseQuery(c, RunsQuery);
    const page = await listReconciliations(q.limit, q.cursor, deps);
    return c.json({ items: page.items, nextCursor: page.nextCursor });
  });

  app.get('/v1/ops/reconciliations/:id', read, async (c) => {
    const id = runIdParam(c.req.param('id'));
    if ((c.req.header('accept') ?? '').includes('text/csv')) {
      await getReconciliation(id, { limit: 1 }, deps); // 404 before any byte of CSV
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', `attachment; filename="${id}.csv"`);
      return stream(c, async (out) => {
        await out.write(CSV_HEADER);
        for await (const page of allDifferences(id, deps)) await out.write(csvRows(page));
      });
    }
    const q = parseQuery(c, ReportQuery);
    const { run, differences } = await getReconciliation(
      id,
      { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) },
      deps,
    );
    return c.json({ ...run, differences: differences.items, nextCursor: differences.nextCursor });
  });

  return app;
}
