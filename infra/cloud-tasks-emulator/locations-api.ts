import type { RestRequest, RestResponse } from './rest-gateway.ts';

/**
 * google.cloud.location.Locations over REST (`GET /v1|v2/projects/P/locations[/L]`), which gcloud asks to resolve
 * a default location. The emulator serves any location, so it lists the configured ones plus those in use.
 */
export function locationsApi(
  /** Location ids (e.g. `us-central1`) to list for a project (`projects/P`). */
  known: (project: string) => readonly string[],
): (request: RestRequest) => RestResponse | undefined {
  return (request) => {
    const match = /^\/v[12]\/(projects\/[^/]+)\/locations(?:\/([^/:]+))?$/.exec(request.path);
    if (!match || request.method !== 'GET') return undefined;
    const project = match[1]!;
    const location = (id: string) => ({ name: `${project}/locations/${id}`, locationId: id, displayName: id });
    if (match[2]) return { status: 200, json: location(match[2]) };
    const ids = [...new Set(known(project))].sort();
    return { status: 200, json: { locations: ids.map(location) } };
  };
}
