import type protobuf from 'protobufjs';

export type RestVerb = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One `google.api.http` binding of an RPC method: how a REST request maps onto the request message. */
export interface RestRoute {
  readonly verb: RestVerb;
  readonly pattern: RegExp;
  /** Request-message field paths (camelCase, dotted) the pattern's capture groups fill, in order. */
  readonly bindings: readonly string[];
  /** `*` = the whole request is the JSON body; a field name = the body is that field; undefined = no body. */
  readonly body: string | undefined;
  readonly service: string;
  readonly method: string;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
}

interface HttpRule {
  readonly get?: string;
  readonly post?: string;
  readonly patch?: string;
  readonly put?: string;
  readonly delete?: string;
  readonly body?: string;
  readonly additional_bindings?: HttpRule | HttpRule[];
}

const VERBS = ['get', 'post', 'patch', 'put', 'delete'] as const;

/**
 * The REST routes of a service, read from its methods' `google.api.http` annotations — the same rules Google's
 * front end transcodes with, so paths, custom verbs (`:pause`) and body mapping match the real API.
 */
export function routesOf(service: protobuf.Service): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const method of service.methodsArray) {
    method.resolve();
    const parsed = (method.parsedOptions ?? []) as Record<string, unknown>[];
    const rules = parsed
      .map((option) => option['(google.api.http)'] as HttpRule | undefined)
      .filter((rule): rule is HttpRule => rule !== undefined);
    for (const rule of rules.flatMap((r): HttpRule[] => [r, ...[r.additional_bindings ?? []].flat()])) {
      const verb = VERBS.find((v) => rule[v] !== undefined);
      if (!verb) continue;
      const { pattern, bindings } = compileTemplate(rule[verb]!);
      routes.push({
        verb: verb.toUpperCase() as RestVerb,
        pattern,
        bindings,
        body: rule.body || undefined,
        service: service.fullName.replace(/^\./, ''),
        method: method.name,
        requestType: method.resolvedRequestType!,
        responseType: method.resolvedResponseType!,
      });
    }
  }
  return routes;
}

/** `/v2/{name=projects/*\/locations/*}:pause` → a RegExp over the decoded path, one capture per variable. */
export function compileTemplate(template: string): { pattern: RegExp; bindings: string[] } {
  const bindings: string[] = [];
  let source = '';
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    if (open < 0) {
      source += escapeRegExp(rest);
      break;
    }
    source += escapeRegExp(rest.slice(0, open));
    const close = rest.indexOf('}', open);
    const [field, segments = '*'] = rest.slice(open + 1, close).split('=');
    bindings.push(field!);
    source += `(${segments
      .split('/')
      .map((segment) => (segment === '**' ? '.+' : segment === '*' ? '[^/]+' : escapeRegExp(segment)))
      .join('/')})`;
    rest = rest.slice(close + 1);
  }
  return { pattern: new RegExp(`^${source}$`), bindings };
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
