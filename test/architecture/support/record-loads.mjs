// Module hooks that append the URL of every module Node loads to the file named by KDLAB_RECORD_LOADS
// (one per line). Registered with `node --import <this file>` before tsx, so it sees every load.
import { register } from 'node:module';

register(new URL('./record-loads-hooks.mjs', import.meta.url), { data: { file: process.env.KDLAB_RECORD_LOADS } });
