import type { JobRecord } from './job-records.ts';
import type { QueueRecord, TaskRecord } from './records.ts';

/** How often the page reloads itself. */
const REFRESH_SECONDS = 2;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const time = (ms: number | undefined): string => (ms === undefined ? '—' : new Date(ms).toISOString());

function cells(values: readonly string[], tag: 'td' | 'th' = 'td'): string {
  return `<tr>${values.map((v) => `<${tag}>${escapeHtml(v)}</${tag}>`).join('')}</tr>`;
}

function lastResponse(task: TaskRecord): string {
  const attempt = task.lastAttempt;
  if (!attempt) return '—';
  if (!attempt.responseStatus) return 'in flight';
  return task.previousResponse === undefined ? attempt.responseStatus.message : `HTTP ${task.previousResponse}`;
}

function queueSection(queue: QueueRecord): string {
  const tasks = [...queue.tasks.values()].sort((a, b) => a.scheduleTimeMs - b.scheduleTimeMs);
  const { maxDispatchesPerSecond, maxBurstSize, maxConcurrentDispatches } = queue.rateLimits;
  return [
    `<h3>${escapeHtml(queue.name)}</h3>`,
    `<p>${escapeHtml(
      `${queue.state} · ${maxDispatchesPerSecond}/s, burst ${maxBurstSize}, ` +
        `${maxConcurrentDispatches} concurrent · ${queue.flow.inFlight} in flight · ${tasks.length} task(s)`,
    )}</p>`,
    '<table>',
    cells(['task', 'url', 'schedule time', 'attempts', 'responses', 'last response'], 'th'),
    ...tasks.map((task) =>
      cells([
        task.taskId,
        `${task.target.method} ${task.target.url}`,
        time(task.scheduleTimeMs),
        String(task.dispatchCount),
        String(task.responseCount),
        lastResponse(task),
      ]),
    ),
    '</table>',
  ].join('\n');
}

function jobRow(job: JobRecord): string {
  const status = job.status
    ? job.lastHttpStatus !== undefined
      ? `HTTP ${job.lastHttpStatus}`
      : `code ${job.status.code}: ${job.status.message}`
    : '—';
  return cells([
    job.name,
    `${job.spec.schedule} (${job.spec.timeZone})`,
    job.state,
    `${job.spec.target.method} ${job.spec.target.url}`,
    time(job.nextRunMs),
    time(job.lastAttemptTimeMs),
    status,
  ]);
}

/** The page at `GET /`: every queue with its tasks and every job, reloading itself while you watch. */
export function renderStatusPage(state: {
  readonly queues: readonly QueueRecord[];
  readonly jobs: readonly JobRecord[];
  readonly nowMs: number;
}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>Local Cloud Tasks + Cloud Scheduler</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1em}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}th{background:#f3f3f3}</style>
</head><body>
<h1>Local Cloud Tasks + Cloud Scheduler</h1>
<p>${escapeHtml(time(state.nowMs))} · refreshes every ${REFRESH_SECONDS} s</p>
<h2>Queues (${state.queues.length})</h2>
${state.queues.map(queueSection).join('\n') || '<p>No queues.</p>'}
<h2>Scheduler jobs (${state.jobs.length})</h2>
${
  state.jobs.length
    ? `<table>\n${cells(['job', 'schedule', 'state', 'target', 'next run', 'last attempt', 'last status'], 'th')}\n${state.jobs.map(jobRow).join('\n')}\n</table>`
    : '<p>No jobs.</p>'
}
</body></html>
`;
}
