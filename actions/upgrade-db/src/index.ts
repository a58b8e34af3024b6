// Entry point of the bundle, for the main step and the post step alike (the post runs the same file
// with the state the main step saved): all logic is in main.ts and post.ts so tests can import it.
// The post step is a chunk of its own, so the main step's start does not load its AWS clients.
import { runner } from '@moodle-preview/core';
import { run } from './main.js';

await (runner.getState('isPost') === 'true' ? (await import('./post.js')).post() : run());
