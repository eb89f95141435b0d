import test from 'ava';
import { loadConfig } from '../../config.ts';
import { JsonLogger } from './json-logger.ts';
import { consoleLogger, PrettyLogger } from './pretty-logger.ts';

test('pretty logs: one short line per event, the request in a few words, secrets redacted', (t) => {
  const lines: string[] = [];
  const logger = new PrettyLogger('INFO', {}, (line) => lines.push(line)).child({ service: 'api', requestId: 'r1' });
  logger.log('INFO', 'request', {
    httpRequest: { requestMethod: 'POST', requestUrl: '/v1/orders', status: 201, latency: '0.004s' },
  });
  logger.log('WARNING', 'checkout signature refused', { orderId: 'ord_1', signature: 'abc' });
  logger.log('DEBUG', 'not shown');
  t.is(lines.length, 2);
  t.regex(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} +INFO +api {2}request {2}POST \/v1\/orders 201 0\.004s$/);
  t.regex(lines[1]!, /WARNING.*checkout signature refused {2}orderId=ord_1 {2}signature=\[redacted\]$/);
  t.false(lines.some((l) => l.includes('\n')));
});

test('LOG_FORMAT: pretty or json as set; unset → pretty at a terminal, JSON elsewhere (Cloud Run)', (t) => {
  t.is(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT, 'pretty');
  t.is(loadConfig({}).LOG_FORMAT, undefined);
  t.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), { message: /LOG_FORMAT/ });
  t.true(consoleLogger(undefined, 'INFO', {}, true) instanceof PrettyLogger);
  t.true(consoleLogger(undefined, 'INFO', {}, false) instanceof JsonLogger);
  t.true(consoleLogger('json', 'INFO', {}, true) instanceof JsonLogger);
  t.true(consoleLogger('pretty', 'INFO', {}, false) instanceof PrettyLogger);
});
