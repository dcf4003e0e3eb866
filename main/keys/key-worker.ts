/**
 * The key worker's entry: runs key jobs (key-jobs.ts) for the main thread. Started by
 * key-work.ts, as TypeScript through tsx in a checkout and as out/main/key-worker.js (a
 * second entry of the main build) in the app.
 */
import { runKeyJob, type KeyJob, type KeyJobReply } from './key-jobs';
import { serveJobs } from './worker-protocol';

serveJobs<KeyJob, KeyJobReply>((job) => runKeyJob(job));
