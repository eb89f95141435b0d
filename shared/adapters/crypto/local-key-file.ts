import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyEncryptionKey, WrappedKey } from '../../ports/key-encryption-key.ts';

/** The key file as written: every version still needed to unwrap, and the one new data keys are wrapped under. */
interface KeyFileJson {
  readonly current: string;
  readonly keys: Readonly<Record<string, string>>;
}

const VERSION = /^v[1-9][0-9]*$/;

function parse(text: string, path: string): { current: string; keys: Map<string, Buffer> } {
  const json = JSON.parse(text) as KeyFileJson;
  // versions are read into a Map: a version named in a stored record is never used as an object key
  const keys = new Map<string, Buffer>();
  for (const [version, b64] of Object.entries(json.keys ?? {})) {
    const key = Buffer.from(String(b64), 'base64');
    if (!VERSION.test(version) || key.length !== 32) throw new Error(`${path}: key ${version} is not a 256-bit v<n>`);
    keys.set(version, key);
  }
  if (typeof json.current !== 'string' || !keys.has(json.current)) throw new Error(`${path}: no current key`);
  return { current: json.current, keys };
}

/** Writes the key file beside `path` (0600 from the first byte) and renames it over `path`, or leaves it for a link. */
async function write(path: string, current: string, keys: Map<string, Buffer>, replace = true): Promise<string> {
  const json: KeyFileJson = {
    current,
    keys: Object.fromEntries([...keys].map(([version, key]) => [version, key.toString('base64')])),
  };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  if (replace) await rename(temp, path);
  return temp;
}

/**
 * A key-encryption key kept in a local file (the embedded default and the emulator topology; never on Google Cloud,
 * where Cloud KMS holds it). The file holds versioned 256-bit keys; data keys are wrapped with AES-256-GCM under the
 * current one. Created, readable by its owner only, when missing.
 */
export class LocalKeyFile implements KeyEncryptionKey {
  private constructor(
    private readonly current: string,
    private readonly keys: ReadonlyMap<string, Buffer>,
  ) {}

  /** Opens the key file at `path`, creating it with one fresh key (`v1`) when there is none. */
  static async open(path: string): Promise<LocalKeyFile> {
    try {
      const { current, keys } = parse(await readFile(path, 'utf8'), path);
      return new LocalKeyFile(current, keys);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const keys = new Map([['v1', randomBytes(32)]]);
    const temp = await write(path, 'v1', keys, false);
    try {
      // link fails when the file exists: of processes starting together, one key file wins and all use it
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const { current, keys: theirs } = parse(await readFile(path, 'utf8'), path);
      return new LocalKeyFile(current, theirs);
    } finally {
      await unlink(temp);
    }
    return new LocalKeyFile('v1', keys);
  }

  /** The key file at `path`, opened (or created) on first use: for composition roots that build synchronously. */
  static lazy(path: string): KeyEncryptionKey {
    let opened: Promise<LocalKeyFile> | null = null;
    const file = () => {
      opened ??= LocalKeyFile.open(path);
      return opened;
    };
    return {
      wrap: async (dataKey) => (await file()).wrap(dataKey),
      unwrap: async (key) => (await file()).unwrap(key),
    };
  }

  /** Adds a new key version and makes it current; the old ones stay, to unwrap what they wrapped. */
  static async rotate(path: string): Promise<string> {
    const { keys } = parse(await readFile(path, 'utf8'), path);
    const next = `v${Math.max(...[...keys.keys()].map((v) => Number(v.slice(1)))) + 1}`;
    keys.set(next, randomBytes(32));
    await write(path, next, keys);
    return next;
  }

  /** The version new data keys are wrapped under. */
  get currentVersion(): string {
    return this.current;
  }

  async wrap(dataKey: Uint8Array): Promise<WrappedKey> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.current)!, iv);
    cipher.setAAD(Buffer.from(this.current));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { keyVersion: this.current, wrapped: Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64') };
  }

  async unwrap(key: WrappedKey): Promise<Uint8Array> {
    const kek = this.keys.get(key.keyVersion);
    if (!kek) throw new Error(`no key version ${key.keyVersion.slice(0, 16)} in the key file`);
    const blob = Buffer.from(key.wrapped, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', kek, blob.subarray(0, 12));
    decipher.setAAD(Buffer.from(key.keyVersion));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
  }
}
