/**
 * google.protobuf.Timestamp / Duration as @grpc/proto-loader hands them over with `longs: String`:
 * `seconds` is a decimal string (int64), `nanos` a number. Internally the emulator works in epoch milliseconds.
 */
export interface ProtoTime {
  seconds?: string | number | null;
  nanos?: number | null;
}

export function protoToMs(value: ProtoTime): number {
  return Number(value.seconds ?? 0) * 1000 + (value.nanos ?? 0) / 1e6;
}

export function msToProto(ms: number): { seconds: string; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}
